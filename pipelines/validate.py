"""Vectorised validation: strings in, typed canonical columns and (line, column, reason) out.

Every rule is a Polars expression over whole columns; no Python runs per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from pipelines.dialect import CELL_VALUES, Dialect, FileError, RawFile
from pipelines.schema import CHANNELS, Column, SourceSchema
from pipelines.settings import TIME_ZONE, Plausible

# Written where a reference is missing; no reference, not a resident called "NULL". A phone
# system writes a withheld caller id as a word: thousands of callers, not one resident.
NO_REFERENCE = (
    *("null", "none", "nan", "n/a", "-", "onbekend", "unknown"),
    *("anonymous", "withheld", "private", "restricted", "unavailable"),
    *("anoniem", "afgeschermd", "geheim", "prive", "privé"),
)
DEFAULT_BOUNDS = Plausible()


@dataclass(frozen=True)
class Validated:
    """The outcome of validating one file."""

    rows: pl.DataFrame  # typed canonical columns plus "_line", trusted rows only
    rejects: pl.DataFrame  # one row per failed cell: _line, column, value, reason
    rows_read: int
    rows_duplicate: int

    @property
    def rows_rejected(self) -> int:
        return self.rejects["_line"].n_unique()


def validate(
    raw: RawFile, schema: SourceSchema, now: datetime, plausible: Plausible = DEFAULT_BOUNDS
) -> Validated:
    """Split a raw file into trusted typed rows and rejects; `now` is naive local time."""
    key_headers = [h for h, name in raw.rename.items() if name in schema.key]
    frame = _without_earlier_copies(raw.frame, key_headers)
    text = frame.select("_line", *(_text(raw, col) for col in schema.columns))

    rejects = []
    if raw.refused is not None and raw.refused.height:
        rejects.append(_refused(raw.refused).join(text, on="_line", how="semi"))
        text = text.join(rejects[0], on="_line", how="anti")  # one reason, not one per cell
    kinds = _cell_kinds(raw, text)  # of the rows whose cells are checked
    typed = text.select("_line")
    rejects.append(_field_count_rejects(raw.bad_field_count).join(text, on="_line", how="semi"))
    for col in schema.columns:
        kind = kinds.get(col.name)
        parsed = _parse_cells(text[col.name], col, raw.dialect, kind)
        if col.kind in ("timestamp", "date_or_timestamp", "date", "month"):
            cells, dates = text.select("_line", col.name), parsed
            if kind is not None:  # only text cells are read with the date format
                cells, dates = cells.filter(kind != "value"), parsed.filter(kind != "value")
            _check_day_month(raw, col, cells, dates)
        error = None if kind is None else kind == "error"
        reason = text.select(
            _reason(col, pl.col(col.name), parsed, now, plausible, error).alias("reason")
        )
        typed = typed.with_columns(parsed.alias(col.name))
        rejects.append(
            text.select(
                "_line", pl.lit(col.name).alias("column_name"), pl.col(col.name).alias("value")
            )
            .with_columns(reason)
            .filter(pl.col("reason").is_not_null())
        )
    for a, b in schema.at_most:  # checked on records whose cells are fine
        fine = typed.join(pl.concat(rejects).select("_line"), on="_line", how="anti")
        over = fine.filter(pl.col(a) > pl.col(b)).select(
            "_line",
            pl.lit(a).alias("column_name"),
            pl.col(a).cast(pl.String).alias("value"),
            pl.lit(f"{a}_exceeds_{b}").alias("reason"),
        )
        rejects.append(
            over.join(text.select("_line", a), on="_line").select(
                "_line", "column_name", pl.col(a).alias("value"), "reason"
            )
        )
    rejected = pl.concat(rejects)
    good = typed.join(rejected.select("_line"), on="_line", how="anti") if len(rejected) else typed
    last = _last_of_key(good, schema.key)
    rows, same = good, 0
    if not last.all():  # a key on several lines: the last wins
        rows = good.filter(last)
        earlier = _same_as_last(good.filter(~last), rows, schema.key)
        same = int(earlier["_same"].sum())
        rejected = pl.concat([rejected, _key_rejects(earlier.filter(~pl.col("_same")), schema)])
    return Validated(
        rows=rows,
        rejects=rejected,
        rows_read=raw.frame.height,
        rows_duplicate=raw.frame.height - frame.height + same,
    )


def _without_earlier_copies(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """Drop each line that a later line copies exactly (the last wins).

    Copies share their key's text, so only lines whose key cells repeat are compared in full.
    """
    columns = [c for c in frame.columns if c != "_line"]
    shared = frame.select(pl.struct(key).is_duplicated()).to_series()
    if not shared.any():
        return frame
    copies = frame.filter(shared).filter(~pl.struct(columns).is_last_distinct())["_line"]
    return frame.filter(~pl.col("_line").is_in(copies.implode()))


def _last_of_key(rows: pl.DataFrame, key: tuple[str, ...]) -> pl.Series:
    """Return True for the last line of each key (a later line supersedes an earlier one)."""
    columns = pl.col(key[0]) if len(key) == 1 else pl.struct(key)
    return rows.select(columns.is_last_distinct()).to_series()


def _same_as_last(earlier: pl.DataFrame, last: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """Return the superseded lines with "_same": their record equals the winning line's.

    Such a line is a duplicate (the same record written differently, e.g. 10 and 10,0);
    one with other content is a duplicate_key reject.
    """
    others = [c for c in earlier.columns if c not in key and c != "_line"]
    both = earlier.join(
        last.drop("_line"), on=list(key), how="left", suffix="_last", nulls_equal=True
    )
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_last")) for c in others)
    return both.select(*earlier.columns, same.alias("_same"))


def _text(raw: RawFile, col: Column) -> pl.Expr:
    """Return the column's cells stripped, with empty cells as null."""
    header = next((h for h, name in raw.rename.items() if name == col.name), None)
    if header is None:
        return pl.lit(None, pl.String).alias(col.name)
    cell = pl.col(header).str.strip_chars()
    known = cell != ""
    if col.name == "citizen_ref":
        known = known & ~cell.str.to_lowercase().is_in(NO_REFERENCE)
    return pl.when(known).then(cell).alias(col.name)


