"""The audit pack: every sheet read back and checked against the marts, views and queries.

The store holds the files of test_catalog.py plus phone_bad.csv (rejected rows): contacts
from February to May 2024. The settings define one audit period, 2023-2024, so the pack
has a year without data (2023) and a partial year (2024, four months).
"""

import csv
import hashlib
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.cell import range_boundaries
from xlsxwriter.utility import xl_pixel_width

from channelshift import main
from documents import audit_pack
from metrics import headlines, query, views
from metrics.catalog import METRIC, METRICS
from metrics.headlines import Headline
from metrics.texts import TEXTS
from pipelines import marts, store
from pipelines.load import Delivery, load_deliveries
from pipelines.settings import DEFAULT_FILE, AuditPeriod, Settings, Targets
from pipelines.settings import load as load_settings
from tests.conftest import FIXTURES, NOW

SETTINGS = Settings(
    audit_periods=(AuditPeriod(name="2023-2024", start=date(2023, 1, 1), end=date(2024, 12, 31)),),
    targets={2024: Targets(web_share=0.25, products_digital=3, max_phone_abandonment=0.2)},
)
MADE = datetime(2024, 6, 3, 9, 30)
FILES = (  # source, file, mapping
    ("products", "products.csv", None),
    ("web", "web_canonical.csv", None),
    ("desk", "desk_dutch.csv", None),
    ("phone", "phone_acd.csv", "phone_mapping.toml"),
    ("phone", "phone_bad.csv", None),
)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The fixture store, loaded once for the module (in one load) as if today were NOW."""
    path = tmp_path_factory.mktemp("store") / "store.duckdb"
    deliveries = [
        Delivery(source, (FIXTURES / name,), mapping and FIXTURES / mapping)
        for source, name, mapping in FILES
    ]
    load_deliveries(path, deliveries, now=NOW)
    return path


@pytest.fixture(scope="module")
def con(db):
    """A read-only connection to the fixture store."""
    with store.read_only(db) as connection:
        yield connection


@pytest.fixture(scope="module")
def pack(db, tmp_path_factory) -> Path:
    """The audit pack of 2023-2024 from the fixture store."""
    out = tmp_path_factory.mktemp("pack") / "audit 2023-2024.xlsx"
    audit_pack.write(db, "2023-2024", SETTINGS, out, now=MADE)
    return out


@pytest.fixture(scope="module")
def book(pack):
    """The pack as openpyxl reads it (values and number formats)."""
    return openpyxl.load_workbook(pack)


def facts(ws) -> dict:
    """Return the title block under the title: label -> value, up to the notes below it."""
    found = {}
    for label, value in ws.iter_rows(min_row=2, max_col=2, values_only=True):
        if value is None:
            break
        found[label] = value
    return found


def cells(ws, heading: str) -> list[list]:
    """Return the cells of the table under a heading: header row first, then the rows."""
    (row, col), *others = [
        (c.row, c.column) for line in ws.iter_rows() for c in line if c.value == heading
    ]
    assert not others, f"{heading!r} twice on {ws.title}"
    width = 0
    while ws.cell(row + 1, col + width).value is not None:
        width += 1
    found = []
    r = row + 1
    while ws.cell(r, col).value is not None:
        found.append([ws.cell(r, col + i) for i in range(width)])
        r += 1
    return found


def table(ws, heading: str) -> list[dict]:
    """Return the rows of the table under a heading as dicts of values."""
    header, *rows = cells(ws, heading)
    return [{h.value: c.value for h, c in zip(header, row, strict=True)} for row in rows]


def csv_file(pack: Path, sheet: str) -> Path:
    (path,) = (pack.parent / f"{pack.stem}_csv").glob(f"[0-9][0-9]_{sheet}.csv")
    return path


def csv_tables(path: Path) -> tuple[list[list[str]], dict[str, pl.DataFrame]]:
    """Return a CSV file's title block (rows of fields) and its tables by heading."""
    head, *blocks = path.read_text(encoding="utf-8-sig").split("\n\n")
    tables = {}
    for block in blocks:
        first, body = block.split("\n", 1)
        (heading,) = next(csv.reader([first]))
        tables[heading] = pl.read_csv(io.StringIO(body), try_parse_dates=True)
    return list(csv.reader(io.StringIO(head))), tables


