"""Reading exports as municipalities deliver them: CSV dialects, Parquet, Excel and mapping files.

Every file is read into strings first (one row per record, with its line number) so that a
bad cell becomes a reject of that row instead of aborting the whole read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from pipelines.schema import CHANNELS, SourceName, SourceSchema

ISO_TIMESTAMPS = (
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)
DUTCH_TIMESTAMPS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", *ISO_TIMESTAMPS)


class FileError(Exception):
    """A file that cannot be read at all; nothing of it loads."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class Dialect(BaseModel):
    """How the cells of a file are written."""

    model_config = ConfigDict(frozen=True)

    name: str
    delimiter: str = ","
    encoding: str = "utf-8"
    timestamp_formats: tuple[str, ...] = ISO_TIMESTAMPS
    decimal: Literal[".", ","] = "."
    true_values: tuple[str, ...] = ("true",)
    false_values: tuple[str, ...] = ("false",)

    @property
    def date_formats(self) -> tuple[str, ...]:
        """Formats for date-only columns: the timestamp formats without a time part."""
        return tuple(dict.fromkeys(f for f in map(date_part, self.timestamp_formats) if f))


def date_part(fmt: str) -> str:
    """Return the date part of a strftime format, e.g. '%d-%m-%Y %H:%M' -> '%d-%m-%Y'."""
    cut = min((i for i in (fmt.find("%H"), fmt.find("%I")) if i >= 0), default=len(fmt))
    return fmt[:cut].rstrip(" T")


CANONICAL = Dialect(name="canonical")
DUTCH = Dialect(
    name="dutch",
    delimiter=";",
    encoding="cp1252",
    timestamp_formats=DUTCH_TIMESTAMPS,
    decimal=",",
    true_values=("ja", "j", "waar", "1", "true"),
    false_values=("nee", "n", "onwaar", "0", "false"),
)
# The text cells of an Excel workbook: a Dutch spreadsheet writes them in the Dutch dialect
# (ISO dates and `true`/`false` read too); ";" joins a reject's raw line.
EXCEL = DUTCH.model_copy(update={"name": "excel", "encoding": "utf-8"})
# The cells a workbook stores as numbers, dates, times or TRUE/FALSE, as the Excel reader
# writes them: decimal point, ISO dates, true/false (a number 1 or 0 in a yes/no column too).
CELL_VALUES = Dialect(name="excel values", true_values=("true", "1"), false_values=("false", "0"))


class DialectOverrides(BaseModel):
    """The [dialect] table of a mapping file; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    decimal: Literal[".", ","] | None = None
    true_values: list[str] | None = None
    false_values: list[str] | None = None
    sheet: int | str | None = None  # Excel only: a sheet's name, or its number from 1

    @field_validator("sheet", mode="before")
    @classmethod
    def _sheet(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and value.strip()):
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        raise ValueError("sheet must be a sheet's name or its number, counting from 1")

    @model_validator(mode="after")
    def _check(self) -> DialectOverrides:
        if self.delimiter is not None and len(self.delimiter.encode()) != 1:
            raise ValueError("delimiter must be a single character such as ';' or ','")
        if self.encoding is not None:
            "".encode(self.encoding)  # raises LookupError for an unknown encoding
        both = {v.strip().lower() for v in self.true_values or []} & {
            v.strip().lower() for v in self.false_values or []
        }
        if both:
            raise ValueError(f"{', '.join(sorted(both))} both in true_values and false_values")
        return self

    def apply(self, base: Dialect) -> Dialect:
        """Return the base dialect with these keys replaced."""
        changes: dict = {"name": f"mapping on {base.name}"}
        for key in ("delimiter", "encoding", "decimal"):
            if getattr(self, key) is not None:
                changes[key] = getattr(self, key)
        if self.date_format is not None:
            changes["timestamp_formats"] = tuple(
                dict.fromkeys([self.date_format, date_part(self.date_format)])
            )
        for key in ("true_values", "false_values"):
            values = getattr(self, key)
            if values is not None:
                changes[key] = tuple(v.strip().lower() for v in values)
        return base.model_copy(update=changes)


QUEUE_LOG = "queue-log"  # the source whose file has no header: its mapping names queues
VOLUMES = "volumes"  # monthly totals: its mapping may name channels in its own words
OPENFORMS = "openforms"  # the source whose rows name a form: its mapping names forms' products
OPENKLANT = "openklant"  # JSON from an API: its mapping names kanalen and onderwerpen
# The tables of a mapping that only some sources have: what their keys name, and which sources
TABLES_FOR = {
    "teams": ("queues", (QUEUE_LOG,)),
    "products": ("queues, onderwerpen or forms", (QUEUE_LOG, OPENKLANT, OPENFORMS)),
    "channels": ("kanalen or channel names", (OPENKLANT, VOLUMES)),
}


def head(path: Path, size: int, what: str) -> bytes:
    """Return the first `size` bytes of a file that must be `what` (e.g. "a queue log"): text.

    A file that cannot be read, or holds a zero byte, raises FileError."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(size)
    except OSError as exc:
        raise FileError(path, f"cannot be read ({exc.strerror})") from exc
    if b"\x00" in start:
        raise FileError(path, f"not {what} (binary content)")
    return start


