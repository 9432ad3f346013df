"""Open Klant: klantcontacten of the VNG Klantinteracties API, from files and from the API.

tests/fixtures/openklant/page.json is one page of `GET /klantcontacten?expand=hadBetrokkenen,
gingOverOnderwerpobjecten` in the shape of Open Klant's openapi.yaml (PaginatedExpand-
KlantcontactList; `_expand` keys in camelCase as Open Klant's own tests read them): eight
klantcontacten K1..K8, newest registration first, with names and addresses of their
betrokkenen that must never be stored. Its mapping adds the kanaal WhatsApp and the local
onderwerp "verhuizing". Every expected figure is worked out by hand:

| K | kanaal (channel) | onderwerp (product) | gelukt | local time | resident |
|---|---|---|---|---|---|
| 1 | Telefoon (phone) | Paspoort (catalogue name_nl) | true | 2024-03-04 09:15:00.25 | P1 klant |
| 2 | balie (desk) | Change of address (name_en) | null | 2024-03-05 11:00 | P2 klant |
| 3 | E-mail (web) | verhuizing ([products]) | false | 2024-03-20 16:30 | P1 klant |
| 4 | Live chat (web) | Vraag over de markt (none) | true | 2024-04-02 08:00 | P5 initiator |
| 5 | WhatsApp ([channels]) | PASPOORT | true | 2024-04-10 12:00 | P2 first |
| 6 | Post: unknown_channel | | | | |
| 7 | Telefoon (phone) | Paspoort | true | 2024-04-01 00:30 (22:30Z) | no _expand |
| 8 | Balie (desk) | WOZ-beschikking | true | 2024-04-20 10:00 | klant, no partij |

A small HTTP server (http.server on 127.0.0.1, in a thread) serves the same klantcontacten
as the API does: pages of two, linked by `next`, behind a token.
"""

from __future__ import annotations

import copy
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from channelshift import main
from pipelines import dialect
from pipelines.load import SOURCES, load_openklant_api
from pipelines.settings import Settings
from pipelines.sources import openklant
from tests.conftest import FIXTURES, NOW, stored_texts

FOLDER = FIXTURES / "openklant"
PAGE, MAPPING = FOLDER / "page.json", FOLDER / "mapping.toml"
RECORDS = json.loads(PAGE.read_text())["results"]  # K8 first: newest registration first
# what must never be stored: names, an address, a free-text onderwerp, the partijen's uuids
NAMES = ("Jansen", "Bakker", "el Amrani", "Visser", "Smit", "de Vries", "Kerkstraat", "1234 AB")
PARTIJEN = tuple(f"9d0e5c2b-{n:04d}-4a6f-9b1e-5f0c3d2a1b{n:02d}" for n in range(1, 6))
TOKEN = "test-token-0123456789"
API = "/klantinteracties/api/v1/klantcontacten"
CONTACTS = (
    "select channel, strftime(occurred_at, '%Y-%m') as month, product_id, count(*), "
    "count(*) filter (is_handled) from contacts group by all order by all"
)


def k(n: int) -> str:
    """Return the uuid of klantcontact Kn of the fixture page."""
    return f"3f1c2a10-{n:04d}-4e2d-9a7b-1c2d3e4f5a{n:02d}"


def record(n: int) -> dict:
    """Return a copy of klantcontact Kn of the fixture page."""
    return copy.deepcopy(next(r for r in RECORDS if r["uuid"] == k(n)))


def lines(path: Path, records: list, before: str = "") -> Path:
    """Write records as JSON lines (after the text `before`) and return the path."""
    path.write_text(before + "".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture
def loaded(load):
    """The catalogue and the fixture page with its mapping, loaded as if today were NOW."""
    load("products", "products.csv")
    (run,) = load("openklant", PAGE, mapping=MAPPING)
    return run


# --- what a delivery loads ------------------------------------------------------------------


def test_klantcontacten_read_loaded_and_rejected(loaded, query):
    assert loaded.status == "ok", loaded.summary()
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected) == (8, 7, 1)
    assert query("select line_number, column_name, value, reason from load_rejects") == [
        (3, "channel", "Post", "unknown_channel")  # K6, the third record of the page
    ]


