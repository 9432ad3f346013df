"""Page models: one function per dashboard page that returns its figures, defaults and verdicts.

No Streamlit here. A page passes the choices in its URL (None: the page's default) and lays
out what it gets back; the briefing, the audit pack and the benchmark call the same
functions, so a default or a rule changes in one place. Every model takes a read-only
connection and the settings first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

from metrics import formatting, headlines, narrative, norms, query, views
from metrics.catalog import METRICS, Metric
from metrics.forecast import Forecast, forecast
from metrics.headlines import Headline, Verdict, verdict
from metrics.norms import Beside
from metrics.query import Filters
from metrics.texts import text
from pipelines.settings import AuditPeriod, Settings

# The overview's cards and the figures they need besides (products x of N, the rate).
OVERVIEW_CARDS = (
    "web_share",
    "phone_share",
    "desk_share",
    "products_digital",
    "correction_hours",
    "hours_freed_by_web",
    "phone_service_level",
    "first_contact_resolution",
)
OVERVIEW_CONTEXT = ("products_total", "corrections_per_1000")
# The product whose history the corrections page shows first: the form that raised work.
FIRST_HISTORY = "verhuismelding"
TEAM_WEEKS, RECENT_WEEKS, BEFORE_WEEKS = 26, 4, 12


@dataclass(frozen=True)
class Frame:
    """What every page shows around its figures: the years, how fresh, what filters offer."""

    years: list[int]
    until: date
    options: dict[str, list[str]]  # categories, products (ids), teams, owners (of products)
    names: dict[str, dict[str, str]]  # product_id -> {nl, en}

    def complete_years(self) -> list[int]:
        """The years whose every month is in the data (the council reads whole years)."""
        return [y for y in self.years if date(y, 12, 31) <= self.until]

    @property
    def through(self) -> date:
        """The first day of the last month the running year's figures count
        (headlines.last_month): the month before a month still running."""
        return date(self.until.year, headlines.last_month(self.until, self.until.year), 1)


def frame(con: duckdb.DuckDBPyConnection) -> Frame | None:
    """Return the years and the last day with data, or None when no contact is stored."""
    if not con.execute("select count(*) from contacts").fetchall()[0][0]:
        return None
    return Frame(
        headlines.years(con),
        headlines.data_until(con),
        views.options(con),
        views.product_names(con),
    )


def _frame(con: duckdb.DuckDBPyConnection) -> Frame:
    found = frame(con)
    if found is None:
        raise LookupError("the store holds no contacts")
    return found


def beside(
    con: duckdb.DuckDBPyConnection, metric_ids: Iterable[str]
) -> dict[str, tuple[Beside, ...]]:
    """The reference norms beside each of these metrics that has any (metrics.norms).

    Comparable or not by the seconds the store's marts counted within, not the settings file's.
    """
    seconds = views.answer_seconds(con)
    found = {m: norms.beside(m, seconds) for m in metric_ids}
    return {m: shown for m, shown in found.items() if shown}


def yearly_targets(settings: Settings, key: str, years: Iterable[int]) -> pl.DataFrame:
    """Each year's own target (year, target); years without one are left out."""
    return pl.DataFrame(
        [(y, settings.target(y, key)) for y in years],
        schema={"year": pl.Int32, "target": pl.Float64},
        orient="row",
    ).drop_nulls()


# The values a metric can take, by unit: the line's predictions stay within them.
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "share": (0.0, 1.0),
    "count": (0.0, None),
    "per_1000": (0.0, None),
    "seconds": (0.0, None),
}


def forecasts(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    years: Iterable[int],
    metric_ids: Iterable[str] | None = None,
    known: dict[str, dict[int, float | None]] | None = None,
) -> dict[str, Forecast]:
    """Forecast each metric with a target (default: all) from these complete years, by id.

    Each against its latest target in the settings; one query per metric unless its values of
    these years are `known` (by metric id, then year).
    """
    years = list(years)
    known = known or {}
    found = {}
    for metric in forecast_metrics(settings, metric_ids):
        latest = settings.latest_target(metric.target)
        if metric.id in known:
            values = [known[metric.id][y] for y in years]
        else:
            periods = [(date(y, 1, 1), date(y, 12, 1)) for y in years]
            values = query.values(con, metric.id, periods)
        found[metric.id] = forecast(
            dict(zip(years, values, strict=True)),
            latest[1],
            latest[0],
            higher_is_better=_higher_is_better(metric),
            bounds=BOUNDS.get(metric.unit, (None, None)),
        )
    return found


