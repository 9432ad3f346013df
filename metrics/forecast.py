"""Looking ahead: the year a target is reached at the current pace, with an interval.

The model is a straight line through the last WINDOW complete years (least squares). Its
interval comes from its own misses on past data: from every earlier year that had MIN_YEARS
years behind it (within the last BACKTEST_YEARS), the same line was drawn through the years
up to it and compared with each later known year. A miss divided by the years ahead is how
far the pace that followed differed from the pace the line showed; the band is the spread of
those pace misses (see `band`). The year a target is reached is the first whole year whose
value on the line meets it; the interval is that year at the fastest and the slowest pace
the band allows. No SQL and no Streamlit: the yearly values are given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

WINDOW = 5  # complete years the line is drawn through: the "current pace"
MIN_YEARS = 3  # a line through fewer years is not a pace
BACKTEST_YEARS = 10  # the misses are measured within the last this many complete years
MIN_MISSES = 3  # fewer misses than this do not measure an error (five complete years)
TAIL = 0.10  # the band leaves out at most this share of the misses on each side (80% band)
HORIZON = 10  # years after the last complete year; a far end beyond it is "not at this pace"
_EPSILON = 1e-9  # 60 reached on the line at 59.99999999999 is reached

Outcome = Literal["met", "reached", "not_at_this_pace", "not_enough_years"]


@dataclass(frozen=True)
class Miss:
    """One back-test prediction: the line through `first`..`origin`, at a later `year`."""

    first: int
    origin: int
    year: int
    predicted: float
    actual: float

    @property
    def error(self) -> float:
        """Return actual minus predicted, in the metric's unit."""
        return self.actual - self.predicted

    @property
    def pace_error(self) -> float:
        """Return the miss per year ahead: how far the pace that followed differed."""
        return self.error / (self.year - self.origin)


@dataclass(frozen=True)
class Forecast:
    """When a target is reached at the current pace, and how well the line did before.

    `year` is the line's own year (also set when the band makes it "not_at_this_pace"),
    `earliest` and `latest` the interval (set only when the outcome is "reached").
    """

    outcome: Outcome
    target: float
    target_year: int
    higher_is_better: bool
    last_year: int | None = None  # the last complete year with a value
    value: float | None = None  # its value
    fitted: tuple[int, int] | None = None  # first and last year of the line
    pace: float | None = None  # the line's change per year
    year: int | None = None
    earliest: int | None = None
    latest: int | None = None
    misses: tuple[Miss, ...] = ()
    band: tuple[float, float] | None = None  # lowest and highest pace miss kept

    @property
    def measured(self) -> tuple[int, int] | None:
        """Return the first and last year the misses rest on (lines and outcomes)."""
        if not self.misses:
            return None
        return min(m.first for m in self.misses), max(m.year for m in self.misses)


def band(pace_errors: Sequence[float], tail: float = TAIL) -> tuple[float, float]:
    """Return the k-th lowest and k-th highest pace miss, k = max(1, floor(tail * (n + 1))).

    For misses that behave alike, a new one falls inside with probability at least
    (n + 1 - 2k) / (n + 1): 80% from nine misses on; below nine the band is their whole range
    and covers less (n = 3: about half). The explanation says how many misses it rests on.
    """
    ordered = sorted(pace_errors)
    k = max(1, math.floor(tail * (len(ordered) + 1)))
    return ordered[k - 1], ordered[-k]


def line(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """Return the least-squares line's value at the last year and its slope per year."""
    years = [float(y) for y, _ in points]
    values = [v for _, v in points]
    mean_year, mean_value = sum(years) / len(years), sum(values) / len(values)
    spread = sum((y - mean_year) ** 2 for y in years)
    slope = sum((y - mean_year) * (v - mean_value) for y, v in points) / spread
    return mean_value + slope * (years[-1] - mean_year), slope


def _clip(x: float, bounds: tuple[float | None, float | None]) -> float:
    low, high = bounds
    if low is not None:
        x = max(low, x)
    return x if high is None else min(high, x)


def backtest(
    points: Sequence[tuple[int, float]],
    bounds: tuple[float | None, float | None] = (None, None),
) -> tuple[Miss, ...]:
    """Return the line's misses on past data: each origin, each later known year."""
    recent = [p for p in points if p[0] > points[-1][0] - BACKTEST_YEARS]
    misses = []
    for i in range(MIN_YEARS - 1, len(recent) - 1):
        origin = recent[i][0]
        fit = [p for p in recent[: i + 1] if p[0] > origin - WINDOW]
        if len(fit) < MIN_YEARS:
            continue
        level, slope = line(fit)
        for year, actual in recent[i + 1 :]:
            predicted = _clip(level + slope * (year - origin), bounds)
            misses.append(Miss(fit[0][0], origin, year, predicted, actual))
    return tuple(misses)


def _years_needed(gap: float, pace: float) -> int | None:
    """Return the whole years a gap takes at a pace (at least one), None when never."""
    if pace <= 0 or not math.isfinite(gap / pace):  # a pace too small to divide by
        return None
    return max(1, math.ceil(gap / pace - _EPSILON))


def forecast(
    values: Mapping[int, float | None],
    target: float,
    target_year: int,
    *,
    higher_is_better: bool = True,
    bounds: tuple[float | None, float | None] = (None, None),
) -> Forecast:
    """Estimate the year `target` is reached from yearly values of complete years only.

    `bounds` are the values the metric can take (a share: 0 and 1); the line's predictions
    are kept within them. Years without a value are left out.
    """
    points = sorted((y, v) for y, v in values.items() if v is not None and math.isfinite(v))
    if not points:
        return Forecast("not_enough_years", target, target_year, higher_is_better)
    last_year, value = points[-1]
    sign = 1 if higher_is_better else -1
    if sign * (value - target) >= -_EPSILON:
        return Forecast("met", target, target_year, higher_is_better, last_year, value)
    fit = [p for p in points if p[0] > last_year - WINDOW]
    misses = backtest(points, bounds)
    if len(fit) < MIN_YEARS or len(misses) < MIN_MISSES:
        return Forecast("not_enough_years", target, target_year, higher_is_better, last_year, value)
    level, slope = line(fit)
    low, high = band([m.pace_error for m in misses])
    # progress towards the target: the gap left on the line and the pace, good direction > 0
    gap, pace = sign * (target - level), sign * slope
    fastest, slowest = sorted((sign * (slope + low), sign * (slope + high)), reverse=True)
    needed = _years_needed(gap, pace)
    quickest, longest = _years_needed(gap, fastest), _years_needed(gap, slowest)
    shared = {
        "last_year": last_year,
        "value": value,
        "fitted": (fit[0][0], last_year),
        "pace": slope,
        "misses": misses,
        "band": (low, high),
        "year": None if needed is None else last_year + needed,
    }
    if needed is None or longest is None or max(needed, longest) > HORIZON:
        return Forecast("not_at_this_pace", target, target_year, higher_is_better, **shared)
    # a line that missed to one side only can put its own year outside the band: keep it in
    return Forecast(
        "reached",
        target,
        target_year,
        higher_is_better,
        earliest=last_year + min(needed, quickest),
        latest=last_year + max(needed, longest),
        **shared,
    )


# the fewest consecutive complete years that give a forecast: MIN_YEARS for the first line,
# then enough later years for MIN_MISSES misses
ENOUGH_YEARS = next(
    n
    for n in range(MIN_YEARS, BACKTEST_YEARS + 1)
    if len(backtest([(y, 0.0) for y in range(n)])) >= MIN_MISSES
)
