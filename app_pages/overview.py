"""Overview (aldermen): the year's headline cards, plain-language sentences, data freshness."""

import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from documents import briefing
from metrics import formatting, pages

found = common.require_data()
settings = common.settings()
st.title(t("overview.title"))
year = common.url_select(
    t("filter.year"), found.years[::-1], "year", default=pages.default_year(found)
)
page = common.model(pages.overview, lang=lang(), year=year)
st.caption(
    f"{common.plain(settings.municipality)} · "
    + t("app.data_until", day=formatting.day(found.until, lang()))
    + (
        " · " + t("overview.partial", year=year, month=formatting.month(found.through, lang()))
        if page.partial
        else ""
    )
)

st.subheader(t("overview.cards", year=year))
if page.previous_year is None:
    st.caption(t("overview.no_previous", year=year - 1))
else:
    st.caption(t("overview.vs_previous", year=page.previous_year))
row = common.cards()
for metric_id in pages.OVERVIEW_CARDS:
    figure = page.figures[metric_id]
    metric = figure.metric
    written = pages.shown(page.figures, metric_id, lang())
    target = (
        t("overview.target", value=written.target)
        if figure.target is not None
        else t("overview.no_target")
    )
    colour = {True: "normal", False: "inverse", None: "off"}[metric.higher_is_better]
    norms = page.norms.get(metric_id, ())
    with common.card(row):
        st.metric(
            metric.label[lang()],
            formatting.MISSING if figure.not_from else written.value,  # the reason goes below
            delta=written.change,
            delta_color=colour,
            help=" ".join(
                [f"{metric.definition[lang()]} ({target})", *(b.norm.note(lang()) for b in norms)]
            ),
            border=True,
        )
        judged = page.verdicts[metric_id]
        if figure.not_from:
            st.caption(written.value)
        st.caption(target + (f" · {t(f'verdict.{judged}')}" if judged != "none" else ""))
        for shown in norms:
            st.caption(shown.caption(lang()))

st.subheader(t("overview.story"))
for sentence in page.sentences:
    st.markdown(f"- {common.plain(sentence)}")

if page.forecasts:
    st.subheader(t("forecast.title"))
    common.looking_ahead(page.forecasts)

db, chosen = common.db(), lang()  # read now: the download runs outside this script run
common.offer(
    t("overview.pdf"),
    lambda: briefing.pdf(db, year, chosen, settings),
    f"raadsinformatie_{year}_{chosen}.pdf",
    "application/pdf",
    "picture_as_pdf",
    action="briefing",
)
