"""Reference norms of Dutch municipal service: context beside our own figures, never a target.

Each norm is a published figure with its source and year(s) (docs/metrics.md lists them).
A norm stands beside the one metric that measures what it measures, and it says so when that
metric is not quite the same: the service level counts the calls answered within the
`phone_answer_seconds` the store's marts were built with, so "80% within 30 s" is comparable
only when that is 30 s; otherwise the norm is shown with the seconds the municipality counts
instead, and no reference line is drawn. The VNG minimum holds for each call; the nearest
figure we have is the average wait, so it stands beside that as an indication only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from metrics import formatting
from metrics.catalog import METRIC
from metrics.texts import text

Comparison = Literal["at_least", "at_most"]


@dataclass(frozen=True)
class Norm:
    """A published norm for one of our metrics: value, direction, condition, source, years."""

    id: str  # texts: norm.<id> (what it asks) and norm.<id>.note (one line on its standing)
    metric_id: str
    value: float  # in the metric's unit: a share (0.8) or seconds
    comparison: Comparison
    within_seconds: float | None  # a call counts when answered within this; None: no condition
    source: str  # a name, the same in every language
    years: tuple[int, ...]  # the year, or the first and last year
    is_indicative: bool = False  # the norm holds for each call, the metric is an average

    @property
    def period(self) -> str:
        """The year, or the first and last year joined by an en dash: "2014–2016"."""
        first, last = self.years[0], self.years[-1]
        return str(first) if first == last else f"{first}–{last}"

    def shown(self, lang: str) -> str:
        """What the norm asks, in words: "80% binnen 30 s opgenomen"."""
        unit = METRIC[self.metric_id].unit
        return text(
            f"norm.{self.id}",
            lang,
            value=formatting.value(self.value, unit, lang),
            seconds=_seconds(self.within_seconds, lang),
        )

    def note(self, lang: str) -> str:
        """One line on the norm's standing: whose it is, how many reach it."""
        unit = METRIC[self.metric_id].unit
        return text(f"norm.{self.id}.note", lang, value=formatting.value(self.value, unit, lang))


NORMS: tuple[Norm, ...] = (
    Norm(
        id="sturen_op_antwoord",
        metric_id="phone_service_level",
        value=0.80,
        comparison="at_least",
        within_seconds=30,
        source="Sturen op Antwoord",
        years=(2009,),
    ),
    Norm(
        id="vng_minimum",
        metric_id="phone_avg_wait",
        value=25,
        comparison="at_most",
        within_seconds=None,
        source="VNG",
        years=(2010,),
        is_indicative=True,
    ),
    Norm(
        id="tilburg_abandonment",
        metric_id="phone_abandonment",
        value=0.05,
        comparison="at_most",
        within_seconds=None,
        source="Tilburg",
        years=(2014, 2016),
    ),
    Norm(
        id="antwoord_ambition",
        metric_id="first_contact_resolution",
        value=0.80,
        comparison="at_least",
        within_seconds=None,
        source="VNG Antwoord",
        years=(2007,),
    ),
)


@dataclass(frozen=True)
class Beside:
    """A norm as it stands beside one of our figures: comparable, or why not."""

    norm: Norm
    measured_seconds: float | None = None  # the seconds we count within, when not the norm's

    @property
    def is_comparable(self) -> bool:
        """Whether our figure measures what the norm does: only then is a reference line drawn."""
        return self.measured_seconds is None and not self.norm.is_indicative

    def caption(self, lang: str) -> str:
        """The line under the figure: "Ter vergelijking: ... — geen doel van de gemeente"."""
        if self.measured_seconds is not None:
            why = text("norm.other_seconds", lang, seconds=_seconds(self.measured_seconds, lang))
        else:
            why = text("norm.indicative" if self.norm.is_indicative else "norm.not_target", lang)
        return text(
            "norm.context",
            lang,
            norm=self.norm.shown(lang),
            source=self.norm.source,
            years=self.norm.period,
            why=why,
        )

    def label(self, lang: str) -> str:
        """The reference line's short label: "Norm: Sturen op Antwoord (2009)"."""
        return text("norm.rule", lang, source=self.norm.source, years=self.norm.period)


def _seconds(x: float | None, lang: str) -> str:
    """Seconds as set, never rounded into another threshold: 20, 22,5."""
    decimals = next((d for d in range(3) if x is None or round(x, d) == x), 3)
    return formatting.number(x, lang, decimals)


def beside(metric_id: str, answer_seconds: float) -> tuple[Beside, ...]:
    """The norms that stand beside a metric, for marts that counted within `answer_seconds`."""
    return tuple(
        Beside(
            norm,
            None
            if norm.within_seconds is None or norm.within_seconds == answer_seconds
            else answer_seconds,
        )
        for norm in NORMS
        if norm.metric_id == metric_id
    )
