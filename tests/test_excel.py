"""Excel workbooks (issue 13): every source, the same mapping files, sheet rows as line numbers.

The workbooks are written here with xlsxwriter as municipalities' exports look: real date,
time and number cells beside text cells in the Dutch dialect, title rows, merged cells,
formula errors. Every record must be accounted for: read = loaded + duplicate + rejected.
"""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl
import pytest
import xlsxwriter

from channelshift import main
from pipelines import privacy
from pipelines.dialect import FileError, read, read_mapping
from pipelines.load import load_files
from pipelines.sources import web
from tests.conftest import FIXTURES, NOW, stored_texts

# the telephony export's own header, as the fixture holds it
PHONE_HEADER = (FIXTURES / "phone_acd.csv").read_bytes().decode("cp1252").splitlines()[0].split(";")
WEB_HEADER = ["contact_id", "submitted_at", "product_id", "completed", "citizen_ref"]
DESK_HEADER = [
    "contact_id",
    "arrived_at",
    "product_id",
    "team",
    "wait_seconds",
    "service_seconds",
    "by_appointment",
    "citizen_ref",
]
KEY = "0123456789abcdef" * 4  # one pseudonymisation key for stores that are compared


class Formula(NamedTuple):
    """A formula cell with the value Excel computed and saved with it."""

    formula: str
    shown: str | float


def workbook(path: Path, sheets: dict[str, list[list | None]]) -> Path:
    """Write sheets of rows (sheet row 1 first; None is a blank row) with Excel's cell types.

    Text is a text cell, int/float a number cell, bool a TRUE/FALSE cell, datetime and date
    date cells (dd-mm-yyyy hh:mm:ss, dd-mm-yyyy), timedelta a time cell ([h]:mm:ss); None
    leaves a cell empty.
    """
    book = xlsxwriter.Workbook(path)
    formats = {
        datetime: book.add_format({"num_format": "dd-mm-yyyy hh:mm:ss"}),
        date: book.add_format({"num_format": "dd-mm-yyyy"}),
        timedelta: book.add_format({"num_format": "[h]:mm:ss"}),
    }
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row or []):
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.formula, None, value.shown)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                elif value is not None:
                    sheet.write_datetime(r, c, value, formats[type(value)])
    book.close()
    return path


def accounted(run) -> bool:
    return run.rows_read == run.rows_loaded + run.rows_duplicate + run.rows_rejected


