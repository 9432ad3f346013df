"""CSV downloads as a spreadsheet in the chosen language opens them, with where they come from.

Dutch: `;` between fields, a decimal comma, dates as dd-mm-jjjj, Dutch headers; English: `,`,
a decimal point, ISO dates. Both are UTF-8 with a BOM, which is how Excel recognises UTF-8.
Shares (fractions 0..1) are written as percentages, booleans as ja/nee or yes/no, channel
codes as the channel's name.

Where the figures come from (municipality, data until, the page's filters in words) is the
file's first line, starting with "#", not its file name: the line stays with the data when
the file is renamed, mailed or pasted into a memo, and Excel shows it whole in cell A1 (it
is quoted when it holds the separator). A file name would have to squeeze filters into a
few characters a file system allows; the names stay short and say the page and the years.
The first line is not a `sep=;` hint: with one, Excel ignores the BOM and garbles accents.

Every column needs a header text (`column.<name>`, or runs.<name> for the load runs'
columns); a column without one raises KeyError, so tests that render every page's
downloads fail before an untranslated column ships.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from metrics import formatting
from metrics.texts import TEXTS, text
from pipelines.schema import CHANNELS

BOM = "\ufeff"
# (separator, decimal comma, date format, timestamp format) per language
DIALECTS = {
    "nl": (";", True, "%d-%m-%Y", "%d-%m-%Y %H:%M"),
    "en": (",", False, "%Y-%m-%d", "%Y-%m-%d %H:%M"),
}
# Columns that hold a fraction 0..1: written x 100, with " (%)" in the header. Declared, not
# guessed from the values: a share of 0..1 and a count of 0 or 1 look alike.
SHARES = frozenset(
    {
        "share",
        "web_share",
        "share_digital",
        "service_level",
        "abandonment_rate",
        "takeup_before",
        "takeup_after",
        "repeat_share_before",
        "repeat_share_after",
    }
)
PERCENT_DECIMALS = 2
# Columns that hold a channel code (web, phone, desk): written as the channel's name.
CHANNEL_COLUMNS = frozenset({"channel", "origin_channel"})
# Columns whose header the registry already has under another key.
LOAD_RUN_COLUMNS = (
    "run_id",
    "started_at",
    "finished_at",
    "source",
    "file",
    "file_sha256",
    "mapping_file",
    "rows_read",
    "rows_loaded",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "rows_duplicate",
    "rows_rejected",
    "status",
    "message",
)
HEADER_KEYS = {c: f"runs.{c}" for c in LOAD_RUN_COLUMNS} | {
    "reason": "rejects.reason",
    "rows": "rejects.rows",
}


def header_key(column: str) -> str:
    """Return the text key of a column's header."""
    return HEADER_KEYS.get(column, f"column.{column}")


def header(column: str, lang: str) -> str:
    """Return a column's header in a language; a share's says (%)."""
    key = header_key(column)
    if key not in TEXTS:
        raise KeyError(f"column {column!r} has no header text {key!r} in metrics/texts.py")
    return text(key, lang) + (" (%)" if column in SHARES else "")


def missing_headers(columns: Sequence[str]) -> list[str]:
    """Return the columns that have no header text."""
    return [c for c in columns if header_key(c) not in TEXTS]


def source_line(
    municipality: str, until: date, lang: str, filters: Sequence[tuple[str, str]] = ()
) -> str:
    """Say where figures come from: municipality, data until, each filter as 'label: value'."""
    day = formatting.day(until, lang)
    parts = [text("export.source", lang, municipality=municipality, day=day)]
    parts += [f"{label}: {value}" for label, value in filters]
    return " · ".join(parts)


def shown(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Return the frame as the file writes it: percentages, words for booleans and channels."""
    yes, no = text("pack.yes", lang), text("pack.no", lang)
    channels = {c: text(f"channel.{c}", lang) for c in CHANNELS}
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if name in SHARES:
            column = (column * 100).round(PERCENT_DECIMALS)
        elif dtype == pl.Boolean:
            column = pl.when(column).then(pl.lit(yes)).when(~column).then(pl.lit(no))
        elif name in CHANNEL_COLUMNS:
            column = column.replace_strict(channels, default=column, return_dtype=pl.String)
        columns.append(column.alias(header(name, lang)))
    return frame.select(columns)


# A cell starting with one of these is a formula to a spreadsheet (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: str) -> str:
    """A text cell as spreadsheets show it as text: a leading ' before a formula's first sign."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def texts_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Apply as_text to every text column: a product or team named =HYPERLINK(...) stays text."""
    starts = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_START) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(starts))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def csv_bytes(frame: pl.DataFrame, lang: str, source: str) -> bytes:
    """Write a frame as CSV for a spreadsheet in `lang`, the source as its first line."""
    separator, decimal_comma, dates, timestamps = DIALECTS[lang]
    body = texts_as_text(shown(frame, lang)).write_csv(
        separator=separator,
        decimal_comma=decimal_comma,
        date_format=dates,
        datetime_format=timestamps,
    )
    first = f"# {source}"  # the comment mark keeps a formula sign out of the first place
    if separator in first or '"' in first:
        first = '"' + first.replace('"', '""') + '"'
    return (BOM + first + "\n" + body).encode("utf-8")