class MappingFile(BaseModel):
    """A mapping file (TOML): which source, how it is written, which header is which column.

    A queue log's mapping instead gives each queue its team and product ([teams], [products]);
    its layout is fixed, so of [dialect] only `encoding` applies and [columns] does not.
    An Open Klant mapping gives kanalen their channel ([channels]) and onderwerpen their
    product ([products]); JSON has neither header nor dialect. An Open Forms export's mapping
    may give each form its product ([products], by form name); monthly totals may name their
    channels in words of their own ([channels]: Telefoon = "phone").
    """

    model_config = ConfigDict(extra="forbid")

    source: SourceName
    preset: str | None = None  # the preset this file starts from (read_mapping merges it)
    dialect: DialectOverrides = DialectOverrides()
    columns: dict[str, str] = {}
    teams: dict[str, str] | None = None  # queue name -> team
    products: dict[str, str] | None = None  # queue, onderwerp or form name -> product_id
    channels: dict[str, str] | None = None  # kanaal or channel name -> web, phone or desk

    @model_validator(mode="after")
    def _tables_fit_the_source(self) -> MappingFile:
        misplaced = [
            f"[{table}] names {what}: only a {' or '.join(sources)} mapping has them"
            for table, (what, sources) in TABLES_FOR.items()
            if getattr(self, table) is not None and self.source not in sources
        ]
        if misplaced:
            raise ValueError(
                "; ".join(misplaced) + f" (a {self.source} export names them in its columns)"
            )
        for table in TABLES_FOR:
            empty = [q for q, v in (getattr(self, table) or {}).items() if not v.strip()]
            if empty:
                raise ValueError(
                    f"[{table}] {', '.join(map(repr, empty))}: empty; leave the entry out instead"
                )
        wrong = sorted({v for v in (self.channels or {}).values() if v not in CHANNELS})
        if wrong:
            raise ValueError(
                f"[channels] {', '.join(map(repr, wrong))}: a channel is one of "
                f"{', '.join(CHANNELS)}"
            )
        if self.source not in (QUEUE_LOG, OPENKLANT):
            return self
        if self.columns:
            raise ValueError(f"a {self.source} file has no header: [columns] does not apply to it")
        given = sorted(self.dialect.model_fields_set)
        if self.source == QUEUE_LOG and (layout := [k for k in given if k != "encoding"]):
            raise ValueError(
                f"[dialect] {', '.join(layout)} does not apply to a queue log (its layout is "
                "fixed: epoch|uniqueid|queuename|agent|EVENT|data); only encoding does"
            )
        if self.source == OPENKLANT and given:
            raise ValueError(
                f"[dialect] {', '.join(given)} does not apply to Open Klant's JSON (UTF-8, "
                "its fields named by the API)"
            )
        return self

    @model_validator(mode="after")
    def _one_column_per_header(self) -> MappingFile:
        named: dict[str, list[str]] = {}
        for column, header in self.columns.items():
            named.setdefault(header, []).append(column)
        twice = {h: c for h, c in named.items() if len(c) > 1}
        if twice:
            raise ValueError(
                "; ".join(f"header {h!r} mapped to {' and '.join(c)}" for h, c in twice.items())
            )
        return self


PRESETS = Path(__file__).parent / "presets"  # built-in mapping files, one per known format


def presets() -> dict[str, Path]:
    """Return the built-in mapping files (presets) by name."""
    return {p.stem: p for p in sorted(PRESETS.glob("*.toml"))}


def mapping_path(given: str | Path) -> Path:
    """Return the mapping file a name stands for: a file, else the preset of that name."""
    path = Path(given)
    return path if path.exists() or str(given) not in presets() else presets()[str(given)]


