"""Audit (municipal secretary): goals against results per period, definitions and lineage."""

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import Col, lang, t
from documents import audit_pack
from metrics import charts, formatting, pages
from metrics.catalog import METRICS
from metrics.texts import TEXTS

found = common.require_data()
settings = common.settings()
st.title(t("audit.title"))
periods, default = pages.audit_periods(found, settings)
chosen = common.url_select(
    t("filter.period"), [p.name for p in periods], "periode", default=default.name
)
page = common.model(pages.audit, period=chosen)

st.subheader(t("audit.targets"))
rows = [
    {
        t("label.metric"): figure.metric.label[lang()],
        t("label.year"): str(year) + (" *" if figure.partial else ""),
        t("label.value"): pages.shown(page.results[year], figure.metric.id, lang()).value,
        t("label.target"): pages.shown(page.results[year], figure.metric.id, lang()).target,
        t("label.met"): t(f"verdict.{judged}"),
    }
    for year, figure, judged in page.rows()
]
st.dataframe(pl.DataFrame(rows), hide_index=True, width="stretch")
if any(figure.partial for _, figure, _ in page.rows()):
    st.caption(
        "\\* "
        + t(
            "overview.partial",
            year=found.until.year,
            month=formatting.month(found.through, lang()),
        )
    )

db, language = common.db(), lang()  # read now: the download runs outside this script run
common.offer(
    t("audit.pack"),
    lambda: audit_pack.workbook(db, chosen, settings, language),
    f"auditpakket_{chosen}_{language}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "table_view",
    action="audit_pack",
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
failed = page.runs.filter(pl.col("status") == "failed").height
if failed:
    st.warning(t("audit.failed_runs", runs=failed), icon=":material/error:")
KIND = {"started_at": "moment", "finished_at": "moment"}
common.table(
    page.runs.with_columns(
        pl.col("status").replace_strict(
            {s: t(f"runs.status.{s}") for s in ("ok", "skipped", "failed")},
            default=pl.col("status"),
        ),
        pl.col("message").fill_null(""),
    ),
    {
        c: Col(t(f"runs.{c}"), KIND.get(c, "number" if c.startswith("rows_") else "text"))
        for c in page.runs.columns
    },
)
common.download(page.runs, "laadruns", common.source())

st.subheader(t("audit.rejects"))
common.table(
    page.rejects.with_columns(
        pl.col("reason")
        .replace_strict(
            {r: t(f"reason.{r}") for r in page.rejects["reason"] if f"reason.{r}" in TEXTS},
            default=pl.col("reason"),
        )
        .alias("explanation")
    ),
    {
        "source": Col(t("runs.source")),
        "reason": Col(t("rejects.reason")),
        "rows": Col(t("rejects.rows"), "number"),
        "explanation": Col(t("rejects.explanation")),
    },
)

common.download(page.rejects, "geweigerde_regels", common.source())

st.subheader(t("audit.quality"))
row = common.cards()  # wraps onto more rows on a narrow screen: no label is cut
untagged, calls = page.calls_without_product
with common.card(row):
    st.metric(
        t("quality.untagged_share"), formatting.share(page.untagged_share, lang(), 1), border=True
    )
    st.caption(
        t(
            "audit.untagged_note",
            calls=formatting.number(untagged, lang()),
            of=formatting.number(calls, lang()),
            period=page.period.name,
        )
    )
for key in ("unknown", "gaps"):  # a short label on the card; what it counts in its help
    with common.card(row):
        st.metric(
            t(f"card.{key}"),
            formatting.number(page.quality[key], lang()),
            help=t(f"quality.{key}"),
            border=True,
        )
with common.card(row):
    st.metric(
        t("card.unmapped_queues"),
        formatting.number(page.queues["in_period"].sum(), lang()),
        help=t("quality.unmapped_queues"),
        border=True,
    )
    if not page.queues.is_empty():
        st.caption(t("audit.unmapped_note", queues=", ".join(page.queues["queue"])))
if not page.gaps.is_empty():
    st.dataframe(
        charts.with_channel_labels(page.gaps, lang()).select(
            pl.Series(
                "period_month", [formatting.month(d, lang()) for d in page.gaps["period_month"]]
            ),
            pl.col("channel_label").alias("channel"),
        ),
        hide_index=True,
        column_config={"period_month": t("label.month"), "channel": t("label.channel")},
    )

st.subheader(t("audit.sources"))
st.caption(t("audit.sources_note"))
common.table(
    charts.with_channel_labels(page.sources, lang()).with_columns(
        pl.Series(
            "period_month", [formatting.month(d, lang()) for d in page.sources["period_month"]]
        ),
        pl.col("other_sources").fill_null(""),
        # counts a source may not give (offered in totals; nothing held elsewhere) are text:
        # the grid writes an empty number as "None", whatever its display value
        *(
            pl.Series(c, [formatting.number(x, lang()) for x in page.sources[c]], pl.String)
            for c in ("offered", "other_handled")
        ),
    ),
    {
        "period_month": Col(t("label.month"), pinned=True),
        "channel_label": Col(t("label.channel")),
        "source": Col(t("sources.source")),
        "handled": Col(t("sources.handled"), "number"),
        "offered": Col(t("sources.offered")),
        "other_sources": Col(t("sources.other_sources")),
        "other_handled": Col(t("sources.other_handled")),
    },
)
st.subheader(t("audit.actions"))
st.caption(t("audit.actions_note"))
done = common.recorded_actions(page.period.start, page.period.end)
if done.is_empty():
    st.info(t("audit.no_actions"))
else:
    common.table(
        done.with_columns(
            pl.col("action").replace_strict(
                {a: t(f"action.{a}") for a in done["action"].unique() if f"action.{a}" in TEXTS},
                default=pl.col("action"),
            )
        ),
        {
            "at": Col(t("actions.at"), "moment", pinned=True),
            "action": Col(t("actions.action")),
            "name": Col(t("actions.name")),
            "subject": Col(t("actions.subject")),
            "what": Col(t("actions.what")),
            "run_id": Col(t("actions.run_id"), "number"),
        },
    )
common.footer(found)
