"""The audit pack: every sheet read back and checked against the marts, views and queries.

The store holds the files of test_catalog.py plus phone_bad.csv (rejected rows): contacts
from February to May 2024. The settings define one audit period, 2023-2024, so the pack
has a year without data (2023) and a partial year (2024, four months). The pack is made in
Dutch and in English; most checks read the Dutch one, the language checks read both.
"""

import csv
import hashlib
import io
import re
import string
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries
from xlsxwriter.utility import xl_pixel_width

from channelshift import main
from documents import audit_pack
from metrics import exports, formatting, headlines, query, views
from metrics.catalog import METRIC, METRICS
from metrics.headlines import Headline
from metrics.texts import LANGUAGES, TEXTS
from pipelines import actions, marts, store
from pipelines.load import Delivery, load_deliveries
from pipelines.settings import DEFAULT_FILE, AuditPeriod, Settings, Targets
from pipelines.settings import load as load_settings
from tests.conftest import FIXTURES, NOW

SETTINGS = Settings(
    audit_periods=(AuditPeriod(name="2023-2024", start=date(2023, 1, 1), end=date(2024, 12, 31)),),
    targets={2024: Targets(web_share=0.25, products_digital=3, max_phone_abandonment=0.2)},
)
MADE = datetime(2024, 6, 3, 9, 30)
SAM = actions.Actor("u-1", "Sam de Vries")
MADE_FROM = datetime(2023, 1, 1)  # the audit period's first day, as openpyxl reads it
SUMMARY, DEFINITIONS, LINEAGE, QUALITY, SOURCES, ACTIONS = (
    audit_pack.tab(n, "nl") for n in audit_pack.SHEETS
)
MADE_AT = TEXTS["pack.fact.made_at"]["nl"]  # the one cell (and CSV line) that differs by run
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
    for at, action, what, run_id in RECORDED:
        actions.record(actions.path_for(path), SAM, action, what, run_id=run_id, at=at)
    return path


# the record of actions beside the store: two in the audit period, one after it
RECORDED = (
    (datetime(2024, 5, 2, 9, 0), "load", "web web_canonical.csv: ok", 2),
    (datetime(2024, 5, 3, 14, 30), "audit_pack", "auditpakket_2023-2024_nl.xlsx", None),
    (datetime(2025, 1, 2, 8, 0), "csv", "laadruns.csv", None),
)


@pytest.fixture(scope="module")
def con(db):
    """A read-only connection to the fixture store."""
    with store.read_only(db) as connection:
        yield connection


@pytest.fixture(scope="module")
def packs(db, tmp_path_factory) -> dict[str, Path]:
    """The audit pack of 2023-2024 from the fixture store, in Dutch (the default) and English."""
    out = tmp_path_factory.mktemp("pack")
    made = {"nl": out / "audit 2023-2024.xlsx", "en": out / "audit 2023-2024 en.xlsx"}
    audit_pack.write(db, "2023-2024", SETTINGS, made["nl"], now=MADE)
    audit_pack.write(db, "2023-2024", SETTINGS, made["en"], lang="en", now=MADE)
    return made


@pytest.fixture(scope="module")
def pack(packs) -> Path:
    """The Dutch audit pack."""
    return packs["nl"]


@pytest.fixture(scope="module")
def books(packs) -> dict[str, openpyxl.Workbook]:
    """The packs as openpyxl reads them (values and number formats), by language."""
    return {lang: openpyxl.load_workbook(path) for lang, path in packs.items()}


@pytest.fixture(scope="module")
def book(books):
    """The Dutch pack as openpyxl reads it."""
    return books["nl"]


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


def csv_tables(path: Path, lang: str = "nl") -> tuple[list[list[str]], dict[str, list]]:
    """Return a CSV file's title block and its tables by heading (header row, then rows),
    every field as the text the file holds, split by the language's separator."""
    separator = exports.DIALECTS[lang][0]
    head, *blocks = path.read_text(encoding="utf-8-sig").split("\n\n")
    tables = {}
    for block in blocks:
        (heading,), *rows = csv.reader(io.StringIO(block), delimiter=separator)
        tables[heading] = rows
    return list(csv.reader(io.StringIO(head), delimiter=separator)), tables


def same(excel, field: str, lang: str = "nl") -> bool:
    """Whether a cell read from the workbook and a CSV field in a language hold the same value."""
    _, decimal_comma, dates, _ = exports.DIALECTS[lang]
    if excel is None:
        return field == ""
    if isinstance(excel, datetime):  # a date or a timestamp; Excel keeps milliseconds
        pattern = dates if len(field) <= len("31-12-2024") else f"{dates} %H:%M:%S"
        return abs((excel - datetime.strptime(field, pattern)).total_seconds()) < 1
    if isinstance(excel, int | float) and not isinstance(excel, bool):
        number = field.replace(",", ".") if decimal_comma else field
        return float(number) == pytest.approx(excel, rel=1e-12)
    return excel == field


