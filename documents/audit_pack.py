"""Audit pack: one audit period as an Excel workbook for the auditors, and CSV copies beside it.

Sheets: Samenvatting/Summary (targets and results per year), one sheet per catalogue metric (by
month and by year, named by the metric's id), Definities/Definitions (metrics, marts,
settings), Herkomst/Lineage (load runs), Datakwaliteit/Data quality (rejects, untagged calls,
unknown products, months without contacts), Bronnen/Sources (which source counted) and
Handelingen/Actions (the record of logins, loads and downloads in the period). Every text is in
the pack's language (Dutch or English, the registry's pack.* keys); cells hold real numbers and
dates with language-neutral number formats, except the title block's days, which name their
month in the pack's language. Each CSV file in `<out stem>_csv/` mirrors one sheet in the CSV
dialect of its language (metrics.exports.DIALECTS): its title block, then every table under its
heading, blocks separated by an empty line. The same database gives the same content; only the
"Gemaakt op"/"Made at" cell (one CSV line) says when the pack was made.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_pixel_width

from metrics import exports, formatting, headlines, pages, query, views
from metrics.catalog import METRICS, Metric
from metrics.headlines import Headline, verdict
from metrics.texts import LANGUAGES, text
from pipelines import actions, marts, store
from pipelines.schema import REJECT_REASONS
from pipelines.settings import AuditPeriod, Settings, local_now

SHEETS = (
    "summary",
    "definitions",
    "lineage",
    "quality",
    "sources",
    "actions",
)  # the sheets named pack.sheet.<name>

COUNT, ID, GENERAL = "#,##0", "0", "General"
DAY, MONTH, MOMENT = "yyyy-mm-dd", "yyyy-mm", "yyyy-mm-dd hh:mm:ss"
# A title-block day names its month in the pack's language in any Excel: a locale code,
# [$-413] Dutch (Netherlands) and [$-809] English (United Kingdom), as formatting.LOCALES.
LONG_DAY = {"nl": "[$-413]d mmmm yyyy", "en": "[$-809]d mmmm yyyy"}
LONG_MOMENT = {lang: f"{fmt} hh:mm:ss" for lang, fmt in LONG_DAY.items()}
UNIT_FORMAT = {
    "share": "0.0%",
    "count": COUNT,
    "hours": "#,##0.0",
    "euro": '"€" #,##0',  # quoted: a bare € is not a literal in every Excel locale
    "per_1000": "#,##0.0",
    "seconds": "#,##0.0",
}
_STRFTIME = {DAY: "%Y-%m-%d", MONTH: "%Y-%m", MOMENT: "%Y-%m-%d %H:%M:%S"}
_LONG = {fmt: lang for formats in (LONG_DAY, LONG_MOMENT) for lang, fmt in formats.items()}
_PAD, _FILTER_BUTTON = 7, 16  # pixels, as xlsxwriter's autofit counts them
TABLE_STYLE = "Table Style Light 9"


class UnknownPeriod(ValueError):
    """The audit period is not in the settings; the message lists the valid names."""


@dataclass(frozen=True)
class _Table:
    """A table under a heading; formats by column, wrapped columns with a width in pixels."""

    heading: str
    frame: pl.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    wrap: dict[str, int] = field(default_factory=dict)
    row_formats: dict[str, list[str]] = field(default_factory=dict)  # mixed units per row


@dataclass(frozen=True)
class _Sheet:
    """A sheet in a language: title, facts (label, value, format), notes, then its tables."""

    name: str
    title: str
    lang: str
    facts: tuple[tuple[str, object, str | None], ...] = ()
    notes: tuple[str, ...] = ()
    tables: tuple[_Table, ...] = ()
    side_by_side: bool = False


def write(
    db: Path,
    period: str,
    settings: Settings,
    out: Path,
    *,
    lang: str = "nl",
    now: datetime | None = None,
) -> None:
    """Write the audit pack of one audit period in a language to `out` and `<out stem>_csv/`."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    chosen = audit_period(settings, period)
    made_at = now or local_now().replace(microsecond=0)
    with store.read_only(db) as con:
        sheets = _sheets(con, Path(db).resolve(), chosen, settings, made_at, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_workbook(sheets, out, settings.municipality, chosen.name, made_at, lang)
    _write_csv(sheets, out.with_name(f"{out.stem}_csv"))


def workbook(db: Path, period: str, settings: Settings, lang: str = "nl") -> bytes:
    """Return the audit pack's workbook (the CSV copies are left out) as bytes."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "auditpakket.xlsx"
        write(db, period, settings, out, lang=lang)
        return out.read_bytes()


def audit_period(settings: Settings, name: str) -> AuditPeriod:
    """Return the settings' audit period with this name."""
    for candidate in settings.audit_periods:
        if candidate.name == name:
            return candidate
    names = ", ".join(p.name for p in settings.audit_periods) or "(none)"
    raise UnknownPeriod(f"unknown audit period {name!r}; the settings define: {names}")


def tab(name: str, lang: str) -> str:
    """Return the tab name of a sheet in SHEETS: the registry's pack.sheet.<name>."""
    return text(f"pack.sheet.{name}", lang)


def _column(name: str, lang: str) -> str:
    """Return the header of a column: the registry's pack.column.<name>."""
    return text(f"pack.column.{name}", lang)


def sheet_name(metric: Metric) -> str:
    """Return the sheet name of a metric: its id, cut to Excel's 31 characters."""
    return metric.id[:31]


# --- content ---------------------------------------------------------------------------------


def _sheets(
    con: duckdb.DuckDBPyConnection,
    db: Path,
    period: AuditPeriod,
    settings: Settings,
    made_at: datetime,
    lang: str,
) -> list[_Sheet]:
    start, end = period.start.replace(day=1), period.end
    months = con.sql(
        "select period_month from mart_calendar where period_month between ? and ? "
        "order by period_month",
        params=[start, end],
    ).pl()
    coverage = _coverage(months["period_month"].to_list(), period)
    yearly = {m.id: _yearly(con, m, start, end, coverage, lang) for m in METRICS}
    metric_sheets = [
        _metric_sheet(m, _monthly(con, m, start, end, months, lang), yearly[m.id], lang)
        for m in METRICS
    ]
    return [
        _summary(con, db, period, settings, made_at, yearly, lang),
        *metric_sheets,
        _definitions(con, settings, lang),
        _lineage(con, lang),
        _quality(con, period, lang),
        _sources(con, period, lang),
        _actions(db, period, lang),
    ]


def _coverage(months: list[date], period: AuditPeriod) -> dict[int, tuple[int, int]]:
    """Per year of the period: months with data, months of that year inside the period."""
    coverage = {}
    for year in range(period.start.year, period.end.year + 1):
        first = max(date(year, 1, 1), period.start.replace(day=1))
        last = min(date(year, 12, 1), period.end.replace(day=1))
        in_scope = (last.year - first.year) * 12 + last.month - first.month + 1
        coverage[year] = (sum(m.year == year for m in months), in_scope)
    return coverage


def _partial(with_data: int, in_scope: int, lang: str) -> str:
    if with_data == 0:
        return text("pack.no_data", lang)
    return text("pack.yes" if with_data < in_scope else "pack.no", lang)


def _monthly(
    con, metric: Metric, start: date, end: date, months: pl.DataFrame, lang: str
) -> pl.DataFrame:
    """Every month of the period with data, the metric's value or empty when none."""
    series = query.series(con, metric.id, start, end, "month")
    return (
        months.join(series, left_on="period_month", right_on="period", how="left")
        .select(
            pl.col("period_month").alias(_column("month", lang)),
            pl.col("numerator").alias(_column("numerator", lang)),
            pl.col("denominator").alias(_column("denominator", lang)),
            pl.col("value").alias(_column("value", lang)),
        )
        .sort(_column("month", lang))
    )


def _yearly(
    con, metric: Metric, start: date, end: date, coverage: dict[int, tuple[int, int]], lang: str
) -> pl.DataFrame:
    """Every year of the period: the metric over its months inside the period."""
    year, months = _column("year", lang), _column("months_with_data", lang)
    partial = _column("partial_year", lang)
    series = query.series(con, metric.id, start, end, "year").with_columns(
        pl.col("period").dt.year().cast(pl.Int32).alias(year)
    )
    years = pl.DataFrame(
        {
            year: list(coverage),
            months: [n for n, _ in coverage.values()],
            partial: [_partial(n, scope, lang) for n, scope in coverage.values()],
        },
        schema_overrides={year: pl.Int32, months: pl.Int32},
    )
    return years.join(series, on=year, how="left").select(
        year,
        pl.col("numerator").alias(_column("numerator", lang)),
        pl.col("denominator").alias(_column("denominator", lang)),
        pl.col("value").alias(_column("value", lang)),
        months,
        partial,
    )


def _result_format(figure: Headline) -> str:
    """A result's cell format: a share that misses its target shows the decimals telling them
    apart (formatting.target_decimals), as every other surface does."""
    unit = figure.metric.unit
    decimals = formatting.target_decimals(figure.value, figure.target, figure.met, unit)
    if unit == "share" and decimals > 1:
        return f"0.{'0' * decimals}%"
    return UNIT_FORMAT[unit]


def _value_formats(metric: Metric, lang: str) -> dict[str, str]:
    unit = UNIT_FORMAT[metric.unit]
    # A share's numerator is a count, a rate's 1,000 x a count; seconds stay seconds.
    numerator = COUNT if metric.unit in ("share", "per_1000") else unit
    return {
        _column("numerator", lang): numerator,
        _column("denominator", lang): COUNT,
        _column("value", lang): unit,
    }


def _summary(con, db, period, settings, made_at, yearly, lang) -> _Sheet:
    runs, last_run, last_at = con.execute(
        "select count(*), max(run_id), arg_max(coalesce(finished_at, started_at), run_id) "
        "from load_runs"
    ).fetchall()[0]
    until = headlines.data_until(con)
    year, result, target = (_column(c, lang) for c in ("year", "result", "target"))
    months, partial = _column("months_with_data", lang), _column("partial_year", lang)
    rows = []
    for metric in (m for m in METRICS if m.target):
        bound = "pack.upper_limit" if metric.target.startswith("max_") else "pack.lower_limit"
        found = yearly[metric.id].select(year, _column("value", lang), months, partial)
        lacking = dict(
            zip(
                found[year],
                query.not_from(
                    con, metric.id, [(date(y, 1, 1), date(y, 12, 1)) for y in found[year]]
                ),
                strict=True,
            )
        )
        for in_year, value, with_data, is_partial in found.iter_rows():
            goal = settings.target(in_year, metric.target)
            figure = Headline(metric, in_year, value, None, goal, until)
            sources = lacking[in_year] if value is None else None
            remark = pages.not_available(sources, lang) if sources else None
            rows.append(
                {
                    _column("metric", lang): metric.label[lang],
                    _column("metric_id", lang): metric.id,
                    year: in_year,
                    result: value,
                    target: goal,
                    _column("target_kind", lang): text(bound, lang),
                    _column("met", lang): text(f"verdict.{verdict(figure)}", lang),
                    partial: is_partial,
                    months: with_data,
                    _column("remark", lang): remark,
                    "_unit": UNIT_FORMAT[metric.unit],
                    "_result": _result_format(figure),
                }
            )
    frame = pl.DataFrame(
        rows,
        schema_overrides={
            year: pl.Int32,
            result: pl.Float64,
            target: pl.Float64,
            _column("remark", lang): pl.String,
        },
    )
    table = _Table(
        text("audit.targets", lang),
        frame.drop("_unit", "_result"),
        formats={year: ID, months: ID},
        row_formats={result: frame["_result"].to_list(), target: frame["_unit"].to_list()},
    )
    verdicts = {v: text(f"verdict.{v}", lang) for v in ("met", "not_met", "running", "none")}
    day, moment = LONG_DAY[lang], LONG_MOMENT[lang]
    return _Sheet(
        tab("summary", lang),
        text("pack.title.summary", lang, municipality=settings.municipality, period=period.name),
        lang,
        facts=(
            (text("pack.fact.municipality", lang), settings.municipality, None),
            (text("pack.fact.audit_period", lang), period.name, None),
            (text("pack.fact.period_from", lang), period.start, day),
            (text("pack.fact.period_to", lang), period.end, day),
            (text("pack.fact.data_until", lang), until, day),
            (text("pack.fact.made_at", lang), made_at, moment),
            (text("pack.fact.database", lang), str(db), None),
            (text("pack.fact.load_runs", lang), runs, COUNT),
            (text("pack.fact.last_run", lang), last_run, ID),
            (text("pack.fact.last_run_finished", lang), last_at, moment),
        ),
        notes=(
            text("pack.note.result", lang),
            text("pack.note.met", lang, **verdicts),
            text("pack.note.partial_year", lang),
        ),
        tables=(table,),
    )


def _metric_sheet(metric: Metric, monthly: pl.DataFrame, yearly: pl.DataFrame, lang: str) -> _Sheet:
    formats = _value_formats(metric, lang)
    notes = [
        metric.definition[lang],
        text(
            "pack.note.metric",
            lang,
            unit=text(f"unit.{metric.unit}", lang),
            mart=metric.mart,
            numerator=metric.numerator,
            denominator=metric.denominator or "–",
        ),
    ]
    if metric.stock:
        notes.append(text("pack.note.stock", lang))
    return _Sheet(
        sheet_name(metric),
        f"{metric.id}: {metric.label[lang]}",
        lang,
        notes=tuple(notes),
        tables=(
            _Table(
                text("pack.table.by_month", lang),
                monthly,
                {**formats, _column("month", lang): MONTH},
            ),
            _Table(
                text("pack.table.by_year", lang),
                yearly,
                {**formats, _column("year", lang): ID, _column("months_with_data", lang): ID},
            ),
        ),
        side_by_side=True,
    )


def _definitions(con, settings: Settings, lang: str) -> _Sheet:
    yes, no = text("pack.yes", lang), text("pack.no", lang)
    better = {True: text("pack.higher", lang), False: text("pack.lower", lang), None: "–"}
    # Both languages' labels and definitions, whatever the pack's language: the auditor
    # sees the words the dashboard and the briefing show in either.
    label = {one: text("pack.column.label", lang, language=one) for one in LANGUAGES}
    definition = {one: text("pack.column.definition", lang, language=one) for one in LANGUAGES}
    target_key, denominator = _column("target_key", lang), _column("denominator_sql", lang)
    metrics = pl.DataFrame(
        [
            {
                _column("metric_id", lang): m.id,
                **{label[one]: m.label[one] for one in LANGUAGES},
                **{definition[one]: m.definition[one] for one in LANGUAGES},
                _column("unit", lang): text(f"unit.{m.unit}", lang),
                _column("mart", lang): m.mart,
                _column("better", lang): better[m.higher_is_better],
                target_key: m.target,
                _column("numerator_sql", lang): m.numerator,
                denominator: m.denominator,
                _column("stock", lang): yes if m.stock else no,
            }
            for m in METRICS
        ],
        schema_overrides={target_key: pl.String, denominator: pl.String},
    )
    grain = _column("grain", lang)
    grains = pl.DataFrame(
        {_column("mart", lang): list(marts.ORDER), grain: [marts.grain(n) for n in marts.ORDER]}
    )
    used = con.sql("select * from settings").pl().row(0, named=True)
    wanted = marts.settings_row(settings)
    order = str(used.get("source_order", ""))  # a list, not a number: a note of its own
    wanted = {k: v for k, v in wanted.items() if not isinstance(v, str)}
    in_database, in_file = _column("used", lang), _column("settings_file", lang)
    knobs = pl.DataFrame(
        {
            _column("setting", lang): list(wanted),
            in_database: [_float(used.get(k)) for k in wanted],
            in_file: [float(v) for v in wanted.values()],
            _column("equal", lang): [yes if used.get(k) == v else no for k, v in wanted.items()],
        }
    )
    return _Sheet(
        tab("definitions", lang),
        text("audit.definitions", lang),
        lang,
        notes=(
            text("pack.note.ratios", lang),
            text("pack.note.settings", lang),
            text("pack.note.source_order", lang, order=order.replace(",", ", ")),
        ),
        tables=(
            _Table(
                text("pack.table.metrics", lang),
                metrics,
                wrap={definition[one]: 380 for one in LANGUAGES},
            ),
            _Table(text("pack.table.marts", lang), grains, wrap={grain: 420}),
            _Table(
                text("pack.table.settings", lang),
                knobs,
                {in_database: GENERAL, in_file: GENERAL},
            ),
        ),
    )


def _float(x: object) -> float | None:
    return None if x is None else float(x)


def _lineage(con, lang: str) -> _Sheet:
    # The columns keep the names of the table load_runs (docs/data-contract.md), as the note
    # says: they are identifiers, the same in both languages.
    runs = con.sql("select * from load_runs order by run_id").pl()
    rows = {c: COUNT for c in runs.columns if c.startswith("rows_")}
    return _Sheet(
        tab("lineage", lang),
        text("audit.lineage", lang),
        lang,
        notes=(text("pack.note.load_runs", lang), text("pack.note.run_status", lang)),
        tables=(_Table(text("pack.table.load_runs", lang), runs, {"run_id": ID, **rows}),),
    )


def _sources(con, period: AuditPeriod, lang: str) -> _Sheet:
    """Per channel and month: the source that counted and what the others held."""
    found = views.source_months(con, period.start, period.end)
    names = {
        "period_month": _column("month", lang),
        "channel": _column("channel", lang),
        **{c: text(f"sources.{c}", lang) for c in found.columns[2:]},
    }
    counts = ("handled", "offered", "other_handled")
    return _Sheet(
        tab("sources", lang),
        text("audit.sources", lang),
        lang,
        notes=(text("audit.sources_note", lang),),
        tables=(
            _Table(
                text("pack.table.sources", lang),
                found.rename(names),
                {names["period_month"]: MONTH, **{names[c]: COUNT for c in counts}},
            ),
        ),
    )


def _actions(db: Path, period: AuditPeriod, lang: str) -> _Sheet:
    """Who logged in, loaded or downloaded what in the period: the record of actions."""
    done = actions.read(actions.path_for(db), period.start, period.end)
    names = {c: text(f"actions.{c}", lang) for c in done.columns}
    done = done.with_columns(
        pl.col("action").replace_strict(
            {a: text(f"action.{a}", lang) for a in actions.ACTIONS}, default=pl.col("action")
        )
    ).rename(names)
    return _Sheet(
        tab("actions", lang),
        text("audit.actions", lang),
        lang,
        notes=(text("pack.note.actions", lang),),
        tables=(
            _Table(
                text("pack.table.actions", lang),
                done,
                {names["at"]: MOMENT, names["run_id"]: ID},
            ),
        ),
    )


def _untagged_note(con, period: AuditPeriod, lang: str) -> str:
    """The share of the period's calls without a product, and what they drop out of."""
    untagged, calls = views.calls_without_product(con, period.start, period.end)
    share = formatting.share(untagged / calls if calls else None, lang, 1)
    return f"{text('quality.untagged_share', lang)}: {share}. " + text(
        "audit.untagged_note",
        lang,
        calls=formatting.number(untagged, lang),
        of=formatting.number(calls, lang),
        period=period.name,
    )


def _quality(con, period: AuditPeriod, lang: str) -> _Sheet:
    start, after = period.start, period.end + timedelta(days=1)
    rejects = views.rejects_by_reason(con).sort(
        ["source", "rows", "reason"], descending=[False, True, False]
    )
    rejects = rejects.select(
        pl.col("source").alias(_column("source", lang)),
        pl.col("reason").alias(_column("reason", lang)),
        pl.col("reason")
        .replace_strict(
            {r: text(f"reason.{r}", lang) for r in REJECT_REASONS}, default=pl.col("reason")
        )
        .alias(_column("explanation", lang)),
        pl.col("rows").alias(_column("rows", lang)),
    )
    in_period, whole_database = _column("in_period", lang), _column("whole_database", lang)
    month, channel = _column("month", lang), _column("channel", lang)
    unknown = (
        con.sql(
            "select product_id, channel, "
            "count(*) filter (where occurred_at >= ? and occurred_at < ?) as in_period, "
            "count(*) as whole_database from counted_contacts c where product_id is not null and "
            "not "
            "exists (select 1 from products p where p.product_id = c.product_id) "
            "group by all order by product_id, channel",
            params=[start, after],
        )
        .pl()
        .rename(
            {
                "product_id": _column("product", lang),
                "channel": channel,
                "in_period": in_period,
                "whole_database": whole_database,
            }
        )
    )
    untagged_in_period = con.execute(
        "select count(*) from counted_contacts where channel = 'phone' and product_id is null "
        "and occurred_at >= ? and occurred_at < ?",
        [start, after],
    ).fetchall()[0][0]
    gaps = views.month_gaps(con).filter(
        pl.col("period_month").is_between(period.start.replace(day=1), period.end)
    )
    whole = views.quality(con)
    queues = views.unmapped_queues(con, start, after)
    findings = pl.DataFrame(
        {
            _column("finding", lang): [
                text(f"quality.{k}", lang)
                for k in ("untagged", "unknown", "unmapped_queues", "gaps")
            ],
            in_period: [
                untagged_in_period,
                unknown[in_period].sum(),
                queues["in_period"].sum(),
                gaps.height,
            ],
            whole_database: [
                whole["untagged"],
                whole["unknown"],
                whole["unmapped_queues"],
                whole["gaps"],
            ],
        },
        schema_overrides={in_period: pl.Int64, whole_database: pl.Int64},
    )
    return _Sheet(
        tab("quality", lang),
        text("audit.quality", lang),
        lang,
        notes=(
            text("pack.note.rejected", lang),
            text("pack.note.gaps", lang),
            _untagged_note(con, period, lang),
        ),
        tables=(
            _Table(text("audit.rejects", lang), rejects),
            _Table(text("pack.table.findings", lang), findings),
            _Table(text("pack.table.unknown_products", lang), unknown),
            _Table(
                text("pack.table.unmapped_queues", lang),
                queues.rename(
                    {
                        "queue": _column("queue", lang),
                        "in_period": in_period,
                        "whole_database": whole_database,
                    }
                ),
            ),
            _Table(
                text("pack.table.gaps", lang),
                gaps.select(pl.col("period_month").alias(month), pl.col("channel").alias(channel)),
                {month: MONTH},
            ),
        ),
        side_by_side=True,
    )


# --- Excel -----------------------------------------------------------------------------------


def _layout(sheet: _Sheet) -> tuple[int, list[tuple[int, int]]]:
    """Return the first table row and each table's (heading row, first column)."""
    top = 1 + len(sheet.facts) + len(sheet.notes) + 1  # title, facts, notes, an empty row
    row, col, places = top, 0, []
    for table in sheet.tables:
        places.append((row, col))
        if sheet.side_by_side:
            col += table.frame.width + 1
        else:
            row += 2 + max(table.frame.height, 1) + 1  # heading, header, rows, an empty row
    return top, places


def _formats(table: _Table) -> dict[str, str]:
    """Return the Excel number format of every non-text column."""
    defaults = {pl.Date: DAY, pl.Datetime: MOMENT}
    formats = {}
    for name, dtype in table.frame.schema.items():
        if name in table.formats:
            formats[name] = table.formats[name]
        elif dtype.base_type() in defaults:
            formats[name] = defaults[dtype.base_type()]
        elif dtype.is_integer():
            formats[name] = COUNT
        elif dtype.is_float():
            formats[name] = "#,##0.0"
    return formats


def _shown(value: object, fmt: str | None) -> str:
    """Return a value roughly as Excel shows it in this format, to size its column."""
    if value is None:
        return ""
    if fmt in _LONG:
        return _fact(value, fmt, _LONG[fmt])
    if isinstance(value, date):
        return value.strftime(_STRFTIME.get(fmt or DAY, "%Y-%m-%d %H:%M:%S"))
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if fmt and fmt.endswith("%"):
        return f"{100 * value:,.{len(fmt.partition('.')[2]) - 1}f}%"
    shown = {
        COUNT: lambda x: f"{x:,.0f}",
        ID: lambda x: f"{x:.0f}",
        "#,##0.0": lambda x: f"{x:,.1f}",
        UNIT_FORMAT["euro"]: lambda x: f"€ {x:,.0f}",
    }.get(fmt or GENERAL, lambda x: f"{x:.10g}")
    return shown(value)


def _widths(sheet: _Sheet, places: list[tuple[int, int]]) -> dict[int, int]:
    """Return each column's width in pixels: the widest value as shown, or the wrap width.

    Not `autofit`: xlsxwriter's autofit (what write_excel's autofit calls) gives a timestamp
    the width of mm/dd/yyyy (Excel then shows ####), a float the width of its repr, a
    wrapped text its full length, and reruns over the whole sheet for every table.
    """
    widths: dict[int, int] = {}

    def fit(column: int, pixels: int) -> None:
        widths[column] = max(widths.get(column, 0), pixels)

    for label, value, fmt in sheet.facts:
        fit(0, xl_pixel_width(label) + _PAD)
        if not isinstance(value, str):  # a long text may run on into the empty cells
            fit(1, xl_pixel_width(_shown(value, fmt)) + _PAD)
    for table, (_, left) in zip(sheet.tables, places, strict=True):
        formats = _formats(table)
        for i, name in enumerate(table.frame.columns):
            fit(left + i, xl_pixel_width(name) + _FILTER_BUTTON + _PAD)
            if name in table.wrap:
                fit(left + i, table.wrap[name])
                continue
            per_row = table.row_formats.get(name) or [formats.get(name)] * table.frame.height
            for value, fmt in zip(table.frame[name].to_list(), per_row, strict=True):
                fit(left + i, xl_pixel_width(_shown(value, fmt)) + _PAD)
    return widths


class _Styles:
    """Cell formats of one workbook, made once each."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.heading = wb.add_format({"bold": True, "font_size": 12})
        self.label = wb.add_format({"bold": True})
        self._numbers: dict[str, object] = {}

    def number(self, fmt: str):
        if fmt not in self._numbers:
            self._numbers[fmt] = self.wb.add_format({"num_format": fmt})
        return self._numbers[fmt]


def _write_workbook(
    sheets: Sequence[_Sheet],
    out: Path,
    municipality: str,
    period: str,
    made_at: datetime,
    lang: str,
) -> None:
    partial = out.with_name(out.name + ".part")  # replaced atomically: never half a workbook
    # Text from exports (product codes, file names) stays text, never a formula or a link.
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(partial), options) as wb:
        wb.set_properties(
            {
                "title": text("pack.workbook.title", lang, period=period),
                "subject": text("pack.workbook.subject", lang),
                "company": municipality,
                "created": made_at,
            }
        )
        styles = _Styles(wb)
        for sheet in sheets:
            _write_sheet(wb, sheet, styles)
    os.replace(partial, out)


def _write_sheet(wb: xlsxwriter.Workbook, sheet: _Sheet, styles: _Styles) -> None:
    ws = wb.add_worksheet(sheet.name)
    top, places = _layout(sheet)
    widths = _widths(sheet, places)
    for table, (row, col) in zip(sheet.tables, places, strict=True):
        ws.write_string(row, col, table.heading, styles.heading)
        cell = {"valign": "top"} if table.wrap else {}
        formats: dict[str, str | dict] = {
            name: {"num_format": fmt, **cell} if cell else fmt
            for name, fmt in _formats(table).items()
        }
        formats |= {name: {"text_wrap": True, **cell} for name in table.wrap}
        table.frame.write_excel(
            wb,
            ws,
            position=(row + 1, col),
            table_style=TABLE_STYLE,
            column_formats=formats,
            header_format={"bold": True},
            column_widths={n: widths[col + i] for i, n in enumerate(table.frame.columns)},
            freeze_panes=(top + 2, 0),
        )
        for name, per_row in table.row_formats.items():
            j = col + table.frame.get_column_index(name)
            for i, (value, fmt) in enumerate(zip(table.frame[name], per_row, strict=True)):
                ws.write(row + 2 + i, j, value, styles.number(fmt))
    ws.write_string(0, 0, sheet.title, styles.title)
    for i, (label, value, fmt) in enumerate(sheet.facts, start=1):
        ws.write_string(i, 0, label, styles.label)
        if isinstance(value, str):
            ws.write_string(i, 1, value)
        elif value is not None:
            ws.write(i, 1, value, styles.number(fmt or GENERAL))
    for i, note in enumerate(sheet.notes, start=1 + len(sheet.facts)):
        ws.write_string(i, 0, note)
    in_tables = {
        left + i
        for t, (_, left) in zip(sheet.tables, places, strict=True)
        for i in range(t.frame.width)
    }
    for column in sorted(widths.keys() - in_tables):  # the facts' columns, beside no table
        ws.set_column_pixels(column, column, widths[column])


# --- CSV -------------------------------------------------------------------------------------


def _write_csv(sheets: Sequence[_Sheet], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.csv"):  # a metric no longer in the catalogue
        stale.unlink()
    for number, sheet in enumerate(sheets, start=1):
        path = folder / f"{number:02d}_{sheet.name}.csv"
        path.write_text(_csv(sheet), encoding="utf-8-sig", newline="")


def _csv(sheet: _Sheet) -> str:
    """Return a sheet as CSV: its title block, then each table under its heading."""
    separator, decimal_comma, dates, _ = exports.DIALECTS[sheet.lang]
    head = _lines([sheet.title], separator)
    if sheet.facts:
        head += pl.DataFrame(
            {
                "label": [label for label, _, _ in sheet.facts],
                "value": [
                    exports.as_text(_fact(value, fmt, sheet.lang)) for _, value, fmt in sheet.facts
                ],
            }
        ).write_csv(include_header=False, separator=separator)
    head += _lines(list(sheet.notes), separator)
    blocks = [head] + [
        _lines([t.heading], separator)
        + exports.texts_as_text(t.frame).write_csv(
            separator=separator,
            decimal_comma=decimal_comma,
            date_format=dates,
            # with seconds, as the workbook shows load runs (the dashboard's CSV shows minutes)
            datetime_format=f"{dates} %H:%M:%S",
        )
        for t in sheet.tables
    ]
    return "\n".join(blocks)


def _lines(lines: list[str], separator: str) -> str:
    if not lines:
        return ""
    return pl.DataFrame({"line": lines}).write_csv(include_header=False, separator=separator)


def _fact(value: object, fmt: str | None, lang: str) -> str:
    """Return a title-block value as the pack's language writes it: "3 maart 2014 09:30:00"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{formatting.day(value, lang)} {value:%H:%M:%S}"
    if isinstance(value, date):
        return formatting.day(value, lang)
    if fmt == COUNT:
        return formatting.number(value, lang)
    return str(value)
