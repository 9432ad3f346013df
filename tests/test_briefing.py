"""The council briefing (PDF): figures equal the marts, both languages, small numbers hidden."""

import re
from datetime import date, datetime
from io import BytesIO

import pypdf
import pytest

from channelshift import main
from documents import briefing
from metrics import formatting, query
from pipelines import store
from pipelines.settings import Settings, Targets
from tests.conftest import FIXTURES

MADE = datetime(2024, 6, 1, 12, 0)


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page, with runs of white space as one space."""
    reader = pypdf.PdfReader(BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def small(fixture_store_read_only):
    """The fixture store: a handful of contacts in 2024, so every count is small; read only."""
    return fixture_store_read_only


def test_small_numbers_are_suppressed(small):
    settings = Settings(small_number_threshold=5)
    with store.read_only(small) as con:
        facts = briefing.content(con, 2024, "nl", settings)
        pdf = briefing.render(con, 2024, "nl", settings, MADE, "store.duckdb")
    # products: 2 digital of 3 (< 5); web share: 4 web contacts of 14; service level: 1 of 3
    # calls. Repeat share 0 of 6 stays: a zero points to no one.
    assert facts["hidden"] == {
        "products_digital": "<5",
        "web_share": "<5",
        "phone_service_level": "<5",
        "products_total": "<5",
    }
    text = pdf_text(pdf)
    assert "<5" in text
    assert "29%" not in text  # the web share 4/14 must not be shown
    assert all("29%" not in s for s in facts["sentences"])


def test_threshold_is_a_setting(small):
    with store.read_only(small) as con:
        facts = briefing.content(con, 2024, "nl", Settings(small_number_threshold=1))
    assert facts["hidden"] == {}
    assert facts["rows"][0][1] == "29%"  # web share 4/14, shown when nothing is small


@pytest.fixture
def demo(demo_store):
    """The session's short demo municipality (2008-2012), read only."""
    return demo_store


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_headline_figures_equal_the_marts(demo, tmp_path, lang):
    out = tmp_path / f"briefing_{lang}.pdf"
    assert (
        main(["briefing", "--year", "2012", "--lang", lang, "--db", str(demo), "--out", str(out)])
        == 0
    )
    pdf = out.read_bytes()
    reader = pypdf.PdfReader(BytesIO(pdf))
    assert len(reader.pages) <= 2
    text = pdf_text(pdf)
    year = (date(2012, 1, 1), date(2012, 12, 1))
    with store.read_only(demo) as con:
        web = query.value(con, "web_share", *year)
        digital = query.value(con, "products_digital", *year)
        total = query.value(con, "products_total", *year)
        hours = query.value(con, "correction_hours", *year)
    assert formatting.share(web, lang) in text
    assert f"{formatting.number(digital, lang)} / {formatting.number(total, lang)}" in text
    assert formatting.value(hours, "hours", lang) in text
    title = "Klik, bel, balie in 2012" if lang == "nl" else "Click, call, face in 2012"
    assert title in text
    assert ("tot en met 31 december 2012" if lang == "nl" else "up to 31 December 2012") in text
    assert "(Sturen op Antwoord, 2009)" in text  # the norm beside the service level's definition


