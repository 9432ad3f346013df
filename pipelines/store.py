"""The DuckDB store: its tables (declared once, documented in the database) and atomic loads.

DuckDB lets one process write a file or many read it, never both. A load therefore never
writes the live file: it copies it, loads into the copy, checkpoints and renames the copy over
the live path. Readers keep the snapshot they opened; new connections see the new file; a
crash leaves the live file untouched. A lock file keeps two loads from racing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
from pydantic import BaseModel, ConfigDict

from pipelines.settings import REPO

DEFAULT_DB = REPO / "data" / "channelshift.duckdb"


class StoreColumn(BaseModel):
    """One column of a stored table."""

    model_config = ConfigDict(frozen=True)

    name: str
    type: str
    description: str
    backfill: str | None = None  # SQL that fills the column in rows stored before it existed


class Table(BaseModel):
    """A stored table: its grain, key and documented columns."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[StoreColumn, ...]
    time: str | None = None  # the column that places a row in time, for the marts' scope
    source: str | None = None  # the column naming each row's source, when sources share it
    nullable_key: tuple[str, ...] = ()  # key columns that may be empty (null is a value)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def joined(self, a: str, b: str) -> str:
        """Return the SQL condition that rows `a` and `b` have the same key."""
        return " and ".join(
            f"{a}.{k} is not distinct from {b}.{k}"
            if k in self.nullable_key
            else f"{a}.{k} = {b}.{k}"
            for k in self.key
        )

    def ddl(self) -> str:
        # the key is documented in the comment and kept by upsert(), not by an index
        cols = ",\n  ".join(f"{c.name} {c.type}" for c in self.columns)
        return f"create table if not exists {self.name} (\n  {cols}\n)"


def _c(name: str, type_: str, description: str, backfill: str | None = None) -> StoreColumn:
    return StoreColumn(name=name, type=type_, description=description, backfill=backfill)


RUN_ID = _c("run_id", "integer", "The load run that last inserted or changed this row.")
LINE = _c(
    "line_number",
    "bigint",
    "Line of this row in that run's file (Parquet: its row number; Excel: its row in the "
    "sheet): where the row came from.",
)
# columns a load writes about a row, not of it: a re-delivery that differs only here is unchanged
LINEAGE = ("run_id", "line_number")