def rows_of(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


CONTACTS = (
    "select contact_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S'), product_id, wait_seconds, "
    "handle_seconds, line_number from contacts order by contact_id"
)


def test_the_phone_export_as_excel_loads_with_the_phone_mapping(tmp_path, monkeypatch):
    """The ACD export saved as .xlsx, read with the mapping file of its CSV (delimiter and
    encoding mean nothing to a workbook), loads the very rows the CSV loads."""
    monkeypatch.setenv(privacy.KEY_ENV, KEY)
    path = workbook(
        tmp_path / "phone.xlsx",
        {
            "Gesprekken": [
                PHONE_HEADER,
                ["G-1", datetime(2024, 3, 31, 23, 30), "Publiekszaken – algemeen",
                 "verhuismelding", "KCC", 12.5, 300, "nee", "ja", "06-12345678"],
                ["G-2", "01-04-2024 00:10", "Publiekszaken – algemeen", None, "KCC", "40", 0,
                 "ja", None, "0612345678"],
                ["G-3", datetime(2024, 4, 2, 9, 15), "Belastingen – WOZ", "woz-beschikking",
                 "Belastingen", "1.234,5", "95,25", "nee", "nee", None],
            ]
        },
    )  # fmt: skip
    mapping = FIXTURES / "phone_mapping.toml"
    (excel,) = load_files(tmp_path / "excel.duckdb", "phone", [path], mapping, now=NOW)
    (text,) = load_files(tmp_path / "csv.duckdb", "phone", [FIXTURES / "phone_acd.csv"], mapping)
    assert (excel.status, excel.rows_read, excel.rows_loaded, excel.rows_rejected) == (
        "ok", 3, 3, 0
    ), excel.summary()  # fmt: skip
    assert rows_of(tmp_path / "excel.duckdb", CONTACTS) == [
        ("G-1", "2024-03-31 23:30:00", "verhuismelding", 12.5, 300.0, 2),
        ("G-2", "2024-04-01 00:10:00", None, 40.0, 0.0, 3),
        ("G-3", "2024-04-02 09:15:00", "woz-beschikking", 1234.5, 95.25, 4),
    ]
    every = "select * exclude (run_id) from contacts order by contact_id"
    assert rows_of(tmp_path / "excel.duckdb", every) == rows_of(tmp_path / "csv.duckdb", every)
    assert text.rows_loaded == 3


def test_a_desk_export_with_date_cells_and_number_durations(load, query, tmp_path):
    """Date cells, number and time cells for durations, TRUE/FALSE and 1/0 for yes/no, a BSN
    typed as a number (and one whose leading zero Excel dropped)."""
    path = workbook(
        tmp_path / "desk.xlsx",
        {
            "Bezoeken": [
                DESK_HEADER,
                ["B-1", datetime(2024, 3, 4, 9, 15, 30), "paspoort", "Burgerzaken", 1.234, 600,
                 True, 123456782],
                ["B-2", date(2024, 3, 5), 123, "Burgerzaken", timedelta(minutes=2, seconds=30),
                 60.5, False, "123456782"],
                ["B-3", "06-03-2024 10:00", "rijbewijs", "Burgerzaken", "15,5", "1.234,5", "ja",
                 12345672],
                ["B-4", datetime(2024, 3, 7, 11), 12.5, "Burgerzaken", 0, 1, 1, "012345672"],
            ]
        },
    )  # fmt: skip
    (run,) = load("desk", path)
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == ("ok", 4, 4, 0)
    assert query(CONTACTS + "") == [
        # 1.234 is a number cell: one and a bit seconds, not 1234 (no decimal comma applies)
        ("B-1", "2024-03-04 09:15:30", "paspoort", 1.234, 600.0, 2),
        # a date cell means midnight; the product id 123 is "123", not "123.0"; 0:02:30 is 150 s
        ("B-2", "2024-03-05 00:00:00", "123", 150.0, 60.5, 3),
        # text cells in the Dutch dialect
        ("B-3", "2024-03-06 10:00:00", "rijbewijs", 15.5, 1234.5, 4),
        ("B-4", "2024-03-07 11:00:00", "12.5", 0.0, 1.0, 5),
    ]
    assert query("select contact_id, is_by_appointment from contacts order by 1") == [
        ("B-1", True),
        ("B-2", False),
        ("B-3", True),
        ("B-4", True),
    ]
    keys = dict(query("select contact_id, citizen_key from contacts"))
    # a number is pseudonymised as its text; 12345672 is the BSN 012345672 without its zero
    assert keys["B-1"] == keys["B-2"] and keys["B-3"] == keys["B-4"]
    assert len(set(keys.values())) == 2


def test_text_cells_go_through_the_dialect_value_cells_do_not(tmp_path):
    """Corrections with minutes as text with a decimal comma beside number cells, and dates as
    Dutch text beside date cells; a mapping's decimal and date_format apply to text only."""
    from pipelines.sources import corrections
    from pipelines.validate import validate

    header = ["correction_id", "detected_at", "product_id", "origin_channel", "minutes_spent",
              "error_type"]  # fmt: skip
    path = workbook(
        tmp_path / "corrections.xlsx",
        {
            "Herstel": [
                header,
                ["C-1", "04-03-2024", "paspoort", "Web", "12,5", "typo"],
                ["C-2", datetime(2024, 3, 5, 14), 123, "phone", 7.25, "typo"],
                ["C-3", "06-03-2024", "paspoort", "desk", "1.234", "typo"],
                ["C-4", date(2024, 3, 7), "paspoort", "desk", 1.234, "typo"],
            ]
        },
    )  # fmt: skip
    columns = ["_line", "correction_id", "detected_at", "product_id", "origin_channel",
               "minutes_spent"]  # fmt: skip
    checked = validate(read(path, corrections.SCHEMA), corrections.SCHEMA, NOW)
    assert checked.rejects.is_empty()
    assert checked.rows.select(columns).rows() == [
        (2, "C-1", datetime(2024, 3, 4), "paspoort", "web", 12.5),
        (3, "C-2", datetime(2024, 3, 5, 14), "123", "phone", 7.25),
        (4, "C-3", datetime(2024, 3, 6), "paspoort", "desk", 1234.0),  # Dutch: 1.234 = 1234
        (5, "C-4", datetime(2024, 3, 7), "paspoort", "desk", 1.234),  # a number cell
    ]
    toml = tmp_path / "corrections.toml"
    toml.write_text('source = "corrections"\n[dialect]\ndecimal = "."\ndate_format = "%d-%m-%Y"\n')
    mapping = read_mapping(toml, corrections.SCHEMA)
    checked = validate(read(path, corrections.SCHEMA, mapping), corrections.SCHEMA, NOW)
    assert checked.rows.select("_line", "minutes_spent").rows() == [
        (3, 7.25),
        (4, 1.234),  # now the text 1.234 has a decimal point
        (5, 1.234),
    ]
    # "12,5" is no number with a decimal point
    assert checked.rejects.select("_line", "column_name", "reason").rows() == [
        (2, "minutes_spent", "invalid_number")
    ]


def _rows_of_csv(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


@pytest.mark.parametrize(
    ("source", "file", "encoding", "delimiter", "mapping", "tables"),
    [
        ("products", "products.csv", "utf-8", ",", None, ["products"]),
        ("releases", "releases.csv", "utf-8", ",", None, ["releases"]),
        ("web", "web_canonical.csv", "utf-8-sig", ",", None, ["contacts"]),
        ("desk", "desk_dutch.csv", "cp1252", ";", None, ["contacts"]),
        ("phone", "phone_acd.csv", "cp1252", ";", "phone_mapping.toml", ["contacts"]),
    ],
)
def test_every_source_loads_from_a_workbook_of_text_cells_as_from_its_csv(
    tmp_path, monkeypatch, source, file, encoding, delimiter, mapping, tables
):
    """A CSV opened in Excel and saved as .xlsx (every cell text) loads the same rows."""
    monkeypatch.setenv(privacy.KEY_ENV, KEY)
    rows = _rows_of_csv(FIXTURES / file, encoding, delimiter)
    path = workbook(tmp_path / f"{source}.xlsx", {"Blad1": rows})
    spec = FIXTURES / mapping if mapping else None
    (excel,) = load_files(tmp_path / "excel.duckdb", source, [path], spec, now=NOW)
    (text,) = load_files(tmp_path / "csv.duckdb", source, [FIXTURES / file], spec, now=NOW)
    counts = ("status", "rows_read", "rows_loaded", "rows_duplicate", "rows_rejected")
    assert [getattr(excel, c) for c in counts] == [getattr(text, c) for c in counts]
    assert excel.rows_loaded == len(rows) - 1
    for table in tables:
        every = f"select * exclude (run_id) from {table} order by all"
        assert rows_of(tmp_path / "excel.duckdb", every) == rows_of(tmp_path / "csv.duckdb", every)


def test_a_source_with_a_mapping_reads_the_corrections_sheet(tmp_path):
    """The last source: corrections, with Dutch headers through a mapping file."""
    path = workbook(
        tmp_path / "herstel.xlsx",
        {
            "Herstel": [
                ["Nummer", "Gevonden", "Product", "Kanaal", "Minuten", "Soort fout"],
                ["H-1", date(2024, 3, 4), "paspoort", "web", 12, "adres"],
            ]
        },
    )
    toml = tmp_path / "herstel.toml"
    toml.write_text(
        'source = "corrections"\n[dialect]\nsheet = "Herstel"\n[columns]\n'
        'correction_id = "Nummer"\ndetected_at = "Gevonden"\nproduct_id = "Product"\n'
        'origin_channel = "Kanaal"\nminutes_spent = "Minuten"\nerror_type = "Soort fout"\n'
    )
    db = tmp_path / "store.duckdb"
    (run,) = load_files(db, "corrections", [path], toml, now=NOW)
    assert (run.status, run.rows_loaded) == ("ok", 1), run.summary()
    assert rows_of(db, "select correction_id, detected_at, minutes_spent from corrections") == [
        ("H-1", datetime(2024, 3, 4), 12.0)
    ]


@pytest.fixture
def two_sheets(tmp_path: Path) -> Path:
    """A workbook whose first sheet explains the second, which holds the web export."""
    return workbook(
        tmp_path / "web.xlsx",
        {
            "Toelichting": [["Export van het zaaksysteem"], ["Bron: e-formulieren"]],
            "Aanvragen": [
                WEB_HEADER,
                ["W-1", datetime(2024, 3, 4, 10), "paspoort", True],
                ["W-2", "05-03-2024 11:00", "paspoort", "nee"],
            ],
        },
    )


@pytest.mark.parametrize("sheet", ["2", '"Aanvragen"', '"aanvragen"', '" Aanvragen "'])
def test_the_mapping_chooses_the_sheet_by_number_or_name(tmp_path, two_sheets, sheet):
    toml = tmp_path / "web.toml"
    toml.write_text(f'source = "web"\n[dialect]\nsheet = {sheet}\n')
    raw = read(two_sheets, web.SCHEMA, read_mapping(toml, web.SCHEMA))
    assert raw.format == "xlsx"
    assert raw.frame.select("_line", "contact_id").rows() == [(2, "W-1"), (3, "W-2")]


@pytest.mark.parametrize(
    ("sheet", "problem"),
    [
        (
            None,
            "sheet 'Toelichting': required column(s) missing: contact_id, submitted_at, "
            "product_id, completed; the file has: Export van het zaaksysteem",
        ),
        (
            "3",
            "sheet 3 does not exist: the workbook has 2 sheet(s) (1 'Toelichting', "
            "2 'Aanvragen'); set [dialect] sheet in the mapping file",
        ),
        (
            '"Gesprekken"',
            "no sheet named 'Gesprekken': the workbook has 1 'Toelichting', 2 'Aanvragen'",
        ),
    ],
)
def test_a_sheet_that_is_not_there_names_the_sheets_there_are(tmp_path, two_sheets, sheet, problem):
    mapping = None
    if sheet:
        toml = tmp_path / "web.toml"
        toml.write_text(f'source = "web"\n[dialect]\nsheet = {sheet}\n')
        mapping = read_mapping(toml, web.SCHEMA)
    with pytest.raises(FileError) as info:
        read(two_sheets, web.SCHEMA, mapping)
    assert info.value.problem.startswith(problem)
    assert str(two_sheets) in str(info.value)


@pytest.mark.parametrize("sheet", ["0", "-1", "true", '""', "1.5"])
def test_sheet_must_be_a_name_or_a_number_from_1(tmp_path, sheet):
    toml = tmp_path / "web.toml"
    toml.write_text(f'source = "web"\n[dialect]\nsheet = {sheet}\n')
    with pytest.raises(FileError) as info:
        read_mapping(toml, web.SCHEMA)
    assert "dialect.sheet" in info.value.problem
    assert "sheet must be a sheet's name or its number, counting from 1" in info.value.problem


def test_rejects_carry_the_sheet_row(load, query, tmp_path):
    """A title row merged over the columns, blank rows, cells merged down and a totals row:
    each record keeps the number of its row in the sheet."""
    path = tmp_path / "desk.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Bezoeken")
    moment = book.add_format({"num_format": "dd-mm-yyyy hh:mm"})
    sheet.merge_range("A1:H1", "Balie-export maart 2024")
    sheet.write_row("A3", DESK_HEADER)
    sheet.merge_range("D4:D5", "Burgerzaken")  # the team only stands in row 4
    for row, values in {
        4: ["B-1", datetime(2024, 3, 4, 9), "paspoort", None, 60, 300],
        5: ["B-2", datetime(2024, 3, 4, 10), "paspoort", None, 30, 200],
        7: ["B-3", "31-02-2024 10:00", "paspoort", "Burgerzaken", 10, 100],
        8: ["B-4", datetime(2024, 3, 5, 9), "paspoort", "Burgerzaken", 20, 200],
        9: ["Totaal", None, None, None, Formula("=SUM(E4:E8)", 120), None],
    }.items():
        for col, value in enumerate(values):
            if isinstance(value, datetime):
                sheet.write_datetime(row - 1, col, value, moment)
            elif isinstance(value, Formula):
                sheet.write_formula(row - 1, col, value.formula, None, value.shown)
            elif value is not None:
                sheet.write(row - 1, col, value)
    book.close()
    (run,) = load("desk", path)
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == ("ok", 5, 2, 3)
    assert accounted(run)
    assert query("select contact_id, line_number from contacts order by 1") == [
        ("B-1", 4),
        ("B-4", 8),
    ]
    assert query(
        "select line_number, column_name, reason from load_rejects order by line_number, 2"
    ) == [
        (5, "team", "missing_value"),
        (7, "arrived_at", "invalid_date"),
        (9, "arrived_at", "missing_timestamp"),
        (9, "service_seconds", "missing_value"),
        (9, "team", "missing_value"),
    ]
    assert query("select raw_line from load_rejects where line_number = 7") == [
        ("B-3;31-02-2024 10:00;paspoort;Burgerzaken;10;100;;",)  # two columns left empty
    ]


def test_formula_errors_are_rejects_even_where_a_cell_may_be_empty(load, query, tmp_path):
    """#DIV/0! in a column that may be empty would otherwise load as an empty cell."""
    path = workbook(
        tmp_path / "web.xlsx",
        {
            "Blad1": [
                [*WEB_HEADER, "Controle"],
                ["W-1", datetime(2024, 3, 4, 10), Formula("=1/0", "#DIV/0!"), True],
                ["W-2", Formula("=NA()", "#N/A"), "paspoort", True],
                ["W-3", datetime(2024, 3, 4, 11), "paspoort", True, None,
                 Formula("=A1+#REF!", "#REF!")],
                ["W-4", datetime(2024, 3, 4, 12), Formula('=LOWER("X")', "x"), False],
            ]
        },
    )  # fmt: skip
    (run,) = load("web", path)
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == ("ok", 4, 2, 2)
    assert run.reasons == {"formula_error": 2}
    assert query(
        "select line_number, column_name, value, reason, raw_line from load_rejects order by 1"
    ) == [
        (2, "product_id", "#DIV/0!", "formula_error", "W-1;2024-03-04 10:00:00;#DIV/0!;true;"),
        (3, "submitted_at", "#N/A", "formula_error", "W-2;#N/A;paspoort;true;"),
    ]
    # an error in a column the load does not read is no reason to refuse the row
    assert query("select contact_id, product_id from contacts order by 1") == [
        ("W-3", "paspoort"),
        ("W-4", "x"),
    ]


def test_cells_of_the_wrong_type_are_rejects(load, query, tmp_path):
    """A date as a plain number, a time without a date, a yes/no that is neither."""
    path = workbook(
        tmp_path / "web.xlsx",
        {
            "Blad1": [
                WEB_HEADER,
                ["W-1", 45355, "paspoort", True],  # 4 March 2024, but shown as a number
                ["W-2", timedelta(hours=9), "paspoort", True],
                ["W-3", datetime(2024, 3, 4, 10), "paspoort", 2],
                ["W-4", datetime(2024, 3, 4, 10), 12.5, "Ja"],
            ]
        },
    )
    (run,) = load("web", path)
    assert accounted(run)
    assert query("select line_number, column_name, value, reason from load_rejects order by 1") == [
        (2, "submitted_at", "45355", "invalid_date"),
        (3, "submitted_at", "1899-12-31 09:00:00", "implausible_date"),
        (4, "completed", "2", "invalid_boolean"),
    ]
    assert query("select contact_id, product_id, is_completed from contacts") == [
        ("W-4", "12.5", True)
    ]


def test_no_raw_bsn_anywhere_in_the_store(load, db, tmp_path):
    """BSNs typed as numbers: in the reference column, on a rejected row, in a column the
    load does not read and where another value belongs."""
    path = workbook(
        tmp_path / "web.xlsx",
        {
            "Blad1": [
                [*WEB_HEADER, "BSN"],
                ["W-1", datetime(2024, 3, 4, 10), "paspoort", True, 123456782, 123456782],
                ["W-2", "31-02-2024", "paspoort", True, 111222333, 111222333],
                ["W-3", "geen datum", 111222333, True, None],
                ["W-4", datetime(2024, 3, 4, 11), "paspoort", True, "123456782"],
            ]
        },
    )
    (run,) = load("web", path)
    assert (run.rows_loaded, run.rows_rejected) == (2, 2)
    with duckdb.connect(str(db), read_only=True) as con:
        texts = stored_texts(con)
        keys = dict(con.execute("select contact_id, citizen_key from contacts").fetchall())
        raw_lines = con.execute("select raw_line from load_rejects order by line_number").fetchall()
    assert not [t for t in texts if "123456782" in t or "111222333" in t]
    assert raw_lines == [
        ("W-2;31-02-2024;paspoort;true;***",),
        ("W-3;geen datum;***;true;",),
    ]
    expected = privacy.pseudonymise(pl.Series(["123456782"]), privacy.key_for(db))[0]
    assert keys == {"W-1": expected, "W-4": expected}


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _web_book(tmp_path: Path) -> bytes:
    good = [WEB_HEADER, ["W-1", datetime(2024, 3, 4, 10), "paspoort", True]]
    return workbook(tmp_path / "good.xlsx", {"Blad1": good}).read_bytes()


def _damaged_sheet(tmp_path: Path) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_web_book(tmp_path)))
    entries = {name: source.read(name) for name in source.namelist()}
    sheet = entries["xl/worksheets/sheet1.xml"]
    entries["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    return _zip(entries)


def _encrypted(tmp_path: Path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_web_book(tmp_path))).encrypt("geheim", out)
    return out.getvalue()


