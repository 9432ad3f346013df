"""Gegevens laden (functional administrator): upload exports, check them, then load them.

The one page that writes: it hands the uploads to pipelines.upload, which runs the command
line's loader (a dry run to check, then the load). docs/loading.md#from-the-browser.
"""

import polars as pl
import streamlit as st

from app_pages import common
from app_pages.common import Col, lang, t
from metrics import charts, formatting
from metrics.texts import TEXTS
from pipelines import privacy, store, upload
from pipelines.dialect import presets
from pipelines.load import SOURCES, Run

ROUND = "load_round"  # session state: a new round empties the uploaders after a load
CHECKED = "load_checked"  # session state: (what was checked, its runs)
DONE = "load_done"  # session state: the runs of the last load, shown once

st.title(t("load.title"))
st.write(t("load.intro"))
if common.actor().subject == "local":
    st.warning(t("load.open"), icon=":material/lock_open:")
limit = common.settings().upload.max_megabytes
round_ = st.session_state.setdefault(ROUND, 0)


def show_runs(runs: list[Run]) -> None:
    """A row per file: run, source, file, status and counts, as the audit's lineage shows them."""
    columns = ("run_id", "source", "file", "status", "rows_read", "rows_loaded")
    columns += ("rows_inserted", "rows_updated", "rows_rejected", "message")
    frame = pl.DataFrame(
        [{c: getattr(run, c) for c in columns} for run in runs], orient="row"
    ).with_columns(
        pl.col("status").replace_strict(
            {s: t(f"runs.status.{s}") for s in ("ok", "skipped", "failed")},
            default=pl.col("status"),
        ),
        pl.col("message").fill_null(""),
    )
    common.table(
        frame,
        {c: Col(t(f"runs.{c}"), "number" if c.startswith("rows_") else "text") for c in columns},
    )


if DONE in st.session_state:
    runs = st.session_state.pop(DONE)
    ids = ", ".join(str(run.run_id) for run in runs)
    if any(run.status == "failed" for run in runs):
        st.error(t("load.done_failed"), icon=":material/error:")
    else:
        st.success(t("load.done", runs=ids), icon=":material/check_circle:")
    show_runs(runs)

files = st.file_uploader(
    t("load.files"),
    accept_multiple_files=True,
    max_upload_size=limit,
    key=f"w_upload_{round_}",
    help=t("load.limit", megabytes=limit),
)
st.caption(t("load.limit", megabytes=limit))
if not files:
    st.stop()
uploads = [upload.Uploaded(f.name, f.getvalue()) for f in files]
large = upload.too_large(uploads, limit)
if large:  # the browser keeps to the limit; this is the server's own check
    st.error(t("load.too_large", megabytes=limit, files=", ".join(large)), icon=":material/block:")
    st.stop()