def test_summary_lists_each_target_metric_per_year_against_the_queries(book, con):
    rows = table(book[SUMMARY], "Doelen en resultaten per jaar")
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
    found = facts(book[SUMMARY])
    finished = con.execute("select finished_at from load_runs where run_id = 5").fetchall()[0][0]
    assert abs(found.pop("Laatste laadrun afgerond") - finished).total_seconds() < 0.001
    assert found == {
        "Gemeente": "Demogemeente",
        "Auditperiode": "2023-2024",
        "Periode van": datetime(2023, 1, 1),
        "Periode tot en met": datetime(2024, 12, 31),
        "Gegevens tot en met": datetime(2024, 5, 31),  # T-ok, T-dup: May 2024
        MADE_AT: MADE,
        "Database": str(db.resolve()),
        "Laadruns": 5,
        "Laatste laadrun": 5,
    }
    assert headlines.data_until(con) == date(2024, 5, 31)


def test_one_sheet_per_metric_between_summary_and_definitions(book):
    assert book.sheetnames == [
        SUMMARY,
        *(m.id[:31] for m in METRICS),
        DEFINITIONS,
        LINEAGE,
        QUALITY,
        SOURCES,
        ACTIONS,
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
    header, *rows = cells(book[SUMMARY], "Doelen en resultaten per jaar")
    result = [h.value for h in header].index("Resultaat")
    by_metric = {row[1].value: row[result].number_format for row in rows}
    assert by_metric["web_share"] == "0.0%"
    assert by_metric["products_digital"] == "#,##0"
    lineage = cells(book[LINEAGE], "Laadruns")
    started = [h.value for h in lineage[0]].index("started_at")
    assert lineage[1][started].number_format == "yyyy-mm-dd hh:mm:ss"
    for ws in book.worksheets:  # frozen just below the first table's header row
        header_row = min(range_boundaries(t.ref)[1] for t in ws.tables.values())
        assert ws.freeze_panes == f"A{header_row + 1}", ws.title


def test_columns_are_wide_enough_for_their_timestamps(book):
    # xlsxwriter's autofit gives a timestamp the width of mm/dd/yyyy, and Excel shows ####
    ws = book[LINEAGE]
    pixels = ws.column_dimensions["B"].width * 7 + 5  # how xlsxwriter turns pixels to widths
    assert pixels >= xl_pixel_width("2024-06-01 12:00:00") + 5


def test_definitions_hold_every_metric_and_mart(book):
    ws = book[DEFINITIONS]
    rows = table(ws, "Kengetallen")
    assert [r["Kengetal-id"] for r in rows] == [m.id for m in METRICS]
    for row, metric in zip(rows, METRICS, strict=True):
        assert (row["Label (nl)"], row["Label (en)"]) == (metric.label["nl"], metric.label["en"])
        assert row["Definitie (nl)"] == metric.definition["nl"]
        assert row["Definitie (en)"] == metric.definition["en"]
        assert (row["Eenheid"], row["Mart"], row["Doelsleutel"]) == (
            TEXTS[f"unit.{metric.unit}"]["nl"],
            metric.mart,
            metric.target,
        )
        assert row["Beter"] == {True: "hoger", False: "lager", None: "–"}[metric.higher_is_better]
    grains = table(ws, "Marts: korrel en definitie")
    assert [(r["Mart"], r["Korrel en definitie"]) for r in grains] == [
        (name, marts.grain(name)) for name in marts.ORDER
    ]
    settings = table(ws, "Instellingen die de marts gebruikten")
    # the numbers; the order of the sources is a note (a list, not a number)
    numbers = {k for k, v in marts.settings_row(SETTINGS).items() if not isinstance(v, str)}
    assert {r["Instelling"] for r in settings} == numbers
    assert {r["Gelijk"] for r in settings} == {"ja"}


def test_lineage_lists_every_load_run_with_its_hash(book, con):
    rows = table(book[LINEAGE], "Laadruns")
    runs = views.load_runs(con).sort("run_id")
    assert len(rows) == runs.height == len(FILES)
    assert [r["file_sha256"] for r in rows] == [
        hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() for _, name, _ in FILES
    ]
    assert [r["file"] for r in rows] == [str(FIXTURES / name) for _, name, _ in FILES]
    columns = ["run_id", "source", "status", *(c for c in runs.columns if c.startswith("rows_"))]
    assert [{c: r[c] for c in columns} for r in rows] == runs.select(columns).to_dicts()


def test_data_quality_lists_rejects_by_reason_with_explanation(book, con):
    ws = book[QUALITY]
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
        "Gesprekken uit wachtrijen zonder team": quality["unmapped_queues"],
        "Maanden zonder contacten in een kanaal": quality["gaps"],
    }
    untagged, calls = con.execute(  # counted from the contacts, not the mart the pack reads
        "select count(*) filter (where product_id is null), count(*) from contacts "
        "where channel = 'phone'"
    ).fetchall()[0]
    assert untagged and calls > untagged  # else the note below would prove little
    share = f"Aandeel gesprekken zonder product: {formatting.share(untagged / calls, 'nl', 1)}. "
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(n.startswith(share) and f"{untagged} van de {calls}" in n for n in notes), notes
    # B-2 (rijbewijs) and B-4 (oud-product): desk visits about products not in the catalogue
    assert table(ws, "Onbekende producten") == [
        {"Product": "oud-product", "Kanaal": "desk", "In de auditperiode": 1, "Hele database": 1},
        {"Product": "rijbewijs", "Kanaal": "desk", "In de auditperiode": 1, "Hele database": 1},
    ]
    assert table(ws, "Maanden zonder contacten (auditperiode)") == [
        {"Maand": datetime.combine(d, datetime.min.time()), "Kanaal": c}
        for d, c in views.month_gaps(con).iter_rows()
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_csv_folder_holds_the_same_tables(books, packs, lang):
    book, pack = books[lang], packs[lang]
    assert len(list((pack.parent / f"{pack.stem}_csv").iterdir())) == len(book.worksheets)
    for ws in book.worksheets:
        path = csv_file(pack, ws.title)
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        head, tables = csv_tables(path, lang)
        assert head[0] == [ws["A1"].value]
        assert len(tables) == len(ws.tables), ws.title
        for heading, (columns, *csv_rows) in tables.items():
            header, *rows = cells(ws, heading)
            assert columns == [h.value for h in header]
            assert len(csv_rows) == len(rows), (ws.title, heading)
            for row, csv_row in zip(rows, csv_rows, strict=True):
                for cell, value in zip(row, csv_row, strict=True):
                    assert same(cell.value, value, lang), (ws.title, heading, cell.coordinate)
    head, _ = csv_tables(csv_file(pack, audit_pack.tab("summary", lang)), lang)
    assert [TEXTS["pack.fact.load_runs"][lang], "5"] in head


# --- the pack's language ---------------------------------------------------------------------

# Prefixes of the registry's texts the pack writes: its own, and the verdicts, audit headings,
# data-quality findings, reject reasons and units it shares with the dashboard.
PACK_TEXTS = ("pack.", "verdict.", "audit.", "quality.", "reason.", "unit.")


def foreign(lang: str) -> dict[str, re.Pattern]:
    """Return, by key, each registry text the pack may write whose other-language text differs:
    a pattern of that other text, its {placeholders} matching anything."""
    (other,) = set(LANGUAGES) - {lang}
    patterns = {}
    for key, texts in TEXTS.items():
        if key.startswith(PACK_TEXTS) and texts[other] != texts[lang]:
            parts = string.Formatter().parse(texts[other])
            pattern = "".join(
                re.escape(text) + (".*" if name else "") for text, name, _, _ in parts
            )
            patterns[key] = re.compile(pattern, re.S)
    return patterns


def visible_texts(book, pack: Path, lang: str) -> dict[str, str]:
    """Return every text a reader of a pack sees, by where it is: the workbook's title and
    subject, tab names, text cells, and each CSV file's name and fields."""
    seen = {"title": book.properties.title, "subject": book.properties.subject}
    for ws in book.worksheets:
        seen[f"tab {ws.title}"] = ws.title
        for line in ws.iter_rows():
            seen |= {f"{ws.title}!{c.coordinate}": c.value for c in line if type(c.value) is str}
    separator = exports.DIALECTS[lang][0]
    for path in sorted((pack.parent / f"{pack.stem}_csv").iterdir()):
        seen[path.name] = path.stem.split("_", 1)[1]
        rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=separator)
        for i, row in enumerate(rows, start=1):
            seen |= {f"{path.name}:{i}:{j}": field for j, field in enumerate(row, start=1)}
    return seen


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_of_the_other_language_is_left_in_the_pack(books, packs, lang):
    seen = visible_texts(books[lang], packs[lang], lang)
    assert len(seen) > 1000  # every sheet and CSV file was read
    left = {
        where: (value, key)
        for where, value in seen.items()
        for key, pattern in foreign(lang).items()
        if pattern.fullmatch(value)
    }
    assert not left