def forecast_metrics(settings: Settings, metric_ids: Iterable[str] | None = None) -> list[Metric]:
    """The metrics (default: all) with a target in the settings: the ones forecasts() reads."""
    wanted = None if metric_ids is None else set(metric_ids)
    return [
        m
        for m in METRICS
        if (wanted is None or m.id in wanted)
        and m.target
        and settings.latest_target(m.target) is not None
    ]


def _higher_is_better(metric: Metric) -> bool:
    """Whether meeting the target means being at or above it ("max_*" targets: at or below)."""
    return not (metric.target or "").startswith("max_")


def forecast_years(found: Frame, year: int) -> list[int]:
    """The years a forecast for `year` reads: the complete ones up to it."""
    return [y for y in found.complete_years() if y <= year]


@dataclass(frozen=True)
class Shown:
    """A headline as every surface writes it: value, the year before, change and target."""

    value: str
    previous: str
    change: str | None  # None when either year is unknown
    target: str


def not_available(sources: str, lang: str) -> str:
    """Say that a figure is not available from these sources (query.not_from)."""
    if sources == "volumes":
        return text("totals.not_available", lang)
    names = ", ".join(text(f"source.{s}", lang) for s in sources.split(", "))
    return text("source.not_available", lang, sources=names)


def shown(figures: dict[str, Headline], metric_id: str, lang: str) -> Shown:
    """Write a headline: beside its target, both years with the same decimals, 'x / N'."""
    figure = figures[metric_id]
    unit = figure.metric.unit
    decimals = formatting.target_decimals(figure.value, figure.target, figure.met, unit)
    value = formatting.value(figure.value, unit, lang, decimals)
    total = figures.get("products_total")
    if metric_id == "products_digital" and total is not None and total.value is not None:
        value = f"{value} / {formatting.number(total.value, lang)}"
    if figure.not_from:
        value = not_available(figure.not_from, lang)
    previous = formatting.value(figure.previous, unit, lang, decimals)
    if figure.previous_not_from:
        previous = not_available(figure.previous_not_from, lang)
    return Shown(
        value,
        previous,
        None if figure.change is None else formatting.change(figure.change, unit, lang),
        formatting.value(figure.target, unit, lang),
    )


# --- Overzicht --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The year's headline cards, their verdicts and the sentences for the council."""

    frame: Frame
    year: int
    figures: dict[str, Headline]
    verdicts: dict[str, Verdict]
    sentences: list[str]
    forecasts: dict[str, Forecast]  # every metric with a target, from the complete years
    norms: dict[str, tuple[Beside, ...]]  # metric id -> reference norms: context, not targets

    @property
    def partial(self) -> bool:
        """Whether the data end before the year does."""
        return self.figures[OVERVIEW_CARDS[0]].partial

    @property
    def previous_year(self) -> int | None:
        """The year the changes compare with, None when it is not in the data."""
        return self.year - 1 if self.year - 1 in self.frame.years else None


def overview(
    con: duckdb.DuckDBPyConnection, settings: Settings, lang: str, *, year: int | None = None
) -> Overview:
    """The overview of a year; by default the last complete one (the council reads whole years)."""
    found = _frame(con)
    if year not in found.years:
        year = default_year(found)
    # a figure with a target is read for its year and the years its forecast reads in one query
    # (headlines.yearly), the others for its year alone: 16 queries were 12
    past = forecast_years(found, year)
    ahead_ids = {m.id for m in forecast_metrics(settings)}
    shown = (*OVERVIEW_CARDS, *OVERVIEW_CONTEXT)
    alone = [m for m in shown if m not in ahead_ids]
    with_past = [m for m in shown if m in ahead_ids]
    figures = headlines.yearly(con, alone, [year], settings, until=found.until)[year]
    both = headlines.yearly(con, with_past, sorted({*past, year}), settings, until=found.until)
    figures |= both[year]
    known = {m: {y: both[y][m].value for y in past} for m in both[year]}
    figures = {m: figures[m] for m in shown}  # in the cards' order
    ahead = forecasts(con, settings, past, known=known)
    return Overview(
        found,
        year,
        figures,
        {m: verdict(figures[m]) for m in OVERVIEW_CARDS},
        narrative.sentences(figures, lang, settings.municipality),
        ahead,
        beside(con, OVERVIEW_CARDS),
    )


