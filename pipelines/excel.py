"""Excel workbooks (.xlsx, .xlsm): one sheet read into strings, each record numbered by its row.

calamine (through fastexcel) reads the cells. A cell Excel stores as a number, date, time or
TRUE/FALSE is taken as the value it is: written as canonical text (decimal point, ISO date)
and read in the CELL_VALUES dialect, so no decimal comma or `date_format` applies to it.
Excel has no time zone: a date-time is local Europe/Amsterdam time, as a CSV's. A text cell
goes through the file's dialect as in a CSV file (Dutch unless the mapping file says
otherwise). A formula that ends in an error (#DIV/0!, #N/A, ...) is a `formula_error` reject.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import fastexcel
import polars as pl

from pipelines.dialect import EXCEL, FileError, MappingFile, RawFile, _renames
from pipelines.schema import Column, SourceSchema

ZIP = b"PK\x03\x04"
COMPOUND = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: an .xls file, or an encrypted workbook
HEADER_SEARCH = 20  # title rows above the header: the first rows that are not blank
# How the reader writes a date or time cell as text (a duration, [h]:mm:ss, too: from 1899-12-31)
_MOMENT = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$"
# calamine's names for Excel's error values, and how Excel writes them in the file
_ERRORS = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}
_OTHER_ZIPS = {
    "xl/workbook.bin": "an Excel binary workbook (.xlsb): save it as Excel workbook (.xlsx)",
    "content.xml": "an OpenDocument file (.ods): save it as Excel workbook (.xlsx)",
    "word/document.xml": "a Word document, not a workbook",
}


def is_workbook(head: bytes) -> bool:
    """Whether a file's first bytes are those of a ZIP archive or an Office compound file."""
    return head.startswith((ZIP, COMPOUND))


def read(path: Path, schema: SourceSchema, mapping: MappingFile | None = None) -> RawFile:
    """Read the mapping's sheet (default: the first) into strings; `_line` is the sheet row.

    The header is the first row that is not blank, or, when title rows stand above it, the
    first of the next rows that holds every required column. Blank rows are no records.
    """
    data = _workbook(path)
    try:
        reader = fastexcel.read_excel(data)  # by content: the file's name may say .xls or .csv
    except fastexcel.FastExcelError as exc:
        raise FileError(path, f"not a readable Excel workbook ({_first_line(exc)})") from exc
    index, name = _sheet(path, reader, mapping.dialect.sheet if mapping else None)

    def problem(text: str) -> FileError:
        return FileError(path, f"sheet {name!r}: {text}")

    try:
        sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        table, errors = sheet.to_arrow_with_errors()
    except fastexcel.FastExcelError as exc:
        raise problem(f"cannot be read ({_first_line(exc)})") from exc
    text = pl.DataFrame(pl.from_arrow(table))
    codes = _error_codes(text, errors.errors if errors else [])
    filled = pl.any_horizontal(pl.all().is_not_null())
    if codes.width:
        filled = filled | pl.any_horizontal(pl.col(c).is_not_null() for c in codes.columns)
    rows = pl.concat([text, codes], how="horizontal").select(filled.alias("filled"))["filled"]
    if not rows.any():
        raise problem("empty (no header row)")
    candidates = rows.arg_true().head(HEADER_SEARCH)
    try:
        header_at, headers = _header(path, text, candidates, schema, mapping)
        rename = _renames(path, list(headers.values()), schema, mapping)
    except FileError as exc:
        raise problem(exc.problem) from exc
    read_columns = [c for c, h in headers.items() if h in rename]
    kinds = {c: schema.column(rename[headers[c]]) for c in read_columns}
    whole = pl.concat([text, codes], how="horizontal").with_columns(
        pl.lit(None, pl.String).alias(f"\0error {c}")
        for c in read_columns
        if f"\0error {c}" not in codes.columns
    )
    try:
        numbers = _numbers(reader, index, kinds, whole.height)
        whole = pl.concat([whole, numbers], how="horizontal")
        whole = pl.concat([whole, _durations(reader, index, whole, kinds)], how="horizontal")
    except fastexcel.FastExcelError as exc:
        raise problem(f"cannot be read ({_first_line(exc)})") from exc
    whole = whole.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_line"), rows.alias("\0filled")
    )
    records = whole.slice(header_at + 1).filter("\0filled")
    cells = {c: _cell(c, kinds[c], f"\0seconds {c}" in whole.columns) for c in read_columns}
    frame = records.select(
        "_line", *(cells[c][0] if c in cells else pl.col(c) for c in headers)
    ).rename({c: h for c, h in headers.items()})
    kinds_frame = records.select("_line", *(cells[c][1].alias(headers[c]) for c in read_columns))
    dialect = (mapping.dialect.apply(EXCEL) if mapping else EXCEL).model_copy(
        update={"delimiter": EXCEL.delimiter, "encoding": EXCEL.encoding}
    )
    empty = pl.Series("_line", [], dtype=pl.Int64)
    return RawFile(path, "xlsx", dialect, frame, rename, empty, cells=kinds_frame)


