"""A few plain sentences for a council briefing, written from a year's headlines.

Every number goes through metrics.formatting; a sentence whose figures are unknown is left
out rather than written with a gap.
"""

from __future__ import annotations

import math

from metrics import formatting as fmt
from metrics.headlines import Headline

_PHRASES = {
    "nl": {
        "period": "In {year}",
        "period_partial": "In {year} tot en met {month}",
        "end": "Eind {when}",
        "at": " bij {municipality}",
        "same_months": "dezelfde maanden van {year}",
        "more": ", {size} meer dan in {than}",
        "less": ", {size} minder dan in {than}",
        "same": ", evenveel als in {than}",
        "target_partial": "; het doel voor {year} is {target}",
        "target_met": "; het doel van {target} is gehaald",
        "target_missed": "; het doel was {target}",
        "target_brief": " (doel: {target})",
        "web_share": "{period} kwam{at} {value} van de afgehandelde contacten via de website"
        "{change}{target}.",
        "products": "{end} waren{at} {digital} van de {total} producten volledig online aan te "
        "vragen{target}.",
        "products_alone": "{end} waren{at} {digital} producten volledig online aan te vragen"
        "{target}.",
        "phone": "{period} werd{at} {value} van de telefoontjes binnen de afgesproken wachttijd "
        "opgenomen{target}.",
        "corrections": "{period} kostte herstelwerk{at} {value}{change}.",
        "freed": "{period} maakte digitalisering{at} per saldo {value} vrij, na aftrek van "
        "herstelwerk aan webaanvragen.",
        "freed_negative": "{period} kostte digitalisering{at} {value} meer werk dan het opleverde.",
        "freed_zero": "{period} leverde digitalisering{at} evenveel tijd op als het kostte.",
    },
    "en": {
        "period": "In {year},",
        "period_partial": "In {year} up to {month},",
        "end": "At the end of {when},",
        "at": " at {municipality}",
        "same_months": "the same months of {year}",
        "more": ", {size} more than in {than}",
        "less": ", {size} less than in {than}",
        "same": ", the same as in {than}",
        "target_partial": "; the target for {year} is {target}",
        "target_met": "; the target of {target} was met",
        "target_missed": "; the target was {target}",
        "target_brief": " (target: {target})",
        "web_share": "{period} {value} of handled contacts{at} came in through the website"
        "{change}{target}.",
        "products": "{end} {digital} of the {total} products{at} could be requested fully "
        "online{target}.",
        "products_alone": "{end} {digital} products{at} could be requested fully online{target}.",
        "phone": "{period} {value} of calls{at} were answered within the agreed waiting time"
        "{target}.",
        "corrections": "{period} fixing mistakes in requests{at} took {value}{change}.",
        "freed": "{period} digitisation{at} freed a net {value} of staff time, after deducting "
        "the time spent fixing online requests.",
        "freed_negative": "{period} digitisation{at} cost {value} more staff time than it freed.",
        "freed_zero": "{period} digitisation{at} freed as much staff time as it cost.",
    },
}


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
        month = fmt.month_name(h.data_until, lang)
        return _PHRASES[lang]["period_partial"].format(year=h.year, month=month)
    return _PHRASES[lang]["period"].format(year=h.year)


def _end(h: Headline, lang: str) -> str:
    """Return "Eind 2024", or "Eind oktober 2026" for a year still running."""
    when = fmt.month(h.data_until, lang) if _running(h) else str(h.year)
    return _PHRASES[lang]["end"].format(when=when)


def _than(h: Headline, lang: str) -> str:
    """Return what a change compares with: the year before, or the same months of it."""
    if _running(h):
        return _PHRASES[lang]["same_months"].format(year=h.year - 1)
    return str(h.year - 1)


def _change(h: Headline, size: str, zero: str, lang: str) -> str:
    """Return ", <size> meer dan in 2023" (or less, or the same); size is unsigned."""
    than = _than(h, lang)
    if size == zero:
        return _PHRASES[lang]["same"].format(than=than)
    return _PHRASES[lang]["more" if h.change > 0 else "less"].format(size=size, than=than)


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
        return _PHRASES[lang]["target_partial"].format(year=h.year, target=target)
    return _PHRASES[lang]["target_met" if h.met else "target_missed"].format(target=target)


def _value(h: Headline, lang: str) -> str:
    """Format the value; a share that misses its target never reads as the target itself."""
    return fmt.beside_target(h.value, h.target, h.met, h.metric.unit, lang)


def _web_share(headlines: dict[str, Headline], lang: str, at: str) -> str | None:
    """Write the web share with its change in points and its target."""
    h = _get(headlines, "web_share")
    if h is None:
        return None
    return _PHRASES[lang]["web_share"].format(
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
        target = _PHRASES[lang]["target_brief"].format(target=fmt.value(h.target, "count", lang))
    return _PHRASES[lang]["products" if total else "products_alone"].format(
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
    return _PHRASES[lang]["phone"].format(
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
    return _PHRASES[lang]["corrections"].format(
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
        key = "freed_zero"
    else:
        key = "freed" if h.value > 0 else "freed_negative"
    return _PHRASES[lang][key].format(period=_period(h, lang), at=at, value=size)


_WRITERS = (_web_share, _products, _phone, _corrections, _freed)


def sentences(
    headlines: dict[str, Headline], lang: str, municipality: str | None = None
) -> list[str]:
    """Return up to five briefing sentences; the first names the municipality when given."""
    if lang not in _PHRASES:
        raise ValueError(f"lang must be one of {', '.join(_PHRASES)}, not {lang!r}")
    written = []
    for write in _WRITERS:
        at = _PHRASES[lang]["at"].format(municipality=municipality) if municipality else ""
        sentence = write(headlines, lang, "" if written else at)
        if sentence:
            written.append(sentence)
    return written
