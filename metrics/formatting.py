"""Dutch and English display formats for numbers, shares, money and dates (Babel, CLDR).

Rounding is half up (2.5 -> 3), as readers and spreadsheets expect; Babel on its own
rounds half to even (2.5 -> 2). A value that rounds to zero is shown without a sign.
"""

from __future__ import annotations

import copy
import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import NumberPattern

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
MISSING = "–"  # en dash: no figure

_SPACE_BEFORE_PERCENT = re.compile(r"[\s\u00a0\u202f]+%")
_POINTS = {"nl": ("procentpunt", "procentpunt"), "en": ("percentage point", "percentage points")}
_HOURS = {"nl": ("uur", "uur"), "en": ("hour", "hours")}
_QUARTER = {"nl": "yQQQQ", "en": "yQQQ"}  # "1e kwartaal 2024", "Q1 2024"


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(LOCALES[lang])
    except KeyError:
        raise ValueError(f"lang must be one of {', '.join(LOCALES)}, not {lang!r}") from None


def _known(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def _round(x: float | Decimal, decimals: int) -> Decimal:
    """Round half up; -0 becomes 0 so it is never shown as "-0"."""
    rounded = Decimal(str(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _pattern(pattern: NumberPattern, decimals: int) -> NumberPattern:
    """Return the locale's own pattern with exactly `decimals` decimals."""
    fixed = copy.copy(pattern)
    fixed.frac_prec = (decimals, decimals)
    return fixed


def number(x: float | None, lang: str, decimals: int = 0) -> str:
    """Format a number with the language's grouping and decimal signs: "1.234,5"."""
    locale = _locale(lang)
    if not _known(x):
        return MISSING
    pattern = _pattern(locale.decimal_formats[None], decimals)
    return pattern.apply(_round(x, decimals), locale)


def share(x: float | None, lang: str, decimals: int = 0) -> str:
    """Format a fraction 0..1 as a percentage with no space before the sign: "58%"."""
    locale = _locale(lang)
    if not _known(x):
        return MISSING
    pattern = _pattern(locale.percent_formats[None], decimals)
    # Round the percentage itself (58.5% -> 59%), not the fraction; the pattern scales by 100.
    text = pattern.apply(_round(Decimal(str(x)).scaleb(2), decimals).scaleb(-2), locale)
    # Dutch newspapers write 58%; some CLDR versions put a (narrow) no-break space before %.
    return _SPACE_BEFORE_PERCENT.sub("%", text)


def points(delta: float | None, lang: str, *, signed: bool = True) -> str:
    """Format a change between two shares in percentage points: "+6 procentpunt".

    One decimal only when the rounded change is not whole. `signed=False` drops the sign,
    for sentences that say "more" or "less" in words.
    """
    locale = _locale(lang)
    if not _known(delta):
        return MISSING
    value = _round(Decimal(str(delta)).scaleb(2), 1)
    if not signed:
        value = abs(value)
    whole = value == value.to_integral_value()
    text = number(float(value), lang, 0 if whole else 1)
    if signed and value > 0:
        text = locale.number_symbols["latn"]["plusSign"] + text
    one, other = _POINTS[lang]
    # Plural rules look at the visible decimals: "1 point" but "1.5 points".
    shown = int(abs(value)) if whole else abs(value)
    return f"{text} {one if locale.plural_form(shown) == 'one' else other}"


def month(d: date | None, lang: str) -> str:
    """Format a month with its year: "maart 2024", "March 2024"."""
    locale = _locale(lang)
    return MISSING if d is None else format_skeleton("yMMMM", d, locale=locale)


def month_name(d: date | None, lang: str) -> str:
    """Format the month alone, as it stands in a sentence: "maart", "March"."""
    locale = _locale(lang)
    # Not the skeleton "MMMM": Babel matches it to the abbreviated "mrt".
    return MISSING if d is None else format_date(d, "LLLL", locale=locale)


def day(d: date | None, lang: str) -> str:
    """Format a day: "31 maart 2024", "31 March 2024"."""
    locale = _locale(lang)
    return MISSING if d is None else format_skeleton("yMMMMd", d, locale=locale)


def moment(d: datetime | None, lang: str) -> str:
    """Format a moment to the minute: "31 mrt. 2024 14:05", "31 Mar 2024 14:05"."""
    if d is None:
        return MISSING
    return f"{format_date(d, 'medium', locale=_locale(lang))} {d:%H:%M}"


def quarter(d: date | None, lang: str) -> str:
    """Format the quarter a day falls in: "1e kwartaal 2024", "Q1 2024"."""
    locale = _locale(lang)
    return MISSING if d is None else format_skeleton(_QUARTER[lang], d, locale=locale)


def week(d: date | None, lang: str) -> str:
    """Format the ISO week a day falls in, with its Monday: "week 43 (20 okt. 2026)"."""
    if d is None:
        return MISSING
    monday = d - timedelta(days=d.weekday())
    return f"week {d.isocalendar().week} ({format_date(monday, 'medium', locale=_locale(lang))})"


def period(d: date | None, grain: str, lang: str) -> str:
    """Format the month, quarter or year that starts on a day."""
    if d is None:
        return MISSING
    return {"month": month, "quarter": quarter}.get(grain, lambda d, _: str(d.year))(d, lang)


def euro(x: float | None, lang: str) -> str:
    """Format an amount in euro; no cents from 100 euro on: "€ 1.234", "€ 12,50"."""
    locale = _locale(lang)
    if not _known(x):
        return MISSING
    cents = _round(x, 2)
    decimals = 0 if abs(cents) >= 100 else 2
    pattern = _pattern(locale.currency_formats["standard"], decimals)
    return pattern.apply(_round(cents, decimals), locale, currency="EUR", currency_digits=False)


def value(x: float | None, unit: str, lang: str, decimals: int = 0) -> str:
    """Format a metric value by its catalogue unit (share, count, hours, euro, ...).

    `decimals` applies to shares (see target_decimals).
    """
    locale = _locale(lang)
    if unit == "share":
        return share(x, lang, decimals)
    if unit == "count":
        return number(x, lang)
    if unit == "euro":
        return euro(x, lang)
    if unit == "per_1000":
        return number(x, lang, 1)
    if unit not in ("hours", "seconds"):
        raise ValueError(f"unknown unit {unit!r}")
    text = number(x, lang)
    if text == MISSING:
        return text
    if unit == "seconds":
        return f"{text} s"
    one, other = _HOURS[lang]
    return f"{text} {one if locale.plural_form(int(abs(_round(x, 0)))) == 'one' else other}"


def target_decimals(x: float | None, target: float | None, met: bool | None, unit: str) -> int:
    """Return the decimals a share needs so that, missing its target, it never reads as it.

    0.5499 against 0.55 would read "55%, target 55%, not met": decimals are added until the
    two differ. Every surface shows the share, and the year it is compared with, with these.
    """
    if unit != "share" or met is not False or not (_known(x) and _known(target)):
        return 0
    for decimals in (0, 1, 2):
        if share(x, "en", decimals) != share(target, "en", decimals):
            return decimals
    return 3


def beside_target(
    x: float | None, target: float | None, met: bool | None, unit: str, lang: str
) -> str:
    """Format a value shown with its target, with target_decimals."""
    return value(x, unit, lang, target_decimals(x, target, met, unit))


def change(delta: float | None, unit: str, lang: str) -> str:
    """Format a change between two values of a metric, with its sign (+6 procentpunt, +5)."""
    if unit == "share":
        return points(delta, lang)
    shown = value(delta, unit, lang)
    return shown if shown == MISSING or shown.startswith(("-", "0")) else "+" + shown


def suppressed(count: float | None, threshold: int, lang: str) -> str | None:
    """Return "<5" for a count that is too small to publish (0 < count < threshold), else None.

    Woo/AVG practice: a small count could point to a person, so it is not shown.
    """
    _locale(lang)
    if not _known(count) or not 0 < count < threshold:
        return None
    return f"<{number(threshold, lang)}"