def same(excel, csv) -> bool:
    """Whether a cell read from the workbook and one read from the CSV hold the same value."""
    if isinstance(excel, datetime) and type(csv) is date:
        return excel == datetime.combine(csv, datetime.min.time())
    if isinstance(excel, datetime):  # Excel keeps milliseconds
        return abs((excel - csv).total_seconds()) < 0.001
    if isinstance(excel, int | float) and not isinstance(excel, bool):
        return csv == pytest.approx(excel, rel=1e-12)
    return excel == csv


def test_summary_lists_each_target_metric_per_year_against_the_queries(book, con):
    rows = table(book[audit_pack.SUMMARY], "Doelen en resultaten per jaar")
    targeted = [m.id for m in METRICS if m.target]
    assert [(r["Kengetal-id"], r["Jaar"]) for r in rows] == [
        (m, y) for m in targeted for y in (2023, 2024)
    ]
    for row in rows:
        metric, year = METRIC[row["Kengetal-id"]], row["Jaar"]
        expected = query.value(con, metric.id, date(year, 1, 1), date(year, 12, 1))
        assert row["Kengetal"] == metric.label["nl"]
        assert row["Resultaat"] == (None if expected is None else pytest.approx(expected))
        assert row["Doel"] == SETTINGS.target(year, metric.target)
    # the data end in April 2024: a year still running is not judged against its target
    assert {r["Kengetal-id"]: r["Gehaald"] for r in rows if r["Jaar"] == 2024} == {
        "web_share": "jaar loopt nog",
        "products_digital": "jaar loopt nog",
        "corrections_per_1000": "–",  # no target
        "phone_service_level": "–",
        "phone_abandonment": "jaar loopt nog",
        "desk_served_in_time": "–",
    }
    assert {(r["Jaar"], r["Gehaald"], r["Deeljaar"], r["Maanden met gegevens"]) for r in rows} == {
        (2023, "–", "geen gegevens", 0),
        (2024, "jaar loopt nog", "ja", 4),
        (2024, "–", "ja", 4),
    }


def test_summary_title_block_names_the_store_and_its_loads(book, db, con):
    found = facts(book[audit_pack.SUMMARY])
    finished = con.execute("select finished_at from load_runs where run_id = 5").fetchall()[0][0]
    assert same(found.pop("Laatste laadrun afgerond"), finished)
    assert found == {
        "Gemeente": "Demogemeente",
        "Auditperiode": "2023-2024",
        "Periode van": datetime(2023, 1, 1),
        "Periode tot en met": datetime(2024, 12, 31),
        "Gegevens tot en met": datetime(2024, 5, 31),  # T-ok, T-dup: May 2024
        audit_pack.MADE_AT: MADE,
        "Database": str(db.resolve()),
        "Laadruns": 5,
        "Laatste laadrun": 5,
    }
    assert headlines.data_until(con) == date(2024, 5, 31)