def test_fonts_are_embedded(demo, tmp_path):
    with store.read_only(demo) as con:
        pdf = briefing.render(con, 2012, "nl", Settings(), MADE, "demo.duckdb")
    reader = pypdf.PdfReader(BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = (
            font.get("/FontDescriptor")
            or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        )
        descriptor = descriptor.get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_targets_met_or_not(demo):
    settings = Settings(targets={2012: Targets(web_share=0.01, phone_service_level=0.99)})
    with store.read_only(demo) as con:
        rows = {r[0]: r for r in briefing.content(con, 2012, "nl", settings)["rows"]}
    assert rows["Aandeel website (klik)"][4:] == ["1%", "gehaald"]
    assert rows["Telefonische bereikbaarheid"][4:] == ["99%", "niet gehaald"]


@pytest.mark.parametrize(
    ("year", "products"),
    [
        # 2008-2012: see tests/test_pages.py for the products' line and its misses
        (
            2012,
            "Producten digitaal: het doel van 130 (vanaf 2026) wordt bij dit tempo gehaald in "
            "2018 (tussen 2017 en 2018); de foutmarge is gemeten op 2008–2012.",
        ),
        # a briefing on 2011 reads only 2008-2011: four years do not measure a margin
        (
            2011,
            "Producten digitaal: nog geen vooruitblik; daarvoor zijn minstens 5 volledige jaren "
            "nodig.",
        ),
    ],
)
def test_the_briefing_looks_ahead_at_each_target(demo, year, products):
    settings = Settings(targets={2026: Targets(web_share=0.10, products_digital=130)})
    with store.read_only(demo) as con:
        facts = briefing.content(con, year, "nl", settings)
        text = pdf_text(briefing.render(con, year, "nl", settings, MADE, "demo.duckdb"))
    web = f"Aandeel website (klik): het doel van 10% (vanaf 2026) is in {year} al gehaald."
    assert facts["ahead"] == [web, products]
    assert "Vooruitblik" in text
    assert products in text
    assert "de laatste 5 volledige jaren" in text  # the method, in the small print


def test_a_suppressed_figure_is_not_looked_ahead_at(small):
    settings = Settings(targets={2024: Targets(web_share=0.5, max_corrections_per_1000=20)})
    with store.read_only(small) as con:
        facts = briefing.content(con, 2024, "nl", settings)
    assert "web_share" in facts["hidden"]
    # the fixture store has no complete year
    assert facts["ahead"] == [
        "Herstelacties per 1.000 contacten: nog geen vooruitblik; daarvoor zijn minstens 5 "
        "volledige jaren nodig."
    ]


@pytest.mark.parametrize(
    ("lang", "caption"),
    [
        (
            "nl",
            "Ter vergelijking: 80% binnen 30 s opgenomen (Sturen op Antwoord, 2009) — niet "
            "vergelijkbaar: de gemeente meet binnen 20 s",
        ),
        (
            "en",
            "For comparison: 80% answered within 30 s (Sturen op Antwoord, 2009) — not "
            "comparable: the municipality measures within 20 s",
        ),
    ],
)
def test_a_norm_follows_the_definition_of_its_figure_only(demo, lang, caption):
    """The demo counts calls answered within 20 s (data/municipality.toml): the 30 s norm is
    context that does not compare, and the briefing says so."""
    with store.read_only(demo) as con:
        facts = briefing.content(con, 2012, lang, Settings())
    assert facts["norms"] == {"phone_service_level": [caption]}
    with_norm = [d for d in facts["definitions"] if "Sturen op Antwoord" in d]
    assert len(with_norm) == 1
    assert with_norm[0].startswith(
        {"nl": "Telefonische bereikbaarheid: ", "en": "Phone service level: "}[lang]
    )
    assert with_norm[0].endswith(caption)


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    code = main(
        [
            "briefing",
            "--year",
            "2024",
            "--db",
            str(tmp_path / "none.duckdb"),
            "--out",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert code == 2
    assert "no database" in capsys.readouterr().err
    assert FIXTURES.exists()


def test_names_are_text_in_the_typst_source_not_markup(small):
    """The briefing's texts go to Typst as JSON strings shown as content: a name written as
    Typst or HTML markup is printed as it is, never evaluated."""
    name = '#eval("1+1") *vet* _schuin_ $x$ <img src=x onerror=alert(1)> =HYPERLINK("x")'
    with store.read_only(small) as con:
        pdf = briefing.render(con, 2024, "nl", Settings(municipality=name), MADE, "s.duckdb")
    text = pdf_text(pdf)
    assert name in text
    assert "#eval" in text and "2 *vet*" not in text
