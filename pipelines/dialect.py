"""Reading exports as municipalities deliver them: CSV dialects, Parquet and mapping files.

Every file is read into strings first (one row per record, with its line number) so that a
bad cell becomes a reject of that row instead of aborting the whole read.
"""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from pipelines.schema import SourceName, SourceSchema

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


class DialectOverrides(BaseModel):
    """The [dialect] table of a mapping file; every key is optional."""

    model_config = ConfigDict(extra="forbid")

    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    decimal: Literal[".", ","] | None = None
    true_values: list[str] | None = None
    false_values: list[str] | None = None

    @model_validator(mode="after")
    def _check(self) -> DialectOverrides:
        if self.delimiter is not None and len(self.delimiter.encode()) != 1:
            raise ValueError("delimiter must be a single character such as ';' or ','")
        if self.encoding is not None:
            "".encode(self.encoding)  # raises LookupError for an unknown encoding
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


class MappingFile(BaseModel):
    """A mapping file (TOML): which source, how it is written, which header is which column."""

    model_config = ConfigDict(extra="forbid")

    source: SourceName
    dialect: DialectOverrides = DialectOverrides()
    columns: dict[str, str] = {}


def read_mapping(path: Path, schema: SourceSchema) -> MappingFile:
    """Read and check a mapping file for the given source."""
    try:
        mapping = MappingFile.model_validate(tomllib.loads(Path(path).read_text("utf-8")))
    except FileNotFoundError as exc:
        raise FileError(path, "mapping file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FileError(path, f"not a valid TOML file: {exc}") from exc
    except (ValidationError, LookupError) as exc:
        raise FileError(path, f"invalid mapping: {_pydantic_message(exc)}") from exc
    if mapping.source != schema.name:
        raise FileError(path, f"mapping is for source {mapping.source!r}, not {schema.name!r}")
    unknown = sorted(set(mapping.columns) - set(schema.names))
    if unknown:
        raise FileError(
            path,
            f"[columns] {', '.join(unknown)} not a column of {schema.name} "
            f"(its columns: {', '.join(schema.names)})",
        )
    return mapping


def _pydantic_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc)


@dataclass(frozen=True)
class RawFile:
    """A file read as strings: original columns, line numbers and the canonical renames."""

    path: Path
    format: Literal["csv", "parquet"]
    dialect: Dialect
    frame: pl.DataFrame  # original headers, all String, plus "_line"
    rename: dict[str, str]  # header in the file -> canonical column
    bad_field_count: pl.Series  # line numbers whose number of fields differs from the header


def read(path: Path, schema: SourceSchema, mapping: MappingFile | None = None) -> RawFile:
    """Read a CSV or Parquet export into strings, checking that required columns exist."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(path, f"cannot be read ({exc.strerror})") from exc
    if data[:4] == b"PAR1":
        frame, dialect, bad = _read_parquet(path), CANONICAL, pl.Series([], dtype=pl.Int64)
        fmt: Literal["csv", "parquet"] = "parquet"
    else:
        frame, dialect, bad = _read_csv(path, data, mapping)
        fmt = "csv"
    columns = mapping.columns if mapping else {}
    rename = {columns.get(name, name): name for name in schema.names}
    rename = {header: name for header, name in rename.items() if header in frame.columns}
    missing = [
        f"{name} (header {columns[name]!r})" if name in columns else name
        for name in schema.required
        if name not in rename.values()
    ]
    if missing:
        raise FileError(
            path,
            f"required column(s) missing: {', '.join(missing)}; "
            f"the file has: {', '.join(c for c in frame.columns if c != '_line')}",
        )
    return RawFile(path, fmt, dialect, frame, rename, bad)


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


def _read_csv(
    path: Path, data: bytes, mapping: MappingFile | None
) -> tuple[pl.DataFrame, Dialect, pl.Series]:
    if b"\x00" in data[:4096]:
        raise FileError(path, "not a CSV or Parquet file (binary content)")
    header = data.split(b"\n", 1)[0]
    detected = DUTCH if header.count(b";") > header.count(b",") else CANONICAL
    text = _decode(path, data, mapping)
    dialect = mapping.dialect.apply(detected) if mapping else detected
    if mapping is None or mapping.dialect.encoding is None:
        dialect = dialect.model_copy(update={"encoding": text[1]})
    utf8 = text[0].encode("utf-8") if text[1] != "utf-8" else data
    try:
        frame = pl.read_csv(
            utf8,
            separator=dialect.delimiter,
            infer_schema=False,
            row_index_name="_line",
            row_index_offset=2,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as exc:
        raise FileError(path, f"not a readable CSV file ({str(exc).splitlines()[0]})") from exc
    if frame.width <= 2:  # the row index and one column
        raise FileError(
            path, f"only one column found; is the delimiter {dialect.delimiter!r} right?"
        )
    frame = frame.with_columns(pl.col("_line").cast(pl.Int64)).rename(
        {c: c.strip() for c in frame.columns}
    )
    return frame, dialect, _bad_field_count(utf8, dialect.delimiter, frame.width - 1)


def _decode(path: Path, data: bytes, mapping: MappingFile | None) -> tuple[str, str]:
    """Return (text, encoding): UTF-8 when it decodes, else cp1252 (Excel's Dutch export)."""
    if mapping and mapping.dialect.encoding:
        try:
            return data.decode(mapping.dialect.encoding), mapping.dialect.encoding
        except UnicodeDecodeError as exc:
            raise FileError(
                path, f"not encoded as {mapping.dialect.encoding} (byte {exc.start})"
            ) from exc
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise FileError(path, f"neither UTF-8 nor cp1252 text (byte {exc.start})") from exc


def _bad_field_count(utf8: bytes, delimiter: str, width: int) -> pl.Series:
    """Return line numbers whose field count differs from the header's.

    Only lines without quotes are checked: a quoted field may hold the delimiter. When a
    quoted field spans lines the physical lines no longer match records, so none is checked.
    """
    lines = pl.read_csv(
        io.BytesIO(utf8),
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        new_columns=["text"],
        row_index_name="_line",
        row_index_offset=1,
    ).with_columns(pl.col("_line").cast(pl.Int64))
    if lines.height and lines["text"].str.contains('"', literal=True).any():
        return pl.Series([], dtype=pl.Int64)
    return lines.filter(
        (pl.col("_line") > 1)
        & (pl.col("text").str.count_matches(delimiter, literal=True) != width - 1)
    )["_line"]
