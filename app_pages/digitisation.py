"""Digitisation: products digital over time against the target, the product list, candidates."""

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import charts, pages
from metrics.catalog import METRIC

found = common.require_data()
st.title(t("digitisation.title"))
page = common.model(pages.digitisation)
source = common.source()
common.chart(
    charts.digitisation(page.progress, page.targets, lang()),
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


def shown(products: pl.DataFrame) -> pl.DataFrame:
    """The product columns as the tables show them: status in words, percentages, whole hours."""
    return products.with_columns(
        pl.when(pl.col("is_digital"))
        .then(pl.lit(t("label.digital")))
        .otherwise(pl.lit(t("label.not_digital")))
        .alias("status"),
        (100 * pl.col("web_share")).alias("web_share"),
        pl.col("assisted_hours").round(0),
    )


st.subheader(t("digitisation.candidates"))
st.dataframe(
    shown(page.candidates).select(name, "category", "contacts", "assisted_hours"),
    hide_index=True,
    width="stretch",
    column_config=columns,
)

st.subheader(t("digitisation.list"))
st.dataframe(
    shown(page.products).select(
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
# the list counts the last 12 months: its header says so
common.download(page.products.rename({"contacts": "contacts_12_months"}), "productenlijst", source)
common.footer(found)
