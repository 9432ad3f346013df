"""Channel mix: handled contacts per channel over time, with filters and product take-up."""

from datetime import date

import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import charts
from metrics.catalog import METRIC
from metrics.query import Filters

common.require_data()
settings = common.settings()
years = common.calendar_years()
options = common.view("options")
st.title(t("channel_mix.title"))

left, middle, right = st.columns([2, 1, 1])
first, last = common.url_year_range(t("filter.years"), years, "jaren", container=left)
grain = common.url_grain("year", container=middle)
measure = common.url_radio(
    t("filter.measure"),
    ["share", "contacts"],
    "toon",
    format_func=lambda m: t(f"measure.{m}"),
    container=right,
)
a, b, c = st.columns(3)
categories = common.url_multiselect(
    t("filter.category"), options["categories"], "groep", container=a
)
products = common.url_multiselect(
    t("filter.product"),
    options["products"],
    "product",
    format_func=common.product_label,
    container=b,
)
teams = common.url_multiselect(t("filter.team"), options["teams"], "team", container=c)
filters = Filters(products=tuple(products), categories=tuple(categories), teams=tuple(teams))
start, end = date(first, 1, 1), date(last, 12, 1)

mix = common.view("channel_mix", start, end, grain, filters)
if mix.is_empty():
    common.no_rows()
    st.stop()
target = settings.target(last, "web_share") if not (products or categories or teams) else None
common.chart(
    charts.channel_mix(mix, lang(), measure, grain, target),
    mix,
    f"kanaalmix_{first}_{last}_{grain}",
)
st.caption(METRIC["web_share"].definition[lang()])

st.subheader(t("channel_mix.products"))
table = common.view("product_takeup", start, end, filters)
if table.is_empty():
    common.no_rows()
else:
    name = "name_nl" if lang() == "nl" else "name_en"
    st.dataframe(
        table.select(
            name,
            "category",
            common.dates_as_text("digital_since"),
            "web",
            "phone",
            "desk",
            "contacts",
            (100 * table["web_share"]).alias("web_share"),
        ),
        hide_index=True,
        width="stretch",
        column_config={
            name: st.column_config.TextColumn(t("label.product")),
            "category": st.column_config.TextColumn(t("label.category")),
            "digital_since": st.column_config.TextColumn(t("label.digital_since")),
            "web": st.column_config.NumberColumn(t("channel.web"), format="localized"),
            "phone": st.column_config.NumberColumn(t("channel.phone"), format="localized"),
            "desk": st.column_config.NumberColumn(t("channel.desk"), format="localized"),
            "contacts": st.column_config.NumberColumn(t("label.contacts"), format="localized"),
            "web_share": st.column_config.ProgressColumn(
                t("label.takeup"), format="%.0f%%", min_value=0, max_value=100
            ),
        },
    )
    common.download(table, f"producten_{first}_{last}")
common.footer()
