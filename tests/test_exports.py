"""Downloads: CSV as Dutch or English Excel opens it, every column with a header, PNGs sourced."""

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_pages import common
from metrics import charts, exports
from metrics.texts import TEXTS

APP = str(Path(__file__).parents[1] / "dashboard.py")
PAGES = ("channel_mix", "digitisation", "corrections", "teams", "audit")
UNTIL = date(2024, 3, 31)

TINY = pl.DataFrame(
    {
        "period": [date(2024, 3, 1), date(2024, 4, 1)],
        "channel": ["web", "desk"],
        "correction_hours": [1234.5, None],
        "share": [0.255, 1.0],
        "is_partial": [False, True],
        "occurred_at": [datetime(2024, 3, 1, 9, 5, 59), None],
    }
)


@pytest.fixture(autouse=True)
def fresh_caches():
    """Clear Streamlit's caches so that one test's store does not leak into the next."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_dutch_csv_is_what_dutch_excel_expects():
    source = exports.source_line("Demodorp", UNTIL, "nl", [("Per", "maand")])
    expected = (
        "\ufeff# Demodorp · gegevens tot en met 31 maart 2024 · Per: maand\n"
        "Periode (eerste dag);Kanaal;Uren herstelwerk;Aandeel van de contacten (%);"
        "Periode loopt nog;Begonnen\n"
        "01-03-2024;Website (klik);1234,5;25,5;nee;01-03-2024 09:05\n"
        "01-04-2024;Balie;;100,0;ja;\n"
    ).encode()
    assert exports.csv_bytes(TINY, "nl", source) == expected
    assert expected.startswith(b"\xef\xbb\xbf#")  # the BOM, then the source line


def test_english_csv_uses_commas_points_and_iso_dates():
    source = exports.source_line("Demodorp", UNTIL, "en", [("By", "month")])
    expected = (
        "\ufeff# Demodorp · data up to 31 March 2024 · By: month\n"
        "Period (first day),Channel,Correction hours,Share of contacts (%),"
        "Period still running,Started\n"
        "2024-03-01,Web (click),1234.5,25.5,no,2024-03-01 09:05\n"
        "2024-04-01,Desk (face),,100.0,yes,\n"
    ).encode()
    assert exports.csv_bytes(TINY, "en", source) == expected


@pytest.mark.parametrize(
    ("lang", "first_line"),
    [
        # no separator in the line: as it is; Excel shows it in A1 either way
        ("nl", "# Demodorp · gegevens tot en met 31 maart 2024 · Product: A, B"),
        # the separator inside: quoted, so that Excel keeps the line in one cell
        ("en", '"# Demodorp · data up to 31 March 2024 · Product: A, B"'),
    ],
)
def test_the_source_line_stays_in_one_cell(lang, first_line):
    source = exports.source_line("Demodorp", UNTIL, lang, [("Product", "A, B")])
    written = exports.csv_bytes(TINY, lang, source).decode("utf-8-sig")
    assert written.splitlines()[0] == first_line


def test_a_csv_reads_back_to_the_same_figures():
    written = exports.csv_bytes(TINY, "nl", "Demodorp").decode("utf-8-sig")
    back = pl.read_csv(written.encode(), separator=";", decimal_comma=True, skip_rows=1)
    assert back["Uren herstelwerk"].to_list() == [1234.5, None]
    assert back["Aandeel van de contacten (%)"].to_list() == [25.5, 100.0]


def test_shares_are_declared_and_written_as_rounded_percentages():
    frame = pl.DataFrame({"web_share": [1 / 3], "contacts": [1]})  # contacts: 1, not 100%
    written = exports.csv_bytes(frame, "nl", "x").decode("utf-8-sig")
    assert written.splitlines()[1:] == ["Digitaal gebruik (%);Afgehandelde contacten", "33,33;1"]


def test_load_runs_reuse_the_runs_texts():
    assert exports.header("file_sha256", "nl") == TEXTS["runs.file_sha256"]["nl"]
    assert exports.header("reason", "en") == TEXTS["rejects.reason"]["en"]


def test_a_column_without_a_header_text_cannot_be_written():
    with pytest.raises(KeyError, match=r"column\.brand_new"):
        exports.csv_bytes(pl.DataFrame({"brand_new": [1]}), "nl", "x")
    assert exports.missing_headers(["period", "brand_new"]) == ["brand_new"]


def test_every_share_and_channel_column_has_a_header():
    assert exports.missing_headers(sorted(exports.SHARES | exports.CHANNEL_COLUMNS)) == []


@pytest.fixture
def downloads(demo_store, monkeypatch) -> list[tuple[str, pl.DataFrame, str, bytes]]:
    """Every CSV the pages offer on the demo, as (file name, frame, source, bytes)."""
    monkeypatch.setenv("CHANNELSHIFT_DB", str(demo_store))
    offered = []
    original = common.download

    def recording(data: pl.DataFrame, name: str, source: str) -> None:
        offered.append((name, data, source, exports.csv_bytes(data, common.lang(), source)))
        original(data, name, source)

    # pages and common.chart look download up on the module when they run
    monkeypatch.setattr(common, "download", recording)
    return offered


def open_page(page: str, lang: str, **params: str) -> AppTest:
    """Run the app on a page in a language (and query parameters); return the finished AppTest."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_every_downloaded_column_has_a_header_text(downloads):
    for page in PAGES:
        open_page(page, "en")
    open_page("corrections", "en", eenheid="corrections_per_1000")  # the rate's own chart
    names = {name.split("_")[0] for name, *_ in downloads}
    # every page's downloads were offered (the demo has releases, abandoned calls, rejects)
    assert names >= {
        "kanaalmix",
        "producten",
        "digitalisering",
        "productenlijst",
        "herstelwerk",
        "herstel",
        "netto",
        "geschiedenis",
        "release",
        "team",
        "opgehangen",
        "laadruns",
        "geweigerde",
    }, names
    missing = {name: exports.missing_headers(data.columns) for name, data, *_ in downloads}
    assert {name: columns for name, columns in missing.items() if columns} == {}


