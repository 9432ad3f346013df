"""Page models: each page's defaults and rules, computed once for pages, documents and bench.

Every store here is written inline; the expectations are counted by hand from its lines.
"""

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from metrics import headlines, pages, query
from metrics.catalog import METRIC
from metrics.headlines import Headline
from metrics.query import Filters
from pipelines import store as stored
from pipelines.settings import DEFAULT_FILE, AuditPeriod, ServiceNorms, Settings, Targets
from pipelines.settings import load as load_settings

# Web requests in June 2022 and March 2023: the data end on 31 March 2023.
TWO_YEARS = """
    contact_id,submitted_at,product_id,completed
    w1,2022-06-01T10:00:00,paspoort,true
    w2,2023-03-01T10:00:00,paspoort,true
"""
YEARS = range(2008, 2013)  # the complete years of the session's demo store
SETTINGS = Settings(
    targets={2022: Targets(web_share=0.3), 2023: Targets(web_share=0.4)},
    audit_periods=(
        AuditPeriod(name="2018-2020", start=date(2018, 1, 1), end=date(2020, 12, 31)),
        AuditPeriod(name="2021-2022", start=date(2021, 1, 1), end=date(2022, 12, 31)),
        AuditPeriod(name="2023-2026", start=date(2023, 1, 1), end=date(2026, 12, 31)),
    ),
)


@pytest.fixture
def con(store, db):
    """A read-only connection to a store with web requests in 2022 and up to March 2023."""
    store(web=TWO_YEARS, settings=SETTINGS)
    with stored.read_only(db) as connection:
        yield connection


def test_frame_holds_the_years_the_last_day_and_the_filter_options(con):
    found = pages.frame(con)
    assert (found.years, found.until) == ([2022, 2023], date(2023, 3, 31))
    assert found.complete_years() == [2022]  # 2023 ends in March
    assert found.options["teams"] == []


def test_an_empty_store_has_no_frame(store, db):
    store(products="product_id,name_nl,category,owner_team\npaspoort,Paspoort,Burgerzaken,B\n")
    with stored.read_only(db) as connection:
        assert pages.frame(connection) is None


@pytest.mark.parametrize(
    ("asked", "shown"),
    [(None, 2022), (2023, 2023), (2022, 2022), (1999, 2022)],  # default: last complete year
)
def test_overview_shows_the_last_complete_year_unless_another_is_chosen(con, asked, shown):
    page = pages.overview(con, SETTINGS, "nl", year=asked)
    assert page.year == shown
    assert page.partial is (shown == 2023)
    # one web request in each year, nothing else: the web share is 100%
    assert page.figures["web_share"].value == 1.0
    expected = "running" if shown == 2023 else "met"  # 100% against 30% or 40%
    assert page.verdicts["web_share"] == expected
    assert page.sentences  # written from the figures; their wording: test_narrative.py
    # the first year of the data has no year before it to compare with
    assert page.previous_year == (2022 if shown == 2023 else None)


@pytest.mark.parametrize(
    ("first", "last", "filters", "years", "targets"),
    [
        (None, None, Filters(), (2022, 2023), [(2022, 0.3), (2023, 0.4)]),  # each year its own
        (2022, 2022, Filters(), (2022, 2022), [(2022, 0.3)]),
        (1990, 2050, Filters(), (2022, 2023), [(2022, 0.3), (2023, 0.4)]),  # clamped to the data
        (None, None, Filters(products=("paspoort",)), (2022, 2023), []),  # not a product's
    ],
)
def test_channel_mix_targets_are_the_whole_municipalitys(con, first, last, filters, years, targets):
    page = pages.channel_mix(con, SETTINGS, first=first, last=last, filters=filters)
    assert (page.first, page.last) == years
    assert page.targets.rows() == targets
    assert page.mix.select("period", "channel", "contacts").rows() == [
        (date(y, 1, 1), "web", 1) for y in range(years[0], years[1] + 1)
    ]


@pytest.mark.parametrize(
    ("period", "chosen"),
    [(None, "2021-2022"), ("2023-2026", "2023-2026"), ("2099-2102", "2021-2022")],
)
def test_audit_looks_back_on_the_latest_period_that_has_ended(con, period, chosen):
    page = pages.audit(con, SETTINGS, period=period)
    # 2018-2020 holds no year with data and is not offered
    assert [p.name for p in page.periods] == ["2021-2022", "2023-2026"]
    assert page.period.name == chosen
    web = [
        (year, judged) for year, figure, judged in page.rows() if figure.metric.id == "web_share"
    ]
    # 2021 has no data; 2023 is still running in the data
    assert web == {"2021-2022": [(2022, "met")], "2023-2026": [(2023, "running")]}[chosen]


