"""Open Forms' form submission statistics export: one web request per row (issue 13, item 4).

The workbooks are written here with openpyxl, as the admin's export writes them (tablib's
XLSX format: a sheet titled after the export, cut to 31 characters, a bold header row,
panes frozen under it, every cell text; a submission time missing is an empty cell). The
rows are around the change to summer time on 2024-03-31 (01:00 UTC) and the turn of the
month in local time; every expected figure below is worked out by hand from them.
"""

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from channelshift import main
from pipelines.dialect import FileError, read_mapping
from pipelines.load import SOURCES
from pipelines.sources import openforms
from tests.conftest import stored_texts

ROOT = Path(__file__).parents[1]
DUTCH = list(openforms.PRESETS["nl"].values())
ENGLISH = list(openforms.PRESETS["en"].values())
TITLE = "Aangemaakte registraties van 2024-03-01 tot en met 2024-05-31"
# Publieke referentie, Formuliernaam (publiek), Formuliernaam (intern), Ingezonden op,
# Geregistreerd op: sheet rows 2 to 9
ROWS = [
    ["OF-0001", "Paspoort aanvragen", "paspoort", "2024-03-15T10:00:00Z", "2024-03-15T10:00:05Z"],
    # 00:30 UTC is 01:30 CET, half an hour before summer time
    ["OF-0002", "Verhuizing doorgeven", "Verhuizing", "2024-03-31T00:30:00.500Z", ""],
    # no internal name: the public one, the catalogue's English name of verhuismelding;
    # 22:30 UTC is 00:30 CEST on 1 April
    ["OF-0003", "Change of address", "", "2024-03-31T22:30:00+00:00", "2024-03-31T22:31:00Z"],
    ["OF-0004", "Melding openbare ruimte", "MOR", "2024-04-30T21:59:59.123456+00:00", ""],
    ["OF-0005", "WOZ-bezwaar", "WOZ-beschikking", "2024-04-30T22:00:00Z", None],
    # a submission pruned before its statistics were logged
    ["-unknown-", "-unknown-", "-unknown-", None, "2024-04-02T08:00:00+00:00"],
    ["OF-0006", "Paspoort aanvragen", "paspoort", None, "2024-04-02T08:00:00+00:00"],
    ["OF-0007", "Paspoort aanvragen", "Paspoort", "2024-04-02T08:00:00Z", None],
]
CONTACTS = (
    "select contact_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S.%f'), product_id, "
    "is_handled, is_completed, citizen_key, line_number from contacts order by contact_id"
)
BY_MONTH = (
    "select strftime(period_month, '%Y-%m'), product_id, contacts from mart_product_channel "
    "where channel = 'web' order by 1, 2 nulls first"
)
REJECTS = "select line_number, column_name, value, reason from load_rejects order by 1, 2"


def export(
    path: Path,
    rows: list[list[str | None]],
    header: list[str] = DUTCH,
    title: str = TITLE,
) -> Path:
    """Write an export as Open Forms' admin does (tablib's XLSX format through openpyxl)."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = openforms.sheet_title(title)
    bold = Font(bold=True)
    for c, name in enumerate(header, 1):
        sheet.cell(1, c, name).font = bold
    sheet.freeze_panes = "A2"
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            sheet.cell(r, c, value)
    book.save(path)
    return path


@pytest.fixture
def loaded(load, tmp_path):
    """The catalogue and the export of ROWS loaded without mapping; returns the export's run."""
    load("products", "products.csv")
    (run,) = load("openforms", export(tmp_path / "submissions.xlsx", ROWS))
    return run


def test_each_submission_is_a_handled_web_request_in_local_time(loaded, query):
    assert (loaded.status, loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected) == (
        "ok",
        8,
        6,
        2,
    ), loaded.summary()
    assert query(CONTACTS) == [
        ("OF-0001", "2024-03-15 11:00:00.000000", "paspoort", True, True, None, 2),
        ("OF-0002", "2024-03-31 01:30:00.500000", None, True, True, None, 3),
        ("OF-0003", "2024-04-01 00:30:00.000000", "verhuismelding", True, True, None, 4),
        ("OF-0004", "2024-04-30 23:59:59.123456", None, True, True, None, 5),
        ("OF-0005", "2024-05-01 00:00:00.000000", "woz-beschikking", True, True, None, 6),
        ("OF-0007", "2024-04-02 10:00:00.000000", "paspoort", True, True, None, 9),
    ]
    assert query("select distinct channel from contacts") == [("web",)]


