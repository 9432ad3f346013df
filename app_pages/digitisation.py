"""Digitisation: products digital over time against the target, the product list, candidates."""

from functools import partial

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import Col, lang, t
from metrics import charts, pages
from metrics.catalog import METRIC

found = common.require_data()
st.title(t("digitisation.title"))
page = common.model(pages.digitisation)
source = common.source()
common.chart(
    partial(charts.digitisation, page.progress, page.targets, lang()),
    page.progress,
    "digitalisering",
    source,
)
st.caption(METRIC["products_digital"].definition[lang()])
if page.forecast is not None:
    st.subheader(t("forecast.title"))
    common.looking_ahead({"products_digital": page.forecast})

name = f"name_{lang()}"  # name_nl or name_en
columns = {
    name: Col(t("label.product"), pinned=True),
    "category": Col(t("label.category")),
    "status": Col(t("label.status")),
    "digital_since": Col(t("label.digital_since"), "day"),
    "web_share": Col(t("label.takeup"), "share"),
    "contacts": Col(t("label.volume"), "number"),
    "assisted_hours": Col(t("label.handling_hours"), "number"),
}


def status(products: pl.DataFrame) -> pl.DataFrame:
    """The products with their status in words."""
    return products.with_columns(
        pl.when(pl.col("is_digital"))
        .then(pl.lit(t("label.digital")))
        .otherwise(pl.lit(t("label.not_digital")))
        .alias("status")
    )


st.subheader(t("digitisation.candidates"))
common.table(
    page.candidates,
    {c: columns[c] for c in (name, "category", "contacts", "assisted_hours")},
)

st.subheader(t("digitisation.list"))
common.table(status(page.products), columns)
# the list counts the last 12 months: its header says so
common.download(page.products.rename({"contacts": "contacts_12_months"}), "productenlijst", source)
common.footer(found)