def _with_preset(table: dict, problem) -> dict:
    """Return a mapping file's table over its preset's: the file's keys win, table by table."""
    name = table.get("preset")
    if name is None:
        return table
    if name not in presets():
        raise problem(f"preset {name!r} does not exist (presets: {', '.join(presets())})")
    base = tomllib.loads(presets()[name].read_text("utf-8"))
    merged = base | {k: v for k, v in table.items() if not isinstance(v, dict)}
    for key, value in table.items():
        if isinstance(value, dict):
            merged[key] = base.get(key, {}) | value
    return merged


def read_mapping(path: Path, schema: SourceSchema) -> MappingFile:
    """Read and check a mapping file for the given source.

    A file that starts from a preset (`preset = "name"`) gets the preset's keys it does not
    give itself. Its problems name the mapping file (the load names the data file beside it).
    A BOM, as Windows editors write it, is fine.
    """

    text = ""

    def problem(message: str, *where: str | int) -> FileError:
        line = _line_of(text, where) if where else None
        at = f" (line {line})" if line else ""
        return FileError(path, f"mapping file {path}{at}: {message}")

    try:
        text = Path(path).read_text("utf-8-sig")
        table = _with_preset(tomllib.loads(text), problem)
        mapping = MappingFile.model_validate(table)
    except FileNotFoundError as exc:
        raise problem("not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise problem(f"not a valid TOML file: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]["loc"] if exc.errors() else ()
        raise problem(f"invalid mapping: {_pydantic_message(exc)}", *first) from exc
    except LookupError as exc:
        raise problem(f"invalid mapping: {_pydantic_message(exc)}", "dialect", "encoding") from exc
    if mapping.source != schema.name:
        raise problem(f"mapping is for source {mapping.source!r}, not {schema.name!r}", "source")
    unknown = sorted(set(mapping.columns) - set(schema.names))
    if unknown:
        raise problem(
            f"[columns] {', '.join(unknown)} not a column of {schema.name} "
            f"(its columns: {', '.join(schema.names)})",
            "columns",
            unknown[0],
        )
    return mapping


def _line_of(text: str, where: tuple[str | int, ...]) -> int | None:
    """Return the line of a mapping file that a problem is about: the key `where` names (a
    table and a key in it, or a key at the top), else its table's header; None if not found."""
    keys = [str(k) for k in where if isinstance(k, str)]
    table, key = (keys[0], keys[1]) if len(keys) > 1 else (None, keys[0] if keys else None)
    if len(keys) == 1 and re.search(rf"^\s*\[\s*{re.escape(keys[0])}\s*\]", text, re.M):
        table, key = keys[0], None  # a whole table (an unknown one, say)
    current, header = None, None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if found := re.match(r"\[\s*([^\]]+?)\s*\]", stripped):
            current = found.group(1).strip('"')
            if current == table:
                header = header or number
            continue
        name = stripped.split("=", 1)[0].strip().strip('"') if "=" in stripped else None
        if key is not None and name == key and current == table:
            return number
    return header


def _pydantic_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc)


@dataclass(frozen=True)
class RawFile:
    """A file, or a batch of its records, read as strings with line numbers and renames."""

    path: Path
    format: Literal["csv", "parquet", "xlsx", "queue-log", "json"]
    dialect: Dialect
    # "_line" and the read headers (CSV: only those; others: all), all String (maybe "_raw_line")
    frame: pl.DataFrame
    rename: dict[str, str]  # header in the file -> canonical column
    bad_field_count: pl.Series  # line numbers whose number of fields differs from the header
    # Excel: "_line" and each read header's cell kinds: "value" (a number, date, time or
    # TRUE/FALSE, written in the CELL_VALUES dialect), "error" (#DIV/0!, #N/A, ...), "text"
    # (read in the file's dialect) or null (empty). None: every cell is text.
    cells: pl.DataFrame | None = None
    # Records the reader already refused as a whole ("_line", "reason"): a queue-log call
    # without its ending, a line that is no event; their cells are not checked one by one.
    refused: pl.DataFrame | None = None


csv.field_size_limit(sys.maxsize)  # a quoted field may be as long as a block
BATCH_BYTES = 32 * 2**20  # about 320000 contacts: memory stays flat whatever the file's size
BATCH_ENV = "CHANNELSHIFT_LOAD_BATCH_MB"


def batch_bytes() -> int:
    """The size of the batches a load reads: CHANNELSHIFT_LOAD_BATCH_MB (whole megabytes),
    else BATCH_BYTES. Smaller batches hold less memory and take longer (BENCHMARKS.md: 8 MB
    with CHANNELSHIFT_LOAD_MEMORY=300MB loads 10M rows in about DuckDB's own read's memory)."""
    given = os.environ.get(BATCH_ENV)
    if given is None:
        return BATCH_BYTES
    if not given.strip().isdigit() or int(given) < 1:
        raise ValueError(f"{BATCH_ENV} must be a whole number of megabytes, not {given!r}")
    return int(given) * 2**20