def test_counts_per_channel_month_and_product(loaded, query):
    """(channel, month, product, contacts, handled); K3's contact did not succeed."""
    assert query(CONTACTS) == [
        ("desk", "2024-03", "verhuismelding", 1, 1),  # K2: gelukt null counts as handled
        ("desk", "2024-04", "woz-beschikking", 1, 1),  # K8
        ("phone", "2024-03", "paspoort", 1, 1),  # K1
        ("phone", "2024-04", "paspoort", 1, 1),  # K7: 22:30Z on 31 March is 00:30 in April
        ("web", "2024-03", "verhuismelding", 1, 0),  # K3: [products] verhuizing
        ("web", "2024-04", "paspoort", 1, 1),  # K5: WhatsApp, PASPOORT
        ("web", "2024-04", None, 1, 1),  # K4: an onderwerp of no product
    ]


def test_times_are_amsterdam_time_from_their_offsets(loaded, query):
    assert query(
        "select contact_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S.%f') from contacts "
        "where contact_id in (?, ?, ?) order by 2",
        [k(1), k(2), k(7)],
    ) == [
        (k(1), "2024-03-04 09:15:00.250000"),  # +01:00, with a fraction
        (k(2), "2024-03-05 11:00:00.000000"),  # Z in winter: +1
        (k(7), "2024-04-01 00:30:00.000000"),  # Z in summer: +2
    ]


def test_the_resident_is_the_klant_else_the_initiator_else_the_first(loaded, query):
    """K1 and K3 are P1's (K3's initiator is a vertegenwoordiger), K2 and K5 P2's (K5 has one
    betrokkene, no klant, no initiator), K4 is P5's (the initiator); K7 has no _expand and
    K8's klant no partij: no resident."""
    keys = dict(query("select contact_id, citizen_key from contacts"))
    assert keys[k(1)] == keys[k(3)] and keys[k(2)] == keys[k(5)]
    assert len({keys[k(1)], keys[k(2)], keys[k(4)]}) == 3
    assert (keys[k(7)], keys[k(8)]) == (None, None)


def test_no_name_onderwerp_or_partij_anywhere_in_the_store(loaded, db):
    with duckdb.connect(str(db), read_only=True) as con:
        texts = stored_texts(con)
    leaked = [t for t in texts for s in (*NAMES, *PARTIJEN, "Vraag over de markt") if s in t]
    assert leaked == []


def test_a_reject_keeps_the_fields_read_with_the_resident_masked(loaded, query):
    (raw,) = query("select raw_line from load_rejects")[0]
    assert json.loads(raw) == {
        "uuid": k(6),
        "plaatsgevondenOp": "2024-04-11T09:00:00+02:00",
        "kanaal": "Post",
        "indicatieContactGelukt": "true",
        "wasPartij": "***",
    }


def test_without_a_catalogue_only_the_mapping_names_products(load, query):
    (run,) = load("openklant", PAGE, mapping=MAPPING)
    assert run.rows_loaded == 7
    assert query("select product_id, count(*) from contacts group by all order by all") == [
        ("verhuismelding", 1),  # K3 by [products]; K2's English name needs the catalogue
        (None, 6),
    ]


def test_the_built_in_kanalen_need_no_mapping(load, query):
    (run,) = load("openklant", PAGE)
    assert run.reasons == {"unknown_channel": 2}  # Post, and WhatsApp without the mapping
    assert query("select value from load_rejects order by 1") == [("Post",), ("WhatsApp",)]


def test_a_mapping_overrides_a_built_in_kanaal_in_any_case(load, query, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('source = "openklant"\n[channels]\n"LIVE CHAT" = "phone"\npost = "desk"\n')
    (run,) = load("openklant", PAGE, mapping=mapping)
    assert run.reasons == {"unknown_channel": 1}  # WhatsApp
    assert query(
        "select contact_id, channel from contacts where contact_id in (?, ?) order by 1",
        [k(4), k(6)],
    ) == [(k(4), "phone"), (k(6), "desk")]


def test_a_second_delivery_of_the_same_records_changes_nothing(loaded, load, query):
    (again,) = load("openklant", PAGE, mapping=MAPPING, force=True)
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 7)
    assert query("select count(*) from contacts") == [(7,)]