def test_pruned_and_timeless_rows_are_rejects_an_empty_registration_is_not(loaded, query):
    assert loaded.reasons == {"missing_id": 1, "missing_timestamp": 1}
    assert query(REJECTS) == [
        (7, None, None, "missing_id"),
        (8, "submitted_at", None, "missing_timestamp"),
    ]
    (raw,) = query("select raw_line from load_rejects where line_number = 7")[0]
    assert raw == "-unknown-;;-unknown-;-unknown-;2024-04-02T08:00:00+00:00"


def test_counts_per_month_and_product_worked_out_by_hand(loaded, query):
    """March: OF-0001 (paspoort), OF-0002 (no form of that name in the catalogue). April:
    OF-0003 (verhuismelding), OF-0004 (none), OF-0007 (paspoort). May: OF-0005."""
    assert query(BY_MONTH) == [
        ("2024-03", None, 1),
        ("2024-03", "paspoort", 1),
        ("2024-04", None, 1),
        ("2024-04", "paspoort", 1),
        ("2024-04", "verhuismelding", 1),
        ("2024-05", "woz-beschikking", 1),
    ]


def test_the_mapping_names_products_before_the_catalogue(load, query, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        'source = "openforms"\n[products]\n'
        '"verhuizing" = "verhuismelding"\n"MOR" = "openbare-ruimte"\n"Paspoort" = "id-kaart"\n'
    )
    load("products", "products.csv")
    (run,) = load("openforms", export(tmp_path / "s.xlsx", ROWS), mapping=mapping)
    assert run.rows_loaded == 6, run.summary()
    assert query("select contact_id, product_id from contacts order by 1") == [
        ("OF-0001", "id-kaart"),  # any case, as the catalogue's names
        ("OF-0002", "verhuismelding"),
        ("OF-0003", "verhuismelding"),
        ("OF-0004", "openbare-ruimte"),
        ("OF-0005", "woz-beschikking"),
        ("OF-0007", "id-kaart"),
    ]


def test_without_a_catalogue_no_request_has_a_product(load, query, tmp_path):
    (run,) = load("openforms", export(tmp_path / "s.xlsx", ROWS))
    assert run.rows_loaded == 6
    assert query("select count(*) from contacts where product_id is null") == [(6,)]


def test_a_name_two_products_share_gives_neither(load, query, tmp_path):
    catalogue = tmp_path / "products.csv"
    catalogue.write_text(
        "product_id,name_nl,name_en,category\n"
        "paspoort,Paspoort,Passport,Burgerzaken\n"
        "id-kaart,ID-kaart,Paspoort,Burgerzaken\n"
    )
    load("products", catalogue)
    load("openforms", export(tmp_path / "s.xlsx", ROWS[:1]))
    assert query("select product_id from contacts") == [(None,)]


def test_the_english_export_needs_no_mapping_either(load, query, tmp_path):
    title = "Successfully completed submissions between 2024-03-01 and 2024-05-31"
    (run,) = load("openforms", export(tmp_path / "s.xlsx", ROWS, ENGLISH, title))
    assert (run.rows_loaded, run.rows_rejected) == (6, 2), run.summary()


def test_the_export_saved_as_csv_loads_the_same(load, query, tmp_path):
    lines = [";".join(DUTCH)] + [";".join(v or "" for v in row) for row in ROWS]
    csv = tmp_path / "s.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load("products", "products.csv")
    (run,) = load("openforms", csv)
    assert (run.rows_loaded, run.reasons) == (6, {"missing_id": 1, "missing_timestamp": 1})
    assert query(BY_MONTH)[0] == ("2024-03", None, 1)
    assert query("select line_number from load_rejects order by 1") == [(7,), (8,)]


# --- hostile input: each reject names its sheet row -----------------------------------