def test_one_sheet_per_metric_between_summary_and_definitions(book):
    assert book.sheetnames == [
        audit_pack.SUMMARY,
        *(m.id[:31] for m in METRICS),
        audit_pack.DEFINITIONS,
        audit_pack.LINEAGE,
        audit_pack.QUALITY,
    ]


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.id)
def test_metric_sheet_holds_the_months_and_years_of_the_query(book, con, metric):
    ws = book[audit_pack.sheet_name(metric)]
    months = table(ws, "Per maand")
    series = query.series(con, metric.id, date(2023, 1, 1), date(2024, 12, 31), "month")
    assert [r["Maand"].date() for r in months] == [
        date(2024, 2, 1),
        date(2024, 3, 1),
        date(2024, 4, 1),
        date(2024, 5, 1),
    ]
    by_month = {row["period"]: row for row in series.iter_rows(named=True)}
    for row in months:
        got = (row["Teller"], row["Noemer"], row["Waarde"])
        want = by_month.get(row["Maand"].date(), {})
        assert got == pytest.approx(
            tuple(want.get(k) for k in ("numerator", "denominator", "value"))
        )
    years = table(ws, "Per jaar")
    assert [(r["Jaar"], r["Waarde"]) for r in years] == [
        (2023, None),
        (2024, pytest.approx(query.value(con, metric.id, date(2024, 1, 1), date(2024, 12, 1)))),
    ]


def test_web_share_by_month_by_hand(book):
    # Feb: desk B-1 only; Mar: W-3 of W-3, G-1, B-2, B-3; Apr: W-1, W-4, W-5 of 9 handled;
    # May: T-ok and T-dup by phone (T-untagged was abandoned)
    months = table(book["web_share"], "Per maand")
    assert [(r["Teller"], r["Noemer"]) for r in months] == [(0, 1), (1, 4), (3, 9), (0, 2)]


def test_number_formats_and_frozen_headers(book):
    ws = book["web_share"]
    header, first, *_ = cells(ws, "Per maand")
    formats = {h.value: c.number_format for h, c in zip(header, first, strict=True)}
    assert formats == {"Maand": "yyyy-mm", "Teller": "#,##0", "Noemer": "#,##0", "Waarde": "0.0%"}
    assert cells(book["handled_contacts"], "Per jaar")[1][3].number_format == "#,##0"
    assert cells(book["correction_hours"], "Per jaar")[1][3].number_format == "#,##0.0"
    assert cells(book["total_cost"], "Per jaar")[1][3].number_format == '"€" #,##0'
    wait = cells(book["phone_avg_wait"], "Per jaar")[2]  # 2024: seconds over calls
    assert [c.number_format for c in wait[1:4]] == ["#,##0.0", "#,##0", "#,##0.0"]
    header, *rows = cells(book[audit_pack.SUMMARY], "Doelen en resultaten per jaar")
    result = [h.value for h in header].index("Resultaat")
    by_metric = {row[1].value: row[result].number_format for row in rows}
    assert by_metric["web_share"] == "0.0%"
    assert by_metric["products_digital"] == "#,##0"
    lineage = cells(book[audit_pack.LINEAGE], "Laadruns")
    started = [h.value for h in lineage[0]].index("started_at")
    assert lineage[1][started].number_format == "yyyy-mm-dd hh:mm:ss"
    for ws in book.worksheets:  # frozen just below the first table's header row
        header_row = min(range_boundaries(t.ref)[1] for t in ws.tables.values())
        assert ws.freeze_panes == f"A{header_row + 1}", ws.title


def test_columns_are_wide_enough_for_their_timestamps(book):
    # xlsxwriter's autofit gives a timestamp the width of mm/dd/yyyy, and Excel shows ####
    ws = book[audit_pack.LINEAGE]
    pixels = ws.column_dimensions["B"].width * 7 + 5  # how xlsxwriter turns pixels to widths
    assert pixels >= xl_pixel_width("2024-06-01 12:00:00") + 5


def test_definitions_hold_every_metric_and_mart(book):
    ws = book[audit_pack.DEFINITIONS]
    rows = table(ws, "Kengetallen")
    assert [r["Kengetal-id"] for r in rows] == [m.id for m in METRICS]
    for row, metric in zip(rows, METRICS, strict=True):
        assert (row["Label (nl)"], row["Label (en)"]) == (metric.label["nl"], metric.label["en"])
        assert row["Definitie (nl)"] == metric.definition["nl"]
        assert row["Definitie (en)"] == metric.definition["en"]
        assert (row["Eenheid"], row["Mart"], row["Doelsleutel"]) == (
            metric.unit,
            metric.mart,
            metric.target,
        )
        assert row["Beter"] == {True: "hoger", False: "lager", None: "–"}[metric.higher_is_better]
    grains = table(ws, "Marts: korrel en definitie")
    assert [(r["Mart"], r["Korrel en definitie"]) for r in grains] == [
        (name, marts.grain(name)) for name in marts.ORDER
    ]
    settings = table(ws, "Instellingen die de marts gebruikten")
    assert {r["Instelling"] for r in settings} == set(marts.settings_row(SETTINGS))
    assert {r["Gelijk"] for r in settings} == {"ja"}