def _workbook(path: Path) -> bytes:
    """Return the file's bytes when it is an Excel workbook; else a FileError that says why."""
    data = path.read_bytes()
    if data.startswith(COMPOUND):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileError(
                path,
                "an encrypted (password-protected) Excel workbook: save it without a password "
                "and load it again",
            )
        raise FileError(
            path,
            "an Excel 97-2003 workbook (.xls) or another old Office file: save it as Excel "
            "workbook (.xlsx) and load it again",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        if b"[Content_Types].xml" in data[:65536] or b"xl/" in data[:65536]:
            raise FileError(
                path, "not a readable Excel workbook (damaged or cut short: an incomplete ZIP)"
            ) from exc
        raise FileError(
            path, "not a CSV, Parquet or Excel file (a damaged or incomplete ZIP archive)"
        ) from exc
    if "xl/workbook.xml" not in names:
        other = next((text for name, text in _OTHER_ZIPS.items() if name in names), None)
        raise FileError(
            path,
            f"not a CSV, Parquet or Excel file ({other or 'a ZIP archive without a workbook'})",
        )
    return data


def _sheet(path: Path, reader: fastexcel.ExcelReader, wanted: int | str | None) -> tuple[int, str]:
    """Return the index and name of the sheet the mapping names (default: the first)."""
    names = reader.sheet_names
    listing = ", ".join(f"{i} {n!r}" for i, n in enumerate(names, 1))
    if wanted is None:
        if not names:
            raise FileError(path, "not a readable Excel workbook (it has no sheets)")
        return 0, names[0]
    if isinstance(wanted, int):
        if wanted > len(names):
            raise FileError(
                path,
                f"sheet {wanted} does not exist: the workbook has {len(names)} sheet(s) "
                f"({listing}); set [dialect] sheet in the mapping file",
            )
        return wanted - 1, names[wanted - 1]
    # Excel itself takes sheet names in any case: two cannot differ by case alone
    found = [i for i, n in enumerate(names) if n == wanted] or [
        i for i, n in enumerate(names) if n.strip().casefold() == wanted.strip().casefold()
    ]
    if not found:
        raise FileError(
            path,
            f"no sheet named {wanted!r}: the workbook has {listing}; set [dialect] sheet in "
            "the mapping file",
        )
    return found[0], names[found[0]]


def _error_codes(text: pl.DataFrame, errors: list) -> pl.DataFrame:
    """Return one column per column with an error value: its code ("#DIV/0!") on its rows.

    Loaded as strings, only a cell with an error value cannot be read: each becomes null
    in the text and is listed once in the errors.
    """
    found: dict[str, tuple[list[int], list[str]]] = {}
    for error in errors:
        row, column = error.position
        code = re.search(r"Error\((\w+)\)", error.detail)
        rows, codes = found.setdefault(f"\0error {text.columns[column]}", ([], []))
        rows.append(row)
        codes.append(_ERRORS.get(code.group(1), "#ERROR") if code else "#ERROR")
    return pl.DataFrame(
        [
            pl.Series(name, [None] * text.height, dtype=pl.String).scatter(rows, codes)
            for name, (rows, codes) in found.items()
        ]
    )


def _header(
    path: Path,
    text: pl.DataFrame,
    candidates: pl.Series,
    schema: SourceSchema,
    mapping: MappingFile | None,
) -> tuple[int, dict[str, str]]:
    """Return the header's row index and its names by column; a column without one is left out.

    The first candidate row that holds every required column (title rows may stand above
    it); when none does, the first, so that the message names what it holds.
    """
    found = []
    for row in candidates:
        cells = text.row(row)
        headers = {
            c: v.strip() for c, v in zip(text.columns, cells, strict=True) if v and v.strip()
        }
        found.append((row, headers))
        try:
            _renames(path, list(headers.values()), schema, mapping)
        except FileError:
            continue
        break
    else:
        row, headers = found[0]
    names = list(headers.values())
    twice = sorted({h for h in names if names.count(h) > 1})
    if twice:
        raise FileError(path, f"header name(s) more than once: {', '.join(twice)}")
    return row, headers


def _numbers(
    reader: fastexcel.ExcelReader, index: int, kinds: dict[str, Column], height: int
) -> pl.DataFrame:
    """Return, per column read, whether each cell is a number (or TRUE/FALSE) in Excel.

    Loaded as booleans, every number or TRUE/FALSE cell reads (0 as false) and no text or
    date cell does (loaded as floats, a text "1.234" would read as a number). Only where a
    number cell reads otherwise than its text (durations, yes/no, a reference that lost its
    zero) is the sheet read again for this; elsewhere the answer is "no".
    """
    needed = [
        c
        for c, col in kinds.items()
        if col.kind in ("duration", "bool", "count") or col.name == "citizen_ref"
    ]
    loaded = pl.DataFrame()
    if needed:
        loaded = reader.load_sheet(
            index, header_row=None, skip_rows=0, dtypes="boolean", use_columns=needed
        ).to_polars()
    no = pl.Series(dtype=pl.Boolean).extend_constant(False, height)
    return pl.DataFrame(
        [(loaded[c].is_not_null() if c in needed else no).alias(f"\0number {c}") for c in kinds]
    )


def _durations(
    reader: fastexcel.ExcelReader, index: int, sheet: pl.DataFrame, kinds: dict
) -> pl.DataFrame:
    """Return the seconds (or minutes) of the time cells ([h]:mm:ss) of the duration columns."""
    timed = [
        c
        for c, col in kinds.items()
        if col.kind == "duration" and sheet.select(_moment(c).any()).item()
    ]
    if not timed:
        return pl.DataFrame()
    lengths = reader.load_sheet(
        index, header_row=None, skip_rows=0, dtypes="duration", use_columns=timed
    ).to_polars()
    return lengths.select(
        (pl.col(c).dt.total_microseconds() / (60e6 if kinds[c].minutes else 1e6)).alias(
            f"\0seconds {c}"
        )
        for c in timed
    )


def _moment(column: str) -> pl.Expr:
    """Whether a cell holds a date, time or duration (none of them is a number cell).

    Told by how calamine writes such a cell as text: a text cell written exactly so (an ISO
    date-time with seconds) is read as a date cell would be, to the same date either way.
    """
    return ~pl.col(f"\0number {column}") & pl.col(column).str.contains(_MOMENT)


def _cell(column: str, col: Column, timed: bool) -> tuple[pl.Expr, pl.Expr]:
    """Return the text a read column's cells load as (named as in the sheet), and their kinds.

    `timed`: the column has durations in time cells (their lengths were loaded).
    """
    text = pl.col(column)
    number = pl.col(f"\0number {column}")
    moment = _moment(column)
    shown = pl.when(moment & text.str.ends_with(" 00:00:00")).then(text.str.slice(0, 10))
    if timed:
        shown = pl.when(moment).then(_number_text(pl.col(f"\0seconds {column}")))
    if col.name == "citizen_ref":  # Excel drops the leading zero of a BSN typed as a number
        padded = text.str.zfill(9)
        bsn = number & text.str.contains(r"^\d{1,8}$") & _eleven_test(padded)
        shown = shown.when(bsn).then(padded)
    error = pl.col(f"\0error {column}")
    kind = pl.when(error.is_not_null()).then(pl.lit("error"))
    kind = kind.when(number | moment).then(pl.lit("value"))
    kind = kind.when(text.is_not_null()).then(pl.lit("text")).otherwise(pl.lit(None, pl.String))
    return pl.coalesce(error, shown.otherwise(text)).alias(column), kind


def _number_text(number: pl.Expr) -> pl.Expr:
    """Write a number as Excel shows it: 120, not 120.0."""
    whole = (number == number.round(0)) & (number.abs() < 1e15)
    return (
        pl.when(whole).then(number.cast(pl.Int64).cast(pl.String)).otherwise(number.cast(pl.String))
    )


def _eleven_test(digits: pl.Expr) -> pl.Expr:
    """The BSN eleven-test (privacy.is_bsn) over nine-digit texts."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(weights)
    )
    return total % 11 == 0


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0].removeprefix("calamine error: ")