def test_a_cut_off_sheet_title_is_found_by_its_whole_title(load, query, tmp_path):
    title = "Aangemaakte registraties van 2024-03-01 tot en met 2024-03-31"
    assert openforms.sheet_title(title) == "Aangemaakte registraties van 20"
    assert openforms.sheet_title("Inzendingen [1/2]: mei?") == "Inzendingen -1-2-- mei-"
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(f'source = "openforms"\n[dialect]\nsheet = "{title}"\n')
    (run,) = load("openforms", export(tmp_path / "s.xlsx", ROWS[:2], title=title), mapping=mapping)
    assert (run.status, run.rows_loaded) == ("ok", 2), run.summary()


def test_extra_columns_are_ignored(load, query, tmp_path):
    header = ["Opmerking", *DUTCH, "Betaald"]
    rows = [["let op", *row, "ja"] for row in ROWS]
    (run,) = load("openforms", export(tmp_path / "s.xlsx", rows, header))
    assert (run.rows_loaded, run.rows_rejected) == (6, 2), run.summary()
    assert query("select raw_line from load_rejects where line_number = 8") == [
        ("OF-0006;;paspoort;Paspoort aanvragen;2024-04-02T08:00:00+00:00",)
    ]


@pytest.mark.parametrize(
    ("reference", "submitted", "column", "reason"),
    [
        ("", "2024-03-15T10:00:00Z", "contact_id", "missing_id"),
        ("   ", "2024-03-15T10:00:00Z", "contact_id", "missing_id"),
        (" -unknown- ", "2024-03-15T10:00:00Z", None, "missing_id"),
        ("OF-9", "15-03-2024 10:00", "submitted_at", "invalid_date"),  # Dutch, not ISO
        ("OF-9", "2024-03-15", "submitted_at", "invalid_date"),  # a date, not a time
        ("OF-9", "gisteren", "submitted_at", "invalid_date"),
        ("OF-9", "20240-03-15T10:00:00Z", "submitted_at", "invalid_date"),
        ("OF-9", "0001-01-01T00:00:00Z", "submitted_at", "implausible_date"),
        ("OF-9", "1970-01-01T00:00:00Z", "submitted_at", "implausible_date"),
        ("OF-9", "9999-12-31T23:59:59Z", "submitted_at", "future_timestamp"),
    ],
)
def test_a_hostile_row_is_a_reject_on_its_sheet_row(
    load, query, tmp_path, reference, submitted, column, reason
):
    rows = [ROWS[0], [reference, "Formulier", "", submitted, ""], ROWS[7]]
    (run,) = load("openforms", export(tmp_path / "s.xlsx", rows))
    assert (run.rows_loaded, run.reasons) == (2, {reason: 1}), run.summary()
    assert query(REJECTS) == [(3, column, None if column != "submitted_at" else submitted, reason)]


def test_a_time_without_offset_is_utc_as_the_column_is(load, query, tmp_path):
    rows = [["OF-1", "F", "", "2024-01-10T10:00:00", ""], ["OF-2", "F", "", "2024-01-10 10:00", ""]]
    load("openforms", export(tmp_path / "s.xlsx", rows))
    assert query("select strftime(occurred_at, '%H:%M') from contacts") == [("11:00",)] * 2


def test_a_date_cell_typed_over_a_time_is_utc_too(load, query, tmp_path):
    path = export(tmp_path / "s.xlsx", [["OF-1", "F", "", None, ""]])
    book = load_workbook(path)
    book.worksheets[0]["D2"] = datetime(2024, 1, 10, 9, 0)  # a date cell, no time zone
    book.save(path)
    (run,) = load("openforms", path)
    assert run.rows_loaded == 1, run.summary()
    assert query("select strftime(occurred_at, '%Y-%m-%d %H:%M') from contacts") == [
        ("2024-01-10 10:00",)
    ]


def test_a_repeated_reference_loads_its_last_row(load, query, tmp_path):
    rows = [
        ["OF-1", "Paspoort aanvragen", "paspoort", "2024-03-15T10:00:00Z", ""],
        ["OF-1", "Paspoort aanvragen", "paspoort", "2024-03-15T10:00:00Z", ""],  # a copy
        ["OF-2", "Paspoort aanvragen", "paspoort", "2024-03-16T10:00:00Z", ""],
        ["OF-1", "Paspoort aanvragen", "paspoort", "2024-03-17T10:00:00Z", ""],  # wins
    ]
    (run,) = load("openforms", export(tmp_path / "s.xlsx", rows))
    assert (run.rows_read, run.rows_loaded, run.rows_duplicate, run.rows_rejected) == (4, 2, 1, 1)
    assert query("select contact_id, day(occurred_at), line_number from contacts order by 1") == [
        ("OF-1", 17, 5),
        ("OF-2", 16, 4),
    ]
    assert query(REJECTS) == [(3, "contact_id", "OF-1", "duplicate_key")]


