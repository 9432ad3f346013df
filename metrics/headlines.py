"""Headline figures for a calendar year: value, the year before, target and direction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import duckdb

from metrics import query
from metrics.catalog import METRIC, Metric
from metrics.query import Filters
from pipelines.settings import Settings


@dataclass(frozen=True)
class Headline:
    """One metric for one year, as an alderman sees it.

    When the data end before 31 December of the year (`partial`), `value` covers the
    months available and `previous` the same months of the year before, so that a count
    for ten months is never compared with a count for twelve.
    """

    metric: Metric
    year: int
    value: float | None
    previous: float | None
    target: float | None
    data_until: date | None = None  # last day with data in the store
    # the sources the year (the year before) is counted from, when they cannot give this
    # figure ("volumes": monthly totals): "not available from ...", not "no data"
    not_from: str | None = None
    previous_not_from: str | None = None

    @property
    def from_totals(self) -> bool:
        """Whether the year's figure is not available because it is counted from totals."""
        return self.not_from == "volumes"

    @property
    def partial(self) -> bool:
        """Whether the data end before the year does (the year is not complete yet)."""
        return self.data_until is not None and self.data_until < date(self.year, 12, 31)

    @property
    def through(self) -> date:
        """The first day of the last month the figure counts (last_month)."""
        return date(self.year, last_month(self.data_until, self.year), 1)

    @property
    def change(self) -> float | None:
        """Return value minus previous, or None when either is unknown."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def met(self) -> bool | None:
        """Whether the target is met; "max_*" targets are upper bounds."""
        if self.value is None or self.target is None or self.metric.target is None:
            return None
        if self.metric.target.startswith("max_"):
            return self.value <= self.target
        return self.value >= self.target

    @property
    def improved(self) -> bool | None:
        """Whether the change went in the metric's good direction; no change is no gain."""
        change = self.change
        if change is None or self.metric.higher_is_better is None:
            return None
        return change > 0 if self.metric.higher_is_better else change < 0


Verdict = Literal["met", "not_met", "running", "none"]


def verdict(figure: Headline) -> Verdict:
    """Judge a figure against its target; a year still running is not judged yet."""
    if figure.target is None or figure.met is None:
        return "none"
    if figure.partial:
        return "running"
    return "met" if figure.met else "not_met"


def data_until(con: duckdb.DuckDBPyConnection) -> date | None:
    """Return the last day the data cover, or None without contacts or monthly totals.

    That is the last day with a contact, or the end of the last month of monthly totals
    (they count whole months), or the end of the last month with contacts when that month had
    ended by the day of the last load: a desk closed on the 31st does not leave its month
    running. A month the data stop in before its end, loaded before its end (a weekly export
    on the 16th), is running: its charts mark it and its figures are not compared as whole.
    """
    return con.execute(
        "with last as (select max(occurred_at) as last_at from contacts) "
        "select greatest(cast(last_at as date), (select last_day(max(period_month)) from volumes), "
        "case when last_day(last_at) < (select cast(max(started_at) as date) from load_runs) "
        "then last_day(last_at) end) from last"
    ).fetchall()[0][0]


def last_month(until: date | None, year: int) -> int:
    """The last month of `year` its figures count: its last whole month in the data, all
    twelve for a year the data cover; the running month while a year has no whole month."""
    if until is None or until.year != year:
        return 12
    whole = until.month if until.month != (until + timedelta(days=1)).month else until.month - 1
    return whole or until.month


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Return the calendar years with at least one month in the data, oldest first."""
    rows = con.execute(
        "select distinct year(period_month) as y from mart_calendar order by y"
    ).fetchall()
    return [r[0] for r in rows]


def headline(
    con: duckdb.DuckDBPyConnection,
    metric_id: str,
    year: int,
    settings: Settings,
    filters: Filters | None = None,
    *,
    until: date | None = None,
) -> Headline:
    """Return a metric's headline for a year; `until` defaults to data_until(con)."""
    until = until or data_until(con)
    return yearly(con, [metric_id], [year], settings, filters, until=until)[year][metric_id]


def headlines(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Iterable[str],
    year: int,
    settings: Settings,
    filters: Filters | None = None,
) -> dict[str, Headline]:
    """Return the headlines of several metrics for one year, by metric id."""
    return yearly(con, metric_ids, [year], settings, filters)[year]


def yearly(
    con: duckdb.DuckDBPyConnection,
    metric_ids: Iterable[str],
    years: Iterable[int],
    settings: Settings,
    filters: Filters | None = None,
    *,
    until: date | None = None,
) -> dict[int, dict[str, Headline]]:
    """Return the headlines of several metrics for several years: one query per metric."""
    until = until or data_until(con)
    years = list(years)
    # each year against the same months of the year before (all twelve unless the data end
    # within the year)
    periods = []
    for year in years:
        last = last_month(until, year)
        periods += [
            (date(year, 1, 1), date(year, last, 1)),
            (date(year - 1, 1, 1), date(year - 1, last, 1)),
        ]
    # a year's "year before" is the next year's own period when both are whole: asked once
    unique = list(dict.fromkeys(periods))
    at = [unique.index(p) for p in periods]
    figures: dict[int, dict[str, Headline]] = {year: {} for year in years}
    for metric_id in metric_ids:
        metric = METRIC[metric_id]
        values = query.values(con, metric_id, unique, filters)
        sources = query.not_from(con, metric_id, unique)
        found, lacking = [values[i] for i in at], [sources[i] for i in at]
        for i, year in enumerate(years):
            target = settings.target(year, metric.target) if metric.target else None
            figures[year][metric_id] = Headline(
                metric,
                year,
                found[2 * i],
                found[2 * i + 1],
                target,
                until,
                not_from=lacking[2 * i] if found[2 * i] is None else None,
                previous_not_from=lacking[2 * i + 1] if found[2 * i + 1] is None else None,
            )
    return figures