@pytest.mark.parametrize(
    ("asked", "shown"),
    [(None, "verhuismelding"), ("brpUittr", "brpUittr"), ("no-such-product", "verhuismelding")],
)
def test_corrections_show_the_change_of_address_form_first(fixture_store, asked, shown):
    with stored.read_only(fixture_store) as connection:
        page = pages.corrections(connection, Settings(), product=asked)
    # the digital products of the fixture catalogue, all offered for a product's history
    assert {"verhuismelding", "brpUittr"} <= set(page.choices)
    assert page.product == shown
    web, _, events = page.history
    assert web["period"].to_list() == [date(2024, m, 1) for m in (2, 3, 4)]
    assert events.filter(events["label"] == "digital_since")["day"].len() == 1


def _weekly_calls() -> str:
    """One KCC call a week for 16 weeks from Monday 1 January 2024.

    Weeks 1-12 wait 30 s (not in time); weeks 13-16 wait 10 s, and in week 14 (1 April)
    the caller hangs up.
    """
    lines = ["contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned"]
    for week in range(16):
        day = date(2024, 1, 1) + timedelta(weeks=week)
        wait, abandoned = (30, "false") if week < 12 else (10, str(week == 13).lower())
        lines.append(f"t{week},{day}T10:00:00,paspoort,KCC,{wait},100,{abandoned}")
    return "\n".join(lines)


def test_a_teams_last_four_weeks_against_the_twelve_before(store, db):
    store(phone=_weekly_calls())
    with stored.read_only(db) as connection:
        page = pages.teams(connection, Settings())
    assert page.team == "KCC"
    figures = {f.label: (f.now, f.before) for f in page.figures}
    assert figures["label.service_level"] == (3 / 4, 0 / 12)
    assert figures["label.abandonment"] == (1 / 4, 0 / 12)
    assert figures["label.phone_wait"] == (10, 30)
    assert page.figures[0].change == 3 / 4
    assert page.abandoned_weeks == [date(2024, 4, 1)]
    assert page.week == date(2024, 4, 1)  # the latest week with an abandoned call
    assert page.abandoned["contact_id"].to_list() == ["t13"]


@pytest.mark.parametrize(
    ("seconds", "service_level", "sturen_op_antwoord"),
    [
        # every answered call waited 10 or 30 s: 15 of 16 offered calls within 30 s
        (30, 15 / 16, (True, None)),
        # within 20 s only the three answered 10 s calls count: not what the norm counts
        (20, 3 / 16, (False, 20)),
    ],
)
def test_the_overview_shows_a_norm_beside_its_metric_as_the_store_counted_it(
    store, db, seconds, service_level, sturen_op_antwoord
):
    store(
        phone=_weekly_calls(), settings=Settings(norms=ServiceNorms(phone_answer_seconds=seconds))
    )
    with stored.read_only(db) as connection:
        # the settings file says 20 s; the marts counted within `seconds`, and that decides
        page = pages.overview(connection, Settings(), "nl")
    assert page.figures["phone_service_level"].value == service_level
    shown = {
        metric_id: [(b.norm.id, b.is_comparable, b.measured_seconds) for b in beside]
        for metric_id, beside in page.norms.items()
    }
    # only beside the cards whose metric a norm measures, never beside web share or hours
    assert shown == {
        "phone_service_level": [("sturen_op_antwoord", *sturen_op_antwoord)],
        "first_contact_resolution": [("antwoord_ambition", True, None)],
    }
    assert set(page.norms) <= set(pages.OVERVIEW_CARDS)


@pytest.mark.parametrize(
    ("seconds", "drawn"),
    [(30, ["sturen_op_antwoord", "tilburg_abandonment"]), (20, ["tilburg_abandonment"])],
)
def test_a_teams_phone_figures_carry_their_norms_and_the_chart_only_comparable_ones(
    store, db, seconds, drawn
):
    store(
        phone=_weekly_calls(), settings=Settings(norms=ServiceNorms(phone_answer_seconds=seconds))
    )
    with stored.read_only(db) as connection:
        page = pages.teams(connection, Settings())
    assert {f.label: [b.norm.id for b in f.norms] for f in page.figures} == {
        "label.service_level": ["sturen_op_antwoord"],
        "label.abandonment": ["tilburg_abandonment"],
        "label.phone_wait": ["vng_minimum"],  # beside the average wait, as an indication
        "label.desk_wait": [],
        "label.corrections": [],
    }
    # the phone chart draws service level and abandonment; the VNG minimum is never a line
    assert [b.norm.id for b in page.phone_norms] == drawn


