"""Overview (aldermen): the year's headline figures, plain-language sentences, data freshness."""

import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import formatting, narrative
from metrics.catalog import METRIC
from metrics.headlines import OVERVIEW_CARDS, OVERVIEW_CONTEXT, verdict

CARDS, EXTRA = OVERVIEW_CARDS, OVERVIEW_CONTEXT

common.require_data()
settings = common.settings()
years = common.calendar_years()
until = common.data_until()
st.title(t("overview.title"))
# the council looks at whole years: the last complete one unless another is chosen
complete = [y for y in years if y < until.year or until.month == 12]
year = common.url_select(
    t("filter.year"), years[::-1], "year", default=complete[-1] if complete else years[-1]
)
figures = common.headline_figures((*CARDS, *EXTRA), year)
st.caption(
    f"{settings.municipality} · "
    + t("app.data_until", day=formatting.day(until, lang()))
    + (
        " · " + t("overview.partial", year=year, month=formatting.month(until, lang()))
        if figures["web_share"].partial
        else ""
    )
)

st.subheader(t("overview.cards", year=year))
st.caption(t("overview.vs_previous", year=year - 1))
columns = st.columns(4)
for i, metric_id in enumerate(CARDS):
    figure = figures[metric_id]
    metric = METRIC[metric_id]
    shown = formatting.beside_target(figure.value, figure.target, figure.met, metric.unit, lang())
    if metric_id == "products_digital" and figures["products_total"].value is not None:
        total = formatting.number(figures["products_total"].value, lang())
        shown = f"{shown} / {total}"
    delta = (
        formatting.change(figure.change, metric.unit, lang()) if figure.change is not None else None
    )
    target = (
        t("overview.target", value=formatting.value(figure.target, metric.unit, lang()))
        if figure.target is not None
        else t("overview.no_target")
    )
    colour = {True: "normal", False: "inverse", None: "off"}[metric.higher_is_better]
    with columns[i % 4]:
        st.metric(
            metric.label[lang()],
            shown,
            delta=delta,
            delta_color=colour,
            help=f"{metric.definition[lang()]} ({target})",
            border=True,
        )
        # a year still running is not judged against its target yet
        judged = verdict(figure)
        st.caption(target + (f" · {t(f'verdict.{judged}')}" if judged != "none" else ""))

st.subheader(t("overview.story"))
for sentence in narrative.sentences(figures, lang(), settings.municipality):
    st.markdown(f"- {sentence}")

st.download_button(
    t("overview.pdf"),
    data=lambda: common.briefing_pdf(year),  # made only when clicked
    file_name=f"raadsinformatie_{year}_{lang()}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
)
