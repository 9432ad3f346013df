"""Headline figures on the fixture store: value, previous year, target, met and improved.

The store holds the fixture files (see tests/test_catalog.py for every contact, counted by
hand) and three calls of 2023 written below, so that there is a year before:
P-1 (Feb 2023, waited 10 s, answered), P-2 (Mar 2023, abandoned), P-3 (Oct 2023, waited
10 s, answered). The fixture contacts end in April 2024, so 2024 is partial: its figures
cover January to April and are compared with January to April 2023 (P-1 and P-2; P-3 is
left out).
"""

from datetime import date, datetime, timedelta

import duckdb
import pytest

from metrics import headlines as hl
from metrics import query
from metrics.catalog import METRIC
from metrics.headlines import Headline, verdict
from metrics.query import Filters
from pipelines import store
from pipelines.load import load_files
from pipelines.settings import Settings, Targets
from tests.conftest import NOW, copy_store

PHONE_2023 = """\
contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned,resolved_first_contact,citizen_ref
P-1,2023-02-01T10:00:00,paspoort,KCC,10,100,false,true,
P-2,2023-03-01T10:00:00,paspoort,KCC,30,0,true,,
P-3,2023-10-02T10:00:00,paspoort,KCC,10,100,false,true,
"""

SETTINGS = Settings(
    targets={
        2022: Targets(
            web_share=0.55,
            phone_service_level=0.80,
            max_phone_abandonment=0.05,
            max_corrections_per_1000=20,
        ),
        2024: Targets(web_share=0.25),
    }
)


@pytest.fixture(scope="module")
def con(fixture_store_read_only, tmp_path_factory):
    """A read-only connection to the fixture store with three calls of 2023 added."""
    folder = tmp_path_factory.mktemp("headlines")
    db = copy_store(fixture_store_read_only, folder / "store.duckdb")
    phone_2023 = folder / "phone_2023.csv"
    phone_2023.write_text(PHONE_2023)
    load_files(db, "phone", [phone_2023], now=NOW)
    with store.read_only(db) as connection:
        yield connection


def test_data_until_is_the_last_day_of_the_last_month(con):
    assert hl.data_until(con) == date(2024, 4, 30)


def test_years_are_the_calendar_years_with_data(con):
    assert hl.years(con) == [2023, 2024]


def _figures(h: Headline) -> list:
    return [h.value, h.previous, h.target, h.change, h.met, h.improved, h.partial]


@pytest.mark.parametrize(
    ("metric", "year", "expected"),
    [
        # 2024: W-1, W-3, W-4, W-5 of 14 handled; Jan-Apr 2023: only P-1 handled, no web.
        # The 2024 target (0.25) replaces 2022's; 4/14 is above it.
        ("web_share", 2024, [4 / 14, 0, 0.25, 4 / 14, True, True, True]),
        # 2024: G-2 of G-1..G-3; Jan-Apr 2023: P-2 of P-1, P-2 (the whole of 2023 would be
        # 1/3 and show no change). Upper bound 0.05 from 2022: not met; lower is better.
        ("phone_abandonment", 2024, [1 / 3, 1 / 2, 0.05, -1 / 6, False, True, True]),
        # 2024: G-1 in time; Jan-Apr 2023: P-1 in time of P-1, P-2.
        ("phone_service_level", 2024, [1 / 3, 1 / 2, 0.80, -1 / 6, False, False, True]),
        # No corrections: 0 per 1,000 both years; 0 is within the upper bound 20.
        ("corrections_per_1000", 2024, [0, 0, 20, 0, True, False, True]),
        # Stock figures at the end of April 2024 and of April 2023.
        ("products_digital", 2024, [2, 2, None, 0, None, False, True]),
        ("products_total", 2024, [3, 3, None, 0, None, None, True]),
        # 2023 is complete: P-2 of P-1..P-3; no calls in 2022.
        ("phone_abandonment", 2023, [1 / 3, None, 0.05, None, False, None, False]),
        ("handled_contacts", 2023, [2, None, None, None, None, None, False]),
        # A year after the data: nothing yet, compared with the whole of 2024.
        ("handled_contacts", 2025, [None, 14, None, None, None, None, True]),
    ],
)
def test_headline(con, metric, year, expected):
    got = hl.headline(con, metric, year, SETTINGS)
    assert got.metric == METRIC[metric]
    assert got.year == year
    assert got.data_until == date(2024, 4, 30)
    assert _figures(got) == pytest.approx(expected)


