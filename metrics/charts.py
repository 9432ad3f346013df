"""Altair charts shared by the dashboard and the council briefing: one colour per channel.

Charts take small, already aggregated frames (SQL does the work; Streamlit sends every row
to the browser). Texts come in the chosen language; Dutch charts write numbers and months
the Dutch way through Vega label expressions, which work in the browser and in vl-convert.
"""

from __future__ import annotations

import textwrap
from datetime import date

import altair as alt
import polars as pl

from metrics import formatting
from metrics.norms import Beside
from metrics.texts import text
from pipelines.schema import CHANNELS

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
CHANNEL_COLOURS = {"web": "#0072B2", "phone": "#E69F00", "desk": "#009E73"}
TARGET_COLOUR = "#CC79A7"
NORM_COLOUR = "#767676"  # grey, thin and dotted: a reference norm is context, not a target
ACCENT = "#D55E00"

MONTHS = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


# Vega cuts a title or legend label wider than the chart ("Gemiddelde wachttijd telefoon …"
# at 1024 px, two charts a row) and lets a legend run off its right edge. At 1024 px a chart
# is about 560 px wide (a whole page) or 270 px (half of one), its plot (where a legend on top
# starts) about 100 px less: titles wrap at the characters a chart holds, legend labels have
# no limit and legends wrap their entries into rows the plot holds.
TITLE_CHARS = {"wide": 60, "narrow": 30}
PLOT_HEIGHT = 240  # px: the plot itself, whatever the title, legend and axes take
LEGEND_PX = {"wide": 440, "narrow": 170}


