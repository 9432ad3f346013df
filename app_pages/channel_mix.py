"""Channel mix: handled contacts per channel over time, with filters and product take-up."""

import streamlit as st

from app_pages import common
from app_pages.common import lang, t
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
    format_func=lambda m: t(f"measure.{m}"),
    container=right,
)
a, b, c = st.columns(3)
categories = common.url_multiselect(
    t("filter.category"), found.options["categories"], "groep", container=a
)
products = common.url_multiselect(
    t("filter.product"),
    found.options["products"],
    "producten",
    format_func=common.product_label,
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
    (t("filter.product"), common.chosen(products, common.product_label)),
    (t("filter.owner_team"), common.chosen(owners)),
)

if page.mix.is_empty():
    common.no_rows()
    st.stop()
common.chart(
    charts.channel_mix(page.mix, lang(), measure, grain, page.targets),
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
    common.download(table, f"producten_{first}_{last}", source)
common.footer(found)
