"""Open Klant: one row per klantcontact of the VNG Klantinteracties API, in any channel.

Open Klant (maykinmedia/open-klant) serves `GET /klantinteracties/api/v1/klantcontacten`
as pages `{count, next, previous, results}` (its openapi.yaml: PaginatedExpandKlantcontactList,
newest registration first), each result a Klantcontact; with `expand=hadBetrokkenen` it also
carries `_expand.hadBetrokkenen`, the Betrokkene records (`rol`, `initiator`, `wasPartij`).
A delivery is one page, a JSON array of results, JSON lines (one result a line) or a folder of
such files read in name order; `pull()` writes the pages of the live API into a folder.

Records are numbered by their line in JSON lines and by their place (from 1) in a page or
array; in a folder the numbers run on from one file to the next, so each record of the
delivery has its own.
"""

from __future__ import annotations

import codecs
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from pipelines import dialect
from pipelines.dialect import OPENKLANT, FileError, MappingFile, RawFile
from pipelines.schema import Column, SourceSchema
from pipelines.settings import TIME_ZONE
from pipelines.store import contacts_frame

SCHEMA = SourceSchema(
    name=OPENKLANT,
    table="contacts",
    description="Klantcontacten from Open Klant (VNG Klantinteracties API): a page "
    "`{count, next, previous, results}`, a JSON array of results, JSON lines, a folder of "
    "such files (name order), or a pull from the API (`--from-api URL`). Every channel: "
    "the kanaal says which. A mapping file's [channels] and [products] name kanalen and "
    "onderwerpen (docs/openklant_mapping.toml). Names (contactnaam, volledigeNaam) are never "
    "read. A record's line number is its line in JSON lines and its place (from 1) in a page "
    "or an array; in a folder the numbers run on from one file to the next.",
    key=("contact_id",),
    columns=(
        Column(
            name="contact_id",
            kind="id",
            description="`uuid` of the klantcontact: a registration corrected later (another "
            "kanaal, another onderwerp) replaces itself.",
        ),
        Column(
            name="started_at",
            kind="timestamp",
            description="`plaatsgevondenOp` (with its offset), as local time.",
        ),
        Column(
            name="channel",
            kind="channel",
            description="`kanaal` through the mapping's [channels], which extends and "
            "overrides the built-in Telefoon = phone, Balie = desk, Webformulier, "
            "Contactformulier, E-mail and Live chat = web (any case); a kanaal named nowhere "
            "is an unknown_channel reject.",
        ),
        Column(
            name="product_id",
            kind="text",
            optional=True,
            nullable=True,
            description="The mapping's [products] entry for the `onderwerp` (any case); "
            "without one, the catalogue's product whose name_nl or name_en is the onderwerp "
            "(any case); else untagged.",
        ),
        Column(
            name="subject",
            kind="text",
            optional=True,
            nullable=True,
            description="`onderwerp`, read to find the product; never stored (free text that "
            "may name a person).",
        ),
        Column(
            name="contact_succeeded",
            kind="bool",
            optional=True,
            nullable=True,
            description="`indicatieContactGelukt`: false = the contact is not handled; true "
            "or null (not known) = handled.",
        ),
        Column(
            name="citizen_ref",
            kind="text",
            optional=True,
            nullable=True,
            description="`wasPartij.uuid` of the betrokkene (in `_expand.hadBetrokkenen`) with "
            "rol klant, else the initiator, else the first; none without `_expand`. "
            "Pseudonymised on load.",
        ),
    ),
)
COLUMNS = SCHEMA.names
# kanaal (lower case) -> channel; a mapping's [channels] extends and overrides these
CHANNELS = {
    "telefoon": "phone",
    "balie": "desk",
    "webformulier": "web",
    "contactformulier": "web",
    "e-mail": "web",
    "live chat": "web",
}
DIALECT = dialect.CANONICAL.model_copy(update={"name": OPENKLANT})
HEAD_BYTES = 65_536  # of a file's start, to tell a page, an array and JSON lines apart
_SCHEMA = {"_line": pl.Int64, **dict.fromkeys(COLUMNS, pl.String)}
_SCHEMA |= {"_raw_line": pl.String, "_text": pl.String}