TABLES: tuple[Table, ...] = (
    Table(
        name="products",
        description="One row per product in the catalogue (source: products).",
        key=("product_id",),
        columns=(
            _c("product_id", "varchar", "The municipality's product code."),
            _c("name_nl", "varchar", "Product name in Dutch."),
            _c("name_en", "varchar", "Product name in English; null when not given."),
            _c("category", "varchar", "Product group, e.g. Burgerzaken."),
            _c("owner_team", "varchar", "Team that owns the product."),
            _c("upl_uri", "varchar", "URI in the national product list (UPL)."),
            _c("digital_since", "date", "First day requestable fully online; null = not digital."),
            _c("introduced_on", "date", "First day the product exists; null = always existed."),
            _c("retired_on", "date", "First day the product no longer exists; null = offered."),
            RUN_ID,
            LINE,
        ),
    ),
    Table(
        name="releases",
        description="One row per release of a product's digital service (source: releases).",
        key=("product_id", "released_on"),
        columns=(
            _c("product_id", "varchar", "Product the release belongs to."),
            _c("released_on", "date", "Day the release went live."),
            _c("title", "varchar", "What changed."),
            RUN_ID,
            LINE,
        ),
    ),
    Table(
        name="contacts",
        description="One row per contact in any channel, keyed by (source, contact_id): the "
        "exports web, phone and desk, the telephony's queue-log (phone calls), openforms (web "
        "submissions) and openklant (any channel). Where sources overlap, the marts count each "
        "channel-month from one source (mart_source_months). Times are local Europe/Amsterdam.",
        key=("source", "contact_id"),
        time="occurred_at",
        source="source",
        columns=(
            _c(
                "source",
                "varchar",
                "The source that delivered the contact: web, phone, desk, queue-log, openforms "
                "or openklant (a store made before sources were kept: the channel).",
                backfill="channel",
            ),
            _c("channel", "varchar", "web (click), phone (call) or desk (face)."),
            _c("contact_id", "varchar", "Identifier of the contact within its source."),
            _c(
                "occurred_at",
                "timestamp",
                "Local time (Europe/Amsterdam, no offset) the "
                "request was submitted, the call came in or the visitor arrived.",
            ),
            _c("product_id", "varchar", "Product; null = not tagged (calls) or not given."),
            _c("team", "varchar", "Team that handled the call or visit; null for web."),
            _c("wait_seconds", "double", "Seconds waiting in the queue; null for web."),
            _c(
                "handle_seconds",
                "double",
                "Staff seconds: talk time (phone), service time (desk); null for web.",
            ),
            _c(
                "is_handled",
                "boolean",
                "The contact was handled: web completed, phone not abandoned, desk always.",
            ),
            _c("is_completed", "boolean", "Web: the request was submitted (not abandoned)."),
            _c("is_abandoned", "boolean", "Phone: the caller hung up before being answered."),
            _c("is_resolved_first_contact", "boolean", "Phone: resolved in this call."),
            _c("is_by_appointment", "boolean", "Desk: the visit was booked in advance."),
            _c(
                "citizen_key",
                "varchar",
                "Keyed hash (HMAC-SHA256, first 128 bits as hex) of the resident's BSN, "
                "e-mail or phone number; the raw value is never stored.",
            ),
            RUN_ID,
            LINE,
        ),
    ),
    Table(
        name="corrections",
        description="One row per mistake corrected by hand (source: corrections).",
        key=("correction_id",),
        time="detected_at",
        columns=(
            _c("correction_id", "varchar", "Identifier of the correction."),
            _c(
                "detected_at",
                "timestamp",
                "Local time the mistake was found (midnight when the log gives a date).",
            ),
            _c("product_id", "varchar", "Product of the faulty request."),
            _c("origin_channel", "varchar", "Channel of the faulty request: web, phone, desk."),
            _c("contact_id", "varchar", "The contact that caused it, when known."),
            _c("minutes_spent", "double", "Staff minutes spent on the correction."),
            _c("error_type", "varchar", "Kind of mistake."),
            RUN_ID,
            LINE,
        ),
    ),
    Table(
        name="volumes",
        description="One row per month, channel, product and team of monthly totals (source: "
        "volumes), for months without a contact log. Figures that need single contacts "
        "(service level, waits, repeat contacts, first-contact resolution) are not made from "
        "them.",
        key=("period_month", "channel", "product_id", "team"),
        nullable_key=("product_id", "team"),
        time="period_month",
        columns=(
            _c("period_month", "date", "First day of the month the totals count."),
            _c("channel", "varchar", "web (click), phone (call) or desk (face)."),
            _c("product_id", "varchar", "Product; null = the totals are not split by product."),
            _c("team", "varchar", "Team; null = the totals are not split by team."),
            _c("handled", "bigint", "Contacts handled (web completed, calls answered, visits)."),
            _c(
                "offered",
                "bigint",
                "Contacts offered (incl. abandoned calls, unfinished web requests); null = "
                "not known, not equal to handled.",
            ),
            RUN_ID,
            LINE,
        ),
    ),
    Table(
        name="load_runs",
        description="One row per file load attempt: the lineage of every figure.",
        key=("run_id",),
        columns=(
            _c("run_id", "integer", "Number of the run, increasing."),
            _c("started_at", "timestamp", "Local time the load of the file started."),
            _c("finished_at", "timestamp", "Local time the load of the file finished."),
            _c(
                "source",
                "varchar",
                "products, releases, web, phone, desk, corrections, queue-log, volumes, "
                "openforms or openklant.",
            ),
            _c(
                "file",
                "varchar",
                "Name of the file (or folder) as given on the command line; a pull from an "
                "API (--from-api): the address it was given.",
            ),
            _c(
                "file_sha256",
                "varchar",
                "SHA-256 of the file's bytes (a folder: of its files' names and bytes, in name "
                "order).",
            ),
            _c("mapping_file", "varchar", "Mapping file used, if any."),
            _c("mapping_sha256", "varchar", "SHA-256 of the mapping file, if any."),
            _c("rows_read", "bigint", "Data rows in the file (header excluded)."),
            _c("rows_loaded", "bigint", "Rows accepted: inserted + updated + unchanged."),
            _c("rows_inserted", "bigint", "Accepted rows with a key not yet in the store."),
            _c(
                "rows_updated",
                "bigint",
                "Accepted rows that replaced a stored row with "
                "other content (the latest load wins).",
            ),
            _c("rows_unchanged", "bigint", "Accepted rows identical to the stored row."),
            _c(
                "rows_duplicate",
                "bigint",
                "Repeats of a record later in the same file (the same line, or the same "
                "values written differently); the record loads once, from its last line.",
            ),
            _c("rows_rejected", "bigint", "Rows quarantined in load_rejects."),
            _c(
                "status",
                "varchar",
                "ok, skipped (same file and mapping already loaded) or "
                "failed (nothing of the file loaded).",
            ),
            _c("message", "varchar", "Why the file failed or was skipped."),
        ),
    ),
    Table(
        name="load_rejects",
        description="One row per rejected cell: rows that could not be trusted, with reason.",
        key=(),
        columns=(
            _c("run_id", "integer", "The load run that rejected the row."),
            _c("source", "varchar", "Source of the file."),
            _c("file", "varchar", "Name of the file."),
            _c(
                "line_number",
                "bigint",
                "Line of the record in the file (the header is "
                "line 1; for Parquet, the row counted from 1; for Excel, the sheet's row).",
            ),
            _c(
                "column_name",
                "varchar",
                "Canonical column that failed (null when the whole line is wrong).",
            ),
            _c("value", "varchar", "The value as found in the file."),
            _c("reason", "varchar", "Reject reason code (docs/data-contract.md)."),
            _c(
                "raw_line",
                "varchar",
                "The record's fields joined by the file's delimiter (Excel: ;), with "
                "citizen_ref masked (a queue log's call: the record made of its events; a line "
                "that is no event: the line, masked; Open Klant: the fields read as JSON, "
                "onderwerp left out, the resident masked; a line that is no JSON object: only "
                "what it is and its length).",
            ),
        ),
    ),
    Table(
        name="load_findings",
        description="One row per data-quality finding of a load run about what its rows do "
        "not show by themselves: a queue of a queue log that the mapping's [teams] lacks "
        "(finding unmapped_queue; its calls keep the queue's name as team).",
        key=("run_id", "finding", "value"),
        columns=(
            _c("run_id", "integer", "The load run that found it."),
            _c("finding", "varchar", "What was found: unmapped_queue."),
            _c("value", "varchar", "What it was found about: the queue's name."),
            _c("rows", "bigint", "Records of the file it concerns: the queue's calls read."),
        ),
    ),
)