def test_a_corrected_kanaal_replaces_the_registration(loaded, load, query, tmp_path):
    """K1 was registered as a call and corrected to a visit: still one contact, a desk one.

    Needs contacts keyed by (source, contact_id): keyed by (channel, contact_id), the call
    stays beside the visit.
    """
    corrected = record(1) | {"kanaal": "Balie"}
    (run,) = load("openklant", lines(tmp_path / "corrected.jsonl", [corrected]))
    assert (run.rows_inserted, run.rows_updated) == (0, 1)
    assert query("select channel from contacts where contact_id = ?", [k(1)]) == [("desk",)]
    assert query("select count(*) from contacts") == [(7,)]


# --- the shapes of a delivery ---------------------------------------------------------------


def _shapes(tmp_path: Path) -> dict[str, Path]:
    """The fixture page as an array, as JSON lines, and as a folder of three pages."""
    array = tmp_path / "array.json"
    array.write_text(json.dumps(RECORDS, indent=1))
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, part in (("p1", RECORDS[:1]), ("p2", RECORDS[1:5]), ("p3", RECORDS[5:])):
        page = {"count": 8, "next": None, "previous": None, "results": part}
        (folder / f"{name}.json").write_text(json.dumps(page))
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(json.loads(PAGE.read_text())))
    return {
        "array": array,
        "lines": lines(tmp_path / "records.jsonl", RECORDS),
        "folder": folder,
        "compact page": compact,
    }


@pytest.mark.parametrize("shape", ["array", "lines", "folder", "compact page"])
def test_every_shape_loads_the_same_contacts(loaded, load, query, tmp_path, shape):
    """The same records as the page, numbered the same: by place, in a folder running on."""
    before = query(CONTACTS)
    (run,) = load("openklant", _shapes(tmp_path)[shape], mapping=MAPPING, force=True)
    assert (run.rows_read, run.rows_loaded, run.rows_unchanged) == (8, 7, 7), run.summary()
    assert query(CONTACTS) == before
    assert query("select line_number from load_rejects where run_id = ?", [run.run_id]) == [(3,)]


def test_json_lines_are_numbered_by_line(load, query, tmp_path):
    """Blank lines take their numbers: K6 is on line 5."""
    load("openklant", lines(tmp_path / "k.jsonl", RECORDS, before="\n\n"), mapping=MAPPING)
    assert query("select line_number, reason from load_rejects") == [(5, "unknown_channel")]
    assert query("select line_number from contacts where contact_id = ?", [k(8)]) == [(3,)]