def test_headline_with_filters(con):
    got = hl.headline(con, "web_share", 2024, SETTINGS, Filters(products=("brpUittr",)))
    assert (got.value, got.previous) == (1, None)  # W-3, W-4 of W-3, W-4; none in 2023


def test_headlines_by_metric_id(con):
    got = hl.headlines(con, ["web_share", "phone_abandonment"], 2024, SETTINGS)
    assert got == {
        "web_share": hl.headline(con, "web_share", 2024, SETTINGS),
        "phone_abandonment": hl.headline(con, "phone_abandonment", 2024, SETTINGS),
    }


@pytest.mark.parametrize("metric", sorted(METRIC))
def test_values_of_several_periods_equal_value_of_each(con, metric):
    """query.values answers several periods in one query, overlapping or empty ones too."""
    periods = [
        (date(2024, 1, 1), date(2024, 4, 1)),  # the data's partial year
        (date(2024, 1, 1), date(2024, 12, 1)),  # the whole of it, overlapping
        (date(2023, 1, 1), date(2023, 4, 1)),
        (date(2023, 1, 1), date(2024, 12, 1)),
        (date(2030, 1, 1), date(2030, 12, 1)),  # no data: None
    ]
    expected = [query.value(con, metric, start, end) for start, end in periods]
    assert query.values(con, metric, periods) == pytest.approx(expected)
    assert expected[-1] is None


def test_values_of_no_periods_are_an_empty_list(con):
    """A store without a complete year asks for no periods (the briefing's look ahead)."""
    assert query.values(con, "web_share", []) == []


def test_values_with_a_filter(con):
    periods = [(date(2024, 1, 1), date(2024, 4, 1)), (date(2023, 1, 1), date(2023, 4, 1))]
    brp = Filters(products=("brpUittr",))
    assert query.values(con, "web_share", periods, brp) == [
        query.value(con, "web_share", start, end, brp) for start, end in periods
    ]


def test_yearly_headlines_equal_each_year_on_its_own(con):
    ids = ["web_share", "phone_abandonment", "handled_contacts"]
    got = hl.yearly(con, ids, [2023, 2024], SETTINGS)
    assert got == {year: hl.headlines(con, ids, year, SETTINGS) for year in (2023, 2024)}
    # January to April 2023: P-1 answered; P-2 abandoned is not a handled contact
    assert got[2024]["handled_contacts"].previous == 1


def test_empty_store_has_no_data_until_and_no_years(db, load):
    load("products", "products.csv")
    with store.read_only(db) as connection:
        assert hl.data_until(connection) is None
        assert hl.years(connection) == []


def _headline(metric: str, value, previous=None, target=None) -> Headline:
    return Headline(METRIC[metric], 2024, value, previous, target, date(2024, 12, 31))


@pytest.mark.parametrize(
    ("headline", "met"),
    [
        (_headline("web_share", 0.60, target=0.60), True),  # at the target is met
        (_headline("web_share", 0.59, target=0.60), False),
        (_headline("phone_abandonment", 0.05, target=0.05), True),  # at an upper bound is met
        (_headline("phone_abandonment", 0.04, target=0.05), True),
        (_headline("phone_abandonment", 0.06, target=0.05), False),
        (_headline("corrections_per_1000", 25.0, target=20), False),
        (_headline("corrections_per_1000", 0.0, target=20), True),
        (_headline("corrections_per_1000", 0.0, target=0), True),
        (_headline("web_share", None, target=0.60), None),
        (_headline("web_share", 0.60), None),
        (_headline("handled_contacts", 10), None),  # no target key
    ],
)
def test_met(headline, met):
    assert headline.met is met


@pytest.mark.parametrize(
    ("headline", "improved"),
    [
        (_headline("web_share", 0.60, 0.50), True),
        (_headline("web_share", 0.50, 0.60), False),
        (_headline("web_share", 0.60, 0.60), False),  # no change is no improvement
        (_headline("phone_abandonment", 0.04, 0.06), True),  # lower is better
        (_headline("phone_abandonment", 0.06, 0.04), False),
        (_headline("corrections_per_1000", 18.0, 25.0), True),
        (_headline("corrections_per_1000", 25.0, 18.0), False),
        (_headline("hours_freed_by_web", -10.0, -50.0), True),
        (_headline("handled_contacts", 20, 10), None),  # neither direction is a goal
        (_headline("web_share", 0.60, None), None),
        (_headline("web_share", None, 0.60), None),
    ],
)
def test_improved(headline, improved):
    assert headline.improved is improved


