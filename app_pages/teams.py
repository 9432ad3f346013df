"""Teams (team leads): one team week by week, the last weeks against the weeks before."""

from datetime import date

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import charts, formatting, pages

found = common.require_data()
st.title(t("teams.title"))
if not found.options["teams"]:
    common.no_rows()
    st.stop()
team = common.url_select(t("filter.team"), found.options["teams"], "team")
page = common.model(pages.teams, team=team, week=common.url_value("week", date.fromisoformat))
weeks = page.weeks
source = common.source((t("filter.team"), page.team))
if weeks.is_empty():
    common.no_rows()
    st.stop()


def show(x: float | None, kind: str) -> str:
    """A team figure in its unit: a share, seconds, minutes (stored as seconds) or a count."""
    if kind == "share":
        return formatting.share(x, lang())
    if kind == "minutes":
        return formatting.number(None if x is None else x / 60, lang(), 1)
    return formatting.number(x, lang(), 1 if kind == "count" else 0)


st.subheader(t("teams.compare"))
# a team that took no calls (or saw no visitors) gets no phone (or desk) figures
shown_figures = [f for f in page.figures if f.channel is None or f.channel in page.channels]
row = common.cards()
for figure in shown_figures:
    column = common.card(row)
    change = figure.change
    delta = None
    if change is not None:
        delta = (
            formatting.points(change, lang())
            if figure.kind == "share"
            else show(change, figure.kind)
        )
    column.metric(
        t(figure.label),
        show(figure.now, figure.kind),
        delta=delta,
        delta_color="normal" if figure.higher_is_better else "inverse",
        border=True,
        help=" ".join([t(f"help.{figure.label}"), *(b.norm.note(lang()) for b in figure.norms)]),
    )
    column.caption(f"{t('label.average_12')}: {show(figure.before, figure.kind)}")
    for shown in figure.norms:
        column.caption(shown.caption(lang()))


def weekly(
    columns: dict, title: str, axis: str, fmt: str, name: str, colours: dict, norms=()
) -> None:
    """A chart of weekly team figures (reference norms as dotted lines), to download too."""
    data = charts.long_form(weeks, columns).drop_nulls()
    figure = charts.lines(
        data, lang(), "series", "value", title, axis, fmt, "week", colours, norms=norms
    )
    common.chart(figure, data, f"team_{team}_{name}", source)


# each wait in the unit of its card: phone seconds, desk minutes
left, right = st.columns(2)
with left:
    if "phone" not in page.channels:
        st.info(t("teams.no_calls"))
    else:
        service, abandonment = t("label.service_level"), t("label.abandonment")
        weekly(
            {service: "service_level", abandonment: "abandonment_rate"},
            t("teams.phone"),
            t("label.share_calls"),
            ".0%",
            "telefoon",
            {service: charts.CHANNEL_COLOURS["phone"], abandonment: charts.ACCENT},
            page.phone_norms,
        )
with right:
    if "phone" in page.channels:
        wait = t("label.phone_wait")
        weekly(
            {wait: "phone_avg_wait_seconds"},
            t("teams.phone_wait"),
            wait,
            ",.0f",
            "wachttijd_telefoon",
            {wait: charts.CHANNEL_COLOURS["phone"]},
        )
left, right = st.columns(2)
with left:
    if "desk" in page.channels:
        wait = t("label.desk_wait")
        weekly(
            {wait: pl.col("desk_avg_wait_seconds") / 60},
            t("teams.desk_wait"),
            wait,
            ",.1f",
            "wachttijd_balie",
            {wait: charts.CHANNEL_COLOURS["desk"]},
        )
with right:
    corrections = t("label.corrections")
    weekly(
        {corrections: "corrections"},
        t("teams.backlog"),
        corrections,
        ",d",
        "herstel",
        {corrections: charts.ACCENT},
    )

st.subheader(t("teams.abandoned"))
if page.week is not None:
    common.url_select(
        t("filter.week"),
        page.abandoned_weeks,
        "week",
        default=page.week,
        format_func=lambda d: formatting.week(d, lang()),
    )
    st.dataframe(
        page.abandoned.with_columns(
            pl.col("product_id")
            .replace_strict(common.product_names(), default=pl.col("product_id"))
            .fill_null("–")
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
    common.download(
        page.abandoned,
        f"opgehangen_{team}_{page.week}",
        common.source(
            (t("filter.team"), page.team), (t("filter.week"), formatting.day(page.week, lang()))
        ),
    )
common.footer(found)