def test_the_dutch_channel_mix_csv_is_for_dutch_excel(downloads):
    open_page("channel_mix", "nl")
    name, _, source, written = downloads[0]
    assert name.startswith("kanaalmix_")
    assert written.startswith(b"\xef\xbb\xbf# Demogemeente \xc2\xb7 gegevens tot en met ")
    lines = written.decode("utf-8-sig").splitlines()
    assert lines[0] == f"# {source}"
    assert "Periode (jaren): 2008–2012 · Per: jaar · Productgroep: Alle" in source
    assert lines[1] == (
        "Periode (eerste dag);Kanaal;Afgehandelde contacten;Aandeel van de contacten (%);"
        "Periode loopt nog"
    )
    period, channel, _, share, partial = lines[2].split(";")
    assert period == "01-01-2008" and channel == "Balie" and partial == "nee"
    assert "," in share and "." not in share


SOURCE = "Demodorp · gegevens tot en met 31 maart 2024 · Per: maand"


def test_a_chart_carries_its_source_line_under_it():
    figure = charts.lines(
        TINY.with_columns(pl.lit("a").alias("series")),
        "nl",
        "series",
        "share",
        "Titel",
        "As",
        ".0%",
    )
    spec = charts.with_source(figure, SOURCE).to_dict()
    chart, note = spec["vconcat"]
    assert chart["title"]["text"] == ["Titel"]  # wrapped into lines (charts._titled)
    assert note["mark"]["text"] == [SOURCE]


def test_a_long_source_line_wraps_at_its_separators():
    long = " · ".join([SOURCE] + [f"Filter {i}: {'x' * 20}" for i in range(8)])
    note = charts.with_source(
        charts.lines(
            TINY.with_columns(series=pl.lit("a")), "nl", "series", "share", "T", "A", ".0%"
        ),
        long,
    ).to_dict()["vconcat"][1]
    lines = note["mark"]["text"]
    assert len(lines) > 1 and " · ".join(lines) == long
    assert all(len(line) <= 800 // 6 for line in lines)


def test_a_png_still_renders_with_its_source_line():
    figure = charts.lines(
        TINY.with_columns(series=pl.lit("a")), "nl", "series", "share", "T", "A", ".0%"
    )
    png = common.png(figure, SOURCE)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
