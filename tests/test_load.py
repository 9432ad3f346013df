"""Loading into the store: counts, idempotency, re-delivery, atomicity, readers, privacy."""

import hashlib
import hmac
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines import privacy, store
from pipelines.load import SOURCES
from pipelines.sources import phone, web
from tests.conftest import FIXTURES

RAW_REFS = ["123456782", "111222333", "06-12345678", "0612345678", "jan@example.org"]


def test_fixture_files_load_with_their_counts(load, query):
    (run,) = load("phone", "phone_bad.csv")
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_inserted) == ("ok", 15, 3, 3)
    assert (run.rows_duplicate, run.rows_rejected, run.rows_updated) == (1, 11, 0)
    assert query("select count(*) from contacts") == [(3,)]
    assert query("select count(distinct line_number) from load_rejects") == [(11,)]
    assert query(
        "select rows_read, rows_loaded, rows_inserted, rows_updated, rows_unchanged, "
        "rows_duplicate, rows_rejected, status from load_runs"
    ) == [(15, 3, 3, 0, 0, 1, 11, "ok")]


EARLIER = {  # one record of each source, with a key none of the fixtures uses
    "phone": "contact_id,started_at,team,wait_seconds,talk_seconds,abandoned\n"
    "T-earlier,2024-04-01T09:00:00,KCC,1,2,false\n",
    "web": "contact_id,submitted_at,product_id,completed\nW-earlier,2024-04-01T09:00:00,x,true\n",
}


@pytest.mark.parametrize("batch_bytes", [60, 150, 250])
@pytest.mark.parametrize(
    ("source", "file", "schema"),
    [("phone", "phone_bad.csv", phone.SCHEMA), ("web", "web_canonical.csv", web.SCHEMA)],
    ids=["keys-across-batches", "keys-within-batches"],
)
@pytest.mark.parametrize("first", [True, False], ids=["first-load", "beside-stored-rows"])
def test_a_file_read_in_batches_loads_as_read_whole(
    load, query, db, tmp_path, monkeypatch, batch_bytes, source, file, schema, first
):
    """Big files are read in batches; keys, duplicates and rejects span the batches.

    A source's first load writes its batches straight into the table; a later one collects
    them in a temporary table for the upsert. Both resolve keys across batches alike.
    """
    from pipelines import dialect

    earlier = tmp_path / f"{source}_earlier.csv"
    earlier.write_text(EARLIER[source])
    tables = {
        "contacts": "select * exclude (run_id) from contacts order by all",
        "load_rejects": "select * exclude (run_id) from load_rejects order by all",
    }

    def fresh_load():
        if db.exists():
            with duckdb.connect(str(db)) as con:
                con.execute("delete from contacts; delete from load_rejects; delete from load_runs")
        if not first:
            load(source, earlier)
        (run,) = load(source, file)
        return run

    whole = fresh_load()
    expected = {name: query(sql) for name, sql in tables.items()}
    monkeypatch.setattr(dialect, "BATCH_BYTES", batch_bytes)
    assert len(list(dialect.read_batches(FIXTURES / file, schema, None, batch_bytes))) > 1
    batched = fresh_load()
    counts = ("rows_read", "rows_loaded", "rows_inserted", "rows_duplicate", "rows_rejected")
    assert [getattr(batched, c) for c in counts] == [getattr(whole, c) for c in counts]
    assert batched.reasons == whole.reasons
    assert {name: query(sql) for name, sql in tables.items()} == expected


def test_stored_rows_trace_to_their_run_and_line(load, query):
    load("phone", "phone_bad.csv")
    (again,) = load("web", "web_canonical.csv")
    assert query(
        "select contact_id, run_id, line_number from contacts where channel = 'phone' order by 1"
    ) == [("T-dup", 1, 15), ("T-ok", 1, 14), ("T-untagged", 1, 16)]
    web_lines = query("select line_number from contacts where channel = 'web' order by 1")
    assert web_lines == [(2,), (3,), (4,), (5,), (6,)]
    assert again.run_id == 2


def test_handled_rule_per_channel(load, query):
    load("web", "web_canonical.csv")
    load("phone", "phone_acd.csv", mapping="phone_mapping.toml")
    load("desk", "desk_dutch.csv")
    got = query(
        "select channel, count(*), count(*) filter (where is_handled) "
        "from contacts group by channel order by channel"
    )
    # web: W-2 not completed; phone: G-2 abandoned; desk: always handled
    assert got == [("desk", 8, 8), ("phone", 3, 2), ("web", 5, 4)]


