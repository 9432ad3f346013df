"""Audit (municipal secretary): goals against results per period, definitions and lineage."""

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import lang, t
from metrics import formatting
from metrics.catalog import METRICS
from metrics.headlines import verdict
from metrics.texts import TEXTS

common.require_data()
settings = common.settings()
st.title(t("audit.title"))
years = common.calendar_years()
periods = [
    p for p in settings.audit_periods if p.start.year <= years[-1] and p.end.year >= years[0]
]
names = [p.name for p in periods]
until = common.data_until()
# an audit looks back: the latest period that has ended, else the one running
ended = [p.name for p in periods if p.end <= until]
default = ended[-1] if ended else names[-1]
chosen = common.url_select(t("filter.period"), names, "periode", default=default)
period = periods[names.index(chosen)]
period_years = [y for y in range(period.start.year, period.end.year + 1) if y in years]

st.subheader(t("audit.targets"))
targeted = tuple(m.id for m in METRICS if m.target)
rows = []
by_year = common.yearly_figures(targeted, tuple(period_years))
for year in period_years:
    for figure in by_year[year].values():
        unit = figure.metric.unit
        rows.append(
            {
                t("label.metric"): figure.metric.label[lang()],
                t("label.year"): str(year) + (" *" if figure.partial else ""),
                t("label.value"): formatting.beside_target(
                    figure.value, figure.target, figure.met, unit, lang()
                ),
                t("label.target"): formatting.value(figure.target, unit, lang()),
                t("label.met"): t(f"verdict.{verdict(figure)}"),
            }
        )
st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
if any(row[t("label.year")].endswith("*") for row in rows):
    st.caption(
        "\\* " + t("overview.partial", year=until.year, month=formatting.month(until, lang()))
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
                t("label.unit"): t(f"unit.{m.unit}"),
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
st.dataframe(
    runs,
    hide_index=True,
    width="stretch",
    column_config={name: t(f"runs.{name}") for name in runs.columns if f"runs.{name}" in TEXTS},
)
common.download(runs, "laadruns")

st.subheader(t("audit.rejects"))
rejects = common.view("rejects_by_reason")
st.dataframe(
    rejects.with_columns(
        pl.col("reason")
        .map_elements(
            lambda r: t(f"reason.{r}") if f"reason.{r}" in TEXTS else r, return_dtype=pl.String
        )
        .alias("explanation")
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "source": t("runs.source"),
        "reason": t("rejects.reason"),
        "rows": t("rejects.rows"),
        "explanation": t("rejects.explanation"),
    },
)

st.subheader(t("audit.quality"))
found = common.view("quality")
q1, q2, q3 = st.columns(3)
q1.metric(t("quality.untagged"), formatting.number(found["untagged"], lang()), border=True)
q2.metric(t("quality.unknown"), formatting.number(found["unknown"], lang()), border=True)
q3.metric(t("quality.gaps"), formatting.number(found["gaps"], lang()), border=True)
gaps = common.view("month_gaps")
if not gaps.is_empty():
    st.dataframe(
        gaps.with_columns(
            pl.col("period_month").map_elements(
                lambda d: formatting.month(d, lang()), return_dtype=pl.String
            ),
            pl.col("channel").map_elements(lambda c: t(f"channel.{c}"), return_dtype=pl.String),
        ),
        hide_index=True,
        column_config={"period_month": t("label.month"), "channel": t("label.channel")},
    )
common.footer()
