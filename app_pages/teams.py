"""Teams (team leads): one team week by week, the last weeks against its 12-week average."""

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import charts, formatting

common.require_data()
teams = common.view("options")["teams"]
st.title(t("teams.title"))
if not teams:
    common.no_rows()
    st.stop()
team = common.url_select(t("filter.team"), teams, "team", default=teams[0])
weeks = common.view("team_weeks", team, 26).rename({"week_start": "period"})
if weeks.is_empty():
    common.no_rows()
    st.stop()

st.subheader(t("teams.compare"))
recent, before = weeks.tail(4), weeks.tail(16).head(12)
FIGURES = (
    ("label.service_level", "calls_answered_in_time", "calls_offered", "share", True),
    ("label.abandonment", "calls_abandoned", "calls_offered", "share", False),
    ("label.phone_wait", "phone_avg_wait_seconds", None, "seconds", False),
    ("label.desk_wait", "desk_avg_wait_seconds", None, "minutes", False),
    ("label.corrections", "corrections", None, "count", False),
)


def _figure(frame: pl.DataFrame, numerator: str, denominator: str | None) -> float | None:
    if denominator:
        total = frame[denominator].sum()
        return frame[numerator].sum() / total if total else None
    return frame[numerator].mean()


def _show(x: float | None, kind: str) -> str:
    if kind == "share":
        return formatting.share(x, lang())
    if kind == "minutes":
        return formatting.number(None if x is None else x / 60, lang(), 1)
    return formatting.number(x, lang(), 1 if kind == "count" else 0)


columns = st.columns(len(FIGURES))
for column, (label, numerator, denominator, kind, higher_is_better) in zip(
    columns, FIGURES, strict=True
):
    now, then = _figure(recent, numerator, denominator), _figure(before, numerator, denominator)
    delta = None
    if now is not None and then is not None:
        delta = (
            formatting.points(now - then, lang()) if kind == "share" else _show(now - then, kind)
        )
    column.metric(
        t(label),
        _show(now, kind),
        delta=delta,
        delta_color="normal" if higher_is_better else "inverse",
        border=True,
        help=t(f"help.{label}"),
    )
    column.caption(f"{t('label.average_12')}: {_show(then, kind)}")

phone = charts.long_form(
    weeks,
    {t("label.service_level"): "service_level", t("label.abandonment"): "abandonment_rate"},
)
left, right = st.columns(2)
with left:
    common.chart(
        charts.lines(
            phone,
            lang(),
            "series",
            "value",
            t("teams.phone"),
            t("label.share_calls"),
            ".0%",
            "week",
        ),
        weeks,
        f"team_{team}_telefoon",
    )
with right:
    waits = charts.long_form(
        weeks,
        {
            t("channel.phone"): pl.col("phone_avg_wait_seconds") / 60,
            t("channel.desk"): pl.col("desk_avg_wait_seconds") / 60,
        },
    ).drop_nulls()
    common.chart(
        charts.lines(
            waits,
            lang(),
            "series",
            "value",
            t("teams.waits"),
            t("label.wait_minutes"),
            ",.1f",
            "week",
            colours={
                t("channel.phone"): charts.CHANNEL_COLOURS["phone"],
                t("channel.desk"): charts.CHANNEL_COLOURS["desk"],
            },
        ),
        waits,
        f"team_{team}_wachttijden",
    )
backlog = charts.long_form(weeks, {t("label.corrections"): "corrections"})
common.chart(
    charts.lines(
        backlog,
        lang(),
        "series",
        "value",
        t("teams.backlog"),
        t("label.corrections"),
        ",d",
        "week",
        colours={t("label.corrections"): charts.ACCENT},
    ),
    backlog,
    f"team_{team}_herstel",
)

st.subheader(t("teams.abandoned"))
week_starts = weeks.filter(pl.col("calls_abandoned") > 0)["period"].to_list()[::-1]
if week_starts:
    week = common.url_select(
        t("filter.week"),
        week_starts,
        "week",
        default=week_starts[0],
        format_func=lambda d: formatting.day(d, lang()),
    )
    calls = common.view("abandoned_calls", team, week)
    st.dataframe(
        calls.with_columns(
            pl.col("product_id").map_elements(common.product_label, return_dtype=pl.String)
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "contact_id": t("label.call"),
            "occurred_at": st.column_config.DatetimeColumn(
                t("label.started_at"), format="DD-MM-YYYY HH:mm"
            ),
            "product_id": t("label.product"),
            "wait_seconds": st.column_config.NumberColumn(t("label.phone_wait"), format="%.0f"),
        },
    )
    common.download(calls, f"opgehangen_{team}_{week}")
common.footer()