def test_a_folder_is_read_in_name_order_and_skips_hidden_files(load, query, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    lines(folder / "b.jsonl", [record(1)])
    lines(folder / "a.jsonl", [record(2), record(3)])
    (folder / ".partial").write_text("{")
    (run,) = load("openklant", folder)
    assert run.rows_read == 3
    assert query("select line_number, contact_id from contacts order by 1") == [
        (1, k(2)),
        (2, k(3)),
        (3, k(1)),
    ]


def test_a_folder_that_changed_loads_again_and_one_that_did_not_is_skipped(load, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    lines(folder / "a.jsonl", [record(1)])
    assert load("openklant", folder)[0].status == "ok"
    assert load("openklant", folder)[0].status == "skipped"
    lines(folder / "b.jsonl", [record(2)])
    assert load("openklant", folder)[0].rows_inserted == 1


@pytest.mark.parametrize("batch_bytes", [1, 5_000, 20_000])
def test_batches_cut_anywhere_give_the_same_contacts(
    load, query, tmp_path, monkeypatch, batch_bytes
):
    """K1 comes twice, corrected the second time: the last line wins across batches too, and
    the earlier one is a duplicate_key reject with its own line."""
    corrected = record(1) | {"onderwerp": "WOZ-beschikking"}
    path = lines(tmp_path / "k.jsonl", [*RECORDS, corrected])
    load("products", "products.csv")
    monkeypatch.setattr(dialect, "BATCH_BYTES", batch_bytes)
    (run,) = load("openklant", path, mapping=MAPPING)
    assert (run.rows_read, run.rows_loaded, run.reasons) == (
        9,
        7,
        {"unknown_channel": 1, "duplicate_key": 1},
    )
    assert query("select line_number, reason from load_rejects order by 1") == [
        (3, "unknown_channel"),
        (8, "duplicate_key"),
    ]
    assert query("select product_id, line_number from contacts where contact_id = ?", [k(1)]) == [
        ("woz-beschikking", 9)
    ]


# --- hostile deliveries: every record accounted for, nothing leaked --------------------------


def _dated(when: object) -> dict:
    return record(1) | {"plaatsgevondenOp": when}


@pytest.mark.parametrize(
    ("case", "line", "rejects"),
    [
        ("broken line", '{"uuid": "x", "contactnaam": "Jan Jansen"', [(None, "invalid_json")]),
        ("an array", json.dumps([record(1)]), [(None, "not_an_object")]),
        ("a text", '"Jan Jansen"', [(None, "not_an_object")]),
        ("a number", "42", [(None, "not_an_object")]),
        ("null", "null", [(None, "not_an_object")]),
        ("no uuid", json.dumps(record(1) | {"uuid": None}), [("contact_id", "missing_id")]),
        ("uuid a number", json.dumps(record(1) | {"uuid": 7}), [("contact_id", "missing_id")]),
        ("no date", json.dumps(_dated(None)), [("started_at", "missing_timestamp")]),
        (
            "date left out",
            json.dumps({"uuid": k(1), "kanaal": "Balie"}),
            [("started_at", "missing_timestamp")],
        ),
        (
            "year 1",
            json.dumps(_dated("0001-01-01T00:00:00Z")),
            [("started_at", "implausible_date")],
        ),
        (
            "year 9999",
            json.dumps(_dated("9999-12-31T23:59:59Z")),
            [("started_at", "future_timestamp")],
        ),
        (
            "31 February",
            json.dumps(_dated("2024-02-31T10:00:00Z")),
            [("started_at", "invalid_date")],
        ),
        ("words", json.dumps(_dated("gisteren")), [("started_at", "invalid_date")]),
        ("a number date", json.dumps(_dated(1711929600)), [("started_at", "invalid_date")]),
        (
            "an object date",
            json.dumps(_dated({"naam": "Jansen"})),
            [("started_at", "invalid_date")],
        ),
        ("no kanaal", json.dumps(record(1) | {"kanaal": ""}), [("channel", "missing_value")]),
        (
            "gelukt ja",
            json.dumps(record(1) | {"indicatieContactGelukt": "ja"}),
            [("contact_succeeded", "invalid_boolean")],
        ),
    ],
)
def test_hostile_records(load, query, db, tmp_path, case, line, rejects):
    """The bad record is a reject on its own line (2, after a good K2); the others load."""
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record(2)) + "\n" + line + "\n" + json.dumps(record(3)) + "\n")
    (run,) = load("openklant", path)
    assert (run.status, run.rows_read, run.rows_loaded) == ("ok", 3, 2), run.summary()
    assert query("select column_name, reason from load_rejects where line_number = 2") == rejects
    with duckdb.connect(str(db), read_only=True) as con:
        assert [t for t in stored_texts(con) for s in (*NAMES, *PARTIJEN) if s in t] == []


def test_a_line_that_is_no_object_is_kept_only_as_what_it_is(load, query, tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_text('{"volledigeNaam": "Jan Jansen"\n["Jan Jansen"]\n' + json.dumps(record(1)))
    load("openklant", path)
    assert query("select line_number, value, raw_line from load_rejects order by 1") == [
        (1, None, "<no JSON, 30 bytes, not an object>"),
        (2, None, "<JSON array, not an object>"),
    ]


def test_an_array_numbers_a_bad_element_by_its_place(load, query, tmp_path):
    path = tmp_path / "array.json"
    path.write_text(json.dumps([record(1), "Jan Jansen", record(2) | {"uuid": ""}]))
    (run,) = load("openklant", path)
    assert run.rows_loaded == 1
    assert query("select line_number, reason from load_rejects order by 1") == [
        (2, "not_an_object"),
        (3, "missing_id"),
    ]


def test_two_different_broken_lines_are_two_rejects(load, tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(record(1)) + '\n{"a": 1\n{"b": 2\n{"a": 1\n')
    (run,) = load("openklant", path)
    assert (run.rows_rejected, run.rows_duplicate) == (2, 1)  # lines 2 and 4 are copies


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("contact_id,started_at\nK1,2024-01-01\n", "not an export of Open Klant"),
        ("42\n", "not an export of Open Klant"),
        ('[{"uuid": "x", "volledigeNaam": "Jan Jansen"', "not JSON: Expecting"),
        ('{\n  "uuid": "x",\n  "volledigeNaam": "Jan Jansen"\n}\n', "no page"),
        ('{"count": 1, "results": "Jan Jansen"}', "no page"),
    ],
)
def test_a_file_that_is_no_delivery_fails_with_one_line_naming_no_one(
    load, tmp_path, text, problem
):
    path = tmp_path / "delivery.json"
    path.write_text(text)
    (run,) = load("openklant", path)
    assert run.status == "failed"
    assert problem in run.message and "Jansen" not in run.message