def _cell_kinds(raw: RawFile, frame: pl.DataFrame) -> dict[str, pl.Series]:
    """Return each read column's cell kinds (RawFile.cells) on the rows of `frame`, in order."""
    if raw.cells is None:
        return {}
    kinds = frame.select("_line").join(raw.cells, on="_line", how="left", maintain_order="left")
    return {raw.rename[h]: kinds[h].fill_null("empty") for h in raw.cells.columns if h != "_line"}


def _parse_cells(text: pl.Series, col: Column, dialect: Dialect, kind: pl.Series | None):
    """Parse text cells in the file's dialect, Excel's values (RawFile.cells) as they are."""
    if kind is None or not (kind == "value").any():
        return _parse(text, col, dialect)
    value = kind == "value"
    if value.all():
        return _parse(text, col, CELL_VALUES)
    parsed = _parse(text, col, dialect)
    return parsed.scatter(value.arg_true(), _parse(text.filter(value), col, CELL_VALUES))


def _parse(text: pl.Series, col: Column, dialect: Dialect) -> pl.Series:
    if col.kind in ("timestamp", "date_or_timestamp"):
        return parse_times(text, dialect.timestamp_formats, pl.Datetime("us"))
    if col.kind == "date":
        return parse_times(text, dialect.date_formats, pl.Date)
    if col.kind == "month":
        return parse_month(text, dialect)
    if col.kind in ("duration", "count"):
        return parse_number(text, dialect.decimal)
    if col.kind == "bool":
        return parse_bool(text, dialect.true_values, dialect.false_values)
    if col.kind == "channel":
        return text.str.to_lowercase()
    return text