def default_year(found: Frame) -> int:
    """The overview's year unless another is chosen: the last complete one."""
    complete = found.complete_years()
    return complete[-1] if complete else found.years[-1]


# --- Kanaalmix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelMix:
    """Handled contacts per channel and period, the target line and the products' take-up."""

    frame: Frame
    first: int
    last: int
    grain: str
    filters: Filters
    mix: pl.DataFrame
    targets: pl.DataFrame  # year, target: empty for a filtered selection
    takeup: pl.DataFrame


def channel_mix(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    first: int | None = None,
    last: int | None = None,
    grain: str = "year",
    filters: Filters | None = None,
) -> ChannelMix:
    """The channel mix over the chosen years (default: every year with data)."""
    found = _frame(con)
    first, last = _years(found, first, last)
    filters = filters or Filters()
    start, end = date(first, 1, 1), date(last, 12, 1)
    # the targets are the whole municipality's: they do not apply to a filtered selection
    filtered = filters != Filters()
    return ChannelMix(
        found,
        first,
        last,
        grain,
        filters,
        running(views.channel_mix(con, start, end, grain, filters), grain, found.until),
        yearly_targets(settings, "web_share", [] if filtered else range(first, last + 1)),
        views.product_takeup(con, start, end, filters),
    )


def running(frame: pl.DataFrame, grain: str, until: date) -> pl.DataFrame:
    """Add is_partial: whether a period (its first day in `period`) ends after the data do."""
    length = {"month": "1mo", "quarter": "1q", "year": "1y"}[grain]
    ends = pl.col("period").dt.offset_by(length).dt.offset_by("-1d")
    return frame.with_columns((ends > until).alias("is_partial"))


def _years(found: Frame, first: int | None, last: int | None) -> tuple[int, int]:
    """The chosen years within the data, all of them by default."""
    low = max(found.years[0], first) if first is not None else found.years[0]
    high = min(found.years[-1], last) if last is not None else found.years[-1]
    return (low, high) if low <= high else (found.years[0], found.years[-1])


# --- Digitalisering ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Digitisation:
    """Products digital per month against each year's target, candidates and the product list."""

    frame: Frame
    progress: pl.DataFrame
    targets: pl.DataFrame  # year, target
    products: pl.DataFrame
    candidates: pl.DataFrame
    forecast: Forecast | None  # when the latest target is reached; None without a target


def digitisation(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, until_year: int | None = None
) -> Digitisation:
    """Digitisation up to the end of `until_year` (default: all data); its forecast likewise."""
    found = _frame(con)
    progress = views.digitisation(con)
    if until_year is not None:
        progress = progress.filter(pl.col("period_month") <= date(until_year, 12, 1))
    years = sorted({d.year for d in progress["period_month"]})
    targets = yearly_targets(settings, "products_digital", years)
    products = views.product_list(con, found.until)
    candidates = (
        products.filter(~pl.col("is_digital")).sort("assisted_hours", descending=True).head(15)
    )
    years = forecast_years(found, until_year or found.years[-1])
    ahead = forecasts(con, settings, years, ["products_digital"]).get("products_digital")
    return Digitisation(found, progress, targets, products, candidates, ahead)


# --- Herstelwerk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corrections:
    """Correction work by origin, net capacity, the costliest products, a product's history."""

    frame: Frame
    first: int
    last: int
    grain: str
    by_origin: pl.DataFrame
    net: pl.DataFrame
    top: pl.DataFrame
    choices: list[str]
    product: str | None
    history: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame] | None
    effects: pl.DataFrame


def corrections(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    first: int | None = None,
    last: int | None = None,
    grain: str = "quarter",
    product: str | None = None,
) -> Corrections:
    """Correction work over the chosen years; the history of `product` (default: FIRST_HISTORY)."""
    found = _frame(con)
    first, last = _years(found, first, last)
    start, end = date(first, 1, 1), date(last, 12, 1)
    top = views.top_correction_products(con, start, end)
    digital = views.product_list(con, found.until).filter(pl.col("is_digital"))
    # the products that cause most work first, then every other digital product
    choices = top["product_id"].to_list()
    choices += [p for p in digital["product_id"].to_list() if p not in choices]
    if product not in choices:
        is_digital = FIRST_HISTORY in digital["product_id"].to_list()
        product = FIRST_HISTORY if is_digital else (choices[0] if choices else None)
    return Corrections(
        found,
        first,
        last,
        grain,
        running(views.corrections_by_origin(con, start, end, grain, Filters()), grain, found.until),
        running(views.net_capacity(con, start, end, grain, Filters()), grain, found.until),
        top,
        choices,
        product,
        _history(con, product, found.until) if product else None,
        views.release_effects(con),
    )


