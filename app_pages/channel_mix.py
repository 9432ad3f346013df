"""Channel mix: handled contacts per channel over time, with filters and product take-up."""

from functools import partial

import streamlit as st

from app_pages import common
from app_pages.common import Col, lang, t
from metrics import charts, pages
from metrics.catalog import METRIC
from metrics.query import Filters

found = common.require_data()
st.title(t("channel_mix.title"))

left, middle, right = st.columns([2, 1, 1])
first, last = common.url_year_range(t("filter.years"), found.years, "jaren", container=left)
grain = common.url_grain("year", container=middle)
measure = common.url_radio(
    t("filter.measure"),
    ["share", "contacts"],
    "weergave",
    format_func=common.named("measure"),
    container=right,
)
a, b, c = st.columns(3)
product_label = common.product_labels()
categories = common.url_multiselect(
    t("filter.category"), found.options["categories"], "groep", container=a
)
products = common.url_multiselect(
    t("filter.product"),
    found.options["products"],
    "producten",
    format_func=product_label,
    container=b,
)
owners = common.url_multiselect(
    t("filter.owner_team"), found.options["owners"], "eigenaar", container=c
)
filters = Filters(products=tuple(products), categories=tuple(categories), teams=tuple(owners))
page = common.model(pages.channel_mix, first=first, last=last, grain=grain, filters=filters)
source = common.source(
    (t("filter.years"), f"{first}–{last}"),
    (t("filter.grain"), t(f"grain.{grain}")),
    (t("filter.category"), common.chosen(categories)),
    (t("filter.product"), common.chosen(products, product_label)),
    (t("filter.owner_team"), common.chosen(owners)),
)

if page.mix.is_empty():
    common.no_rows()
    st.stop()
common.chart(
    partial(charts.channel_mix, page.mix, lang(), measure, grain, page.targets),
    page.mix,
    f"kanaalmix_{first}_{last}_{grain}",
    source,
)
st.caption(METRIC["web_share"].definition[lang()])

st.subheader(t("channel_mix.products"))
table = page.takeup
if table.is_empty():
    common.no_rows()
else:
    name = f"name_{lang()}"  # name_nl or name_en
    common.table(
        table,
        {
            name: Col(t("label.product"), pinned=True),
            "category": Col(t("label.category")),
            "digital_since": Col(t("label.digital_since"), "day"),
            "web": Col(t("channel.web"), "number"),
            "phone": Col(t("channel.phone"), "number"),
            "desk": Col(t("channel.desk"), "number"),
            "contacts": Col(t("label.contacts"), "number"),
            "web_share": Col(t("label.takeup"), "share"),
        },
    )
    common.download(table, f"producten_{first}_{last}", source)
common.footer(found)
