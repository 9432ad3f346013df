"""Metric values from the catalogue: ratios of sums, stock figures, filters, empty data.

The store holds the fixture files; tests/fixtures/*.csv list every contact, and each
expectation below is counted from them by hand.
Handled contacts: Feb 2024: desk B-1 (paspoort). Mar: web W-3 (brpUittr), phone G-1
(verhuismelding), desk B-2 (rijbewijs, not in the catalogue), B-3 (paspoort). Apr: web W-1
(verhuismelding), W-4 (brpUittr), W-5 (no product); phone G-3 (woz-beschikking); desk B-4
(oud-product), B-5..B-8 (paspoort). Not handled: web W-2 (Mar), phone G-2 (Apr, abandoned).
"""

from datetime import date

import pytest

from metrics import query
from metrics.catalog import METRICS
from metrics.query import Filters, UnsupportedFilter
from pipelines import store

YEAR = (date(2024, 1, 1), date(2024, 12, 1))


@pytest.fixture(scope="module")
def con(fixture_store_read_only):
    """A read-only connection to the store with all fixture exports loaded."""
    with store.read_only(fixture_store_read_only) as connection:
        yield connection


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ("handled_contacts", 14),  # 4 web + 2 phone + 8 desk
        ("web_share", 4 / 14),
        ("phone_share", 2 / 14),
        ("desk_share", 8 / 14),
        ("products_total", 3),  # woz-beschikking retired on 2022-07-01
        ("products_digital", 2),  # verhuismelding, brpUittr
        ("share_digital", 2 / 3),
        # digital products' handled contacts: Mar W-3 web, G-1 phone; Apr W-1, W-4 web
        ("digital_takeup", 3 / 4),
        ("phone_service_level", 1 / 3),  # only G-1 (12.5 s) of G-1, G-2, G-3 within 20 s
        ("phone_abandonment", 1 / 3),  # G-2
        ("phone_avg_wait", (12.5 + 40 + 1234.5) / 3),
        ("first_contact_resolution", 1 / 2),  # G-1 ja, G-3 nee
        ("desk_served_in_time", 1.0),  # every wait is at most 300 s
        ("repeat_share", 0.0),  # the only repeat (W-2 then W-1) starts with an unhandled W-2
        ("corrections", 0),
        ("correction_hours", 0),
        ("corrections_per_1000", 0),
    ],
)
def test_metric_over_the_year(con, metric, expected):
    assert query.value(con, metric, *YEAR) == pytest.approx(expected)


def test_quarter_is_a_ratio_of_sums_not_a_mean_of_months(con):
    got = query.series(con, "web_share", *YEAR, grain="quarter")
    assert got["period"].to_list() == [date(2024, 1, 1), date(2024, 4, 1)]
    # Q1: 1 web (W-3) of 5 handled (B-1, W-3, G-1, B-2, B-3); the mean of Feb (0) and
    # Mar (1/4) would wrongly give 1/8. Q2: 3 web of 9 handled.
    assert got["value"].to_list() == pytest.approx([1 / 5, 3 / 9])
    assert got["numerator"].to_list() == [1, 3]


def test_stock_metric_takes_the_last_month_of_each_period(con):
    got = query.series(con, "products_digital", *YEAR, grain="month")
    assert got["value"].to_list() == [2, 2, 2]
    assert query.value(con, "products_total", date(2022, 1, 1), date(2022, 6, 1)) is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # Burgerzaken products: Feb 0/1, Mar 1/3 (W-3 of W-3, G-1, B-3), Apr 2/6
        (Filters(categories=("Burgerzaken",)), [0, 1 / 3, 2 / 6]),
        (Filters(products=("brpUittr",)), [None, 1, 1]),
        (Filters(teams=("Belastingen",)), [None, None, 0]),  # woz: G-3 by phone in April
    ],
)
def test_filters(con, filters, expected):
    got = query.series(con, "web_share", *YEAR, filters=filters)
    by_month = dict(zip(got["period"], got["value"], strict=True))
    months = [date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)]
    assert [by_month.get(m) for m in months] == pytest.approx(expected)


def test_team_filter_on_a_team_mart_uses_its_own_team_column(con):
    assert query.value(con, "phone_service_level", *YEAR, Filters(teams=("KCC",))) == 0.5
    assert query.value(con, "phone_service_level", *YEAR, Filters(teams=("Belastingen",))) == 0


def test_no_data_gives_no_value(con):
    # paspoort is not digital: it has no take-up rows, so take-up is unknown, not 0%
    assert query.value(con, "digital_takeup", *YEAR, Filters(products=("paspoort",))) is None


def test_zero_denominator_gives_no_value(con):
    # February has take-up rows for the digital products, but none of them had a contact
    got = query.series(con, "digital_takeup", *YEAR)
    assert got.row(0) == (date(2024, 2, 1), 0, 0, None)


def test_values_are_bound_not_pasted(con):
    nasty = "x') or true or ('"
    assert query.value(con, "handled_contacts", *YEAR, Filters(products=(nasty,))) is None


def test_unsupported_filter_is_refused(con):
    with pytest.raises(UnsupportedFilter, match="products_digital cannot be filtered by"):
        query.value(con, "products_digital", *YEAR, Filters(products=("paspoort",)))


def test_every_metric_has_both_languages_and_runs(con):
    for metric in METRICS:
        assert set(metric.label) == set(metric.definition) == {"nl", "en"}
        assert query.series(con, metric.id, *YEAR).height > 0


def test_shares_agree_with_the_channel_mix_mart(con):
    rows = con.execute(
        "select period_month, share from mart_channel_mix where channel = 'web' "
        "order by period_month"
    ).fetchall()
    got = query.series(con, "web_share", *YEAR)
    assert got["value"].to_list() == pytest.approx([share for _, share in rows])
