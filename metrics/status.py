"""The state of a store: row counts, recent loads, rejects by reason and data quality."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from metrics.texts import text
from pipelines import marts, privacy, store

# The queues of queue-log runs that the mapping's [teams] lacked (their calls' team is the name)
UNMAPPED = "select run_id, value from load_findings where finding = 'unmapped_queue'"
# Findings that do not stop a load (labels: quality.<key> in metrics.texts). Contacts are
# counted from mart_product_channel (offered contacts) and corrections from mart_corrections
# (every correction, by month), so the cost does not grow with them;
# unmapped_queues reads only the contacts of the runs that found such a queue (the join's
# run_ids prune the scan).
QUALITY = {
    "untagged": "select coalesce(sum(offered_contacts), 0) from mart_product_channel "
    "where channel = 'phone' and product_id is null",
    "unknown": "select coalesce(sum(offered_contacts), 0) from mart_product_channel m "
    "where m.product_id is not null "
    "and not exists (select 1 from products p where p.product_id = m.product_id)",
    "unknown_corrections": "select coalesce(sum(corrections), 0) from mart_corrections m "
    "where m.product_id is not null "
    "and not exists (select 1 from products p where p.product_id = m.product_id)",
    # a call keeps the run that last wrote it: a reload with a mended mapping clears it
    "unmapped_queues": f"select count(*) from contacts c semi join ({UNMAPPED}) q "
    "on c.run_id = q.run_id and c.team = q.value",
}


def counts(db: Path) -> dict[str, int]:
    """Return the number of rows per stored table."""
    with store.read_only(db) as con:
        return {
            t.name: con.execute(f"select count(*) from {t.name}").fetchall()[0][0]
            for t in store.TABLES
        }


def quality(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return the data-quality findings that do not stop a load, by key of QUALITY."""
    return {key: con.execute(sql).fetchall()[0][0] for key, sql in QUALITY.items()}


def _readable(rows: int = 50) -> pl.Config:
    """Tables as a person reads them: no type rows, whole file names and messages."""
    return pl.Config(
        tbl_rows=rows,
        tbl_cols=-1,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        fmt_str_lengths=1000,
        tbl_width_chars=1000,
        tbl_formatting="ASCII_MARKDOWN",
    )


def unmapped_queues(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Return the names of the queues whose stored calls have no team from the mapping."""
    return [
        name
        for (name,) in con.execute(
            f"select distinct q.value from ({UNMAPPED}) q semi join contacts c "
            "on c.run_id = q.run_id and c.team = q.value order by 1"
        ).fetchall()
    ]


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store holds only the demo municipality: every file `channelshift demo`
    wrote, in its exports folder."""
    files = con.execute("select file from load_runs where status = 'ok'").fetchall()
    return bool(files) and all(
        Path(f).parent.parent.name == privacy.DEMO_EXPORTS
        or Path(f).parent.name == privacy.DEMO_EXPORTS
        for (f,) in files
    )


def _marts_sha256(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the SQL the store's marts were built with (None: never built)."""
    try:
        return con.execute("select marts_sha256 from settings").fetchall()[0][0]
    except (duckdb.Error, IndexError):
        return None


def report(db: Path, last: int = 10) -> str:
    """Return the status report printed by `channelshift status`: newest loads first, a failed
    or skipped one with its message."""
    with store.read_only(db) as con:
        runs = con.sql(
            "select run_id as run, strftime(finished_at, '%Y-%m-%d %H:%M') as finished, "
            "source, status, rows_read as read, rows_loaded as loaded, "
            "rows_updated as updated, rows_duplicate as duplicate, rows_rejected as rejected, "
            "file, coalesce(message, '') as message from load_runs "
            "order by run_id desc limit ?",
            params=[last],
        ).pl()
        reasons = con.sql(
            "select source, reason, count(distinct (run_id, line_number)) as rows "
            "from load_rejects group by all order by source, rows desc"
        ).pl()
        found = quality(con)
        queues = unmapped_queues(con)
        demo = is_demo(con)
        built = _marts_sha256(con)
    warnings = privacy.key_warnings(db, demo)
    stale = built != marts.fingerprint()
    with _readable():
        parts = [
            f"Database {db}"
            + (
                "\n  WARNING: its marts were built by another version of the product: run "
                "`channelshift refresh` (or any load) before the dashboard reads it"
                if stale
                else ""
            ),
            "Rows per table:\n" + "\n".join(f"  {k:14} {v:>12,}" for k, v in counts(db).items()),
            f"Last {last} loads:\n{runs}",
            f"Rejected rows by reason:\n{reasons}",
            "Data quality:\n"
            + "\n".join(f"  {text(f'quality.{k}', 'en')}: {v:,}" for k, v in found.items())
            + (f"\n  (queues: {', '.join(queues)})" if queues else ""),
            "Pseudonymisation key:\n"
            + (
                "\n".join(f"  WARNING: {w}" for w in warnings)
                or f"  {privacy.key_path(db)}" + (" (the demo)" if demo else "")
            ),
        ]
    return "\n\n".join(parts)


def rejects(db: Path, run: int | None = None, reason: str | None = None, limit: int = 50) -> str:
    """Return the rejected rows (newest run first) as `channelshift rejects` prints them: line,
    column, value and reason, with the raw line as it was stored (references masked)."""
    where = " and ".join(
        c for c, v in (("run_id = $run", run), ("reason = $reason", reason)) if v is not None
    )
    with store.read_only(db) as con:
        found = con.sql(
            "select run_id as run, file, line_number as line, coalesce(column_name, '') as column, "
            "coalesce(value, '') as value, reason, coalesce(raw_line, '') as raw_line "
            f"from load_rejects {'where ' + where if where else ''} "
            "order by run_id desc, line_number, column_name limit $limit",
            params={"limit": limit}
            | ({"run": run} if run is not None else {})
            | ({"reason": reason} if reason is not None else {}),
        ).pl()
    if found.is_empty():
        return "No rejected rows" + (" for this selection" if where else "") + "."
    with _readable(limit):
        return str(found)
