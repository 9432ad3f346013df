"""Error correction: the work mistakes cause, by channel and product, and what releases did."""

from functools import partial

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import Col, lang, t
from metrics import charts, pages
from metrics.catalog import METRIC

found = common.require_data()
settings = common.settings()
st.title(t("corrections.title"))
left, right, third = st.columns([2, 1, 1])
first, last = common.url_year_range(t("filter.years"), found.years, "jaren", container=left)
measure = common.url_radio(
    t("filter.measure"),
    ["correction_hours", "corrections", "corrections_per_1000"],
    "eenheid",
    format_func=common.named("label"),
    container=third,
)
grain = common.url_grain("quarter", container=right)
page = common.model(
    pages.corrections, first=first, last=last, grain=grain, product=st.query_params.get("product")
)

source = common.source(
    (t("filter.years"), f"{first}–{last}"), (t("filter.grain"), t(f"grain.{grain}"))
)
if page.by_origin.is_empty():
    common.no_rows()
    st.stop()
# one chart a page wide, its measure chosen above: hours or corrections stacked by the channel
# the mistake came in by, or per 1,000 handled contacts of that channel as lines
if measure == "corrections_per_1000":
    rates = charts.with_channel_labels(page.by_origin, lang(), "origin_channel").rename(
        {"channel_label": "series"}
    )
    common.chart(
        partial(
            charts.lines,
            rates,
            lang(),
            "series",
            "corrections_per_1000",
            t("corrections.rate_chart"),
            t("label.corrections"),
            ",.1f",
            grain,
            colours={t(f"channel.{c}"): charts.CHANNEL_COLOURS[c] for c in charts.CHANNELS},
        ),
        rates.drop("series"),
        f"herstel_per_1000_{first}_{last}",
        source,
    )
else:
    common.chart(
        partial(
            charts.by_origin,
            page.by_origin,
            lang(),
            measure,
            t("corrections.chart" if measure == "correction_hours" else "corrections.count_chart"),
            t("label.hours" if measure == "correction_hours" else "label.corrections"),
            grain=grain,
        ),
        page.by_origin,
        f"herstelwerk_{first}_{last}",
        source,
    )
st.caption(METRIC[measure].definition[lang()])

long = charts.long_form(
    page.net,
    {
        t("label.hours_freed"): "gross_hours_freed",
        t("label.web_correction_hours"): "web_correction_hours",
        t("label.net_hours"): "hours_freed_by_web",
    },
)
common.chart(
    partial(
        charts.lines,
        long,
        lang(),
        "series",
        "value",
        t("corrections.net"),
        t("label.hours"),
        ",.0f",
        grain,
        additive=True,
        colours={
            t("label.hours_freed"): charts.CHANNEL_COLOURS["web"],
            t("label.web_correction_hours"): charts.ACCENT,
            t("label.net_hours"): "#333333",
        },
    ),
    page.net,
    f"netto_capaciteit_{first}_{last}",
    source,
)

st.subheader(t("corrections.top"))
name = f"name_{lang()}"  # name_nl or name_en
common.table(
    page.top,
    {
        name: Col(t("label.product"), pinned=True),
        "corrections": Col(t("label.corrections"), "number"),
        "correction_hours": Col(t("label.correction_hours"), "number"),
        "corrections_per_1000": Col(t("corrections.rate_chart"), "number", decimals=1),
    },
)

product_label = common.product_labels()
if page.history is not None:
    common.url_select(
        t("filter.product"),
        page.choices,
        "product",
        default=page.product,
        format_func=product_label,
    )
    web, corrections, events = page.history
    events = events.with_columns(
        pl.when(pl.col("label") == "digital_since")
        .then(pl.lit(t("label.digital_since")))
        .otherwise(pl.col("label"))
        .alias("label")
    )
    # the history counts the web contacts and the corrections of web origin only
    common.chart(
        partial(charts.product_history, web, corrections, events, lang()),
        web.join(corrections.drop("is_partial"), on="period", how="left").rename(
            {"contacts": "web_contacts", "corrections": "web_corrections"}
        ),
        f"geschiedenis_{page.product}",
        common.source((t("filter.product"), product_label(page.product))),
    )

if not page.effects.is_empty():
    st.subheader(t("corrections.releases", months=settings.norms.release_window_months))
    rows = pages.release_rows(page.effects, lang(), product_label)
    st.dataframe(rows, hide_index=True, width="stretch")
    common.download(page.effects, "release_effecten", common.source())
common.footer(found)