def _check_day_month(raw: RawFile, col: Column, text: pl.DataFrame, parsed: pl.Series) -> None:
    """Fail the file when its dates only make sense with day and month the other way round.

    A date format that swaps them (a mapping's `%m-%d-%Y` for Dutch dates) would load every
    date with a day up to 12 silently wrong and reject the others: when some dates read only
    swapped and every date that reads as written also reads swapped, the format is wrong.
    The message names the column and line, never the value.
    """
    cells = text[col.name]
    failed = parsed.is_null() & cells.is_not_null()
    formats = raw.dialect.date_formats if col.kind == "date" else raw.dialect.timestamp_formats
    swapped = tuple(  # year first is ISO order; nobody writes year, day, month
        _swap_day_month(f)
        for f in formats
        if "%d" in f and "%m" in f and f.find("%d") < f.find("%Y")
    )
    if not swapped or not failed.any():
        return
    dtype = pl.Date if col.kind == "date" else pl.Datetime("us")
    rescued = _coalesce(cells.filter(failed), swapped, dtype).is_not_null()
    if not rescued.any():
        return
    read = parsed.is_not_null()
    if _coalesce(cells.filter(read), swapped, dtype).null_count():
        return  # some dates read only as written: the file mixes orders, its rejects say so
    first = text["_line"].filter(failed).filter(rescued)[0]
    raise FileError(
        raw.path,
        f"column {col.name}: {int(rescued.sum())} date(s) make sense only with day and month "
        f"the other way round (the first on line {first}), and every other date reads that "
        f"way too; is the date format ({formats[0]}) right? Set [dialect] date_format in "
        "the mapping file",
    )


def _swap_day_month(fmt: str) -> str:
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _reason(
    col: Column,
    text: pl.Expr,
    parsed: pl.Series,
    now: datetime,
    plausible: Plausible,
    error: pl.Series | None = None,
) -> pl.Expr:
    """Return the reject reason of each cell (null when the cell is fine).

    `error`: True for an Excel cell whose formula ended in an error value (#DIV/0!).
    """
    value = pl.lit(parsed)
    missing = {
        "id": "missing_id",
        "timestamp": "missing_timestamp",
        "date_or_timestamp": "missing_timestamp",
    }.get(col.kind, "missing_value")
    unparsed = text.is_not_null() & value.is_null()
    rule = pl.when(pl.lit(error) if error is not None else pl.lit(False))
    rule = rule.then(pl.lit("formula_error"))
    rule = rule.when(text.is_null() & pl.lit(not col.nullable)).then(pl.lit(missing))
    if col.kind in ("timestamp", "date_or_timestamp", "date", "month"):
        rule = rule.when(unparsed).then(pl.lit("invalid_date"))
        earliest = plausible.earliest_date
        if col.kind not in ("date", "month"):
            earliest = datetime.combine(earliest, datetime.min.time())
        rule = rule.when(value < pl.lit(earliest)).then(pl.lit("implausible_date"))
    if col.kind in ("timestamp", "date_or_timestamp"):
        rule = rule.when(value > pl.lit(now + timedelta(days=1))).then(pl.lit("future_timestamp"))
    if col.kind == "month":  # a month after the current one has not happened yet
        rule = rule.when(value > pl.lit(now.date().replace(day=1))).then(pl.lit("future_timestamp"))
    if col.kind == "count":
        rule = rule.when(unparsed).then(pl.lit("invalid_number"))
        rule = rule.when(value < 0).then(pl.lit("negative_count"))
        rule = rule.when(value != value.floor()).then(pl.lit("fractional_count"))
    if col.kind == "duration":
        rule = rule.when(unparsed).then(pl.lit("invalid_number"))
        rule = rule.when(value < 0).then(pl.lit("negative_duration"))
        longest = plausible.max_duration_seconds / (60 if col.minutes else 1)
        rule = rule.when(value > longest).then(pl.lit("implausible_duration"))
    if col.kind == "bool":
        rule = rule.when(unparsed).then(pl.lit("invalid_boolean"))
    if col.kind == "channel":
        rule = rule.when(text.is_not_null() & ~value.is_in(CHANNELS)).then(
            pl.lit("unknown_channel")
        )
    return rule.otherwise(pl.lit(None, pl.String))