def test_lineage_lists_every_load_run_with_its_hash(book, con):
    rows = table(book[audit_pack.LINEAGE], "Laadruns")
    runs = views.load_runs(con).sort("run_id")
    assert len(rows) == runs.height == len(FILES)
    assert [r["file_sha256"] for r in rows] == [
        hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() for _, name, _ in FILES
    ]
    assert [r["file"] for r in rows] == [str(FIXTURES / name) for _, name, _ in FILES]
    columns = ["run_id", "source", "status", *(c for c in runs.columns if c.startswith("rows_"))]
    assert [{c: r[c] for c in columns} for r in rows] == runs.select(columns).to_dicts()


def test_data_quality_lists_rejects_by_reason_with_explanation(book, con):
    ws = book[audit_pack.QUALITY]
    rejects = table(ws, "Geweigerde regels per reden")
    expected = views.rejects_by_reason(con)
    assert {(r["Bron"], r["Reden"], r["Regels"]) for r in rejects} == set(expected.iter_rows())
    assert {r["Reden"] for r in rejects} >= {"missing_id", "invalid_date", "wrong_field_count"}
    for row in rejects:
        assert row["Uitleg"] == TEXTS[f"reason.{row['Reden']}"]["nl"]
    found = {r["Bevinding"]: r["Hele database"] for r in table(ws, "Bevindingen")}
    quality = views.quality(con)
    assert found == {
        "Telefoongesprekken zonder product": quality["untagged"],
        "Contacten met een product dat niet in de catalogus staat": quality["unknown"],
        "Maanden zonder contacten in een kanaal": quality["gaps"],
    }
    # B-2 (rijbewijs) and B-4 (oud-product): desk visits about products not in the catalogue
    assert table(ws, "Onbekende producten") == [
        {"Product": "oud-product", "Kanaal": "desk", "In de auditperiode": 1, "Hele database": 1},
        {"Product": "rijbewijs", "Kanaal": "desk", "In de auditperiode": 1, "Hele database": 1},
    ]
    assert table(ws, "Maanden zonder contacten (auditperiode)") == [
        {"Maand": datetime.combine(d, datetime.min.time()), "Kanaal": c}
        for d, c in views.month_gaps(con).iter_rows()
    ]


def test_csv_folder_holds_the_same_tables(book, pack):
    for ws in book.worksheets:
        path = csv_file(pack, ws.title)
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        head, tables = csv_tables(path)
        assert head[0] == [ws["A1"].value]
        assert len(tables) == len(ws.tables), ws.title
        for heading, frame in tables.items():
            header, *rows = cells(ws, heading)
            assert frame.columns == [h.value for h in header]
            assert frame.height == len(rows), (ws.title, heading)
            for row, csv_row in zip(rows, frame.iter_rows(), strict=True):
                for cell, value in zip(row, csv_row, strict=True):
                    assert same(cell.value, value), (ws.title, heading, cell.coordinate, value)
    head, _ = csv_tables(csv_file(pack, audit_pack.SUMMARY))
    assert [audit_pack.MADE_AT, MADE.isoformat()] in head
    assert ["Laadruns", "5"] in head