def test_mapping_file_load_converts_units_and_times(load, query):
    load("phone", "phone_acd.csv", mapping="phone_mapping.toml")
    got = query(
        "select contact_id, occurred_at, product_id, wait_seconds, handle_seconds, "
        "is_abandoned, is_resolved_first_contact from contacts order by contact_id"
    )
    assert got == [
        ("G-1", datetime(2024, 3, 31, 23, 30), "verhuismelding", 12.5, 300.0, False, True),
        ("G-2", datetime(2024, 4, 1, 0, 10), None, 40.0, 0.0, True, None),
        ("G-3", datetime(2024, 4, 2, 9, 15), "woz-beschikking", 1234.5, 95.25, False, False),
    ]


def test_same_file_twice_changes_nothing(load, db):
    load("phone", "phone_bad.csv")
    before = _dump(db, exclude={"load_runs"})
    (again,) = load("phone", "phone_bad.csv")
    assert again.status == "skipped"
    assert _dump(db, exclude={"load_runs"}) == before


@pytest.mark.parametrize("late", [False, True])
def test_a_file_loaded_before_is_skipped_whenever_its_digest_comes(
    load, db, query, monkeypatch, late
):
    """The file's SHA-256 is read in a thread beside the load. A file loaded before is
    skipped, and nothing of it stored, whether its digest is known before the first batch
    or only after the last (a slow disk); each run records the digest."""
    import hashlib
    import threading

    from pipelines import dialect
    from pipelines import load as loading

    monkeypatch.setattr(dialect, "BATCH_BYTES", 60)  # several batches
    load("phone", "phone_bad.csv")
    before = _dump(db, exclude={"load_runs"})
    if late:  # the digest waits until every batch has been read
        read_all = threading.Event()
        real_batches, real_digest = loading._load_batches, loading._sha256
        monkeypatch.setattr(
            loading, "_sha256", lambda path: read_all.wait(10) and real_digest(path)
        )
        monkeypatch.setattr(
            loading,
            "_load_batches",
            lambda *a, **kw: (real_batches(*a, **kw), read_all.set())[0],
        )
    (again,) = load("phone", "phone_bad.csv")
    assert (again.status, again.rows_read) == ("skipped", 0)
    assert again.message == "same file and mapping already loaded in run 1"
    assert _dump(db, exclude={"load_runs"}) == before
    digest = hashlib.sha256((FIXTURES / "phone_bad.csv").read_bytes()).hexdigest()
    assert query("select status, file_sha256 from load_runs order by run_id") == [
        ("ok", digest),
        ("skipped", digest),
    ]


def test_a_failed_load_records_the_files_digest(load, query, tmp_path):
    bad = tmp_path / "web.csv"
    bad.write_bytes(b"\x00\x01binary")
    (run,) = load("web", bad)
    assert run.status == "failed"
    import hashlib

    assert query("select file_sha256 from load_runs") == [
        (hashlib.sha256(bad.read_bytes()).hexdigest(),)
    ]


def test_a_batch_that_fails_to_store_fails_the_file_and_stores_nothing(
    load, db, query, monkeypatch
):
    """Batches are stored in a thread beside the checks of the next; a failure there fails
    the file as one in the main thread would: nothing of it is stored."""
    from pipelines import dialect
    from pipelines import load as loading

    monkeypatch.setattr(dialect, "BATCH_BYTES", 60)  # several batches
    real, calls = loading._store, []

    def failing(*args):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(loading, "_store", failing)
    (run,) = load("phone", "phone_bad.csv")
    assert run.status == "failed" and "disk full" in run.message
    assert len(calls) == 2
    assert query("select count(*) from contacts") == [(0,)]
    assert query("select count(*) from load_rejects") == [(0,)]


def test_forced_reload_of_same_file_counts_every_row_unchanged(load, db):
    load("phone", "phone_bad.csv")
    before = _dump(db, exclude={"load_runs", "load_rejects"})
    (again,) = load("phone", "phone_bad.csv", force=True)
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert _dump(db, exclude={"load_runs", "load_rejects"}) == before