def read(path: Path, schema: SourceSchema, mapping: MappingFile | None = None) -> RawFile:
    """Read a whole CSV, Parquet or Excel export into strings (one batch, however large)."""
    (raw,) = read_batches(path, schema, mapping, batch_bytes=None)
    return raw


def read_batches(
    path: Path,
    schema: SourceSchema,
    mapping: MappingFile | None = None,
    batch_bytes: int | None = BATCH_BYTES,
) -> Iterable[RawFile]:
    """Read an export into strings in batches of whole records, checking its header first.

    A CSV file is parsed in batches of about `batch_bytes` (None: one batch); a file that is
    not plain ASCII is first read once to see whether it is UTF-8. Problems with the header
    raise FileError before the first batch; a batch that cannot be decoded or parsed raises
    it when reached (a load is atomic, so nothing of the file is stored either way). Parquet
    and Excel files (ZIP or Office compound files) are told by their first bytes, whatever
    their names, and read in one batch.
    """
    path = Path(path)
    if path.exists() and not path.is_file():  # a folder, a named pipe (would block), a device
        raise FileError(path, "not a regular file")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise FileError(path, f"cannot be read ({exc.strerror})") from exc
    from pipelines import excel  # it builds on this module

    if excel.is_workbook(head):
        return [excel.read(path, schema, mapping)]
    if head[:4] == b"PAR1":
        frame = _read_parquet(path)
        rename = _renames(path, frame.columns, schema, mapping)
        return [RawFile(path, "parquet", CANONICAL, frame, rename, pl.Series([], dtype=pl.Int64))]
    return _csv_batches(path, schema, mapping, batch_bytes)


def _renames(
    path: Path, headers: list[str], schema: SourceSchema, mapping: MappingFile | None
) -> dict[str, str]:
    """Return header -> canonical column, raising FileError when a column cannot be found.

    A canonical name matches a header whatever its case (`Citizen_Ref`); a header the mapping
    names must be in the file, or the column would silently load empty (and a reference
    column unpseudonymised).
    """
    columns = mapping.columns if mapping else {}
    absent = [
        f"{name} (header {header!r})" for name, header in columns.items() if header not in headers
    ]
    if absent:
        raise FileError(
            path,
            f"the mapping names header(s) not in the file: {', '.join(absent)}; "
            f"the file has: {', '.join(c for c in headers if c != '_line')}",
        )
    by_case = {h.strip().lower(): h for h in headers}
    rename = {
        columns[name] if name in columns else by_case.get(name.lower(), name): name
        for name in schema.names
    }
    rename = {header: name for header, name in rename.items() if header in headers}
    missing = [
        f"{name} (header {columns[name]!r})" if name in columns else name
        for name in schema.required
        if name not in rename.values()
    ]
    if missing:
        raise FileError(
            path,
            f"required column(s) missing: {', '.join(missing)}; "
            f"the file has: {', '.join(c for c in headers if c != '_line')}",
        )
    return rename


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise FileError(path, f"not a readable Parquet file ({exc})") from exc
    return frame.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_line"),
        *(_as_text(name, dtype) for name, dtype in frame.schema.items()),
    )


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """Write a typed Parquet column as canonical text, so one validator serves all formats."""
    col = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        fmt = "%Y-%m-%dT%H:%M:%S%.f" + ("%:z" if dtype.time_zone else "")
        return col.dt.strftime(fmt)
    if dtype == pl.Date:
        return col.dt.strftime("%Y-%m-%d")
    if dtype == pl.Boolean:
        text = pl.when(col).then(pl.lit("true")).when(col.not_()).then(pl.lit("false"))
        return text.alias(name)
    return col.cast(pl.String)


def _csv_batches(
    path: Path, schema: SourceSchema, mapping: MappingFile | None, batch_bytes: int | None
) -> Iterator[RawFile]:
    """Check the header and encoding at once; the batches follow as they are asked for."""
    utf8_copy = _without_utf16(path)
    try:
        return _checked_batches(utf8_copy or path, schema, mapping, batch_bytes, utf8_copy)
    except BaseException:
        if utf8_copy:  # the batches remove it; a header problem comes before them
            shutil.rmtree(utf8_copy.parent, ignore_errors=True)
        raise