def test_the_english_pack_is_the_dutch_one_text_for_text(books):
    # A cell holding a registry text in the Dutch pack holds that key's English text in the
    # English pack; numbers and dates are the same cells with the same number formats.
    english: dict[str, set[str]] = {}
    for key, texts in TEXTS.items():
        if key.startswith(PACK_TEXTS) and not placeholders(texts["nl"]):
            english.setdefault(texts["nl"], set()).add(texts["en"])
    dutch, translated = books["nl"], books["en"]
    assert len(dutch.worksheets) == len(translated.worksheets)
    checked = 0
    for nl, en in zip(dutch.worksheets, translated.worksheets, strict=True):
        assert (nl.title in english) or en.title == nl.title  # a metric's id is its tab
        nl_cells = {c.coordinate: c for line in nl.iter_rows() for c in line if c.value is not None}
        en_cells = {c.coordinate: c for line in en.iter_rows() for c in line if c.value is not None}
        assert nl_cells.keys() == en_cells.keys(), nl.title
        for where, cell in nl_cells.items():
            other = en_cells[where]
            if type(cell.value) is str:
                if cell.value in english:
                    assert other.value in english[cell.value], (nl.title, where, cell.value)
                    checked += 1
                continue
            if cell.value != MADE or nl.title != SUMMARY:
                assert other.value == cell.value, (nl.title, where)
            formats = (cell.number_format, other.number_format)
            assert formats[0] == formats[1] or formats in {
                (audit_pack.LONG_DAY["nl"], audit_pack.LONG_DAY["en"]),
                (audit_pack.LONG_MOMENT["nl"], audit_pack.LONG_MOMENT["en"]),
            }, (nl.title, where, formats)
    assert checked > 300


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize(
    ("lang", "facts", "lines"),
    [
        (
            "nl",
            {"Periode van": "1 januari 2023", "Gemaakt op": "3 juni 2024 09:30:00"},
            [
                "Aandeel website (klik);web_share;2024;0,25;0,25;ondergrens;jaar loopt nog;ja;4;",
                "Opgehangen gesprekken;phone_abandonment;2024;0,3333333333333333;0,2;bovengrens;"
                "jaar loopt nog;ja;4;",
                "01-03-2024;1,0;4,0;0,25",
            ],
        ),
        (
            "en",
            {"Period from": "1 January 2023", "Made at": "3 June 2024 09:30:00"},
            [
                "Web share (click),web_share,2024,0.25,0.25,lower limit,year still running,yes,4,",
                "Abandoned calls,phone_abandonment,2024,0.3333333333333333,0.2,upper limit,"
                "year still running,yes,4,",
                "2024-03-01,1.0,4.0,0.25",
            ],
        ),
    ],
)
def test_figures_and_dates_are_written_as_the_language_writes_them(
    books, packs, lang, facts, lines
):
    summary = audit_pack.tab("summary", lang)
    head, _ = csv_tables(csv_file(packs[lang], summary), lang)
    assert {row[0]: row[1] for row in head if row[0] in facts} == facts
    written = {
        line
        for name in (summary, "web_share", "phone_abandonment")
        for line in csv_file(packs[lang], name).read_text(encoding="utf-8-sig").splitlines()
    }
    assert set(lines) <= written
    # in the workbook a day stays a date, its month named in the pack's language by its format
    ws = books[lang][summary]
    long_day = {"nl": "[$-413]d mmmm yyyy", "en": "[$-809]d mmmm yyyy"}[lang]
    assert (ws["A4"].value, ws["B4"].value) == (TEXTS["pack.fact.period_from"][lang], MADE_FROM)
    assert ws["B4"].number_format == long_day
    header, *rows = cells(ws, TEXTS["audit.targets"][lang])
    result = [h.value for h in header].index(TEXTS["pack.column.result"][lang])
    web_2024 = next(r for r in rows if (r[1].value, r[2].value) == ("web_share", 2024))
    assert (web_2024[result].value, web_2024[result].number_format) == (0.25, "0.0%")


