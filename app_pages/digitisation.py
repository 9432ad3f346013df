"""Digitisation: products digital over time against the target, the product list, candidates."""

from datetime import date

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import charts
from metrics.catalog import METRIC

common.require_data()
settings = common.settings()
st.title(t("digitisation.title"))
progress = common.view("digitisation")
years = common.calendar_years()
targets = pl.DataFrame(
    [(date(y, 12, 31), settings.target(y, "products_digital")) for y in years],
    schema={"period": pl.Date, "target": pl.Float64},
    orient="row",
).drop_nulls()
common.chart(charts.digitisation(progress, targets, lang()), progress, "digitalisering")
st.caption(METRIC["products_digital"].definition[lang()])

until = common.data_until()
products = common.view("product_list", until)
name = "name_nl" if lang() == "nl" else "name_en"
columns = {
    name: st.column_config.TextColumn(t("label.product")),
    "category": st.column_config.TextColumn(t("label.category")),
    "status": st.column_config.TextColumn(t("label.status")),
    "digital_since": st.column_config.TextColumn(t("label.digital_since")),
    "web_share": st.column_config.ProgressColumn(
        t("label.takeup"), format="%.0f%%", min_value=0, max_value=100
    ),
    "contacts": st.column_config.NumberColumn(t("label.volume"), format="localized"),
    "assisted_hours": st.column_config.NumberColumn(t("label.handling_hours"), format="localized"),
}
shown = products.with_columns(
    pl.when(pl.col("is_digital"))
    .then(pl.lit(t("label.digital")))
    .otherwise(pl.lit(t("label.not_digital")))
    .alias("status"),
    (100 * pl.col("web_share")).alias("web_share"),
    pl.col("assisted_hours").round(0),
)

st.subheader(t("digitisation.candidates"))
candidates = shown.filter(~pl.col("is_digital")).sort("assisted_hours", descending=True).head(15)
st.dataframe(
    candidates.select(name, "category", "contacts", "assisted_hours"),
    hide_index=True,
    width="stretch",
    column_config=columns,
)

st.subheader(t("digitisation.list"))
st.dataframe(
    shown.select(
        name,
        "category",
        "status",
        common.dates_as_text("digital_since"),
        "web_share",
        "contacts",
        "assisted_hours",
    ),
    hide_index=True,
    width="stretch",
    column_config=columns,
)
common.download(products, "productenlijst")
common.footer()