def test_redelivered_record_replaces_the_old_one(load, query, tmp_path):
    first = tmp_path / "products_v1.csv"
    shutil.copy(FIXTURES / "products.csv", first)
    second = tmp_path / "products_v2.csv"
    second.write_text(
        "product_id,name_nl,category,digital_since\n"
        "paspoort,Paspoort,Burgerzaken,2025-01-01\n"
        "brpUittr,BRP-uittreksel,Burgerzaken,2010-06-01\n"
        "rijbewijs,Rijbewijs,Burgerzaken,\n"
    )
    load("products", first)
    (run,) = load("products", second)
    # paspoort changed; brpUittr lost its English name and URI (the latest load wins)
    assert (run.rows_inserted, run.rows_updated, run.rows_unchanged) == (1, 2, 0)
    assert query("select count(*) from products") == [(5,)]
    assert query(
        "select p.digital_since, p.run_id from products p where product_id = 'paspoort'"
    ) == [(datetime(2025, 1, 1).date(), run.run_id)]


def test_failure_mid_file_leaves_nothing_of_that_file(load, query, monkeypatch):
    load("desk", "desk_dutch.csv")
    before = query("select * from contacts order by contact_id")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("pipelines.load._rejects", broken)  # after the upsert ran
    (run,) = load("phone", "phone_bad.csv")
    assert (run.status, run.rows_loaded) == ("failed", 0)
    assert "disk full" in run.message
    assert query("select * from contacts order by contact_id") == before
    assert query("select status from load_runs order by run_id") == [("ok",), ("failed",)]


def test_crash_before_publishing_leaves_the_live_file_as_it_was(load, db, monkeypatch):
    load("desk", "desk_dutch.csv")
    before = db.read_bytes()

    class Killed(BaseException):
        """Stands in for a SIGKILL: nothing after it runs."""

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr("pipelines.load._record", killed)
    with pytest.raises(Killed):
        load("phone", "phone_bad.csv")
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".next").exists()


def test_load_succeeds_while_a_reader_holds_the_store_open(load, db):
    load("desk", "desk_dutch.csv")
    reader = store.read_only(db)
    try:
        (run,) = load("web", "web_canonical.csv")
        assert run.status == "ok"
        # the open reader keeps its snapshot; a new reader sees the load
        assert reader.execute("select count(*) from contacts").fetchone() == (8,)
        with store.read_only(db) as fresh:
            assert fresh.execute("select count(*) from contacts").fetchone() == (13,)
    finally:
        reader.close()


def test_failed_file_does_not_stop_the_others(load, query, tmp_path):
    bad = tmp_path / "web.xlsx"
    bad.write_bytes(b"PK\x03\x04\x00\x00")
    runs = load("web", bad, FIXTURES / "web_canonical.csv")
    assert [r.status for r in runs] == ["failed", "ok"]
    assert "not a CSV, Parquet or Excel file" in runs[0].message
    assert query("select count(*) from contacts") == [(5,)]


@pytest.mark.parametrize(
    ("bad", "mapping", "problem"),
    [
        # neither UTF-8 nor cp1252: 0x81 is unassigned
        (
            b"\x81",
            None,
            "not cp1252 text: line 41, byte {offset} is 0x81 "
            "(the file is not UTF-8, so cp1252 was tried)",
        ),
        (
            "\u00e9".encode("cp1252"),
            '[dialect]\nencoding = "ascii"\n',
            "not ascii text: line 41, byte {offset} is 0xE9 (the mapping's encoding)",
        ),
    ],
)
def test_undecodable_byte_in_a_later_batch_fails_the_file_naming_the_byte(
    load, query, tmp_path, monkeypatch, bad, mapping, problem
):
    from pipelines import dialect

    head = "contact_id;submitted_at;product_id;completed\n"
    lines = [f"W{i};2024-03-0{i % 9 + 1} 10:00;paspoort;ja\n" for i in range(40)]
    data = (head + "".join(lines)).encode("ascii")
    offset = len(data) - 5  # in the last line, far past the first batch
    path = tmp_path / "web.csv"
    path.write_bytes(data[:offset] + bad + data[offset + 1 :])
    if mapping:
        (tmp_path / "map.toml").write_text('source = "web"\n' + mapping)
    monkeypatch.setattr(dialect, "BATCH_BYTES", 100)
    (run,) = load("web", path, mapping=tmp_path / "map.toml" if mapping else None)
    assert run.status == "failed"
    assert run.message == problem.format(offset=offset)
    assert query("select count(*) from contacts") == [(0,)]


