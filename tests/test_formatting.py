"""Dutch and English display formats: numbers, shares, points, money, dates, suppression."""

from datetime import date

import pytest

from metrics import formatting as fmt

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space, which some CLDR versions put before %


@pytest.mark.parametrize(
    ("x", "lang", "decimals", "expected"),
    [
        (1234.5, "nl", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "nl", 0, "1.235"),  # half up, not half to even
        (2.5, "en", 0, "3"),  # Babel alone gives "2"
        (0.125, "nl", 2, "0,13"),
        (1234567.891, "nl", 2, "1.234.567,89"),
        (-1234.5, "nl", 1, "-1.234,5"),
        (-1234.5, "en", 0, "-1,235"),
        (-0.4, "nl", 0, "0"),  # never "-0"
        (0, "en", 1, "0.0"),
        (None, "nl", 0, "–"),
        (None, "en", 2, "–"),
        (float("nan"), "nl", 0, "–"),
        (float("inf"), "en", 0, "–"),
    ],
)
def test_number(x, lang, decimals, expected):
    assert fmt.number(x, lang, decimals) == expected


@pytest.mark.parametrize(
    ("x", "lang", "decimals", "expected"),
    [
        (0.58, "nl", 0, "58%"),
        (0.58, "en", 0, "58%"),
        (0.585, "nl", 0, "59%"),  # the percentage is rounded half up
        (0.5812, "nl", 1, "58,1%"),
        (0.5812, "en", 1, "58.1%"),
        (0.58, "nl", 1, "58,0%"),
        (1, "nl", 0, "100%"),
        (12.345, "nl", 0, "1.235%"),
        (-0.05, "nl", 0, "-5%"),
        (-0.05, "en", 0, "-5%"),
        (-0.001, "en", 0, "0%"),
        (0, "nl", 0, "0%"),
        (None, "nl", 0, "–"),
        (None, "en", 0, "–"),
    ],
)
def test_share(x, lang, decimals, expected):
    assert fmt.share(x, lang, decimals) == expected


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("x", [0.58, 0.5812, -0.05, 1234.5])
def test_share_has_no_space_before_the_percent_sign(lang, x):
    for decimals in (0, 1):
        text = fmt.share(x, lang, decimals)
        assert text.endswith("%")
        assert not text[-2].isspace()
        assert NBSP not in text and NNBSP not in text and " " not in text


@pytest.mark.parametrize(
    ("delta", "lang", "expected"),
    [
        (0.06, "nl", "+6 procentpunt"),
        (0.06, "en", "+6 percentage points"),
        (-0.015, "nl", "-1,5 procentpunt"),
        (-0.015, "en", "-1.5 percentage points"),
        (0, "nl", "0 procentpunt"),
        (0, "en", "0 percentage points"),
        (0.01, "en", "+1 percentage point"),
        (-0.01, "en", "-1 percentage point"),
        (0.0999, "nl", "+10 procentpunt"),  # 9.99 rounds to a whole 10.0: no decimal
        (0.00049, "nl", "0 procentpunt"),  # 0.049 points rounds to 0: no sign
        (-0.00049, "en", "0 percentage points"),
        (0.1234, "nl", "+12,3 procentpunt"),
        (None, "nl", "–"),
        (float("nan"), "en", "–"),
    ],
)
def test_points(delta, lang, expected):
    assert fmt.points(delta, lang) == expected


def test_points_unsigned_for_sentences_that_say_more_or_less():
    assert fmt.points(-0.06, "nl", signed=False) == "6 procentpunt"
    assert fmt.points(0.015, "en", signed=False) == "1.5 percentage points"


@pytest.mark.parametrize(
    ("function", "d", "lang", "expected"),
    [
        (fmt.month, date(2024, 3, 31), "nl", "maart 2024"),
        (fmt.month, date(2024, 3, 31), "en", "March 2024"),
        (fmt.month_name, date(2024, 3, 1), "nl", "maart"),  # not "mrt"
        (fmt.month_name, date(2024, 3, 1), "en", "March"),
        (fmt.day, date(2024, 3, 31), "nl", "31 maart 2024"),
        (fmt.day, date(2024, 3, 31), "en", "31 March 2024"),
        (fmt.day, date(2024, 1, 1), "nl", "1 januari 2024"),
        (fmt.quarter, date(2024, 3, 31), "nl", "1e kwartaal 2024"),
        (fmt.quarter, date(2024, 3, 31), "en", "Q1 2024"),
        (fmt.quarter, date(2024, 10, 1), "nl", "4e kwartaal 2024"),
        (fmt.quarter, date(2024, 10, 1), "en", "Q4 2024"),
        (fmt.month, None, "nl", "–"),
        (fmt.month_name, None, "en", "–"),
        (fmt.day, None, "en", "–"),
        (fmt.quarter, None, "nl", "–"),
    ],
)
def test_dates(function, d, lang, expected):
    assert function(d, lang) == expected