with upload.staged(uploads) as paths:
    found = [upload.guesses(path) for path in paths]
    firsts = [guesses[0] for guesses in found if guesses]
    if firsts:
        named = [
            t("load.guess_preset", source=g.source, preset=g.preset) if g.preset else g.source
            for g in dict.fromkeys(firsts)
        ]
        st.caption(t("load.guessed", guesses=", ".join(named)))
    unknown = [path.name for path, guesses in zip(paths, found, strict=True) if not guesses]
    if unknown:
        st.info(t("load.not_guessed", files=", ".join(unknown)), icon=":material/help:")
    if len({g.source for g in firsts}) > 1:
        st.warning(t("load.one_source"), icon=":material/warning:")
    guess = firsts[0] if firsts else None
    sources = list(SOURCES)
    left, right = st.columns(2)
    source = left.selectbox(
        t("load.source"),
        sources,
        index=sources.index(guess.source) if guess else 0,
        key=f"w_source_{round_}",
    )
    own = upload.presets_of(source)
    options = ["none", *own, "upload"]
    # named now: a widget may name its options after the run (common.named)
    labels = {o: t(f"load.mapping.{o}") if o in ("none", "upload") else o for o in options}
    chosen = right.selectbox(
        t("load.mapping"),
        options,
        index=options.index(guess.preset) if guess and guess.preset in own else 0,
        format_func=labels.__getitem__,
        key=f"w_mapping_{round_}",
    )
    mapping = presets()[chosen] if chosen in own else None
    mapping_upload = None
    if chosen == "upload":
        mapping_upload = right.file_uploader(
            t("load.mapping_file"), type=["toml"], key=f"w_mapping_file_{round_}"
        )
        if mapping_upload is None:
            st.stop()
    with upload.staged(
        [upload.Uploaded(mapping_upload.name, mapping_upload.getvalue())] if mapping_upload else []
    ) as mapping_paths:
        mapping = mapping_paths[0] if mapping_paths else mapping
        what = (
            tuple(f.file_id for f in files),
            source,
            chosen,
            mapping_upload.file_id if mapping_upload else None,
        )
        db, settings = common.db(), common.settings()
        if st.button(t("load.check"), icon=":material/fact_check:"):
            with st.spinner(t("load.checking")):
                try:
                    runs = upload.preview(db, paths, source, mapping, settings)
                except (privacy.KeyProblem, store.StoreProblem) as exc:
                    st.error(t("load.problem", problem=str(exc)), icon=":material/error:")
                    st.stop()
            st.session_state[CHECKED] = (what, runs)
        checked = st.session_state.get(CHECKED)
        if not checked or checked[0] != what:
            st.stop()
        runs = checked[1]

        st.subheader(t("load.preview"))
        for run in runs:
            st.markdown(f"**{common.plain(run.file)}** · {run.source}")
            if run.status != "ok":
                show = st.error if run.status == "failed" else st.info
                show(f"{t(f'runs.status.{run.status}')}: {run.message}")
                continue
            row = common.cards()
            for label, value in (
                (t("runs.rows_read"), run.rows_read),
                (t("load.would_load"), run.rows_loaded),
                (t("runs.rows_duplicate"), run.rows_duplicate),
                (t("runs.rows_rejected"), run.rows_rejected),
            ):
                common.card(row).metric(label, formatting.number(value, lang()), border=True)
            if run.message:
                st.warning(run.message)
            covers = run.preview.covers
            if covers.is_empty():
                st.caption(t("load.covers_none"))
            else:
                st.caption(t("load.covers"))
                common.table(
                    charts.with_channel_labels(covers, lang()).with_columns(
                        pl.Series(
                            "month", [formatting.month(d, lang()) for d in covers["period_month"]]
                        ),
                        pl.col("counted").fill_null("–"),
                    ),
                    {
                        "month": Col(t("label.month")),
                        "channel_label": Col(t("label.channel")),
                        "rows": Col(t("load.would_load"), "number"),
                        "counted": Col(t("load.counted")),
                    },
                )
                others = covers.filter(pl.col("counted") != run.source).height
                if others:
                    st.info(t("load.not_counted", months=others), icon=":material/info:")
            if run.rows_rejected:
                st.caption(t("load.rejects"))
                common.table(
                    run.preview.rejects.with_columns(
                        pl.col("reason").replace_strict(
                            {
                                r: t(f"reason.{r}")
                                for r in run.preview.rejects["reason"].unique()
                                if f"reason.{r}" in TEXTS
                            },
                            default=pl.col("reason"),
                        )
                    ),
                    {
                        "reason": Col(t("rejects.reason")),
                        "line_number": Col(t("load.line"), "number"),
                        "column_name": Col(t("load.column")),
                        "value": Col(t("load.value")),
                        "raw_line": Col(t("load.raw_line")),
                    },
                )

        loadable = any(run.status == "ok" and run.rows_loaded for run in runs)
        if st.button(
            t("load.load"), type="primary", icon=":material/upload:", disabled=not loadable
        ):
            with st.status(t("load.loading"), expanded=True) as box:
                bar = st.progress(0.0)

                def progress(done: int, of: int, name: str | None) -> None:
                    said = (
                        t("load.loading_file", done=done + 1, of=of, file=name)
                        if name
                        else t("load.loading_marts")
                    )
                    bar.progress(done / max(of, 1), text=said)

                try:
                    runs = upload.load_files(db, paths, source, mapping, settings, progress)
                except (privacy.KeyProblem, store.StoreProblem) as exc:
                    box.update(state="error")
                    st.error(t("load.problem", problem=str(exc)), icon=":material/error:")
                    st.stop()
                box.update(state="complete")
            for run in runs:
                common.record("load", f"{run.source} {run.file}: {run.status}", run.run_id)
            st.session_state[DONE] = runs
            st.session_state.pop(CHECKED, None)
            st.session_state[ROUND] = round_ + 1
            st.rerun()