def dump(path: Path) -> dict:
    """Every cell of a workbook with its number format, except the made-at cell."""
    wb = openpyxl.load_workbook(path)
    made_at = next(
        c.offset(column=1).coordinate
        for c in wb[audit_pack.SUMMARY]["A"]
        if c.value == audit_pack.MADE_AT
    )
    return {
        (ws.title, c.coordinate): (c.value, c.number_format)
        for ws in wb.worksheets
        for line in ws.iter_rows()
        for c in line
        if c.value is not None and (ws.title, c.coordinate) != (audit_pack.SUMMARY, made_at)
    }


def csv_texts(pack: Path) -> dict[str, list[str]]:
    folder = pack.parent / f"{pack.stem}_csv"
    return {
        p.name: [
            line
            for line in p.read_text(encoding="utf-8-sig").splitlines()
            if not line.startswith("Gemaakt op,")
        ]
        for p in sorted(folder.iterdir())
    }


def test_same_store_gives_the_same_pack_apart_from_when_it_was_made(db, pack, tmp_path):
    again = tmp_path / "again.xlsx"
    audit_pack.write(db, "2023-2024", SETTINGS, again, now=datetime(2031, 1, 1))
    assert dump(again) == dump(pack)
    assert csv_texts(again) == csv_texts(pack)
    assert facts(openpyxl.load_workbook(again)[audit_pack.SUMMARY])[audit_pack.MADE_AT] == (
        datetime(2031, 1, 1)
    )
    same_time = tmp_path / "same_time.xlsx"
    audit_pack.write(db, "2023-2024", SETTINGS, same_time, now=MADE)
    assert same_time.read_bytes() == pack.read_bytes()


def test_unknown_period_names_the_valid_ones(db, tmp_path):
    with pytest.raises(ValueError, match=r"unknown audit period '1999-2002'.*: 2023-2024$"):
        audit_pack.write(db, "1999-2002", SETTINGS, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_reports_an_unknown_period_with_exit_code_2(db, tmp_path, capsys):
    args = ["audit-pack", "--period", "1999-2002", "--db", str(db), "--out", str(tmp_path / "x")]
    assert main([*args, "--settings", str(DEFAULT_FILE)]) == 2
    assert "2010-2013, 2014-2017, 2018-2021, 2022-2025, 2026-2029" in capsys.readouterr().err


@pytest.fixture(scope="module")
def demo_pack(demo_store, tmp_path_factory) -> Path:
    """The audit pack 2010-2013 of the demo municipality (2008 to 2012), made by the CLI."""
    out = tmp_path_factory.mktemp("demo") / "audit.xlsx"
    args = ["audit-pack", "--period", "2010-2013", "--db", str(demo_store), "--out", str(out)]
    assert main([*args, "--settings", str(DEFAULT_FILE)]) == 0
    return out


def test_demo_pack_lists_every_target_for_each_year_with_data(demo_pack):
    book = openpyxl.load_workbook(demo_pack)
    rows = table(book[audit_pack.SUMMARY], "Doelen en resultaten per jaar")
    with_data = {(r["Kengetal-id"], r["Jaar"]) for r in rows if r["Resultaat"] is not None}
    targeted = {m.id for m in METRICS if m.target}
    assert {(m, y) for m in targeted for y in (2010, 2011, 2012)} <= with_data
    assert {r["Deeljaar"] for r in rows if r["Jaar"] == 2013} == {"geen gegevens"}
    assert load_settings(DEFAULT_FILE).audit_periods[0].name == "2010-2013"
    assert len(book.sheetnames) == len(METRICS) + 4


@pytest.mark.parametrize(
    ("value", "target", "cell"),
    [
        (0.54991, 0.55, "0.00%"),  # "55,0%" beside "55,0%" and "niet gehaald" would not do
        (0.549, 0.55, "0.0%"),
        (0.56, 0.55, "0.0%"),
    ],
)
def test_a_result_that_misses_its_target_by_a_hair_gets_the_decimals(value, target, cell):
    figure = Headline(METRIC["web_share"], 2025, value, None, target, date(2025, 12, 31))
    assert audit_pack._result_format(figure) == cell