@pytest.mark.parametrize(
    ("grain", "running"),
    [("year", {2023}), ("quarter", set()), ("month", set())],  # the data end on 31 March 2023
)
def test_a_period_that_ends_after_the_data_is_running(con, grain, running):
    page = pages.channel_mix(con, SETTINGS, grain=grain)
    assert {p.year for p in page.mix.filter("is_partial")["period"]} == running


@pytest.mark.parametrize(
    ("loaded", "running_months", "last_week"),
    [
        # loaded on Thursday 16 May: May and the week of Monday 13 May are still running
        (datetime(2024, 5, 16, 9), {date(2024, 5, 1)}, date(2024, 5, 6)),
        # loaded after May had ended: both are whole, whatever day the data stop on
        (datetime(2024, 6, 3, 9), set(), date(2024, 5, 13)),
    ],
)
def test_a_month_and_a_week_the_data_stop_in_are_running(
    tmp_path, loaded, running_months, last_week
):
    """May read as whole when the data stopped on the 15th: its count chart showed half a
    month as a collapse, and the team's last week held two of its seven days."""
    from tests.test_headlines import _loaded  # the same store as the headlines' test

    with stored.read_only(_loaded(tmp_path, loaded)) as connection:
        mix = pages.channel_mix(connection, Settings(), grain="month").mix
        team = pages.teams(connection, Settings(), team="KCC")
    assert set(mix.filter("is_partial")["period"]) == running_months
    assert team.weeks["period"].max() == last_week


def test_a_share_that_misses_its_target_is_written_with_the_decimals_that_tell_them_apart():
    figure = Headline(METRIC["web_share"], 2025, 0.54991, 0.5429, 0.55, date(2025, 12, 31))
    written = pages.shown({"web_share": figure}, "web_share", "nl")
    # both years with two decimals, never "54,99% | 54%"
    assert (written.value, written.previous, written.change, written.target) == (
        "54,99%",
        "54,29%",
        "+0,7 procentpunt",
        "55%",
    )
    met = Headline(METRIC["web_share"], 2025, 0.5612, 0.5429, 0.55, date(2025, 12, 31))
    assert pages.shown({"web_share": met}, "web_share", "en").previous == "54%"


def test_owner_team_filter_offers_the_teams_that_own_products(fixture_store):
    """Kanaalmix filters by the product's owner team: not the teams that took contacts."""
    with stored.read_only(fixture_store) as connection:
        found = pages.frame(connection)
    assert found.options["owners"] == ["Belastingen", "Burgerzaken"]  # tests/fixtures/products.csv
    assert "KCC" in found.options["teams"]  # took calls, owns no product


def test_a_team_without_calls_gets_no_phone_figures(fixture_store):
    """The desk team had three '-' phone cards and an empty chart with a 0% axis."""
    with stored.read_only(fixture_store) as connection:
        found = pages.frame(connection)
        desk_only = [
            team
            for team in found.options["teams"]
            if pages.teams(connection, Settings(), team=team).channels == ["desk"]
        ]
        assert desk_only, "the fixture store has a desk-only team"
        page = pages.teams(connection, Settings(), team=desk_only[0])
    assert {f.channel for f in page.figures} == {"phone", "desk", None}
    assert page.channels == ["desk"]  # the page shows only the desk and correction figures