def test_english_pack_speaks_english_in_its_tables(books):
    book = books["en"]
    assert book.sheetnames == [
        "Summary",
        *(m.id[:31] for m in METRICS),
        "Definitions",
        "Lineage",
        "Data quality",
        "Sources",
        "Actions",
    ]
    rows = table(book["Summary"], "Targets and results per year")
    assert {(r["Year"], r["Met"], r["Partial year"]) for r in rows} == {
        (2023, "–", "no data"),
        (2024, "year still running", "yes"),
        (2024, "–", "yes"),
    }
    assert [r["Numerator"] for r in table(book["web_share"], "By month")] == [0, 1, 3, 0]
    metrics = {r["Metric id"]: r for r in table(book["Definitions"], "Metrics")}
    assert (metrics["web_share"]["Unit"], metrics["web_share"]["Better"]) == ("share (%)", "higher")
    assert metrics["web_share"]["Label (nl)"] == "Aandeel website (klik)"  # both languages' labels
    assert {r["Equal"] for r in table(book["Definitions"], "Settings the marts used")} == {"yes"}
    for row in table(book["Data quality"], "Rejected rows by reason"):
        assert row["Explanation"] == TEXTS[f"reason.{row['Reason']}"]["en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_actions_of_the_period_have_a_sheet_of_their_own(books, lang):
    sheet = books[lang][TEXTS["pack.sheet.actions"][lang]]
    rows = table(sheet, TEXTS["pack.table.actions"][lang])
    column = {c: TEXTS[f"actions.{c}"][lang] for c in actions.COLUMNS}
    assert [tuple(r[column[c]] for c in actions.COLUMNS) for r in rows] == [
        (at, TEXTS[f"action.{action}"][lang], "u-1", "Sam de Vries", what, run_id)
        for at, action, what, run_id in RECORDED[:2]  # 2025 lies after the period
    ]
    assert TEXTS["pack.note.actions"][lang] in [c.value for c in sheet["A"]]


def test_an_unknown_language_is_refused_before_anything_is_written(db, tmp_path):
    with pytest.raises(ValueError, match="lang must be one of nl, en, not 'de'"):
        audit_pack.write(db, "2023-2024", SETTINGS, tmp_path / "x.xlsx", lang="de")
    assert not list(tmp_path.iterdir())


def test_cli_writes_the_pack_in_the_language_asked_for(db, tmp_path):
    args = ["audit-pack", "--period", "2022-2025", "--db", str(db), "--settings"]
    assert main([*args, str(DEFAULT_FILE), "--lang", "en", "--out", str(tmp_path / "en.xlsx")]) == 0
    assert main([*args, str(DEFAULT_FILE), "--out", str(tmp_path / "nl.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames[0] == "Summary"
    assert openpyxl.load_workbook(tmp_path / "nl.xlsx").sheetnames[0] == "Samenvatting"
    assert (tmp_path / "en_csv" / "01_Summary.csv").exists()


def dump(path: Path) -> dict:
    """Every cell of a workbook with its number format, except the made-at cell."""
    wb = openpyxl.load_workbook(path)
    made_at = next(c.offset(column=1).coordinate for c in wb[SUMMARY]["A"] if c.value == MADE_AT)
    return {
        (ws.title, c.coordinate): (c.value, c.number_format)
        for ws in wb.worksheets
        for line in ws.iter_rows()
        for c in line
        if c.value is not None and (ws.title, c.coordinate) != (SUMMARY, made_at)
    }


def csv_texts(pack: Path) -> dict[str, list[str]]:
    folder = pack.parent / f"{pack.stem}_csv"
    return {
        p.name: [
            line
            for line in p.read_text(encoding="utf-8-sig").splitlines()
            if not line.startswith(f"{MADE_AT};")
        ]
        for p in sorted(folder.iterdir())
    }


def test_same_store_gives_the_same_pack_apart_from_when_it_was_made(db, pack, tmp_path):
    again = tmp_path / "again.xlsx"
    audit_pack.write(db, "2023-2024", SETTINGS, again, now=datetime(2031, 1, 1))
    assert dump(again) == dump(pack)
    assert csv_texts(again) == csv_texts(pack)
    assert facts(openpyxl.load_workbook(again)[SUMMARY])[MADE_AT] == (datetime(2031, 1, 1))
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
    rows = table(book[SUMMARY], "Doelen en resultaten per jaar")
    with_data = {(r["Kengetal-id"], r["Jaar"]) for r in rows if r["Resultaat"] is not None}
    targeted = {m.id for m in METRICS if m.target}
    assert {(m, y) for m in targeted for y in (2010, 2011, 2012)} <= with_data
    assert {r["Deeljaar"] for r in rows if r["Jaar"] == 2013} == {"geen gegevens"}
    assert load_settings(DEFAULT_FILE).audit_periods[0].name == "2010-2013"
    assert len(book.sheetnames) == len(METRICS) + len(audit_pack.SHEETS)


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