def parse_times(text: pl.Series, formats: tuple[str, ...], dtype: pl.DataType) -> pl.Series:
    """Parse with the formats a sample uses, retrying the other formats only where that failed.

    Times with an offset are converted to Europe/Amsterdam; all results are naive local time.
    """
    sample = text.drop_nulls().head(1000)
    used = [f for f in formats if _strptime(sample, f, dtype).null_count() < sample.len()]
    out = _coalesce(text, used or formats[:1], dtype)
    failed = out.is_null() & text.is_not_null()
    rest = tuple(f for f in formats if f not in used)
    if rest and failed.any():
        retry = _coalesce(text.filter(failed), rest, dtype)
        out = out.scatter(failed.arg_true(), retry)
    return out


def _coalesce(text: pl.Series, formats, dtype: pl.DataType) -> pl.Series:
    parsed = [_strptime(text, f, dtype) for f in formats]
    return pl.select(pl.coalesce(parsed)).to_series().alias(text.name)


def _strptime(text: pl.Series, fmt: str, dtype: pl.DataType) -> pl.Series:
    if any(offset in fmt for offset in ("%z", "%#z", "%:z")) and dtype != pl.Date:
        aware = text.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False)
        return aware.dt.convert_time_zone(TIME_ZONE).dt.replace_time_zone(None)
    return text.str.strptime(dtype, fmt, strict=False)


def parse_month(text: pl.Series, dialect: Dialect) -> pl.Series:
    """Parse a month written `YYYY-MM` or as any date in it; the result is its first day."""
    ym = text.str.extract(r"^(\d{4})-(\d{1,2})$", 0).is_not_null()
    written = pl.select(pl.when(ym).then(text + "-01").otherwise(text)).to_series()
    formats = ("%Y-%m-%d", *dialect.date_formats)
    days = parse_times(written, formats, pl.Date)
    return days.dt.truncate("1mo").alias(text.name)


def parse_bool(text: pl.Series, true: tuple[str, ...], false: tuple[str, ...]) -> pl.Series:
    """Parse yes/no values in any case; cells already in lower case are matched first."""
    mapping = dict.fromkeys(true, True) | dict.fromkeys(false, False)
    out = text.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    failed = out.is_null() & text.is_not_null()
    if failed.any():  # "Ja", "NEE": lowering only these is cheaper than lowering all
        retry = text.filter(failed).str.to_lowercase()
        out = out.scatter(failed.arg_true(), retry.replace_strict(mapping, default=None))
    return out


def parse_number(text: pl.Series, decimal: str) -> pl.Series:
    """Parse decimals; with a decimal comma, dots are thousands separators (1.234,5)."""
    if decimal == "," and text.str.contains(".", literal=True).any():
        thousands = text.str.contains(r"^-?\d{1,3}(\.\d{3})+(,\d*)?$")
        text = pl.select(
            pl.when(thousands).then(text.str.replace_all(".", "", literal=True)).otherwise(text)
        ).to_series()
    if decimal == ",":
        text = text.str.replace(",", ".", literal=True)
    number = text.cast(pl.Float64, strict=False)
    return pl.select(pl.when(number.is_finite()).then(number)).to_series().alias(text.name)


def _refused(refused: pl.DataFrame) -> pl.DataFrame:
    return refused.select(
        pl.col("_line").cast(pl.Int64),
        pl.lit(None, pl.String).alias("column_name"),
        pl.lit(None, pl.String).alias("value"),
        pl.col("reason").cast(pl.String),
    )


def _field_count_rejects(lines: pl.Series) -> pl.DataFrame:
    return pl.DataFrame({"_line": lines}, schema={"_line": pl.Int64}).with_columns(
        pl.lit(None, pl.String).alias("column_name"),
        pl.lit(None, pl.String).alias("value"),
        pl.lit("wrong_field_count").alias("reason"),
    )


def _key_rejects(superseded: pl.DataFrame, schema: SourceSchema) -> pl.DataFrame:
    return superseded.select(
        "_line",
        pl.lit(",".join(schema.key)).alias("column_name"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in schema.key], separator=",").alias(
            "value"
        ),
        pl.lit("duplicate_key").alias("reason"),
    )