def test_an_empty_folder_fails(load, tmp_path):
    (tmp_path / "pages").mkdir()
    (run,) = load("openklant", tmp_path / "pages")
    assert (run.status, run.message) == (
        "failed",
        "a folder without files: no page of klantcontacten",
    )


# --- the mapping file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'source = "openklant"\n[channels]\nPost = "letter"\n',
            "[channels] 'letter': a channel is",
        ),
        ('source = "openklant"\n[channels]\nPost = ""\n', "[channels] 'Post': empty"),
        ('source = "openklant"\n[teams]\nq = "KCC"\n', "[teams] names queues: only a queue-log"),
        ('source = "openklant"\n[columns]\nchannel = "kanaal"\n', "[columns] does not apply"),
        ('source = "openklant"\n[dialect]\nencoding = "cp1252"\n', "[dialect] encoding does not"),
        (
            'source = "phone"\n[channels]\nPost = "web"\n',
            "only a openklant or volumes mapping has them",
        ),
    ],
)
def test_a_mapping_that_does_not_fit_fails(tmp_path, text, problem):
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    schema = SOURCES["openklant" if "openklant" in text else "phone"].SCHEMA
    with pytest.raises(dialect.FileError) as failed:
        dialect.read_mapping(path, schema)
    assert problem in failed.value.problem


def test_the_example_mapping_in_the_docs_reads():
    example = Path(__file__).parents[1] / "docs" / "openklant_mapping.toml"
    mapping = dialect.read_mapping(example, openklant.SCHEMA)
    assert mapping.channels and mapping.products


# --- pulling from the API -------------------------------------------------------------------


class Api:
    """What the test server serves: klantcontacten newest registration first, in pages of two,
    behind a token; `failures` makes a page answer 500 that many times."""

    def __init__(self):
        self.records = copy.deepcopy(RECORDS)
        self.failures: dict[int, int] = {}
        self.requests: list[dict] = []  # the query of each request, with its Authorization
        self.next_host: str | None = None  # a next link to another server
        self.url = ""  # the klantcontacten address, once the server runs