def _checked_batches(
    path: Path,
    schema: SourceSchema,
    mapping: MappingFile | None,
    batch_bytes: int | None,
    utf8_copy: Path | None,
) -> Iterator[RawFile]:
    with open(path, "rb") as handle:
        if b"\x00" in handle.read(4096):
            raise FileError(path, "not a CSV, Parquet or Excel file (binary content)")
        handle.seek(0)
        header = _header_line(handle)
    detected = _detect(header)
    encoding = "utf-8" if utf8_copy else _encoding(path, mapping)
    dialect = mapping.dialect.apply(detected) if mapping else detected
    dialect = dialect.model_copy(update={"encoding": encoding})
    given = mapping is not None and mapping.dialect.encoding == encoding
    tried = "the mapping's encoding" if given else "the file is not UTF-8, so cp1252 was tried"
    # a BOM is no part of the first header, whatever the encoding the rest turns out to be
    unmarked = header.removeprefix(codecs.BOM_UTF8)
    header_text = _utf8(path, unmarked, encoding, len(header) - len(unmarked), 1, tried)
    headers = [c for c in _parse(path, header_text, dialect, None, 1).columns if c != "_line"]
    twice = sorted({h.rsplit("_duplicated_", 1)[0] for h in headers if "_duplicated_" in h})
    if twice:  # Polars renames a repeated header; which column is meant cannot be known
        raise FileError(path, f"header name(s) more than once: {', '.join(twice)}")
    if len(headers) <= 1:
        raise FileError(
            path, f"only one column found; is the delimiter {dialect.delimiter!r} right?"
        )
    rename = _renames(path, headers, schema, mapping)
    start = len(header)
    return _batches(path, start, headers, dialect, rename, batch_bytes, tried, bool(utf8_copy))


def _detect(header: bytes) -> Dialect:
    """The dialect a header line suggests: tabs (Excel's "Unicode text"), ';' or ','."""
    counts = {sep: header.count(sep.encode()) for sep in ("\t", ";", ",")}
    if counts["\t"] > max(counts[";"], counts[","]):
        return DUTCH.model_copy(update={"name": "dutch-tabs", "delimiter": "\t"})
    return DUTCH if counts[";"] > counts[","] else CANONICAL


def _header_line(handle) -> bytes:
    """Read the header line as it stands in the file: up to LF, CR LF or a lone CR."""
    found = b""
    while chunk := handle.read(65536):
        found += chunk
        end = min((i for i in (found.find(b"\n"), found.find(b"\r")) if i >= 0), default=-1)
        if end >= 0 and (end + 1 < len(found) or found[end:] == b"\n"):
            end += 2 if found[end : end + 2] == b"\r\n" else 1
            handle.seek(end)
            return found[:end]
    return found


def _without_utf16(path: Path) -> Path | None:
    """A UTF-16 file (with its BOM, as Excel writes "Unicode text") copied as UTF-8; else None.

    The copy lives in a folder of its own, removed when the last batch has been read.
    """
    with open(path, "rb") as handle:
        bom = handle.read(2)
    if bom not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return None
    copy = Path(tempfile.mkdtemp(prefix="utf16-")) / "export.csv"
    try:
        with (
            open(path, encoding="utf-16", newline="") as source,
            open(copy, "w", encoding="utf-8", newline="") as target,
        ):
            while block := source.read(2**20):
                target.write(block)
    except BaseException as exc:
        shutil.rmtree(copy.parent, ignore_errors=True)
        if isinstance(exc, UnicodeError):
            raise FileError(path, "not UTF-16 text, though it starts as such") from exc
        if isinstance(exc, OSError):
            raise FileError(path, f"cannot be read ({exc.strerror})") from exc
        raise
    return copy


def _batches(
    path: Path,
    start: int,
    headers: list[str],
    dialect: Dialect,
    rename: dict[str, str],
    batch_bytes: int | None,
    tried: str,
    temporary: bool = False,
) -> Iterator[RawFile]:
    try:
        yield from _read_batches(path, start, headers, dialect, rename, batch_bytes, tried)
    finally:
        if temporary:
            shutil.rmtree(path.parent, ignore_errors=True)