@pytest.mark.parametrize(
    ("data_until", "partial"),
    [
        (date(2024, 12, 31), False),
        (date(2025, 3, 31), False),
        (date(2024, 11, 30), True),
        (date(2023, 12, 31), True),  # the year has not started in the data
        (None, False),
    ],
)
def test_partial(data_until, partial):
    h = Headline(METRIC["web_share"], 2024, 0.5, None, None, data_until)
    assert h.partial is partial


@pytest.mark.parametrize(
    ("value", "target", "data_until", "expected"),
    [
        (0.60, 0.60, date(2024, 12, 31), "met"),
        (0.59, 0.60, date(2024, 12, 31), "not_met"),
        (0.70, 0.60, date(2024, 10, 31), "running"),  # not judged before the year ends
        (0.50, 0.60, date(2024, 10, 31), "running"),
        (None, 0.60, date(2024, 10, 31), "none"),  # nothing to judge
        (0.60, None, date(2024, 12, 31), "none"),  # no target
    ],
)
def test_verdict_is_one_rule_for_every_surface(value, target, data_until, expected):
    h = Headline(METRIC["web_share"], 2024, value, None, target, data_until)
    assert verdict(h) == expected


# Web requests on 15 March and 20 May 2023, 15 January and 15 May 2024, and a phone call a
# week on Mondays from 1 January to 13 May 2024 (18 in January to April, 2 in May): the data
# stop on Wednesday 15 May.
WEB_TO_15_MAY = """\
contact_id,submitted_at,product_id,completed
w0,2023-03-15T10:00:00,paspoort,true
w1,2023-05-20T10:00:00,paspoort,true
w2,2024-01-15T10:00:00,paspoort,true
w3,2024-05-15T10:00:00,paspoort,true
"""
CALLS_TO_13_MAY = (
    "contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned\n"
    + "".join(
        f"c{week},{date(2024, 1, 1) + timedelta(weeks=week)}T10:00:00,paspoort,KCC,10,60,false\n"
        for week in range(20)
    )
)


def _loaded(folder, when: datetime):
    """A store with WEB_TO_15_MAY and CALLS_TO_13_MAY, loaded at `when`."""
    db = folder / "store.duckdb"
    for name, source, text in (
        ("web.csv", "web", WEB_TO_15_MAY),
        ("phone.csv", "phone", CALLS_TO_13_MAY),
    ):
        (folder / name).write_text(text)
        (run,) = load_files(db, source, [folder / name], now=when)
        assert run.status == "ok", run.summary()
    # a run records the clock's time; these loads ran at `when`
    with duckdb.connect(str(db)) as connection:
        connection.execute("update load_runs set started_at = ?, finished_at = ?", [when, when])
    return db


@pytest.mark.parametrize(
    ("loaded", "until", "last_month"),
    [
        # a weekly export loaded on Thursday 16 May: May is running, April the last whole month
        (datetime(2024, 5, 16, 9), date(2024, 5, 15), 4),
        # loaded after May had ended: the data cover May, however early they stop in it
        (datetime(2024, 6, 3, 9), date(2024, 5, 31), 5),
    ],
)
def test_data_until_is_the_last_day_the_data_cover(tmp_path, loaded, until, last_month):
    """The last day of the last month with contacts made a month the data stop in halfway
    look whole: a count chart showed May with half its contacts as a collapse."""
    db = _loaded(tmp_path, loaded)
    with store.read_only(db) as connection:
        assert hl.data_until(connection) == until
        assert hl.last_month(until, 2024) == last_month
        figure = hl.headline(connection, "handled_contacts", 2024, Settings())
    # the year against the same whole months of the year before: January to April, w2 and 18
    # calls against w0; to May, w3 and 2 calls more against w0 and w1
    expected = {4: (19, 1), 5: (22, 2)}[last_month]
    assert (figure.value, figure.previous) == expected
    assert figure.through == date(2024, last_month, 1)


def test_a_year_whose_first_month_is_running_counts_that_month():
    assert hl.last_month(date(2024, 1, 15), 2024) == 1
    assert hl.last_month(date(2024, 1, 31), 2024) == 1
    assert hl.last_month(date(2024, 1, 31), 2023) == 12
