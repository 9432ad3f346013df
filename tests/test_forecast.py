"""Looking ahead: tiny yearly series whose year, interval and misses are worked out by hand."""

import pytest

from metrics import forecast as fc
from metrics.forecast import Miss, band, forecast, line


def series(*values: float | None, first: int = 2020) -> dict[int, float | None]:
    """Yearly values from `first` on."""
    return {first + i: v for i, v in enumerate(values)}


def test_a_straight_line_reaches_the_target_at_its_pace():
    # 10 a year; 60 in 2024; 80 is two years on; the line never missed: no margin
    found = forecast(series(20, 30, 40, 50, 60), 80, 2026)
    assert (found.outcome, found.year, found.earliest, found.latest) == (
        "reached",
        2026,
        2026,
        2026,
    )
    assert (found.pace, found.fitted, found.band) == (10, (2020, 2024), (0, 0))
    # from 2022 (line through 2020-2022) to 2023 and 2024, from 2023 (2020-2023) to 2024
    assert found.misses == (
        Miss(2020, 2022, 2023, 50, 50),
        Miss(2020, 2022, 2024, 60, 60),
        Miss(2020, 2023, 2024, 60, 60),
    )
    assert found.measured == (2020, 2024)


def test_a_noisy_series_widens_the_interval():
    # 20, 32, 40, 48, 60: the line through all five rises 9.6 a year to 59.2 in 2024.
    # From 2022 (20, 32, 40: 10 a year, 40.67 in 2022) it said 50.67 for 2023 (48: -2.67)
    # and 60.67 for 2024 (60: -0.67 in two years, -0.33 a year); from 2023 (20..48: 9.2 a
    # year, 48.8 in 2023) 58 for 2024 (60: +2). Band -2.67..+2 a year around 9.6.
    # To 85 (25.8 to go): 9.6 a year takes 2.7 years (2027), 11.6 takes 2.2 (2027), 6.93 takes
    # 3.7 (2028). The straight line 20..60 reaches 85 in 2027, without an interval.
    noisy = forecast(series(20, 32, 40, 48, 60), 85, 2030)
    assert noisy.pace == pytest.approx(9.6)
    assert [m.pace_error for m in noisy.misses] == pytest.approx([-8 / 3, -1 / 3, 2])
    assert noisy.band == pytest.approx((-8 / 3, 2))
    assert (noisy.outcome, noisy.year, noisy.earliest, noisy.latest) == (
        "reached",
        2027,
        2027,
        2028,
    )
    straight = forecast(series(20, 30, 40, 50, 60), 85, 2030)
    assert (straight.year, straight.earliest, straight.latest) == (2027, 2027, 2027)


@pytest.mark.parametrize(
    ("values", "target", "outcome", "year"),
    [
        ((40, 40, 40, 40, 40), 60, "not_at_this_pace", None),  # flat: no pace
        ((60, 50, 40, 30, 20), 80, "not_at_this_pace", None),  # away from the target
        ((20, 21, 22, 23, 24), 34, "reached", 2034),  # ten years on: the horizon's last year
        ((20, 21, 22, 23, 24), 35, "not_at_this_pace", 2035),  # eleven: beyond the horizon
        ((20, 30, 40, 50, 60), 60, "met", None),  # 60 in 2024 meets 60
        ((70, 65), 60, "met", None),  # met needs no pace, so no five years either
        ((0, 0, 0, 0, 1e-310), 1, "not_at_this_pace", None),  # a pace of 2e-311 a year
    ],
)
def test_outcomes(values, target, outcome, year):
    found = forecast(series(*values), target, 2030)
    assert (found.outcome, found.year) == (outcome, year)


def test_an_interval_whose_slow_end_never_arrives_is_not_at_this_pace():
    # 20, 40, 30, 50, 40: 5 a year to 46 in 2024, 60 in 2027 on the line. From 2022 (20, 40,
    # 30: 5 a year, 35) 40 for 2023 (50: +10) and 45 for 2024 (40: -2.5 a year); from 2023
    # (20..50: 8 a year, 47) 55 for 2024 (40: -15). At 5 - 15 a year the target never comes.
    found = forecast(series(20, 40, 30, 50, 40), 60, 2030)
    assert found.band == pytest.approx((-15, 10))
    assert (found.outcome, found.year, found.earliest, found.latest) == (
        "not_at_this_pace",
        2027,
        None,
        None,
    )


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4])
def test_fewer_than_five_years_are_not_enough(count):
    # three years make a line, two more measure its misses (three of them)
    found = forecast(series(*[20 + 10 * i for i in range(count)]), 1000, 2030)
    assert found.outcome == "not_enough_years"
    assert fc.ENOUGH_YEARS == 5


def test_lower_is_better_counts_down_to_the_target():
    # 60, 55, ..., 40: 5 less a year; 30 is two years after 2024
    found = forecast(series(60, 55, 50, 45, 40), 30, 2030, higher_is_better=False)
    assert (found.outcome, found.year, found.earliest, found.latest) == (
        "reached",
        2026,
        2026,
        2026,
    )
    assert found.pace == pytest.approx(-5)
    below = forecast(series(60, 55, 50, 45, 40), 45, 2030, higher_is_better=False)
    assert below.outcome == "met"  # 40 is at most 45


def test_a_share_is_predicted_within_0_and_100_percent():
    # 50%, 70%, 90%: the line from 2022 says 110% and 130%, the line from 2023 115%
    values = series(0.5, 0.7, 0.9, 0.95, 0.97)
    bounded = forecast(values, 0.99, 2030, bounds=(0, 1))
    assert [m.predicted for m in bounded.misses] == pytest.approx([1, 1, 1])
    assert [m.predicted for m in forecast(values, 0.99, 2030).misses] == pytest.approx(
        [1.1, 1.3, 1.15]
    )


def test_years_without_a_value_are_left_out():
    with_gap = forecast({**series(20, 30, 40, 50, 60), 2019: None}, 80, 2030)
    assert with_gap == forecast(series(20, 30, 40, 50, 60), 80, 2030)


def test_the_line_is_drawn_through_the_last_five_years_only():
    # 2015-2019 rose 1 a year, 2020-2024 10 a year: the current pace is 10
    values = {**series(0, 1, 2, 3, 4, first=2015), **series(20, 30, 40, 50, 60)}
    found = forecast(values, 80, 2030)
    assert (found.fitted, found.pace, found.year) == ((2020, 2024), pytest.approx(10), 2026)
    # the misses are measured on the last ten years: the line from 2017 (2015-2017) on
    assert found.measured == (2015, 2024)
    assert min(m.origin for m in found.misses) == 2017


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ([3, -1, 2], (-1, 3)),  # fewer than nine: the whole range
        (list(range(9)), (0, 8)),  # nine: still the range, which covers 80%
        (list(range(19)), (1, 17)),  # nineteen: the second lowest and second highest
    ],
)
def test_band_leaves_out_at_most_a_tenth_on_each_side(errors, expected):
    assert band(errors) == expected


def test_line_through_points():
    level, slope = line([(2020, 20), (2021, 32), (2022, 40), (2023, 48), (2024, 60)])
    assert (level, slope) == pytest.approx((59.2, 9.6))