@pytest.mark.parametrize(
    ("x", "unit", "lang", "expected"),
    [
        (0.58, "share", "nl", "58%"),
        (0.58, "share", "en", "58%"),
        (1234.4, "count", "nl", "1.234"),
        (1234.5, "count", "en", "1,235"),
        (1234.4, "hours", "nl", "1.234 uur"),
        (1234.4, "hours", "en", "1,234 hours"),
        (1, "hours", "en", "1 hour"),
        (-250.2, "hours", "nl", "-250 uur"),
        (1234.4, "euro", "nl", f"€{NBSP}1.234"),  # Babel's no-break space after €
        (1234.4, "euro", "en", "€1,234"),
        (100, "euro", "nl", f"€{NBSP}100"),
        (99.999, "euro", "en", "€100"),  # rounds to 100.00: no cents
        (12.5, "euro", "nl", f"€{NBSP}12,50"),
        (12.5, "euro", "en", "€12.50"),
        (-1500, "euro", "nl", f"€{NBSP}-1.500"),
        (-1500, "euro", "en", "-€1,500"),
        (19.754, "per_1000", "nl", "19,8"),
        (19.754, "per_1000", "en", "19.8"),
        (12.5, "seconds", "nl", "13 s"),
        (412.4, "seconds", "en", "412 s"),
        (None, "share", "nl", "–"),
        (None, "hours", "en", "–"),
        (None, "euro", "nl", "–"),
        (None, "seconds", "en", "–"),
    ],
)
def test_value_by_unit(x, unit, lang, expected):
    assert fmt.value(x, unit, lang) == expected


@pytest.mark.parametrize(
    ("count", "threshold", "lang", "expected"),
    [
        (1, 5, "nl", "<5"),
        (4, 5, "en", "<5"),
        (4.5, 5, "nl", "<5"),
        (5, 5, "nl", None),
        (0, 5, "nl", None),  # zero says nothing about a person
        (None, 5, "nl", None),
        (12, 5, "en", None),
        (3, 1000, "nl", "<1.000"),
        (3, 1000, "en", "<1,000"),
    ],
)
def test_suppressed(count, threshold, lang, expected):
    assert fmt.suppressed(count, threshold, lang) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: fmt.number(1, "de"),
        lambda: fmt.share(None, "fr"),
        lambda: fmt.month(date(2024, 1, 1), "NL"),
        lambda: fmt.value(1, "furlongs", "nl"),
    ],
)
def test_unknown_language_or_unit_is_refused(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("x", "target", "met", "lang", "expected"),
    [
        (0.5499, 0.55, False, "nl", "54,99%"),
        (0.548, 0.55, False, "en", "54.8%"),
        (0.5, 0.55, False, "nl", "50%"),
        (0.5504, 0.55, True, "nl", "55%"),
        (0.5499, None, None, "nl", "55%"),
    ],
)
def test_a_missed_target_never_reads_as_the_target(x, target, met, lang, expected):
    assert fmt.beside_target(x, target, met, "share", lang) == expected


@pytest.mark.parametrize(
    ("delta", "unit", "lang", "expected"),
    [
        (5, "count", "nl", "+5"),
        (-3, "count", "nl", "-3"),
        (76.2, "hours", "nl", "+76 uur"),
        (0.06, "share", "en", "+6 percentage points"),
        (None, "count", "nl", "–"),
    ],
)
def test_change_has_a_sign(delta, unit, lang, expected):
    assert fmt.change(delta, unit, lang) == expected


@pytest.mark.parametrize(
    ("day", "lang", "expected"),
    [
        (date(2026, 10, 22), "nl", "week 43 (19 okt 2026)"),
        (date(2026, 1, 1), "en", "week 1 (29 Dec 2025)"),  # ISO: the week of 1 January 2026
        (date(2027, 1, 3), "nl", "week 53 (28 dec 2026)"),
    ],
)
def test_iso_weeks_with_their_monday(day, lang, expected):
    assert fmt.week(day, lang) == expected