def read_batches(
    path: Path,
    schema: SourceSchema = SCHEMA,
    mapping: MappingFile | None = None,
    batch_bytes: int | None = dialect.BATCH_BYTES,
) -> Iterator[RawFile]:
    """Read a delivery in batches of records (canonical columns, strings) of about
    `batch_bytes` of JSON (None: one batch); the last batch may be empty.

    A file that is no page, no array and no JSON lines raises FileError before the first
    batch. (`schema` is there for the loader, which reads every source alike.)
    """
    path = Path(path)
    files = _files(path)
    kinds = [_kind(f) for f in files]
    return _batches(path, list(zip(files, kinds, strict=True)), mapping, batch_bytes)


def stage_context(con: duckdb.DuckDBPyConnection, mapping: MappingFile | None) -> dict:
    """Return what stage() reads of the store: the catalogue, as the load sees it."""
    return {"catalogue": pl.DataFrame(con.sql("select product_id, name_nl, name_en from products"))}


def stage(typed: pl.DataFrame, catalogue: pl.DataFrame | None = None) -> pl.DataFrame:
    """Return contacts rows; a product not in [products] is looked up by name in the
    catalogue (the loader's `products` table: product_id, name_nl, name_en)."""
    names = _names(catalogue)
    by_name = (
        pl.col("subject")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(names, default=None, return_dtype=pl.String)
    )
    return typed.select(
        contacts_frame(
            pl.col("channel"),
            contact_id="contact_id",
            occurred_at="started_at",
            product_id=pl.coalesce("product_id", by_name),
            is_handled=pl.col("contact_succeeded").fill_null(True),
            citizen_key="citizen_key",
        )
    )


def _names(catalogue: pl.DataFrame | None) -> dict[str, str]:
    """Return product name (lower case) -> product_id: Dutch names before English ones, the
    first product_id when two products share a name."""
    if catalogue is None or catalogue.is_empty():
        return {}
    names = pl.concat(
        [
            catalogue.select(pl.col(name).alias("name"), "product_id", pl.lit(rank).alias("rank"))
            for rank, name in enumerate(("name_nl", "name_en"))
        ]
    )
    names = (
        names.with_columns(pl.col("name").str.strip_chars().str.to_lowercase())
        .filter(pl.col("name").is_not_null() & (pl.col("name") != ""))
        .sort("rank", "product_id")
        .unique("name", keep="first")
    )
    return dict(names.select("name", "product_id").iter_rows())


# --- reading files ---------------------------------------------------------------------------


def _files(path: Path) -> list[Path]:
    """Return the delivery's files: the file, or a folder's files in name order."""
    if path.is_dir():
        files = sorted(
            (f for f in path.iterdir() if f.is_file() and not f.name.startswith(".")),
            key=lambda f: f.name,
        )
        if not files:
            raise FileError(path, "a folder without files: no page of klantcontacten")
        return files
    if path.exists() and not path.is_file():  # a named pipe (would block), a device
        raise FileError(path, "not a regular file")
    return [path]


def _kind(path: Path) -> str:
    """Return how a file holds its records: "page", "array" or "lines" (JSON lines).

    A page or an array is one JSON value; written on several lines, it starts with a line
    holding only `{` or `[`. A file whose start holds no JSON object at all is no export of
    Open Klant: FileError.
    """
    head = dialect.head(path, HEAD_BYTES, "JSON")
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"["):
        return "array"
    lines = text.splitlines()
    if lines and lines[0].strip() == b"{":
        return "page"
    first = _json(lines[0]) if lines else None
    if isinstance(first, dict) and "results" in first:
        return "page"
    if len(head) == HEAD_BYTES:
        lines = lines[:-1] or lines  # its last line may be cut off
    if lines and not any(isinstance(_json(line), dict) for line in lines):
        raise FileError(
            path,
            "not an export of Open Klant: no page {count, next, previous, results}, no JSON "
            "array and no line holding a JSON object at its start (an export of another "
            "source?)",
        )
    return "lines"