def _read_batches(
    path: Path,
    start: int,
    headers: list[str],
    dialect: Dialect,
    rename: dict[str, str],
    batch_bytes: int | None,
    tried: str,
) -> Iterator[RawFile]:
    line, offset = 2, start  # the header is line 1
    undecoded = True  # until a batch's read cells need decoding: then the file's others do too
    with open(path, "rb") as handle:
        handle.seek(start)
        for block in _records(handle, batch_bytes):
            read = _undecoded(path, block, dialect, headers, rename, line) if undecoded else None
            utf8 = block if read else _utf8(path, block, dialect.encoding, offset, line, tried)
            offset += len(block)
            try:  # fails on a line with more fields than the header: then parse it leniently
                frame, long_lines = read or (
                    _parse(path, utf8, dialect, headers, line, ragged=False),
                    False,
                )
            except FileError:
                try:
                    frame, long_lines = _parse(path, utf8, dialect, headers, line), True
                except FileError:  # a stray quote: Polars refuses the block, csv reads it
                    frame, bad = _stray_quotes(utf8, dialect.delimiter, headers, line)
                    yield RawFile(path, "csv", dialect, _read_only(frame, rename), rename, bad)
                    line += utf8.count(b"\n")
                    continue
            if undecoded and not read and not block.isascii():
                undecoded = _ascii(frame, rename)  # else each batch would be parsed twice
            height, spanned = frame.height, 0
            if b'"' in utf8:  # a quoted field may span lines: number records by their first
                breaks = _breaks(frame)
                frame = frame.with_columns(pl.col("_line") + breaks.cum_sum() - breaks)
                spanned = int(breaks.sum())
                bad, blank = _quoted_records(utf8, dialect.delimiter, len(headers), line)
            else:
                rows = None if long_lines else frame.height
                bad = _bad_field_count(utf8, dialect.delimiter, len(headers), line, rows)
                blank = _blank_lines(utf8, line)
            if blank:  # a blank line parses as a row of nulls: it is no record
                frame = frame.filter(~pl.col("_line").is_in(blank))
            yield RawFile(path, "csv", dialect, _read_only(frame, rename), rename, bad)
            line += height + spanned


def _read_only(frame: pl.DataFrame, rename: dict[str, str]) -> pl.DataFrame:
    """Keep the line number and the columns the load reads; the others are never stored.

    So two lines that differ only in a column the load ignores are copies (the last wins),
    and _undecoded may leave such columns undecoded.
    """
    return frame.select("_line", *rename)