def test_corrections_from_parquet(load, query, tmp_path):
    import polars as pl

    path = tmp_path / "corrections.parquet"
    pl.DataFrame(
        {
            "correction_id": ["C1", "C2"],
            "detected_at": [datetime(2024, 4, 2).date(), None],
            "product_id": ["verhuismelding", "paspoort"],
            "origin_channel": ["web", "desk"],
            "contact_id": ["W-1", None],
            "minutes_spent": [12.5, 30.0],
            "error_type": ["verkeerd adres", "ontbrekende bijlage"],
        }
    ).write_parquet(path)
    (run,) = load("corrections", path)
    assert (run.rows_loaded, run.rows_rejected) == (1, 1)
    assert query("select correction_id, detected_at, minutes_spent from corrections") == [
        ("C1", datetime(2024, 4, 2), 12.5)
    ]
    assert query("select line_number, column_name, reason from load_rejects") == [
        (2, "detected_at", "missing_timestamp")
    ]


def test_no_raw_citizen_ref_in_any_column_of_any_table(load, db):
    load("web", "web_canonical.csv")
    load("phone", "phone_acd.csv", mapping="phone_mapping.toml")
    load("desk", "desk_dutch.csv")
    load("phone", "phone_bad.csv")
    with duckdb.connect(str(db), read_only=True) as con:
        for table in store.TABLES:
            for row in con.execute(f"select * from {table.name}").fetchall():
                text = " ".join(str(v) for v in row)
                leaked = [r for r in RAW_REFS if r in text or r.replace("-", "") in text]
                assert not leaked, (table.name, row)
        raw_lines = [r[0] for r in con.execute("select raw_line from load_rejects").fetchall()]
    assert any("***" in line for line in raw_lines)


def test_citizen_key_is_hmac_sha256_and_links_repeat_contacts(load, db, query):
    load("web", "web_canonical.csv")
    load("phone", "phone_acd.csv", mapping="phone_mapping.toml")
    key = privacy.key_for(db)
    expected = hmac.new(key, b"jan@example.org", hashlib.sha256).hexdigest()[:32]
    assert query(
        "select contact_id from contacts where citizen_key = ? order by 1", [expected]
    ) == [("W-1",), ("W-2",)]  # "Jan@Example.org" is the same person
    phone_keys = query(
        "select distinct citizen_key from contacts where contact_id in ('G-1', 'G-2')"
    )
    assert len(phone_keys) == 1  # "06-12345678" and "0612345678"


