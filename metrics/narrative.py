"""A few plain sentences for a council briefing, written from a year's headlines and forecasts.

Every number goes through metrics.formatting; a sentence whose figures are unknown is left
out rather than written with a gap.
"""

from __future__ import annotations

import math

from metrics import forecast
from metrics import formatting as fmt
from metrics.catalog import Metric
from metrics.forecast import Forecast
from metrics.headlines import Headline
from metrics.texts import LANGUAGES, text


def _known(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def _get(headlines: dict[str, Headline], metric_id: str) -> Headline | None:
    h = headlines.get(metric_id)
    return h if h is not None and _known(h.value) else None


def _running(h: Headline) -> bool:
    """Whether the year is still running in the data: it has months, but not all twelve."""
    return h.partial and h.data_until is not None and h.data_until.year == h.year


def _period(h: Headline, lang: str) -> str:
    """Return "In 2024", or "In 2026 tot en met oktober" for a year still running."""
    if _running(h):
        month = fmt.month_name(h.through, lang)
        return text("story.period_partial", lang, year=h.year, month=month)
    return text("story.period", lang, year=h.year)


def _end(h: Headline, lang: str) -> str:
    """Return "Eind 2024", or "Eind oktober 2026" for a year still running."""
    when = fmt.month(h.through, lang) if _running(h) else str(h.year)
    return text("story.end", lang, when=when)


def _than(h: Headline, lang: str) -> str:
    """Return what a change compares with: the year before, or the same months of it."""
    if _running(h):
        return text("story.same_months", lang, year=h.year - 1)
    return str(h.year - 1)


def _change(h: Headline, size: str, zero: str, lang: str) -> str:
    """Return ", <size> meer dan in 2023" (or less, or the same); size is unsigned."""
    than = _than(h, lang)
    if size == zero:
        return text("story.same", lang, than=than)
    return text("story.more" if h.change > 0 else "story.less", lang, size=size, than=than)


def _points_change(h: Headline, lang: str) -> str:
    """Return ", 6 procentpunt meer dan in 2023", or "" without the year before."""
    if not _known(h.change):
        return ""
    size = fmt.points(abs(h.change), lang, signed=False)
    return _change(h, size, fmt.points(0, lang, signed=False), lang)


def _relative_change(h: Headline, lang: str) -> str:
    """Return ", 12% minder dan in 2023", or "" when there is nothing to compare with."""
    if not _known(h.change) or not h.previous:
        return ""
    return _change(h, fmt.share(abs(h.change / h.previous), lang), fmt.share(0, lang), lang)


def _target(h: Headline, lang: str) -> str:
    """Return "; het doel was 60%" (or met, or this year's), or "" without a target."""
    if not _known(h.target):
        return ""
    target = fmt.value(h.target, h.metric.unit, lang)
    if _running(h):
        # The year is not over: say what the target is, not whether it was met.
        return text("story.target_partial", lang, year=h.year, target=target)
    return text("story.target_met" if h.met else "story.target_missed", lang, target=target)


def _value(h: Headline, lang: str) -> str:
    """Format the value; a share that misses its target never reads as the target itself."""
    return fmt.beside_target(h.value, h.target, h.met, h.metric.unit, lang)


def _web_share(headlines: dict[str, Headline], lang: str, at: str) -> str | None:
    """Write the web share with its change in points and its target."""
    h = _get(headlines, "web_share")
    if h is None:
        return None
    return text(
        "story.web_share",
        lang,
        period=_period(h, lang),
        at=at,
        value=_value(h, lang),
        change=_points_change(h, lang),
        target=_target(h, lang),
    )


def _products(headlines: dict[str, Headline], lang: str, at: str) -> str | None:
    """Write how many products could be requested fully online at the year's end."""
    h = _get(headlines, "products_digital")
    if h is None:
        return None
    total = _get(headlines, "products_total")
    target = ""
    if _known(h.target):
        target = text("story.target_brief", lang, target=fmt.value(h.target, "count", lang))
    return text(
        "story.products" if total else "story.products_alone",
        lang,
        end=_end(h, lang),
        at=at,
        digital=fmt.value(h.value, "count", lang),
        total=fmt.value(total.value, "count", lang) if total else "",
        target=target,
    )


def _phone(headlines: dict[str, Headline], lang: str, at: str) -> str | None:
    """Write the phone service level against its target."""
    h = _get(headlines, "phone_service_level")
    if h is None:
        return None
    return text(
        "story.phone",
        lang,
        period=_period(h, lang),
        at=at,
        value=_value(h, lang),
        target=_target(h, lang),
    )


def _corrections(headlines: dict[str, Headline], lang: str, at: str) -> str | None:
    """Write the hours spent correcting mistakes and the change in percent."""
    h = _get(headlines, "correction_hours")
    if h is None:
        return None
    return text(
        "story.corrections",
        lang,
        period=_period(h, lang),
        at=at,
        value=fmt.value(h.value, h.metric.unit, lang),
        change=_relative_change(h, lang),
    )


def _freed(headlines: dict[str, Headline], lang: str, at: str) -> str | None:
    """Write the net hours freed by digitisation, or that it cost time."""
    h = _get(headlines, "hours_freed_by_web")
    if h is None:
        return None
    size = fmt.value(abs(h.value), h.metric.unit, lang)
    if size == fmt.value(0, h.metric.unit, lang):
        key = "story.freed_zero"
    else:
        key = "story.freed" if h.value > 0 else "story.freed_negative"
    return text(key, lang, period=_period(h, lang), at=at, value=size)


_WRITERS = (_web_share, _products, _phone, _corrections, _freed)


def sentences(
    headlines: dict[str, Headline], lang: str, municipality: str | None = None
) -> list[str]:
    """Return up to five briefing sentences; the first names the municipality when given."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    written = []
    for write in _WRITERS:
        at = text("story.at", lang, municipality=municipality) if municipality else ""
        sentence = write(headlines, lang, "" if written else at)
        if sentence:
            written.append(sentence)
    return written


# --- looking ahead: metrics.forecast in words --------------------------------------------------


def _span(years: tuple[int, int]) -> str:
    """Return "2016–2025", or "2025" for one year."""
    first, last = years
    return str(first) if first == last else f"{first}–{last}"


def ahead(metric: Metric, found: Forecast, lang: str) -> str:
    """Write for an alderman when a target is reached at this pace: one sentence."""
    unit = metric.unit
    told = {
        "metric": metric.label[lang],
        "target": fmt.value(found.target, unit, lang),
        "target_year": found.target_year,
        "horizon": forecast.HORIZON,
        "enough": forecast.ENOUGH_YEARS,
    }
    if found.outcome == "met":
        # no value: it could rest on a count the briefing suppresses
        return text("forecast.met", lang, **told, year=found.last_year)
    if found.outcome == "not_enough_years":
        return text("forecast.not_enough_years", lang, **told)
    told["measured"] = _span(found.measured)
    if found.outcome == "not_at_this_pace":
        return text("forecast.not_at_this_pace", lang, **told)
    key = "forecast.reached_exact" if found.earliest == found.latest else "forecast.reached"
    return text(key, lang, **told, year=found.year, earliest=found.earliest, latest=found.latest)


def ahead_method(lang: str) -> str:
    """Write how every look ahead is calculated, for the municipal secretary to check."""
    return text(
        "forecast.method",
        lang,
        window=forecast.WINDOW,
        backtest=forecast.BACKTEST_YEARS,
        min_years=forecast.MIN_YEARS,
        tail=fmt.share(forecast.TAIL, lang),
        horizon=forecast.HORIZON,
        enough=forecast.ENOUGH_YEARS,
    )


def ahead_detail(metric: Metric, found: Forecast, lang: str) -> str | None:
    """Write a forecast's line and its misses on past data; None when nothing was measured."""
    if found.band is None or found.pace is None or found.fitted is None:
        return None
    unit = metric.unit
    low, high = found.band
    written = text(
        "forecast.detail",
        lang,
        metric=metric.label[lang],
        fitted=_span(found.fitted),
        pace=fmt.change(found.pace, unit, lang),
        measured=_span(found.measured),
        count=len(found.misses),
        low=fmt.change(low, unit, lang),
        high=fmt.change(high, unit, lang),
    )
    if found.outcome != "not_at_this_pace":
        return written
    horizon = forecast.HORIZON
    if (found.pace if found.higher_is_better else -found.pace) <= 0:
        return written + text("forecast.why_direction", lang)
    if found.year is None or found.year - found.last_year > horizon:
        return written + text("forecast.why_slow", lang, horizon=horizon)
    return written + text("forecast.why_band", lang, year=found.year, horizon=horizon)