# Bytes that cp1252 leaves undefined: a block holding one is decoded, and fails, as a whole.
UNDEFINED = {"cp1252": (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")}


def _undecoded(
    path: Path,
    block: bytes,
    dialect: Dialect,
    headers: list[str],
    rename: dict[str, str],
    line: int,
) -> tuple[pl.DataFrame, bool] | None:
    """Parse a cp1252 block without decoding it, when that gives what decoding would.

    Decoding cp1252 in Python costs more than parsing the block (BENCHMARKS.md). Exports
    often hold their only non-ASCII text in columns the load does not read (a queue's name
    with a dash). The block is parsed as UTF-8 with every byte that is not UTF-8 replaced;
    ASCII bytes (delimiters, line ends, digits) come through unchanged, so when every cell
    of the columns the load reads is ASCII, those cells are exactly what decoding would give.
    Otherwise (a read cell with an accent, a quote in the block, a byte cp1252 leaves
    undefined, a line with more fields) returns None and the block is decoded as before.
    The unread columns' text is then not cp1252's, and nothing uses it.
    """
    undefined = UNDEFINED.get(dialect.encoding.lower().replace("-", ""))
    if undefined is None or block.isascii() or b'"' in block:
        return None
    if any(byte in block for byte in undefined):  # one search each (memchr) beats a regex
        return None
    try:
        frame = _parse(path, block, dialect, headers, line, ragged=False, lossy=True)
    except FileError:
        return None
    return (frame, False) if _ascii(frame, rename) else None


def _ascii(frame: pl.DataFrame, rename: dict[str, str]) -> bool:
    """Whether every cell of the columns the load reads is ASCII."""
    read = [h for h in rename if h in frame.columns]
    return frame.select(
        pl.all_horizontal(
            (pl.col(h).str.len_bytes() == pl.col(h).str.len_chars()).all() for h in read
        )
    ).item()


def _blank_lines(utf8: bytes, line: int) -> list[int]:
    """Return the numbers of the blank lines of a block without quotes (from `line`)."""
    if b"\n\n" not in utf8 and b"\n\r\n" not in utf8 and not utf8.startswith((b"\n", b"\r\n")):
        return []
    lines = utf8.split(b"\n")[: utf8.count(b"\n")]
    return [line + i for i, text in enumerate(lines) if text in (b"", b"\r")]


def _quoted_records(
    utf8: bytes, delimiter: str, width: int, line: int
) -> tuple[pl.Series, list[int]]:
    """Return the first lines of the records whose field count differs from the header's, and
    of the blank lines, in a block with quotes (a quoted field may hold delimiters and line
    ends, so physical lines do not tell). Python's csv module reads the block (in C)."""
    reader = csv.reader(io.StringIO(utf8.decode("utf-8"), newline=""), delimiter=delimiter)
    bad, blank, first = [], [], line
    for fields in reader:
        if not fields:
            blank.append(first)
        elif len(fields) != width:
            bad.append(first)
        first = line + reader.line_num
    return pl.Series("_line", bad, dtype=pl.Int64), blank


def _stray_quotes(
    utf8: bytes, delimiter: str, headers: list[str], line: int
) -> tuple[pl.DataFrame, pl.Series]:
    """Read a block that Polars refuses because of a stray quote, record by record.

    Python's csv module takes a quote inside an unquoted field (`verhuis"melding`) as a
    character, as spreadsheet programs do. A quote that never closes would swallow the lines
    after it into one record with the wrong number of fields: when a later line of such a
    record is a whole record by itself (the header's number of fields, its own quotes closed),
    its lines are read one by one instead, so each line stands or falls on its own and none
    vanishes. Otherwise the record keeps its quoted line ends, as a valid file may have them
    (the line where an odd quote closes a field belongs to the record it closes).

    Returns the records (without blank lines), cut or padded to the header's width, and the
    first lines of those whose field count differs from the header's.
    """
    width = len(headers)
    text = utf8.decode("utf-8")
    physical = text.split("\n")
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    first = 0
    for fields in reader:
        end = reader.line_num
        lines = physical[first:end]
        alone = [] if len(fields) == width else _one_by_one(lines, delimiter)
        whole = [len(f) == width and lines[i].count('"') % 2 == 0 for i, f in enumerate(alone)]
        if any(whole[1:]):  # a stray quote swallowed whole records
            records.extend((line + first + i, f) for i, f in enumerate(alone) if f)
        elif fields:
            records.append((line + first, fields))
        first = end
    bad = [number for number, fields in records if len(fields) != width]
    frame = pl.DataFrame(
        [
            [number, *(v or None for v in (fields + [""] * width)[:width])]
            for number, fields in records
        ],
        schema={"_line": pl.Int64} | dict.fromkeys(headers, pl.String),
        orient="row",
    )
    return frame, pl.Series("_line", bad, dtype=pl.Int64)


def _one_by_one(lines: list[str], delimiter: str) -> list[list[str]]:
    """Return the fields of each line read alone ([] for a blank line)."""
    return [next(csv.reader([line.removesuffix("\r")], delimiter=delimiter), []) for line in lines]


def _breaks(frame: pl.DataFrame) -> pl.Series:
    """Return the line breaks inside each record's cells (only quoted fields hold them)."""
    cells = [c for c in frame.columns if c != "_line"]
    count = pl.sum_horizontal(pl.col(c).str.count_matches("\n", literal=True) for c in cells)
    return frame.select(count.fill_null(0)).to_series()


def _records(handle, size: int | None) -> Iterator[bytes]:
    """Yield blocks of about `size` bytes (None: all) that end at a line end outside quotes.

    At least one block comes, so that a file with only a header still gives a batch.
    """
    rest, given = b"", False
    while chunk := handle.read(-1 if size is None else size):
        data = _lone_cr_as_lf(rest + chunk, final=size is None)
        cut = len(data) if size is None else _record_end(data)
        rest = data[cut:]
        if cut:
            given = True
            yield data[:cut]
    if rest or not given:
        yield _lone_cr_as_lf(rest, final=True)


def _record_end(data: bytes) -> int:
    """Return where the last whole record of a block ends: after a line end outside quotes.

    One backward pass counts the quotes line by line, so the work stays linear in the block.
    When no line end is outside quotes (a stray quote, or a quoted field longer than a block),
    the block ends at its last line end anyway: the parse then rejects what it cannot read,
    and no block grows with the file.
    """
    last = data.rfind(b"\n") + 1
    cut, inside = last, data.count(b'"', 0, last) % 2
    while inside and cut:
        previous = data.rfind(b"\n", 0, cut - 1) + 1
        inside ^= data.count(b'"', previous, cut) % 2
        cut = previous
    return cut or last


def _lone_cr_as_lf(data: bytes, final: bool = False) -> bytes:
    """End records at a lone CR too (old Mac files, mixed endings); CR LF is left for the parser.

    Byte for byte, so positions in error messages stay those of the file. A CR at the very end
    may be the first half of a CR LF: it waits for the next block.
    """
    if b"\r" not in data:
        return data
    last = data[-1:] if data.endswith(b"\r") and not final else b""
    return _LONE_CR.sub(b"\n", data[: len(data) - len(last)]) + last


_LONE_CR = re.compile(rb"\r(?!\n)")


def _utf8(
    path: Path, block: bytes, encoding: str, offset: int, line: int = 1, tried: str = ""
) -> bytes:
    """Return the block as UTF-8; `offset` and `line` are where it starts in the file, and
    `tried` the encodings tried, for the error message (which names the byte, never text)."""
    if encoding in ("utf-8", "utf8") or block.isascii():
        return block  # a UTF-8 file was checked whole before
    try:
        return block.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        lines_before = block.count(b"\n", 0, exc.start)
        where = f"line {line + lines_before}, byte {offset + exc.start}"
        value = f"0x{block[exc.start]:02X}"
        raise FileError(
            path, f"not {encoding} text: {where} is {value}" + (f" ({tried})" if tried else "")
        ) from exc


def _parse(
    path: Path,
    utf8: bytes,
    dialect: Dialect,
    headers: list[str] | None,
    line: int,
    ragged: bool = True,
    lossy: bool = False,
) -> pl.DataFrame:
    """Parse a block into strings; with headers None, the block is the header line itself.

    `ragged`: a line with more fields than the header loses the extra ones (else it fails).
    `lossy`: bytes that are not UTF-8 become U+FFFD (_undecoded), else they fail the parse.
    """
    try:
        frame = pl.read_csv(
            utf8,
            encoding="utf8-lossy" if lossy else "utf8",
            separator=dialect.delimiter,
            has_header=headers is None,
            schema=dict.fromkeys(headers, pl.String) if headers else None,
            infer_schema=False,
            n_rows=0 if headers is None else None,
            row_index_name="_line",
            row_index_offset=line,
            truncate_ragged_lines=ragged,
            missing_columns="insert",  # a batch may start with a short line
        )
    except pl.exceptions.NoDataError:
        if headers is None:
            raise FileError(path, "not a readable CSV file (empty: no header line)") from None
        frame = pl.DataFrame(schema={"_line": pl.Int64} | dict.fromkeys(headers, pl.String))
    except pl.exceptions.PolarsError as exc:
        raise FileError(path, f"not a readable CSV file ({str(exc).splitlines()[0]})") from exc
    frame = frame.with_columns(pl.col("_line").cast(pl.Int64))
    return frame.rename({c: c.strip() for c in frame.columns}) if headers is None else frame


def _encoding(path: Path, mapping: MappingFile | None) -> str:
    """Return the file's encoding: UTF-8 when it starts with UTF-8's BOM and decodes (whatever
    the mapping says: Excel's "CSV UTF-8" of an export that used to be cp1252), else the
    mapping's, else UTF-8 when it decodes, else cp1252.

    Only UTF-8 is checked over the whole file first (it stops at the first byte that is not
    UTF-8); other encodings are checked as each batch is decoded.
    """
    with open(path, "rb") as handle:
        bom = handle.read(3) == codecs.BOM_UTF8
    if bom and _is_utf8(path):
        return "utf-8"
    if mapping and mapping.dialect.encoding:
        return mapping.dialect.encoding
    return "utf-8" if _is_utf8(path) else "cp1252"


def _is_utf8(path: Path) -> bool:
    """Return whether the whole file decodes as UTF-8, streaming."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        while block := handle.read(BATCH_BYTES):
            try:
                if not block.isascii():
                    decoder.decode(block)
            except UnicodeDecodeError:
                return False
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _bad_field_count(
    utf8: bytes, delimiter: str, width: int, line: int, rows: int | None
) -> pl.Series:
    """Return line numbers whose field count differs from the header's, counting from `line`,
    in a block without quotes (_quoted_records reads the others).

    `rows`: the block's number of lines when no line has more fields than the header (the
    parse checked that); then a count of the delimiters shows that none has fewer either.
    """
    if rows is not None and utf8.count(delimiter.encode()) == (width - 1) * rows:
        return pl.Series("_line", [], dtype=pl.Int64)
    lines = pl.read_csv(
        io.BytesIO(utf8),
        encoding="utf8-lossy",  # only delimiters are counted (a block _undecoded parsed)
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        new_columns=["text"],
        row_index_name="_line",
        row_index_offset=line,
    ).with_columns(pl.col("_line").cast(pl.Int64))
    fields = pl.col("text").str.count_matches(delimiter, literal=True)
    blank = pl.col("text").is_null() | (pl.col("text").str.strip_chars("\r") == "")
    return lines.filter(~blank & (fields != width - 1))["_line"]