def test_calls_without_product_are_a_share_of_the_periods_calls(store, db):
    """Shown as a bare count, "calls without product" said nothing about their weight: it is
    a share of the audit period's calls (offered, abandoned ones too)."""
    store(
        settings=SETTINGS,
        web=TWO_YEARS,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            c1,2021-05-03T10:00:00,,KCC,10,60,false
            c2,2022-05-03T10:00:00,paspoort,KCC,10,60,false
            c3,2022-06-03T10:00:00,,KCC,10,0,true
            c4,2022-07-03T10:00:00,paspoort,KCC,10,60,false
            c5,2023-01-03T10:00:00,,KCC,10,60,false
        """,
    )
    with stored.read_only(db) as con:
        page = pages.audit(con, SETTINGS, period="2021-2022")
        later = pages.audit(con, SETTINGS, period="2023-2026")
    # 2021-2022: c1 and c3 without product of c1..c4; 2023-2026: c5 alone
    assert page.calls_without_product == (2, 4)
    assert page.untagged_share == 0.5
    assert (later.calls_without_product, later.untagged_share) == ((1, 1), 1.0)


@pytest.mark.parametrize("year", [2022, 2023])
def test_a_forecast_reads_complete_years_only(con, year):
    # 2023 runs to March: whichever year the overview shows, 2022 is the last data point
    page = pages.overview(con, SETTINGS, "nl", year=year)
    assert list(page.forecasts) == ["web_share"]  # the only target the settings set
    found = page.forecasts["web_share"]
    assert (found.last_year, found.value) == (2022, 1.0)
    # against the latest target (2023: 40%), which 100% meets
    assert (found.outcome, found.target, found.target_year) == ("met", 0.4, 2023)


def test_the_demo_forecasts_every_target_from_its_complete_years(demo_store):
    settings = load_settings(DEFAULT_FILE)
    with stored.read_only(demo_store) as connection:
        page = pages.overview(connection, settings, "nl")
        alone, figures = _alone(connection, settings, page)
        digitisation = pages.digitisation(connection, settings)
        yearly = query.values(
            connection, "products_digital", [(date(y, 1, 1), date(y, 12, 1)) for y in YEARS]
        )
    # every metric with a target in data/municipality.toml, in the catalogue's order
    assert list(page.forecasts) == [
        "web_share",
        "products_digital",
        "corrections_per_1000",
        "phone_service_level",
        "phone_abandonment",
        "desk_served_in_time",
    ]
    assert {f.last_year for f in page.forecasts.values()} == {2012}
    # Products digital 7, 16, 28, 43, 57: the line rises 12.7 a year to 55.6 in 2012, so 130
    # (74.4 on) takes 5.9 years: 2018. Its misses from 2010 (+5, +4.25 a year) and 2011
    # (+3.5) say faster: 16.2 to 17.7 a year, 2017 either way. Interval 2017-2018.
    assert yearly == [7, 16, 28, 43, 57]
    found = page.forecasts["products_digital"]
    assert (found.target, found.target_year) == (130, 2026)
    assert found.band == pytest.approx((3.5, 5))
    assert (found.outcome, found.year, found.earliest, found.latest) == (
        "reached",
        2018,
        2017,
        2018,
    )
    assert found.measured == (2008, 2012)
    assert digitisation.forecast == found
    # the overview reads a targeted figure's year and its forecast's years in one query: the
    # same forecasts and headlines as asked for each on its own
    assert page.forecasts == alone
    assert page.figures == figures


def _alone(connection, settings, page) -> tuple[dict, dict]:
    """An overview's forecasts and headlines, each asked for on its own."""
    years = pages.forecast_years(page.frame, page.year)
    shown = list(page.figures)
    return (
        pages.forecasts(connection, settings, years),
        headlines.headlines(connection, shown, page.year, settings),
    )


@pytest.mark.parametrize(
    ("among", "asked", "shown", "offered"),
    [
        (None, None, "first", "all"),  # no limit: every team, the first by default
        (("KCC",), None, "KCC", ["KCC"]),  # a team lead's own team is the default
        (("KCC",), "other", "KCC", ["KCC"]),  # another team asked for: their own instead
        (("Nergens",), None, None, []),  # a team the data do not know: nothing, not the first
        ((), "other", None, []),  # no team at all: nothing
    ],
)
def test_a_team_lead_sees_only_their_own_teams(fixture_store, among, asked, shown, offered):
    with stored.read_only(fixture_store) as connection:
        every = pages.frame(connection).options["teams"]
        other = next(t for t in every if t != "KCC")
        asked = other if asked == "other" else asked
        page = pages.teams(connection, Settings(), team=asked, among=among)
    assert page.team == (every[0] if shown == "first" else shown)
    assert page.teams == (every if offered == "all" else offered)
    if shown is None:
        assert page.weeks.is_empty() and page.abandoned is None


def test_release_effects_in_months_counted_from_totals_say_so(demo_store):
    """The demo's 2008 launch lies in months of monthly totals: its before-and-after figures
    need single contacts, so they are not available (not none, not 0)."""
    with stored.read_only(demo_store) as connection:
        page = pages.corrections(connection, load_settings(DEFAULT_FILE))
    sides = {
        (r["product_id"], r["released_on"]): (r["before_from_totals"], r["after_from_totals"])
        for r in page.effects.iter_rows(named=True)
    }
    assert sides.pop(("parkeervergunning", date(2008, 6, 2))) == (True, True)
    assert sides.pop(("brpUittr", date(2007, 10, 1))) == (False, False)  # before any data
    assert set(sides.values()) == {(False, False)}  # the releases from 2010 on
    rows = pages.release_rows(page.effects, "en", str.upper)
    launch = rows.filter(pl.col("Release").str.starts_with("2 June 2008"))
    assert launch.row(0)[:1] == ("PARKEERVERGUNNING",)
    assert set(launch.row(0)[2:]) == {"not available from monthly totals"}
    assert (
        "not available from monthly totals"
        not in rows.filter(~pl.col("Release").str.contains("2007|2008")).rows()[0]
    )
