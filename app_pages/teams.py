"""Teams (team leads): one team week by week, the last weeks against the weeks before."""

from datetime import date
from functools import partial

import polars as pl
import streamlit as st

from app_pages import access, common
from app_pages.common import Col, lang, t
from metrics import charts, formatting, pages

found = common.require_data()
st.title(t("teams.title"))
who = access.current()  # the dashboard opens this page only for a reader with a role
teams = who.own_teams(found.options["teams"]) if who else []  # a team lead: their own only
if not teams:
    if who and who.teams is not None:
        st.info(t("access.no_team"))
    else:
        common.no_rows()
    st.stop()
team = common.url_select(t("filter.team"), teams, "team")
page = common.model(
    pages.teams,
    team=team,
    week=common.url_value("week", date.fromisoformat),
    among=None if who.teams is None else tuple(teams),
)
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
    figure = partial(
        charts.lines,
        data,
        lang(),
        "series",
        "value",
        title,
        axis,
        fmt,
        "week",
        colours,
        norms=norms,
        width="narrow",
    )
    common.chart(figure, data, f"team_{team}_{name}", source)


# two charts a row; each wait in the unit of its card: phone seconds, desk minutes
shown_charts = []
if "phone" not in page.channels:
    shown_charts.append(lambda: st.info(t("teams.no_calls")))
else:
    service, abandonment = t("label.service_level"), t("label.abandonment")
    wait = t("label.phone_wait")
    shown_charts += [
        lambda: weekly(
            {service: "service_level", abandonment: "abandonment_rate"},
            t("teams.phone"),
            t("label.share_calls"),
            ".0%",
            "telefoon",
            {service: charts.CHANNEL_COLOURS["phone"], abandonment: charts.ACCENT},
            page.phone_norms,
        ),
        lambda: weekly(
            {wait: "phone_avg_wait_seconds"},
            t("teams.phone_wait"),
            wait,
            ",.0f",
            "wachttijd_telefoon",
            {wait: charts.CHANNEL_COLOURS["phone"]},
        ),
    ]
if "desk" in page.channels:
    desk_wait = t("label.desk_wait")
    shown_charts.append(
        lambda: weekly(
            {desk_wait: pl.col("desk_avg_wait_seconds") / 60},
            t("teams.desk_wait"),
            desk_wait,
            ",.1f",
            "wachttijd_balie",
            {desk_wait: charts.CHANNEL_COLOURS["desk"]},
        )
    )
corrections = t("label.corrections")
shown_charts.append(
    lambda: weekly(
        {corrections: "corrections"},
        t("teams.backlog"),
        corrections,
        ",d",
        "herstel",
        {corrections: charts.ACCENT},
    )
)
for first in range(0, len(shown_charts), 2):
    for column, draw in zip(st.columns(2), shown_charts[first : first + 2], strict=False):
        with column:
            draw()

st.subheader(t("teams.abandoned"))
if page.week is not None:
    common.url_select(
        t("filter.week"),
        page.abandoned_weeks,
        "week",
        default=page.week,
        format_func=partial(formatting.week, lang=lang()),
    )
    common.table(
        page.abandoned.with_columns(
            pl.col("product_id")
            .replace_strict(common.product_names(), default=pl.col("product_id"))
            .fill_null("–")
        ),
        {
            "contact_id": Col(t("label.call"), pinned=True),
            "occurred_at": Col(t("label.started_at"), "moment"),
            "product_id": Col(t("label.product")),
            "wait_seconds": Col(t("label.phone_wait"), "number"),
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