TABLE = {t.name: t for t in TABLES}


def db_path(arg: str | os.PathLike | None = None) -> Path:
    """Return the database path: the argument, else CHANNELSHIFT_DB, else data/."""
    return Path(arg or os.environ.get("CHANNELSHIFT_DB") or DEFAULT_DB)


def contacts_frame(channel: str | pl.Expr, **columns: pl.Expr | str) -> list[pl.Expr]:
    """Return the select list of a contacts row; columns not given are typed nulls.

    `channel` is one channel for the whole file, or an expression. The loader adds the
    row's source (the source module's name) and lineage."""
    dtypes = {
        "varchar": pl.String,
        "double": pl.Float64,
        "boolean": pl.Boolean,
        "timestamp": pl.Datetime("us"),
    }
    exprs = []
    for col in TABLE["contacts"].columns:
        if col.name in LINEAGE or col.name == "source":
            continue
        if col.name == "channel":
            expr = pl.lit(channel) if isinstance(channel, str) else channel
        elif col.name in columns:
            expr = columns[col.name]
            expr = pl.col(expr) if isinstance(expr, str) else expr
        else:
            expr = pl.lit(None)
        exprs.append(expr.cast(dtypes[col.type]).alias(col.name))
    return exprs


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and columns, and write the comments that differ from these
    declarations. A column declared later is added to a store made before (empty in its
    earlier rows)."""
    for table in TABLES:
        con.execute(table.ddl())
    stored = dict(
        con.execute(
            "select table_name, comment from duckdb_tables() union all "
            "select table_name || '.' || column_name, comment from duckdb_columns()"
        ).fetchall()
    )
    for table in TABLES:
        key = f" Key: ({', '.join(table.key)}), unique." if table.key else ""
        if stored.get(table.name) != table.description + key:
            con.execute(f"comment on table {table.name} is {literal(table.description + key)}")
        for col in table.columns:
            name = f"{table.name}.{col.name}"
            if name not in stored:
                con.execute(f"alter table {table.name} add column {col.name} {col.type}")
                if col.backfill:
                    con.execute(f"update {table.name} set {col.name} = {col.backfill}")
            if stored.get(name) != col.description:
                con.execute(f"comment on column {name} is {literal(col.description)}")


class Arrow:
    """A Polars frame that DuckDB scans (by its variable's name) through the Arrow C stream.

    DuckDB reads a plain Polars frame through pyarrow, whose import is a noticeable part of a
    small load (BENCHMARKS.md); the C stream needs no pyarrow.
    `pl.DataFrame(relation)` reads query results back the same way.
    """

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)


def literal(text: str) -> str:
    """Quote our own text as an SQL string literal (COMMENT ON and ATTACH take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


# DuckDB's memory for a load; beyond it, DuckDB spills to disk (BENCHMARKS.md: memory)
MEMORY_ENV, MEMORY_LIMIT = "CHANNELSHIFT_LOAD_MEMORY", "1GB"


@contextlib.contextmanager
def writable(db: Path, publish: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a copy of the store; publish it atomically on success.

    Whatever goes wrong, the live file stays as it was and no copy is left beside it; what
    the machine refuses (space, rights, a damaged store) comes as one StoreProblem. With
    `publish` False (a dry run) the copy is thrown away at the end.
    """
    tmp = db.with_name(db.name + ".next")
    leftovers = (tmp, tmp.with_name(tmp.name + ".wal"))
    try:
        with _refused(db):
            db.parent.mkdir(parents=True, exist_ok=True)
        with _lock(db):
            with _refused(db):
                for leftover in leftovers:
                    leftover.unlink(missing_ok=True)  # from a load that crashed
                if db.exists():
                    _copy(db, tmp)
                con = duckdb.connect(
                    str(tmp), config={"memory_limit": os.environ.get(MEMORY_ENV, MEMORY_LIMIT)}
                )
            try:
                with _refused(db):
                    create_schema(con)
                yield con
                with _refused(db):
                    con.execute("checkpoint")
            finally:
                con.close()
            if publish:
                with _refused(db):
                    os.replace(tmp, db)
    finally:
        for leftover in leftovers:
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


# linux/fs.h: _IOW(0x94, 9, int); in Python's fcntl from 3.12 on
FICLONE = getattr(fcntl, "FICLONE", 0x40049409)


def _copy(db: Path, to: Path) -> None:
    """Copy the store to `to`, as a clone where the filesystem shares blocks (XFS, Btrfs).

    A clone is made at once and leaves the checkpoint only the blocks a load changes to write.
    A copy writes the whole store again, and the checkpoint waits until all of it is on disk:
    at 10M contacts about 0.3 s of one more day (BENCHMARKS.md). ext4 cannot clone.
    """
    # refused (not this filesystem, or not across filesystems): copied
    with open(db, "rb") as source, open(to, "wb") as target, contextlib.suppress(OSError):
        fcntl.ioctl(target.fileno(), FICLONE, source.fileno())
        return
    shutil.copyfile(db, to)


class StoreProblem(Exception):
    """The store cannot be written (full disk, read-only folder, damaged file); the live store
    is as it was. The message is one line for the person loading."""


@contextlib.contextmanager
def _refused(db: Path) -> Iterator[None]:
    """Turn what the machine or DuckDB refuses about the store itself into a StoreProblem."""
    try:
        yield
    except OSError as exc:
        raise StoreProblem(f"{db}: cannot write the store ({exc.strerror or exc})") from exc
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise StoreProblem(f"{db}: not a usable DuckDB store ({first})") from exc


@contextlib.contextmanager
def _lock(db: Path) -> Iterator[None]:
    with _refused(db):
        handle = open(db.with_name(db.name + ".lock"), "w")  # noqa: SIM115 (held until the end)
        fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def read_only(db: Path) -> duckdb.DuckDBPyConnection:
    """Open the live store for reading; loads publish new files beside it.

    `duckdb.connect(path)` reuses an instance already open in this process for that path,
    which would keep serving the file a load has since replaced; ATTACH opens the file anew.
    """
    con = duckdb.connect()
    con.execute(f"attach {literal(str(db))} as store (read_only)")
    con.execute("use store")
    return con


CHANGED_DAYS = "create temp table if not exists changed_days (day date)"


def record_days(
    con: duckdb.DuckDBPyConnection, table: str, rows: str, params: list | None = None
) -> None:
    """Add the days that new or changed rows fall on to `changed_days`, for the marts.

    `rows` is a FROM clause whose rows are called `s`, e.g. "contacts s where s.run_id = ?"
    with its `params`.
    """
    spec = TABLE[table]
    if spec.time:
        con.execute(CHANGED_DAYS)
        con.execute(
            f"insert into changed_days select distinct cast(s.{spec.time} as date) from {rows}",
            params or [],
        )


def upsert(con: duckdb.DuckDBPyConnection, table: str, rows: str) -> tuple[int, int]:
    """Insert new keys and replace changed rows, leaving identical ones; return (inserted, updated).

    `rows` names a table or view with the table's columns, holding each key once (loads drop
    superseded lines). The key is kept here, not by a primary-key index: at ten million
    contacts the index costs more time and memory than these hash joins (BENCHMARKS.md).
    For a table placed in time, the days of the rows delivered and of the versions they
    replace go to the temporary table `changed_days`, from which the marts are brought up to
    date (metrics.marts.refresh).
    """
    spec = TABLE[table]
    content = [c for c in spec.names if c not in spec.key and c not in LINEAGE]
    join = spec.joined("s", "t")
    changed = " or ".join(f"s.{c} is distinct from t.{c}" for c in content) or "false"
    # the stored keys among the delivered ones, found by a semi join: DuckDB prunes its scan of
    # the table by the delivered keys' range, which it does not for an anti or outer join
    keys = ", ".join(f"t.{k}" for k in spec.key)
    stored = f"(select {keys} from {table} t semi join {rows} s on {join})"
    if not con.execute(f"select count(*) from {stored}").fetchall()[0][0]:  # all new: a first load
        (delivered,) = con.execute(f"select count(*) from {rows}").fetchall()[0]
        inserted, updated, stored = delivered, 0, None
    else:
        inserted, updated, delivered = con.execute(
            f"select count(*) filter (where t.{spec.key[0]} is null), "
            f"count(*) filter (where t.{spec.key[0]} is not null and ({changed})), count(*) "
            f"from {rows} s left join {table} t on {join}"
        ).fetchall()[0]
    if inserted or updated:
        touched = f"{rows} s"  # all new; else only the new and changed rows
        if inserted + updated < delivered:
            touched += f" left join {table} t on {join} where t.{spec.key[0]} is null or {changed}"
        record_days(con, table, touched)
    if updated:  # the days the replaced versions leave (here s is stored, t delivered)
        record_days(con, table, f"{table} s semi join {rows} t on {join} and ({changed})")
    if updated:
        con.execute(f"delete from {table} t using {rows} s where {join} and ({changed})")
    cols = ", ".join(f"s.{c}" for c in spec.names)
    new = f"{rows} s" + (f" anti join {stored} t on {join}" if stored else "")
    con.execute(f"insert into {table} ({', '.join(spec.names)}) select {cols} from {new}")
    return inserted, updated