def legend(labels: list[str], width: str = "wide") -> alt.Legend:
    """A legend on top whose entries wrap into rows instead of running off the chart."""
    entry = 6.5 * max((len(label) for label in labels), default=1) + 30  # symbol, gap, text
    columns = max(1, min(len(labels), int(LEGEND_PX[width] // entry)))
    return alt.Legend(orient="top", labelLimit=0, columns=columns)


def number_labels(fmt: str, lang: str) -> str | None:
    """A Vega label expression writing numbers the Dutch way (1.234,5) when lang is nl."""
    if lang != "nl":
        return None
    # swap the separators through a placeholder: 1,234.5 -> 1.234,5
    return (
        f"replace(replace(replace(format(datum.value, '{fmt}'), regexp(',', 'g'), '_'), "
        "regexp('[.]', 'g'), ','), regexp('_', 'g'), '.')"
    )


def date_labels(grain: str, lang: str) -> str:
    """A Vega label expression for time axes with month names in the chosen language."""
    if grain == "year":
        return "timeFormat(datum.value, '%Y')"
    if grain == "week":  # ISO week numbers, as team leads plan by them
        return "'wk ' + timeFormat(datum.value, '%V')"
    months = "[" + ", ".join(f"'{m}'" for m in MONTHS[lang]) + "]"
    return f"{months}[month(datum.value)] + ' ' + year(datum.value)"


def _shown(frame: pl.DataFrame, column: str, fmt: str, lang: str) -> pl.DataFrame:
    """Add `<column>_shown`: the value as text in the language's format, for tooltips."""
    decimals = int(fmt.split(".")[1][0]) if "." in fmt else 0
    write = formatting.share if fmt.endswith("%") else formatting.number
    return frame.with_columns(
        pl.col(column)
        .map_elements(lambda x: write(x, lang, decimals), return_dtype=pl.String, skip_nulls=False)
        .alias(f"{column}_shown")
    )


def _periods_shown(frame: pl.DataFrame, grain: str, lang: str, column: str = "period"):
    """Add `<column>_shown`: the period as the language writes it ("mei 2015"), for tooltips.

    Vega's own time formats speak English only.
    """
    write = {"week": formatting.week, "day": formatting.day}.get(grain) or (
        lambda d, lang: formatting.period(d, grain, lang)
    )
    return frame.with_columns(
        pl.col(column)
        .map_elements(lambda d: write(d, lang), return_dtype=pl.String, skip_nulls=False)
        .alias(f"{column}_shown")
    )


def _channel_colour(
    lang: str, title: str | None = None, target: bool = False, width: str = "wide"
) -> alt.Color:
    """One colour per channel; with `target`, the yearly target joins the same legend."""
    labels = [text(f"channel.{c}", lang) for c in CHANNELS]
    colours = [CHANNEL_COLOURS[c] for c in CHANNELS]
    if target:
        labels, colours = [*labels, text("label.target", lang)], [*colours, TARGET_COLOUR]
    return alt.Color(
        "channel_label:N",
        title=title or text("label.channel", lang),
        scale=alt.Scale(domain=labels, range=colours),
        sort=labels,
        legend=legend(labels, width),
    )


def yearly_targets(
    targets: pl.DataFrame, grain: str, end: date, lang: str, fmt: str, colour: alt.Color
) -> alt.Chart:
    """Each year's target (columns year, target) drawn over its own year, up to `end`.

    Months and quarters get a step: a dashed segment from 1 January to 31 December of the
    year, cut at `end`, the day after the data. Years, drawn as one point on 1 January, get a
    mark on that point.
    """
    label = text("label.target", lang)
    data = _shown(
        targets.drop_nulls("target").with_columns(
            pl.date(pl.col("year"), 1, 1).alias("start"),
            pl.min_horizontal(pl.date(pl.col("year") + 1, 1, 1), pl.lit(end)).alias("stop"),
            pl.lit(label).alias(colour.to_dict()["field"]),  # the legend's entry
        ),
        "target",
        fmt,
        lang,
    ).filter(pl.col("start") < end)
    tooltip = [
        alt.Tooltip("year:O", title=text("label.year", lang)),
        alt.Tooltip("target_shown:N", title=label),
    ]
    base = alt.Chart(data).encode(x="start:T", y="target:Q", color=colour, tooltip=tooltip)
    if grain == "year":
        return base.mark_point(shape="diamond", size=110, filled=True, opacity=1)
    return base.mark_rule(strokeDash=[6, 4], strokeWidth=2.5).encode(x2="stop:T")


def reference_norms(shown: list[Beside], lang: str) -> alt.LayerChart:
    """Reference norms as thin dotted grey lines across the chart, each with a short label.

    The label ("Norm: Tilburg (2014–2016)") starts at the left edge just above its line, so it
    stays inside the chart even for a norm near zero; the whole caption is in the tooltip.
    """
    data = pl.DataFrame(
        {
            "norm": [b.norm.value for b in shown],
            "norm_label": [b.label(lang) for b in shown],
            "norm_caption": [b.caption(lang) for b in shown],
        },
        schema={"norm": pl.Float64, "norm_label": pl.String, "norm_caption": pl.String},
    )
    base = alt.Chart(data).encode(
        y=alt.Y("norm:Q"), tooltip=[alt.Tooltip("norm_caption:N", title=" ")]
    )
    rule = base.mark_rule(color=NORM_COLOUR, strokeDash=[2, 3], strokeWidth=1.5)
    label = base.mark_text(
        align="left", baseline="bottom", dx=4, dy=-3, fontSize=11, color=NORM_COLOUR
    ).encode(x=alt.value(0), text="norm_label:N")
    return alt.layer(rule, label)


def _complete(frame: pl.DataFrame, grain: str, lang: str) -> tuple[pl.DataFrame, str | None]:
    """Leave the running period out of a chart of counts or hours; return the note saying so.

    A quarter holding one month of three would read as a collapse.
    """
    if "is_partial" not in frame.columns or not frame["is_partial"].any():
        return frame, None
    running = frame.filter(pl.col("is_partial"))["period"].min()
    note = text("chart.running_left_out", lang, period=formatting.period(running, grain, lang))
    return frame.filter(~pl.col("is_partial")), note


def _running_marks(frame: pl.DataFrame, y: str, lang: str) -> alt.Chart | None:
    """Hollow marks on the running period's points of a share or a rate, with a legend entry."""
    if "is_partial" not in frame.columns or not frame["is_partial"].any():
        return None
    running = frame.filter(pl.col("is_partial")).with_columns(
        pl.lit(text("chart.running", lang)).alias("running")
    )
    return (
        alt.Chart(running)
        .mark_point(size=140, filled=True, color="white", stroke="#333333", strokeWidth=1.5)
        .encode(
            x="period:T",
            y=f"{y}:Q",
            shape=alt.Shape("running:N", title="", legend=legend(running["running"][:1].to_list())),
        )
    )


def _titled(
    chart: alt.TopLevelMixin, title: str, note: str | None, width: str = "wide", **kw
) -> alt.TopLevelMixin:
    """Set a chart's title, wrapped so it is never cut, with a note beneath it if there is one."""
    lines = textwrap.wrap(title, TITLE_CHARS[width]) or [title]
    subtitle = textwrap.wrap(note, TITLE_CHARS[width] + 15) if note else alt.Undefined
    return chart.properties(
        title=alt.TitleParams(lines, subtitle=subtitle, anchor="start", limit=0),
        **kw,
    )


def _after(last: date, grain: str) -> date:
    """The day after a period that starts on `last`."""
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    month = last.month - 1 + months
    return date(last.year + month // 12, month % 12 + 1, 1)


def with_channel_labels(frame: pl.DataFrame, lang: str, column: str = "channel") -> pl.DataFrame:
    """Add the channel's display name as channel_label."""
    labels = {c: text(f"channel.{c}", lang) for c in CHANNELS}
    return frame.with_columns(
        pl.col(column).replace_strict(labels, default=pl.col(column)).alias("channel_label")
    )


def _time_axis(lang: str, grain: str = "month", periods: int = 12) -> alt.X:
    """A time axis with at most about twelve labels, never finer than the grain."""
    title = text(f"label.{'week' if grain == 'week' else 'period'}", lang)
    per_year = {"month": 12, "quarter": 4, "year": 1, "week": 52}[grain]
    if grain == "week":
        interval, count = "week", periods
    elif periods / per_year > 3 or grain == "year":
        interval, count = "year", periods // per_year
    else:
        interval, count = "month", periods * 12 // per_year
    ticks = {"interval": interval, "step": max(1, -(-count // 12))}
    labels = interval if interval != "month" else "month"
    axis = alt.Axis(labelExpr=date_labels(labels, lang), labelOverlap=True, tickCount=ticks)
    return alt.X("period:T", title=title, axis=axis)


def _y_axis(fmt: str, lang: str, **kw) -> alt.Axis:
    expr = number_labels(fmt, lang)
    return alt.Axis(format=fmt, **({"labelExpr": expr} if expr else {}), **kw)


def channel_mix(
    frame: pl.DataFrame,
    lang: str,
    measure: str,
    grain: str,
    targets: pl.DataFrame | None = None,
) -> alt.TopLevelMixin:
    """Handled contacts per channel over time (period, channel, contacts, share, is_partial).

    Shares are drawn with each year's web-share target (`targets`: year, target) and the
    running period marked; counts leave the running period out.
    """
    share = measure == "share"
    note = None
    if not share:
        frame, note = _complete(frame, grain, lang)
    data = with_channel_labels(frame, lang)
    data = _shown(_shown(data, "contacts", ",d", lang), "share", ".1%", lang)
    data = _periods_shown(data, grain, lang)
    y_title = text("label.share" if share else "label.contacts", lang)
    y = alt.Y(
        f"{'share' if share else 'contacts'}:Q",
        title=y_title,
        axis=_y_axis(".0%" if share else ",d", lang),
        stack=None if share else "zero",
    )
    with_targets = share and targets is not None and not targets.drop_nulls("target").is_empty()
    colour = _channel_colour(lang, target=with_targets)
    base = alt.Chart(data)
    mark = base.mark_line(point=grain != "month", strokeWidth=2.5) if share else base.mark_bar()
    chart = mark.encode(
        x=_time_axis(lang, grain, data["period"].n_unique()),
        y=y,
        color=colour,
        tooltip=[
            alt.Tooltip("period_shown:N", title=text("label.period", lang)),
            alt.Tooltip("channel_label:N", title=text("label.channel", lang)),
            alt.Tooltip("contacts_shown:N", title=text("label.contacts", lang)),
            alt.Tooltip("share_shown:N", title=text("label.share", lang)),
        ],
    )
    if with_targets:
        end = _after(data["period"].max(), grain)
        chart = chart + yearly_targets(targets, grain, end, lang, ".0%", colour)
    marks = _running_marks(data, "share", lang) if share else None
    if marks is not None:
        chart = chart + marks
    title = text("channel_mix.share_chart" if share else "channel_mix.chart", lang)
    return _titled(chart, title, note, height=PLOT_HEIGHT)


def digitisation(progress: pl.DataFrame, targets: pl.DataFrame, lang: str) -> alt.TopLevelMixin:
    """Products digital per month, the catalogue size and each year's target (year, target)."""
    data = progress.rename({"period_month": "period"})
    digital_label = text("label.products_digital", lang)
    total_label = text("label.products_total", lang)
    long = pl.concat(
        [
            data.select(
                "period",
                pl.col("products_digital").alias("products"),
                pl.lit(digital_label).alias("series"),
            ),
            data.select(
                "period",
                pl.col("products_total").alias("products"),
                pl.lit(total_label).alias("series"),
            ),
        ]
    )
    long = _periods_shown(_shown(long, "products", ",d", lang), "month", lang)
    target_label = text("label.target", lang)
    # one legend for the lines and the target marks: the same field and scale in both layers
    colour = alt.Color(
        "series:N",
        title="",
        legend=legend([digital_label, total_label, target_label]),
        scale=alt.Scale(
            domain=[digital_label, total_label, target_label],
            range=[CHANNEL_COLOURS["web"], "#999999", TARGET_COLOUR],
        ),
    )
    chart = (
        alt.Chart(long)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=_time_axis(lang, "month", data.height),
            y=alt.Y("products:Q", title=text("label.products", lang), axis=_y_axis(",d", lang)),
            color=colour,
            tooltip=[
                alt.Tooltip("period_shown:N", title=text("label.month", lang)),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("products_shown:N", title=text("label.products", lang)),
            ],
        )
    )
    if targets.height:
        end = _after(data["period"].max(), "month")
        chart = chart + yearly_targets(targets, "month", end, lang, ",.0f", colour)
    return _titled(chart, text("digitisation.chart", lang), None, height=PLOT_HEIGHT)


def by_origin(
    frame: pl.DataFrame,
    lang: str,
    value: str,
    title: str,
    axis_title: str,
    fmt: str = ",.0f",
    grain: str = "month",
    width: str = "wide",
) -> alt.TopLevelMixin:
    """A stacked bar per period by origin channel (period, origin_channel, value, is_partial).

    The bars add up counts or hours: the running period is left out. `width`: see `lines`.
    """
    frame, note = _complete(frame, grain, lang)
    data = _shown(with_channel_labels(frame, lang, "origin_channel"), value, fmt, lang)
    # only what the chart draws and says: the browser turns every cell sent into a value
    data = _periods_shown(data, grain, lang).select(
        "period", "channel_label", value, f"{value}_shown", "period_shown"
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_time_axis(lang, grain, data["period"].n_unique()),
            y=alt.Y(f"{value}:Q", title=axis_title, axis=_y_axis(fmt, lang)),
            color=_channel_colour(lang, text("label.origin", lang), width=width),
            tooltip=[
                alt.Tooltip("period_shown:N", title=text("label.period", lang)),
                alt.Tooltip("channel_label:N", title=text("label.origin", lang)),
                alt.Tooltip(f"{value}_shown:N", title=axis_title),
            ],
        )
    )
    return _titled(chart, title, note, width, height=PLOT_HEIGHT)


def long_form(frame: pl.DataFrame, series: dict[str, str | pl.Expr]) -> pl.DataFrame:
    """Stack columns of a frame into (period, value, series) rows: one line each in lines()."""
    kept = [c for c in ("period", "is_partial") if c in frame.columns]
    return pl.concat(
        [
            frame.select(
                *kept,
                (pl.col(column) if isinstance(column, str) else column).alias("value"),
                pl.lit(label).alias("series"),
            )
            for label, column in series.items()
        ]
    )


# A line over at most this many periods gets a point on each; a longer one is drawn without:
# every point is an SVG item the browser encodes and draws (Herstelwerk's two quarterly
# charts over 18 years drew 435). Its tooltip stays on the line, which shows the figure of
# the period under the pointer as the point did.
POINTS_UP_TO = 40


def lines(
    frame: pl.DataFrame,
    lang: str,
    series: str,
    value: str,
    title: str,
    axis_title: str,
    fmt: str,
    grain: str = "month",
    colours: dict[str, str] | None = None,
    *,
    additive: bool = False,
    norms: list[Beside] | None = None,
    width: str = "wide",
) -> alt.TopLevelMixin:
    """Lines per series over time (period, <series>, <value>, is_partial); `width` says
    whether the chart is drawn a page ("wide") or half a page ("narrow") wide.

    `additive` values (counts, hours) leave the running period out; ratios mark it. `norms`
    (comparable reference norms in the values' unit) are drawn as dotted grey lines.
    """
    note = None
    if additive:
        frame, note = _complete(frame, grain, lang)
    labels = list(colours) if colours else frame[series].unique(maintain_order=True).to_list()
    colour = alt.Color(f"{series}:N", title="", legend=legend(labels, width))
    if colours:
        colour = alt.Color(
            f"{series}:N",
            title="",
            legend=legend(labels, width),
            scale=alt.Scale(domain=list(colours), range=list(colours.values())),
        )
    frame = _periods_shown(_shown(frame, value, fmt, lang), grain, lang)
    periods = frame["period"].n_unique()
    # only what the chart draws and says: the browser turns every cell sent into a value
    drawn = frame.select("period", series, value, f"{value}_shown", "period_shown")
    chart = (
        alt.Chart(drawn)
        .mark_line(point=periods <= POINTS_UP_TO, strokeWidth=2)
        .encode(
            x=_time_axis(lang, grain, periods),
            y=alt.Y(f"{value}:Q", title=axis_title, axis=_y_axis(fmt, lang)),
            color=colour,
            tooltip=[
                alt.Tooltip("period_shown:N", title=text("label.period", lang)),
                alt.Tooltip(f"{series}:N", title=" "),
                alt.Tooltip(f"{value}_shown:N", title=axis_title),
            ],
        )
    )
    partial = ["is_partial"] if "is_partial" in frame.columns else []
    marks = _running_marks(frame.select("period", value, *partial), value, lang)
    if marks is not None:
        chart = chart + marks
    if norms:
        chart = chart + reference_norms(norms, lang)
    return _titled(chart, title, note, width, height=PLOT_HEIGHT)


def product_history(
    contacts: pl.DataFrame, corrections: pl.DataFrame, events: pl.DataFrame, lang: str
) -> alt.TopLevelMixin:
    """Web contacts and corrections of one product per month, with its releases marked.

    contacts: period, contacts; corrections: period, corrections; events: day, label. Both
    counts leave the running month out (is_partial), as every chart of counts does.
    """
    contacts, note = _complete(contacts, "month", lang)
    corrections, _ = _complete(corrections, "month", lang)
    contacts, corrections = (f.drop("is_partial", strict=False) for f in (contacts, corrections))
    contacts = _periods_shown(_shown(contacts, "contacts", ",d", lang), "month", lang)
    corrections = _periods_shown(_shown(corrections, "corrections", ",d", lang), "month", lang)
    events = _periods_shown(events, "day", lang, "day")
    web = CHANNEL_COLOURS["web"]
    left = (
        alt.Chart(contacts)
        .mark_area(opacity=0.35, color=web, line={"color": web})
        .encode(
            x=_time_axis(lang, "month", contacts.height),
            y=alt.Y(
                "contacts:Q",
                title=text("channel.web", lang),
                axis=_y_axis(",d", lang, titleColor=web),
            ),
            tooltip=[
                alt.Tooltip("period_shown:N", title=text("label.month", lang)),
                alt.Tooltip("contacts_shown:N", title=text("channel.web", lang)),
            ],
        )
    )
    right = (
        alt.Chart(corrections)
        .mark_line(color=ACCENT, strokeWidth=2.5)
        .encode(
            x="period:T",
            y=alt.Y(
                "corrections:Q",
                title=text("label.corrections", lang),
                axis=_y_axis(",d", lang, titleColor=ACCENT),
            ),
            tooltip=[
                alt.Tooltip("period_shown:N", title=text("label.month", lang)),
                alt.Tooltip("corrections_shown:N", title=text("label.corrections", lang)),
            ],
        )
    )
    chart = alt.layer(left, right).resolve_scale(y="independent")
    if events.height:
        rules = (
            alt.Chart(events)
            .mark_rule(color="#333333", strokeDash=[4, 3])
            .encode(
                x="day:T",
                tooltip=[
                    alt.Tooltip("day_shown:N", title=" "),
                    alt.Tooltip("label:N", title=text("label.release", lang)),
                ],
            )
        )
        chart = alt.layer(left, right, rules).resolve_scale(y="independent")
    return _titled(chart, text("corrections.history", lang), note, height=PLOT_HEIGHT)


def with_source(chart: alt.TopLevelMixin, source: str, width: int = 800) -> alt.TopLevelMixin:
    """Put a source line under a chart, as a figure printed from it must say where it is from.

    The line wraps at its " · " separators so that it fits the chart's width.
    """
    lines, line = [], ""
    for part in source.split(" · "):
        joined = f"{line} · {part}" if line else part
        if line and len(joined) > width // 6:  # about 6 px per character at 11 px
            lines.append(line)
            joined = part
        line = joined
    lines.append(line)
    note = (
        alt.Chart(alt.Data(values=[{}]))
        .mark_text(
            text=lines, align="left", baseline="top", fontSize=11, color="#555555", lineHeight=15
        )
        .encode(x=alt.value(0), y=alt.value(0))
        .properties(width=width, height=15 * len(lines), view=alt.ViewBackground(stroke=None))
    )
    return alt.vconcat(chart.properties(width=width), note, spacing=8)