def test_key_file_is_private_and_stable(db, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    first = privacy.key_for(db)
    assert privacy.key_for(db) == first
    assert (db.with_name(db.name + ".key").stat().st_mode & 0o777) == 0o600
    monkeypatch.setenv(privacy.KEY_ENV, "from-the-environment-" + "x" * 12)
    assert privacy.key_for(db) == b"from-the-environment-" + b"x" * 12


def test_pseudonymise_matches_the_standard_library():
    import polars as pl

    refs = pl.Series(["a", None, "é" * 3, "x" * 200])
    key = b"secret"
    got = privacy.pseudonymise(refs, key).to_list()
    want = [hmac.new(key, r.encode(), hashlib.sha256).hexdigest()[:32] if r else None for r in refs]
    assert got == want


def test_comments_document_every_table_and_column(load, query):
    load("desk", "desk_dutch.csv")
    tables = dict(query("select table_name, comment from duckdb_tables()"))
    assert {t.name for t in store.TABLES} <= set(tables)
    assert all(tables.values())
    undocumented = query(
        "select table_name, column_name from duckdb_columns() "
        "where table_name in (select unnest(?)) and (comment is null or comment = '')",
        [[t.name for t in store.TABLES]],
    )
    assert undocumented == []


def _dump(db, exclude=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t.name: sorted(con.execute(f"select * from {t.name}").fetchall(), key=repr)
            for t in store.TABLES
            if t.name not in exclude
        }


def test_load_in_another_process_while_this_one_reads(load, db):
    """Readers never fail and never see half a load while another process loads."""
    import subprocess
    import sys

    load("desk", "desk_dutch.csv")
    command = ["load", "--db", str(db), "--source", "web", str(FIXTURES / "web_canonical.csv")]
    loader = subprocess.Popen(
        [sys.executable, "-m", "pipelines", *command],
        cwd=Path(__file__).parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    seen = set()
    while loader.poll() is None:
        with store.read_only(db) as con:
            seen.add(con.execute("select count(*) from contacts").fetchone()[0])
    assert loader.returncode == 0, loader.stdout.read()
    with store.read_only(db) as con:
        seen.add(con.execute("select count(*) from contacts").fetchone()[0])
    assert seen <= {8, 13} and 13 in seen


@pytest.mark.parametrize(
    ("source", "file"),
    [
        ("products", "products.csv"),
        ("releases", "releases.csv"),
        ("web", "web_canonical.csv"),
        ("desk", "desk_dutch.csv"),
        ("corrections", None),
    ],
)
def test_a_second_load_of_a_source_upserts_into_its_first(load, query, tmp_path, source, file):
    """A source's first load writes straight into its table; the next ones must upsert."""
    if file is None:
        file = tmp_path / "corrections.csv"
        file.write_text(
            "correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type\n"
            "C1,2024-04-02,verhuismelding,web,12.5,verkeerd adres\n"
        )
    (first,) = load(source, file)
    (again,) = load(source, file, force=True)
    assert first.rows_loaded > 0
    assert (again.rows_inserted, again.rows_unchanged) == (0, first.rows_loaded)
    table = store.TABLE[SOURCES[source].SCHEMA.table]
    keys = ", ".join(table.key)
    assert query(f"select count(*), count(distinct ({keys})) from {table.name}") == [
        (first.rows_loaded, first.rows_loaded)
    ]


def test_every_key_stays_unique_through_redeliveries(load, query, tmp_path):
    """The store keeps each key once without an index: upsert() is what enforces it."""
    load("phone", "phone_bad.csv")
    changed = tmp_path / "phone_again.csv"
    changed.write_text(
        (FIXTURES / "phone_bad.csv").read_text().replace("KCC,20,0,true", "KCC,25,0,true")
    )
    load("phone", changed)
    load("phone", changed, force=True)
    for table in store.TABLES:
        if table.key:
            keys = ", ".join(table.key)
            assert query(f"select count(*) - count(distinct ({keys})) from {table.name}") == [
                (0,)
            ], table.name
    assert query("select wait_seconds from contacts where contact_id = 'T-untagged'") == [(25.0,)]


def test_a_store_made_before_a_column_was_declared_gains_it(load, db, query):
    load("web", "web_canonical.csv")
    with duckdb.connect(str(db)) as con:  # as a store made before line_number existed
        con.execute("alter table contacts drop column line_number")
    (run,) = load("phone", "phone_bad.csv")
    assert run.status == "ok"
    assert query(
        "select channel, count(*), count(line_number) from contacts group by 1 order by 1"
    ) == [("phone", 3, 3), ("web", 5, 0)]


@pytest.mark.parametrize("batch_bytes", [None, 40])
def test_line_numbers_count_the_lines_a_quoted_field_spans(
    load, query, tmp_path, monkeypatch, batch_bytes
):
    from pipelines import dialect

    path = tmp_path / "web.csv"
    path.write_text(
        "contact_id,submitted_at,product_id,completed\n"
        'W1,2024-05-01,"two\nlines",true\n'  # lines 2 and 3
        'W2,2024-05-01,"three\r\nlines\nhere",true\n'  # lines 4 to 6
        "W3,2024-05-01,x,misschien\n"  # line 7
    )
    monkeypatch.setattr(dialect, "BATCH_BYTES", batch_bytes)
    load("web", path)
    assert query("select contact_id, line_number from contacts order by 1") == [
        ("W1", 2),
        ("W2", 4),
    ]
    assert query("select line_number, reason from load_rejects") == [(7, "invalid_boolean")]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "the file is empty: nothing loaded"),
        (b"contact_id,submitted_at,product_id,completed\r\n", "header but no records"),
    ],
)
def test_a_file_without_records_loads_nothing_and_says_so(load, query, tmp_path, content, said):
    """An empty file failed as unreadable; a header-only one loaded "read 0" without a word."""
    path = tmp_path / "web.csv"
    path.write_bytes(content)
    (run,) = load("web", path)
    assert (run.status, run.rows_read) == ("ok", 0)
    assert said in run.message and "WARNING" in run.summary()
    assert query("select status, message from load_runs") == [("ok", run.message)]