def test_a_workbook_that_is_no_open_forms_export_fails_with_one_line(load, query, tmp_path):
    (run,) = load("openforms", export(tmp_path / "s.xlsx", ROWS, ["a", "b", "c", "d", "e"]))
    assert run.status == "failed"
    assert run.message.startswith("not Open Forms' submission statistics export: its header is")
    assert "the file has: a, b, c, d, e" in run.message
    (run,) = load("openforms", "web_canonical.csv")
    assert run.status == "failed" and "Publieke referentie" in run.message


def test_a_mapping_names_other_headers(load, query, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        'source = "openforms"\n[columns]\ncontact_id = "Ref"\nsubmitted_at = "Tijd (UTC)"\n'
    )
    rows = [["OF-1", "2024-03-15T10:00:00Z"]]
    (run,) = load(
        "openforms", export(tmp_path / "s.xlsx", rows, ["Ref", "Tijd (UTC)"]), mapping=mapping
    )
    assert run.rows_loaded == 1, run.summary()


def test_nothing_of_a_resident_is_stored(loaded, db):
    """The export has no resident column: no citizen_key, so no repeat contact either."""
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(citizen_key) from contacts").fetchall() == [(0,)]
        texts = stored_texts(con)
    assert "OF-0001" in texts  # the submission's public reference is its key
    assert "Paspoort aanvragen" not in texts  # a form's name only finds its product


# --- the mapping file and the command line --------------------------------------------


def test_the_documented_example_mapping_is_valid(load, query, tmp_path):
    example = ROOT / "docs" / "openforms_mapping.toml"
    mapping = read_mapping(example, openforms.SCHEMA)
    assert mapping.products["Verhuizing doorgeven"] == "verhuismelding"
    load("products", "products.csv")
    rows = [["OF-1", "Verhuizing doorgeven", "", "2024-03-15T10:00:00Z", ""]]
    (run,) = load("openforms", export(tmp_path / "s.xlsx", rows), mapping=example)
    assert query("select product_id from contacts") == [("verhuismelding",)], run.summary()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('source = "openforms"\n[teams]\nMOR = "KCC"\n', "[teams] names queues"),
        ('source = "openforms"\n[products]\nMOR = " "\n', "empty; leave the entry out instead"),
        (
            'source = "web"\n[products]\nMOR = "mor"\n',
            "[products] names queues, onderwerpen or forms",
        ),
    ],
)
def test_a_mapping_that_does_not_fit_fails(tmp_path, text, problem):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text)
    schema = SOURCES["web" if "web" in text else "openforms"].SCHEMA
    with pytest.raises(FileError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        read_mapping(mapping, schema)


def test_the_command_line_loads_the_source(db, tmp_path, capsys):
    path = export(tmp_path / "submissions_2024-03-01_2024-05-31.xlsx", ROWS)
    code = main(["load", "--db", str(db), "--source", "openforms", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "submissions_2024-03-01_2024-05-31.xlsx: read 8, loaded 6" in out
    assert "rejected 2 (missing_id 1, missing_timestamp 1)" in out


def test_the_same_export_again_is_skipped_a_later_one_updates(load, query, tmp_path):
    first = export(tmp_path / "a.xlsx", ROWS)
    load("openforms", first)
    (again,) = load("openforms", shutil.copy(first, tmp_path / "b.xlsx"))
    assert again.status == "skipped", again.summary()
    moved = [[*ROWS[0][:3], "2024-03-15T11:00:00Z", ""], ROWS[1]]
    (later,) = load("openforms", export(tmp_path / "c.xlsx", moved))
    assert (later.rows_inserted, later.rows_updated, later.rows_unchanged) == (0, 1, 1)
    assert query("select count(*) from contacts") == [(6,)]
