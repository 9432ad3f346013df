"""Audit (municipal secretary): goals against results per period, definitions and lineage."""

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import formatting
from metrics.catalog import METRICS
from pipelines.schema import REJECT_REASONS

common.require_data()
settings = common.settings()
st.title(t("audit.title"))
years = common.calendar_years()
periods = [
    p for p in settings.audit_periods if p.start.year <= years[-1] and p.end.year >= years[0]
]
names = [p.name for p in periods]
chosen = common.url_select(t("filter.period"), names, "periode", default=names[-1])
period = periods[names.index(chosen)]
period_years = [y for y in range(period.start.year, period.end.year + 1) if y in years]

st.subheader(t("audit.targets"))
targeted = tuple(m.id for m in METRICS if m.target)
rows = []
for year in period_years:
    figures = common.headline_figures(targeted, year)
    for figure in figures.values():
        unit = figure.metric.unit
        rows.append(
            {
                t("label.metric"): figure.metric.label[lang()],
                t("label.year"): str(year) + (" *" if figure.partial else ""),
                t("label.value"): formatting.value(figure.value, unit, lang()),
                t("label.target"): formatting.value(figure.target, unit, lang()),
                t("label.met"): {
                    True: "✓ " + t("label.yes"),
                    False: "✗ " + t("label.no"),
                    None: "–",
                }[figure.met],
            }
        )
st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
st.caption(
    "* "
    + t("overview.partial", year=years[-1], month=formatting.month(common.data_until(), lang()))
)

st.download_button(
    t("audit.pack"),
    data=lambda: common.audit_pack(period.name),  # made only when clicked
    file_name=f"auditpakket_{period.name}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    icon=":material/table_view:",
)

st.subheader(t("audit.definitions"))
st.dataframe(
    pl.DataFrame(
        [
            {
                t("label.metric"): m.label[lang()],
                "id": m.id,
                t("label.definition"): m.definition[lang()],
                t("label.unit"): m.unit,
                t("label.mart"): m.mart,
            }
            for m in METRICS
        ]
    ),
    hide_index=True,
    width="stretch",
)

st.subheader(t("audit.lineage"))
runs = common.view("load_runs")
st.dataframe(runs, hide_index=True, width="stretch")
common.download(runs, "laadruns")

st.subheader(t("audit.rejects"))
rejects = common.view("rejects_by_reason")
st.dataframe(
    rejects.with_columns(
        pl.col("reason")
        .map_elements(lambda r: REJECT_REASONS.get(r, {}).get(lang(), r), return_dtype=pl.String)
        .alias("explanation")
    ),
    hide_index=True,
    width="stretch",
)

st.subheader(t("audit.quality"))
found = common.view("quality")
q1, q2, q3 = st.columns(3)
q1.metric(t("quality.untagged"), formatting.number(found["untagged"], lang()), border=True)
q2.metric(t("quality.unknown"), formatting.number(found["unknown"], lang()), border=True)
q3.metric(t("quality.gaps"), formatting.number(found["gaps"], lang()), border=True)
gaps = common.view("month_gaps")
if not gaps.is_empty():
    st.dataframe(gaps, hide_index=True)
common.footer()