class _Handler(BaseHTTPRequestHandler):
    api: Api
    size = 2

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.api.requests.append(query | {"auth": self.headers.get("Authorization")})
        if url.path == "/moved":
            self.send_response(302)
            self.send_header("Location", API)
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if url.path != API:
            return self._send(404, {"detail": "Niet gevonden."})
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._send(401, {"detail": "Ongeldige token."})
        page = int(query.get("page", 1))
        if self.api.failures.get(page):
            self.api.failures[page] -= 1
            return self._send(500, {"detail": "Server error"})
        records = self.api.records
        results = copy.deepcopy(records[(page - 1) * self.size : page * self.size])
        if "hadBetrokkenen" not in query.get("expand", "").split(","):
            for result in results:
                result.pop("_expand", None)
        host = self.api.next_host or f"127.0.0.1:{self.server.server_port}"

        def link(number: int) -> str:
            return f"http://{host}{API}?" + urllib.parse.urlencode(query | {"page": number})

        last = (len(records) + self.size - 1) // self.size
        return self._send(
            200,
            {
                "count": len(records),
                "next": link(page + 1) if page < last else None,
                "previous": link(page - 1) if page > 1 else None,
                "results": results,
            },
        )

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture
def api(monkeypatch) -> Iterator[Api]:
    """What a running test server serves, and where; the token in the environment."""
    served = Api()
    handler = type("Handler", (_Handler,), {"api": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(openklant.TOKEN_ENV, TOKEN)
    monkeypatch.setattr(openklant, "RETRY_SECONDS", 0)
    try:
        served.url = f"http://127.0.0.1:{server.server_port}{API}"
        yield served
    finally:
        server.shutdown()
        server.server_close()


def pulled(db: Path, url: str, **kw):
    """Pull from the API with the fixture mapping, as if today were NOW."""
    return load_openklant_api(db, url, MAPPING, now=NOW, settings=Settings(), **kw)


def test_a_first_pull_walks_every_page(api, db, load, query):
    load("products", "products.csv")
    (run,) = pulled(db, api.url)
    assert (run.source, run.file, run.rows_read, run.rows_loaded) == ("openklant", api.url, 8, 7)
    assert [r.get("page", "1") for r in api.requests] == ["1", "2", "3", "4"]
    assert {(r["pageSize"], r["expand"], r["auth"]) for r in api.requests} == {
        ("500", "hadBetrokkenen,gingOverOnderwerpobjecten", f"Token {TOKEN}")
    }
    assert query(CONTACTS) == [
        ("desk", "2024-03", "verhuismelding", 1, 1),
        ("desk", "2024-04", "woz-beschikking", 1, 1),
        ("phone", "2024-03", "paspoort", 1, 1),
        ("phone", "2024-04", "paspoort", 1, 1),
        ("web", "2024-03", "verhuismelding", 1, 0),
        ("web", "2024-04", "paspoort", 1, 1),
        ("web", "2024-04", None, 1, 1),
    ]


def test_a_daily_pull_walks_back_to_the_window_and_loads_nothing_twice(api, db, load, query):
    """The newest stored is K8 (20 April 10:00): the window reaches back to 13 April 10:00.
    Since the last pull, K9 (25 April) and a back-dated K10 (15 April) were registered and
    K8's onderwerp was corrected. Page 3 (K6 11 April, K5 10 April) is wholly older: the
    walk ends there, and page 4 is not asked for."""
    load("products", "products.csv")
    pulled(db, api.url)
    api.requests.clear()
    k9 = record(4) | {"uuid": "3f1c2a10-0009-4e2d-9a7b-1c2d3e4f5a09"}
    k9["plaatsgevondenOp"] = "2024-04-25T09:00:00+02:00"
    k10 = record(4) | {"uuid": "3f1c2a10-0010-4e2d-9a7b-1c2d3e4f5a10"}
    k10["plaatsgevondenOp"] = "2024-04-15T09:00:00+02:00"
    api.records[0]["onderwerp"] = "Paspoort"
    api.records[:0] = [k10, k9]
    (run,) = pulled(db, api.url)
    assert [r.get("page", "1") for r in api.requests] == ["1", "2", "3"]
    assert (run.rows_read, run.rows_inserted, run.rows_updated, run.rows_unchanged) == (6, 2, 1, 2)
    assert run.reasons == {"unknown_channel": 1}  # K6 again
    assert query("select count(*), count(distinct contact_id) from contacts") == [(9, 9)]
    assert query("select product_id from contacts where contact_id = ?", [k(8)]) == [("paspoort",)]


def test_a_pull_picks_up_a_corrected_kanaal_which_replaces_the_contact(api, db, query):
    """K7's call was a visit after all. Needs contacts keyed by (source, contact_id)."""
    pulled(db, api.url)
    next(r for r in api.records if r["uuid"] == k(7))["kanaal"] = "Balie"
    (run,) = pulled(db, api.url)
    assert (run.rows_inserted, run.rows_updated) == (0, 1)
    assert query("select channel from contacts where contact_id = ?", [k(7)]) == [("desk",)]
    assert query("select count(*) from contacts") == [(7,)]


def test_the_same_pages_again_are_skipped(api, db):
    """The second pull reads two pages (the window), the first read four: the third pull
    gets the second's pages."""
    pulled(db, api.url)
    assert pulled(db, api.url)[0].rows_unchanged == 3  # K8, K7, K5 (K6 a reject)
    assert pulled(db, api.url)[0].status == "skipped"


def test_a_server_error_once_is_asked_again(api, db, query):
    api.failures[2] = 1
    (run,) = pulled(db, api.url)
    assert run.rows_read == 8
    assert [r.get("page", "1") for r in api.requests] == ["1", "2", "2", "3", "4"]


def test_a_server_that_keeps_failing_stores_nothing(api, db, load, query):
    load("products", "products.csv")
    pulled(db, api.url)
    runs = query("select count(*) from load_runs")
    api.records[0]["onderwerp"] = "Paspoort"
    api.failures[2] = 5
    with pytest.raises(openklant.PullError) as failed:
        pulled(db, api.url)
    assert str(failed.value) == (
        f"{api.url}: page 2 failed 3 times (last: HTTP 500); nothing loaded"
    )
    assert query("select count(*) from load_runs") == runs
    assert query("select product_id from contacts where contact_id = ?", [k(8)]) == [
        ("woz-beschikking",)
    ]


def test_a_wrong_token_is_refused_and_nothing_stored(api, db, monkeypatch):
    monkeypatch.setenv(openklant.TOKEN_ENV, "wrong-token")
    with pytest.raises(openklant.PullError) as failed:
        pulled(db, api.url)
    assert str(failed.value) == (
        f"{api.url}: page 1: the API refused the token (HTTP 401); check {openklant.TOKEN_ENV}"
    )
    assert not db.exists()


def test_no_token_asks_for_one(api, db, monkeypatch):
    monkeypatch.delenv(openklant.TOKEN_ENV)
    with pytest.raises(openklant.PullError, match=openklant.TOKEN_ENV):
        pulled(db, api.url)
    assert api.requests == []


def test_a_next_link_to_another_server_is_not_followed(api, db):
    api.next_host = "elsewhere.example:8000"
    with pytest.raises(openklant.PullError, match="another server"):
        pulled(db, api.url)
    assert len(api.requests) == 1


def test_a_redirect_does_not_carry_the_token(api, db):
    moved = api.url.replace(API, "/moved")
    with pytest.raises(openklant.PullError, match="refused the token"):
        pulled(db, moved)
    assert [r["auth"] for r in api.requests] == [f"Token {TOKEN}", None]


@pytest.mark.parametrize("url", ["openklant.example.nl/klantcontacten", "file:///etc/passwd"])
def test_an_address_that_is_no_api_is_refused(db, monkeypatch, url):
    monkeypatch.setenv(openklant.TOKEN_ENV, TOKEN)
    with pytest.raises(openklant.PullError, match="not an address of an API"):
        pulled(db, url)


def test_pulled_pages_keep_no_names(api, tmp_path):
    assert openklant.pull(api.url, tmp_path, None, TOKEN) == 4
    texts = [p.read_text() for p in sorted(tmp_path.iterdir())]
    assert min(p.name for p in tmp_path.iterdir()) == "page-000001.json"
    assert [s for s in NAMES if any(s in t for t in texts)] == []
    assert PARTIJEN[0] in texts[3]  # K1's resident: what the load pseudonymises


def test_the_cli_pulls_and_names_the_address(api, db, capsys):
    code = main(["load", "--db", str(db), "--source", "openklant", "--from-api", api.url])
    assert code == 0
    assert f"openklant {api.url}: read 8, loaded 6" in capsys.readouterr().out  # no mapping


def test_the_cli_says_why_a_pull_failed(api, db, capsys, monkeypatch):
    monkeypatch.setenv(openklant.TOKEN_ENV, "wrong-token")
    code = main(["load", "--db", str(db), "--source", "openklant", "--from-api", api.url])
    assert code == 2
    err = capsys.readouterr().err
    assert "refused the token (HTTP 401)" in err and "wrong-token" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["--source", "openklant"],
        ["--source", "openklant", "--from-api", "http://127.0.0.1:1/x", "page.json"],
        ["--source", "phone", "--from-api", "http://127.0.0.1:1/x"],
    ],
)
def test_the_cli_wants_files_or_an_api_of_open_klant(db, args):
    with pytest.raises(SystemExit) as exited:
        main(["load", "--db", str(db), *args])
    assert exited.value.code == 2


def test_the_window_is_a_setting():
    assert Settings().openklant.window_days == 7
    assert Settings.model_validate({"openklant": {"window_days": 30}}).openklant.window_days == 30


def test_a_pull_with_a_wider_window_walks_further(api, db):
    pulled(db, api.url)
    api.requests.clear()
    api.records[0]["onderwerp"] = "Paspoort"
    settings = Settings.model_validate({"openklant": {"window_days": 30}})
    load_openklant_api(db, api.url, MAPPING, now=NOW, settings=settings)
    assert [r.get("page", "1") for r in api.requests] == ["1", "2", "3", "4"]