def _json(line: bytes) -> object:
    """Return a line's JSON value; a _Broken when it is no JSON."""
    try:
        return json.loads(line)
    except ValueError:  # JSONDecodeError, or bytes that are no UTF-8
        return _Broken(line.strip())


def _batches(
    path: Path, files: list[tuple[Path, str]], mapping: MappingFile | None, batch_bytes: int | None
) -> Iterator[RawFile]:
    """Yield the records of the files as batches of about `batch_bytes`."""
    spec = mapping or MappingFile(source=OPENKLANT)
    channels = CHANNELS | _lowered(spec.channels)
    products = _lowered(spec.products)
    rows: list[dict] = []
    size, number = 0, 0  # the bytes in `rows`; the numbers taken by the files before
    for file, kind in files:
        last = 0
        for last, record, length in _records(file, kind):
            rows.append(_row(number + last, record, channels, products))
            size += length
            if batch_bytes is not None and size >= batch_bytes:
                yield _raw(path, rows)
                rows, size = [], 0
        number += last
    yield _raw(path, rows)


def _lowered(table: dict[str, str] | None) -> dict[str, str]:
    """Return a mapping table with its keys as they are matched: stripped, lower case."""
    return {k.strip().lower(): v for k, v in (table or {}).items()}


def _records(path: Path, kind: str) -> Iterator[tuple[int, object, int]]:
    """Yield (number, record, bytes) of a file; a line that is no JSON gives a _Broken."""
    if kind != "lines":
        values = _values(path, kind)
        each = max(1, path.stat().st_size // max(1, len(values)))
        for number, value in enumerate(values, 1):
            yield number, value, each
        return
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if not line.strip():
                continue  # a blank line is no record; the others keep their numbers
            yield number, _json(line), len(line)


def _values(path: Path, kind: str) -> list:
    """Return the records of a page or an array (read whole: a page holds 500 at most)."""
    try:
        value = json.loads(path.read_bytes().removeprefix(codecs.BOM_UTF8))
    except UnicodeDecodeError as exc:
        raise FileError(path, f"not UTF-8 (byte {exc.start}): JSON is UTF-8") from exc
    except json.JSONDecodeError as exc:  # its message names the place, never the text
        raise FileError(
            path, f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if kind == "array" and isinstance(value, list):
        return value
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        return value["results"]
    raise FileError(path, "a JSON value that is no page {count, next, previous, results}")


class _Broken:
    """A line that is no JSON (it may hold a name: its text only tells copies apart)."""

    def __init__(self, line: bytes):
        self.line = line


def _row(number: int, record: object, channels: dict, products: dict) -> dict:
    """Return one record's canonical columns as text, its raw line and its refusal."""
    if not isinstance(record, dict):
        broken = isinstance(record, _Broken)
        what = f"no JSON, {len(record.line)} bytes" if broken else f"JSON {_what(record)}"
        return {
            "_line": number,
            "_raw_line": f"<{what}, not an object>",
            # tells two different broken records apart; never stored
            "_text": record.line.decode("utf-8", "replace") if broken else json.dumps(record),
            "_reason": "invalid_json" if isinstance(record, _Broken) else "not_an_object",
        }
    kanaal, onderwerp = _text(record.get("kanaal")), _text(record.get("onderwerp"))
    uuid = record.get("uuid")
    resident = _resident(record)
    read = {
        "uuid": _text(uuid),
        "plaatsgevondenOp": _text(record.get("plaatsgevondenOp")),
        "kanaal": kanaal,
        "indicatieContactGelukt": _text(record.get("indicatieContactGelukt")),
        "wasPartij": None if resident is None else "***",
    }
    return {
        "_line": number,
        "contact_id": uuid if isinstance(uuid, str) else None,
        "started_at": read["plaatsgevondenOp"],
        "channel": None if kanaal is None else channels.get(kanaal.strip().lower(), kanaal),
        "product_id": None if onderwerp is None else products.get(onderwerp.strip().lower()),
        "subject": onderwerp,
        "contact_succeeded": read["indicatieContactGelukt"],
        "citizen_ref": resident,
        "_raw_line": json.dumps(read, ensure_ascii=False),
    }


def _text(value: object) -> str | None:
    """A JSON value as a cell: text as it is, true/false, numbers as written; an object or an
    array only by what it is (it may hold a name)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return f"<JSON {_what(value)}>"


def _what(value: object) -> str:
    names = {dict: "object", list: "array", str: "text", bool: "true/false"}
    return names.get(type(value), "number" if isinstance(value, int | float) else "null")


def _resident(record: dict) -> str | None:
    """Return the `wasPartij` uuid of the betrokkene with rol klant, else of the initiator,
    else of the first; None without `_expand.hadBetrokkenen`.

    Open Klant writes `_expand`'s keys in camelCase like every other key (its own tests:
    `_expand.hadBetrokkenen`); its openapi.yaml declares them in snake_case
    (`had_betrokkenen`): both are read.
    """
    expand = record.get("_expand")
    if not isinstance(expand, dict):
        return None
    people = expand.get("hadBetrokkenen", expand.get("had_betrokkenen"))
    people = [p for p in people if isinstance(p, dict)] if isinstance(people, list) else []
    klant = [p for p in people if str(p.get("rol", "")).strip().lower() == "klant"]
    initiator = [p for p in people if p.get("initiator") is True]
    chosen = (klant or initiator or people or [None])[0]
    partij = chosen.get("wasPartij") if chosen is not None else None
    ref = partij.get("uuid") if isinstance(partij, dict) else None
    return ref if isinstance(ref, str) and ref.strip() else None


def _raw(path: Path, rows: list[dict]) -> RawFile:
    """Return one batch: a record per row, the rows that are no record refused."""
    frame = pl.DataFrame(rows, schema=_SCHEMA | {"_reason": pl.String})
    refused = frame.filter(pl.col("_reason").is_not_null()).select(
        "_line", pl.col("_reason").alias("reason")
    )
    return RawFile(
        path,
        "json",
        DIALECT,
        frame.drop("_reason"),
        {c: c for c in COLUMNS},
        pl.Series("_line", [], dtype=pl.Int64),
        refused=refused,
    )


# --- pulling from the API --------------------------------------------------------------------

TOKEN_ENV = "CHANNELSHIFT_OPENKLANT_TOKEN"
PAGE_SIZE = 500
EXPAND = "hadBetrokkenen,gingOverOnderwerpobjecten"
ATTEMPTS = 3  # a page is asked for this often when the server fails (5xx) or cannot be reached
RETRY_SECONDS = 2.0  # waited before the second attempt, twice that before the third
TIMEOUT_SECONDS = 60
# what a pulled page keeps of each klantcontact: the fields read, nothing that names anyone
KEPT = ("uuid", "plaatsgevondenOp", "kanaal", "onderwerp", "indicatieContactGelukt")
KEPT_BETROKKENE = ("rol", "initiator")


class PullError(Exception):
    """The API could not be read; nothing was loaded. The message says why in one line."""


def pull(url: str, folder: Path, since: datetime | None, token: str | None) -> int:
    """Write the API's pages of klantcontacten into `folder` (page-000001.json, ...); return
    how many.

    The pages come newest registration first; the walk ends after the last page, or after
    the first page whose every klantcontact took place before `since` (naive local time;
    None: walk them all). The pages keep only the fields read (no names). A page the
    server fails (5xx, no connection) is asked for again, ATTEMPTS times in all; any other
    answer than a page raises PullError.
    """
    if not token:
        raise PullError(f"set {TOKEN_ENV} to the API token of Open Klant (header Authorization)")
    start = urllib.parse.urlsplit(url)
    if start.scheme not in ("http", "https") or not start.netloc:
        raise PullError(f"{url}: not an address of an API (https://.../klantcontacten)")
    query = [*urllib.parse.parse_qsl(start.query), ("pageSize", PAGE_SIZE), ("expand", EXPAND)]
    next_url: str | None = start._replace(query=urllib.parse.urlencode(query, safe=",")).geturl()
    pages, seen = 0, set()
    while next_url:
        if next_url in seen:
            raise PullError(f"{url}: page {pages + 1} links back to a page already read")
        here = urllib.parse.urlsplit(next_url)
        if (here.scheme, here.netloc) != (start.scheme, start.netloc):
            raise PullError(
                f"{url}: page {pages + 1} is at another server ({here.netloc}); the token is "
                "only sent to the one given"
            )
        seen.add(next_url)
        page = _page(next_url, token, f"{url}: page {pages + 1}")
        pages += 1
        results = page["results"]
        kept = {**page, "results": [_kept(r) for r in results]}
        (folder / f"page-{pages:06d}.json").write_text(json.dumps(kept, ensure_ascii=False))
        if since is not None and results and all(_before(r, since) for r in results):
            break
        next_url = page.get("next")
    return pages


def _page(address: str, token: str, where: str) -> dict:
    """Return one page of the API, asking again when the server fails; `where` names the
    page in messages (the address given and the page's number)."""
    request = urllib.request.Request(address, headers={"Accept": "application/json"})
    # never sent on to where a redirect points: the token is for the server given
    request.add_unredirected_header("Authorization", f"Token {token}")
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                body = response.read()
            break
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise PullError(
                    f"{where}: the API refused the token (HTTP {exc.code}); check {TOKEN_ENV}"
                ) from exc
            problem = f"HTTP {exc.code}"
            if exc.code < 500:
                raise PullError(f"{where}: {problem}") from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            problem = str(getattr(exc, "reason", exc))
        if attempt == ATTEMPTS:
            raise PullError(f"{where} failed {ATTEMPTS} times (last: {problem}); nothing loaded")
        time.sleep(RETRY_SECONDS * attempt)
    try:
        page = json.loads(body)
    except ValueError as exc:
        raise PullError(f"{where} is not JSON") from exc
    if not (isinstance(page, dict) and isinstance(page.get("results"), list)):
        raise PullError(f"{where} is no page {{count, next, previous, results}}")
    if page.get("next") is not None and not isinstance(page["next"], str):
        raise PullError(f"{where} has a `next` that is no address")
    return page


def _kept(record: object) -> object:
    """Return what a pulled klantcontact keeps: the fields read, no names or addresses."""
    if not isinstance(record, dict):
        return record
    kept = {k: record[k] for k in KEPT if k in record}
    expand = record.get("_expand")
    if isinstance(expand, dict):
        people = expand.get("hadBetrokkenen", expand.get("had_betrokkenen"))
        if isinstance(people, list):
            kept["_expand"] = {"hadBetrokkenen": [_kept_betrokkene(p) for p in people]}
    return kept


def _kept_betrokkene(person: object) -> object:
    if not isinstance(person, dict):
        return None
    kept = {k: person[k] for k in KEPT_BETROKKENE if k in person}
    partij = person.get("wasPartij")
    kept["wasPartij"] = {"uuid": partij.get("uuid")} if isinstance(partij, dict) else None
    return kept


def _before(record: object, since: datetime) -> bool:
    """Whether a klantcontact took place before `since` (naive local time); a record
    without a readable plaatsgevondenOp is not."""
    when = record.get("plaatsgevondenOp") if isinstance(record, dict) else None
    try:
        moment = datetime.fromisoformat(when)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(TIME_ZONE)).replace(tzinfo=None)
    return moment < since