HOSTILE = {
    "truncated": (
        lambda tmp: _web_book(tmp)[:2000],
        "not a readable Excel workbook (damaged or cut short: an incomplete ZIP)",
    ),
    "damaged sheet": (_damaged_sheet, "sheet 'Blad1': cannot be read (Xlsx error: Xml error"),
    "plain zip": (
        lambda tmp: _zip({"notes.txt": b"W-1,2024-03-04,x,true"}),
        "not a CSV, Parquet or Excel file (a ZIP archive without a workbook)",
    ),
    "ods": (
        lambda tmp: _zip({"mimetype": b"application/vnd.oasis", "content.xml": b"<x/>"}),
        "not a CSV, Parquet or Excel file (an OpenDocument file (.ods): save it as Excel",
    ),
    "encrypted": (
        _encrypted,
        "an encrypted (password-protected) Excel workbook: save it without a password",
    ),
    "old xls": (
        lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
        "an Excel 97-2003 workbook (.xls) or another old Office file",
    ),
    "empty sheet": (
        lambda tmp: workbook(tmp / "x.xlsx", {"Leeg": [], "Blad2": [WEB_HEADER]}).read_bytes(),
        "sheet 'Leeg': empty (no header row)",
    ),
    "blank rows only": (
        lambda tmp: workbook(tmp / "x.xlsx", {"Blad1": [None, [None, ""]]}).read_bytes(),
        "sheet 'Blad1': ",
    ),
    "header twice": (
        lambda tmp: workbook(
            tmp / "x.xlsx",
            {"Blad1": [[*WEB_HEADER, "contact_id"], ["W-1", "04-03-2024", "x", True, None, "W"]]},
        ).read_bytes(),
        "sheet 'Blad1': header name(s) more than once: contact_id",
    ),
    "column missing": (
        lambda tmp: workbook(tmp / "x.xlsx", {"Blad1": [WEB_HEADER[:3]]}).read_bytes(),
        "sheet 'Blad1': required column(s) missing: completed; the file has: contact_id, "
        "submitted_at, product_id",
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_workbook_that_cannot_be_read_fails_with_one_line(load, query, tmp_path, case):
    make, problem = HOSTILE[case]
    path = tmp_path / "web.xlsx"
    path.write_bytes(make(tmp_path))
    (run,) = load("web", path)
    assert run.status == "failed"
    assert run.message.startswith(problem), run.message
    assert "\n" not in run.message
    assert query("select count(*) from contacts") == [(0,)]
    assert query("select count(*) from load_rejects") == [(0,)]


def test_a_failed_workbook_exits_2(db, tmp_path, capsys):
    path = tmp_path / "web.xlsx"
    path.write_bytes(_encrypted(tmp_path))
    assert main(["load", "--db", str(db), "--source", "web", str(path)]) == 2
    assert f"FAILED {path}: an encrypted (password-protected)" in capsys.readouterr().out


def test_a_workbook_is_told_by_its_content_not_its_name(load, query, tmp_path):
    path = tmp_path / "web_export.csv"
    path.write_bytes(_web_book(tmp_path))
    (run,) = load("web", path)
    assert (run.status, run.rows_loaded) == ("ok", 1), run.summary()
    assert query("select contact_id, occurred_at from contacts") == [
        ("W-1", datetime(2024, 3, 4, 10))
    ]