def _history(
    con: duckdb.DuckDBPyConnection, product: str, until: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """A product's history (views.product_history) with its running month marked."""
    web, corrections, events = views.product_history(con, product)
    return running(web, "month", until), running(corrections, "month", until), events


# (figure, column prefix in the effects, how it is written) of a release's windows
RELEASE_FIGURES = (
    (
        "corrections.rate_chart",
        "corrections_per_1000",
        lambda x, lang: formatting.number(x, lang, 1),
    ),
    ("label.takeup", "takeup", formatting.share),
    ("metric.repeat", "repeat_share", formatting.share),
)


def release_rows(
    effects: pl.DataFrame, lang: str, product_name: Callable[[str], str]
) -> pl.DataFrame:
    """The releases' before-and-after figures as the corrections page writes them.

    A window with months counted from monthly totals has no figures of single contacts: it
    says "not available from monthly totals", not a dash.
    """
    sides = (("before", text("label.before", lang)), ("after", text("label.after", lang)))
    rows = []
    for r in effects.iter_rows(named=True):
        row = {
            text("label.product", lang): product_name(r["product_id"]),
            text("label.release", lang): f"{formatting.day(r['released_on'], lang)}: {r['title']}",
        }
        for label, column, written in RELEASE_FIGURES:
            for side, name in sides:
                row[f"{text(label, lang)} ({name})"] = (
                    text("totals.not_available", lang)
                    if r[f"{side}_from_totals"]
                    else written(r[f"{column}_{side}"], lang)
                )
        rows.append(row)
    return pl.DataFrame(rows)


# --- Teams ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamFigure:
    """One figure of a team: the last weeks against the weeks before them."""

    label: str  # text key
    now: float | None
    before: float | None
    kind: str  # share, seconds, minutes or count
    higher_is_better: bool
    channel: str | None  # the channel the figure needs (None: the team's products)
    norms: tuple[Beside, ...] = ()  # reference norms beside it: context, not targets

    @property
    def change(self) -> float | None:
        """Return now minus before, or None when either is unknown."""
        return None if self.now is None or self.before is None else self.now - self.before


# (text key, numerator, denominator or None for a weekly mean, kind, higher is better, channel)
TEAM_FIGURES = (
    ("label.service_level", "calls_answered_in_time", "calls_offered", "share", True, "phone"),
    ("label.abandonment", "calls_abandoned", "calls_offered", "share", False, "phone"),
    ("label.phone_wait", "phone_avg_wait_seconds", None, "seconds", False, "phone"),
    ("label.desk_wait", "desk_avg_wait_seconds", None, "minutes", False, "desk"),
    ("label.corrections", "corrections", None, "count", False, None),
)
# The catalogue metric a team figure is the team's share of, for the norms beside it: the
# same ratio over the team's calls (the phone wait: the mean of weekly averages).
TEAM_METRICS = {
    "label.service_level": "phone_service_level",
    "label.abandonment": "phone_abandonment",
    "label.phone_wait": "phone_avg_wait",
}


@dataclass(frozen=True)
class Team:
    """One team week by week, its last weeks against the weeks before, its abandoned calls."""

    frame: Frame
    teams: list[str]
    team: str | None
    weeks: pl.DataFrame
    figures: list[TeamFigure]
    abandoned_weeks: list[date]
    week: date | None
    abandoned: pl.DataFrame | None

    @property
    def channels(self) -> list[str]:
        """The channels the team served in these weeks: phone, desk, both or neither."""
        served = {"phone": "calls_offered", "desk": "visits"}
        return [c for c, n in served.items() if not self.weeks.is_empty() and self.weeks[n].sum()]

    @property
    def phone_norms(self) -> list[Beside]:
        """The norms the phone chart draws as reference lines: comparable, on its two lines."""
        charted = ("label.service_level", "label.abandonment")
        return [b for f in self.figures if f.label in charted for b in f.norms if b.is_comparable]


def teams(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    team: str | None = None,
    week: date | None = None,
    among: tuple[str, ...] | None = None,
) -> Team:
    """A team's last TEAM_WEEKS whole weeks; the abandoned calls of `week` (default: latest).

    `among` limits the teams to choose from (a team lead's own); None: every team.
    """
    found = _frame(con)
    names = [n for n in found.options["teams"] if among is None or n in among]
    if team not in names:
        team = names[0] if names else None
    weeks = (
        views.team_weeks(con, team, found.until, TEAM_WEEKS).rename({"week_start": "period"})
        if team
        else pl.DataFrame()
    )
    if weeks.is_empty():
        return Team(found, names, team, weeks, [], [], None, None)
    recent = weeks.tail(RECENT_WEEKS)
    before = weeks.tail(RECENT_WEEKS + BEFORE_WEEKS).head(BEFORE_WEEKS)
    shown = beside(con, TEAM_METRICS.values())
    figures = [
        TeamFigure(
            label,
            _team_figure(recent, num, den),
            _team_figure(before, num, den),
            kind,
            up,
            ch,
            shown.get(TEAM_METRICS.get(label, ""), ()),
        )
        for label, num, den, kind, up, ch in TEAM_FIGURES
    ]
    abandoned_weeks = weeks.filter(pl.col("calls_abandoned") > 0)["period"].to_list()[::-1]
    if week not in abandoned_weeks:
        week = abandoned_weeks[0] if abandoned_weeks else None
    calls = views.abandoned_calls(con, team, week) if week else None
    return Team(found, names, team, weeks, figures, abandoned_weeks, week, calls)


def _team_figure(weeks: pl.DataFrame, numerator: str, denominator: str | None) -> float | None:
    """A ratio of sums over the weeks, or the mean of a weekly figure."""
    if denominator:
        total = weeks[denominator].sum()
        return weeks[numerator].sum() / total if total else None
    return weeks[numerator].mean()


# --- Audit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audit:
    """An audit period's targets and results per year, with the lineage and data quality."""

    frame: Frame
    periods: list[AuditPeriod]
    period: AuditPeriod
    years: list[int]
    results: dict[int, dict[str, Headline]]
    runs: pl.DataFrame
    rejects: pl.DataFrame
    quality: dict[str, int]
    gaps: pl.DataFrame
    calls_without_product: tuple[int, int]  # of all calls offered in the period
    sources: pl.DataFrame  # per channel-month: the source that counted, the others held
    queues: pl.DataFrame  # queues without a team in the mapping, with their calls

    @property
    def untagged_share(self) -> float | None:
        """The share of the period's calls without a product (None: no calls)."""
        untagged, calls = self.calls_without_product
        return untagged / calls if calls else None

    def rows(self) -> list[tuple[int, Headline, Verdict]]:
        """Every targeted metric per year of the period: (year, figure, verdict)."""
        return [
            (year, figure, verdict(figure))
            for year in self.years
            for figure in self.results[year].values()
        ]


def audit(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, period: str | None = None
) -> Audit:
    """An audit period; by default the latest that has ended (an audit looks back)."""
    found = _frame(con)
    periods, default = audit_periods(found, settings)
    chosen = next((p for p in periods if p.name == period), default)
    years = [y for y in range(chosen.start.year, chosen.end.year + 1) if y in found.years]
    targeted = tuple(m.id for m in METRICS if m.target)
    return Audit(
        found,
        periods,
        chosen,
        years,
        headlines.yearly(con, targeted, years, settings),
        views.load_runs(con),
        views.rejects_by_reason(con),
        views.quality(con),
        views.month_gaps(con),
        views.calls_without_product(con, chosen.start, chosen.end),
        views.source_months(con, chosen.start, chosen.end),
        views.unmapped_queues(con, chosen.start, chosen.end + timedelta(days=1)),
    )


def audit_periods(found: Frame, settings: Settings) -> tuple[list[AuditPeriod], AuditPeriod]:
    """The audit periods that hold data, and the default: the latest that has ended."""
    periods = [
        p
        for p in settings.audit_periods
        if p.start.year <= found.years[-1] and p.end.year >= found.years[0]
    ]
    ended = [p for p in periods if p.end <= found.until]
    return periods, (ended[-1] if ended else periods[-1])
