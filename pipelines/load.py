"""Loading files: read, validate, pseudonymise, stage and upsert, one transaction per file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import duckdb
import polars as pl
from tqdm import tqdm

from pipelines import dialect, marts, privacy, store
from pipelines.schema import SourceSchema
from pipelines.settings import Plausible, Settings, local_now
from pipelines.settings import load as load_settings
from pipelines.sources import (
    corrections,
    desk,
    openforms,
    openklant,
    phone,
    products,
    queue_log,
    releases,
    volumes,
    web,
)
from pipelines.validate import Validated, validate

T = TypeVar("T")
SOURCES: dict[str, ModuleType] = {
    m.SCHEMA.name: m
    for m in (
        products,
        releases,
        web,
        phone,
        desk,
        corrections,
        queue_log,
        volumes,
        openforms,
        openklant,
    )
}


@dataclass
class Run:
    """What happened to one file: a row of load_runs plus the rejects by reason."""

    run_id: int
    source: str
    file: str
    file_sha256: str
    mapping_file: str | None = None
    mapping_sha256: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    status: str = "ok"
    message: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)
    findings: dict[str, list[str]] = field(default_factory=dict)  # load_findings: values
    preview: Preview | None = None  # a dry run's: what the file covers, its first rejects

    def summary(self) -> str:
        """Return the one-line summary printed per file."""
        if self.status == "failed":
            return f"FAILED {self.file}: {self.message}"
        if self.status == "skipped":
            return f"skipped {self.file}: {self.message}"
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.reasons.items()))
        found = "".join(f"; {k} {', '.join(v)}" for k, v in sorted(self.findings.items()))
        return (
            f"{self.source} {self.file}: read {self.rows_read}, loaded {self.rows_loaded} "
            f"(new {self.rows_inserted}, updated {self.rows_updated}, "
            f"unchanged {self.rows_unchanged}), duplicate {self.rows_duplicate}, "
            f"rejected {self.rows_rejected}"
            + (f" ({reasons})" if reasons else "")
            + found
            + (f"; WARNING: {self.message}" if self.message else "")
        )


@dataclass(frozen=True)
class Preview:
    """What a dry run found of one file, read from the copy before it is thrown away.

    `covers`: one row per month and channel the file's accepted rows fall in (period_month,
    channel, rows) and the source that counts that channel-month once loaded (`counted`; by
    the settings' `sources` order, mart_source_months; null for a table the rule does not
    cover: corrections). `rejects`: the first PREVIEW_REJECTS rejected cells per reason, as
    load_rejects holds them (raw line and value masked).
    """

    covers: pl.DataFrame
    rejects: pl.DataFrame


PREVIEW_REJECTS = 10  # rejected cells per reason a dry run hands back
# the column that places a row in a month and the one naming its channel, per stored table
COVERS = {
    "contacts": ("occurred_at", "channel"),
    "volumes": ("period_month", "channel"),
    "corrections": ("detected_at", "origin_channel"),
}
# Called before each file (done, of, the file's name) and once more when the marts are built
# (done == of, name None): the dashboard's progress bar.
Progress = Callable[[int, int, str | None], None]

STEPS = ("read", "validate", "pseudonymise", "store")
# A file that holds no records loads nothing, and says so (status ok, exit code 0).
NOTHING = {
    "empty": "the file is empty: nothing loaded",
    "header_only": "the file holds a header but no records: nothing loaded",
}
IDENTITY = (
    "run_id",
    "source",
    "file",
    "file_sha256",
    "mapping_file",
    "mapping_sha256",
    "started_at",
)


@dataclass(frozen=True)
class Delivery:
    """Files of one source, with the mapping file that reads them (if any)."""

    source: str
    files: tuple[Path, ...]
    mapping: Path | None = None
    label: str | None = None  # what load_runs calls the files (a pull: the API's address)
    mapping_label: str | None = None  # and the mapping file (an upload: its own name)


def load_files(
    db: Path,
    source: str,
    files: Sequence[Path],
    mapping: Path | None = None,
    *,
    now: datetime | None = None,
    force: bool = False,
    settings: Settings | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[Run]:
    """Load files of one source into the store; each file commits or fails on its own."""
    return load_deliveries(
        db,
        [Delivery(source, tuple(files), mapping)],
        now=now,
        force=force,
        settings=settings,
        dry_run=dry_run,
        progress=progress,
    )


def load_openklant_api(
    db: Path,
    url: str,
    mapping: Path | None = None,
    *,
    now: datetime | None = None,
    force: bool = False,
    settings: Settings | None = None,
    dry_run: bool = False,
) -> list[Run]:
    """Pull klantcontacten from Open Klant's API and load them as one delivery.

    The pull walks back to the newest klantcontact stored from openklant minus the settings'
    window (all pages when none is stored), with the token in CHANNELSHIFT_OPENKLANT_TOKEN.
    Its pages wait in a temporary folder (the fields read only) until the load has run; the
    run names the address. A pull that fails raises openklant.PullError: nothing loads.
    """
    settings = settings or load_settings()
    newest = _newest(db, openklant.SCHEMA.name)
    since = newest - timedelta(days=settings.openklant.window_days) if newest else None
    with tempfile.TemporaryDirectory(prefix="openklant-") as folder:
        openklant.pull(url, Path(folder), since, os.environ.get(openklant.TOKEN_ENV))
        delivery = Delivery(openklant.SCHEMA.name, (Path(folder),), mapping, label=url)
        return load_deliveries(
            db, [delivery], now=now, force=force, settings=settings, dry_run=dry_run
        )


def _newest(db: Path, source: str) -> datetime | None:
    """Return the latest time of the contacts that a source's runs stored; None for none."""
    if not db.exists():
        return None
    with store.read_only(db) as con:
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
        if not {"contacts", "load_runs"} <= tables:
            return None
        return con.execute(
            "select max(c.occurred_at) from contacts c join load_runs r using (run_id) "
            "where r.source = ?",
            [source],
        ).fetchall()[0][0]


def load_deliveries(
    db: Path,
    deliveries: Sequence[Delivery],
    *,
    now: datetime | None = None,
    force: bool = False,
    settings: Settings | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[Run]:
    """Load several deliveries, rebuild the marts and publish it all at once.

    Each file's line is printed once the load is published: what it says is in the store.
    A dry run reads, validates, pseudonymises and reports as a load would, on a copy that is
    thrown away: the store, its key and its folder stay as they were. Its runs carry a
    Preview (what each file covers, its first rejects), read from the copy before it goes.
    """
    unknown = {d.source for d in deliveries} - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown source {unknown}; choose from {', '.join(SOURCES)}")
    key = privacy.key_for(db, create=not dry_run)
    settings = settings or load_settings()
    todo = [(d, Path(f)) for d in deliveries for f in d.files]
    with contextlib.ExitStack() as stack:
        if dry_run and not db.exists():  # nothing to copy: work in a folder of its own
            db = Path(stack.enter_context(tempfile.TemporaryDirectory())) / db.name
        con = stack.enter_context(store.writable(db, publish=not dry_run))
        runs = _load_all(con, todo, key, now, force, settings, progress, preview=dry_run)
        if dry_run:
            _previews(con, runs)
    for run in runs:
        print(run.summary() + (" (dry run: nothing stored)" if dry_run else ""))
    return runs


def _load_all(
    con: duckdb.DuckDBPyConnection,
    todo: list[tuple[Delivery, Path]],
    key: bytes,
    now: datetime | None,
    force: bool,
    settings: Settings,
    progress: Progress | None = None,
    preview: bool = False,
) -> list[Run]:
    """Load every file on the store's copy, then bring the marts up to date."""
    runs = []
    with tqdm(total=len(todo) * len(STEPS), unit="step", disable=not sys.stderr.isatty()) as bar:
        for done, (delivery, path) in enumerate(todo):
            bar.set_description(path.name)
            if progress:
                progress(done, len(todo), delivery.label or path.name)
            module = SOURCES[delivery.source]
            run = _load_file(
                con,
                module,
                path,
                delivery.mapping,
                key,
                now,
                force,
                bar,
                settings.plausible,
                delivery.label,
                preview,
                delivery.mapping_label,
            )
            bar.update(
                done * len(STEPS) + len(STEPS) - bar.n
            )  # skipped and failed files skip steps
            runs.append(run)
        if progress:
            progress(len(todo), len(todo), None)
        changed = {SOURCES[r.source].SCHEMA.table for r in runs if r.rows_inserted + r.rows_updated}
        marts.refresh(con, settings, changed)
    return runs


def _previews(con: duckdb.DuckDBPyConnection, runs: list[Run]) -> None:
    """Give each run of a dry run its Preview, from the copy with its marts brought up to date."""
    for run in runs:
        if run.preview is None:  # skipped or failed: nothing read into the copy
            run.preview = Preview(_no_covers(), _first_rejects(con, -1))
            continue
        covers = store.Arrow(run.preview.covers)  # noqa: F841 (DuckDB scans it by name)
        counted = pl.DataFrame(
            con.sql(
                "select c.period_month, c.channel, c.rows, m.source as counted from covers c "
                "left join mart_source_months m on m.period_month = c.period_month "
                "and m.channel = c.channel and m.is_counted order by c.period_month, c.channel"
            )
            if SOURCES[run.source].SCHEMA.table != "corrections"
            else con.sql("select *, null::varchar as counted from covers order by all")
        )
        run.preview = Preview(counted, _first_rejects(con, run.run_id))


def _no_covers() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "period_month": pl.Date,
            "channel": pl.String,
            "rows": pl.Int64,
            "counted": pl.String,
        }
    )


def _first_rejects(con: duckdb.DuckDBPyConnection, run_id: int) -> pl.DataFrame:
    """The first PREVIEW_REJECTS rejected cells per reason of a run, in line order."""
    return pl.DataFrame(
        con.sql(
            "select reason, line_number, column_name, value, raw_line from load_rejects "
            "where run_id = $run qualify row_number() over (partition by reason "
            "order by line_number, column_name) <= $n order by reason, line_number, column_name",
            params={"run": run_id, "n": PREVIEW_REJECTS},
        )
    )


def _covers(con: duckdb.DuckDBPyConnection, table: str, rows_of: str, run_id: int) -> pl.DataFrame:
    """The months and channels a run's accepted rows fall in, with their rows."""
    if table not in COVERS:  # the catalogue, releases: no month, no channel
        return _no_covers().drop("counted")
    time, channel = COVERS[table]
    return pl.DataFrame(
        con.sql(
            f"select cast(date_trunc('month', {time}) as date) as period_month, "
            f"{channel} as channel, count(*) as rows from {rows_of} where run_id = ? "
            "group by all order by all",
            params=[run_id],
        )
    )


def _load_file(
    con: duckdb.DuckDBPyConnection,
    module: ModuleType,
    path: Path,
    mapping: Path | None,
    key: bytes,
    now: datetime | None,
    force: bool,
    bar: tqdm,
    plausible: Plausible,
    label: str | None = None,
    preview: bool = False,
    mapping_label: str | None = None,
) -> Run:
    schema = module.SCHEMA
    run = Run(
        run_id=con.execute("select coalesce(max(run_id), 0) + 1 from load_runs").fetchall()[0][0],
        source=schema.name,
        file=label or _name(path),
        file_sha256="",  # known when the thread beside the load has read the file
        mapping_file=(mapping_label or _name(mapping)) if mapping else None,
        mapping_sha256=_sha256(mapping) if mapping else None,
        started_at=local_now(),
    )
    with ThreadPoolExecutor(1) as pool:
        digest = _Digest(pool.submit(_sha256, path), con.cursor(), run, force)
        con.begin()
        try:
            spec = dialect.read_mapping(mapping, schema) if mapping else None
            digest.check()
            if path.is_file() and path.stat().st_size == 0:
                run.message = NOTHING["empty"]
            else:
                _load_batches(
                    con, module, path, spec, key, now, run, bar, plausible, preview, digest
                )
                run.message = None if run.rows_read else NOTHING["header_only"]
            digest.check(wait=True)
            _record(con, run)
            con.commit()
        except _AlreadyLoaded as loaded:
            con.rollback()
            run = Run(**{f: getattr(run, f) for f in IDENTITY}, status="skipped")
            run.message = f"same file and mapping already loaded in run {loaded.run_id}"
            _record(con, run)
        except Exception as exc:
            con.rollback()
            problem = exc.problem if isinstance(exc, dialect.FileError) else repr(exc)
            problem = privacy.mask_text(problem)  # a parser's message may quote a record
            run.file_sha256 = digest.future.result()
            run = Run(**{f: getattr(run, f) for f in IDENTITY}, status="failed", message=problem)
            _record(con, run)
    return run


class _AlreadyLoaded(Exception):
    def __init__(self, run_id: int):
        self.run_id = run_id


@dataclass
class _Digest:
    """The file's SHA-256, read in a thread beside the load (it costs a pass over the file).

    `check` raises _AlreadyLoaded as soon as the digest shows that the same file with the
    same mapping loaded before (unless forced): the load stops there and stores nothing but
    its skipped run. Hashing beside the load instead of before it keeps a new file's load
    from waiting for the pass (BENCHMARKS.md); a file loaded before is found after at most
    one batch beyond the time the pass takes.
    """

    future: Future[str]
    con: duckdb.DuckDBPyConnection
    run: Run
    force: bool

    def check(self, wait: bool = False) -> None:
        if self.run.file_sha256 or not (wait or self.future.done()):
            return
        self.run.file_sha256 = self.future.result()
        earlier = self.con.execute(
            "select max(run_id) from load_runs where source = ? and file_sha256 = ? "
            "and mapping_sha256 is not distinct from ? and status = 'ok'",
            [self.run.source, self.run.file_sha256, self.run.mapping_sha256],
        ).fetchall()[0][0]
        if earlier is not None and not self.force:
            raise _AlreadyLoaded(earlier)


def _load_batches(
    con: duckdb.DuckDBPyConnection,
    module: ModuleType,
    path: Path,
    spec: dialect.MappingFile | None,
    key: bytes,
    now: datetime | None,
    run: Run,
    bar: tqdm,
    plausible: Plausible,
    preview: bool = False,
    digest: _Digest | None = None,
) -> None:
    """Validate and pseudonymise a file batch by batch, then store it.

    Validation keeps each key once within a batch. The batches wait in a temporary table
    (which DuckDB spills to disk beyond its memory limit) until the keys are resolved over the
    whole file and one upsert compares them with the stored rows; upserting each batch as it
    comes measured slower and used more memory. A source's first load, where no stored row
    can share a key, writes the batches straight into the table instead and resolves the keys
    there (faster and leaner: BENCHMARKS.md). A `preview` (a dry run) notes the months and
    channels the accepted rows fall in before they merge with the stored rows.
    """
    schema = module.SCHEMA
    table = store.TABLE[schema.table]
    batches = _ahead(_reader(module)(path, schema, spec, dialect.batch_bytes()))
    bar.update()
    rows_of = table.name if _first_load(con, table, schema.name) else "delivered"
    if rows_of == "delivered":
        con.execute(f"create or replace temp table delivered as from {table.name} limit 0")
    # hashing runs on a cursor of its own while the batch before is being stored
    pseudonyms = privacy.Pseudonyms(key, con.cursor())
    # what a source's stage needs from the store (Open Forms: the catalogue's product names)
    context = module.stage_context(con, spec) if hasattr(module, "stage_context") else {}
    found = []  # what a source finds beyond its rows (module.findings), per batch
    hashes = []  # of each batch's keys (unique within a batch): a hash in two may be a key in two
    with ThreadPoolExecutor(1) as storing:  # DuckDB stores a batch while the next is checked
        stored: Future[None] | None = None
        for raw in batches:
            checked = validate(raw, schema, now or local_now(), plausible)
            rows = pseudonyms.apply(checked.rows)
            batch = module.stage(rows, **context).with_columns(
                pl.lit(run.run_id).alias("run_id"), rows["_line"].alias("line_number")
            )
            if table.source and table.source not in batch.columns:  # the rows' source
                batch = batch.with_columns(pl.lit(schema.name).alias(table.source))
            hashes.append(batch.select(pl.struct(table.key).hash()).to_series())
            rejects = _rejects(raw, checked.rejects, run)
            if stored:
                stored.result()
            stored = storing.submit(_store, con, rows_of, batch, rejects)
            _count(run, checked)
            if hasattr(module, "findings"):
                found.append(module.findings(raw))
            if digest:
                digest.check()
        if stored:
            stored.result()
    bar.update(2)
    if found:
        _record_findings(con, run, pl.concat(found))
    if len(hashes) > 1 and (every := pl.concat(hashes)).n_unique() < every.len():
        _supersede(con, schema, path, spec, run, rows_of)
    if preview:
        run.preview = Preview(_covers(con, table.name, rows_of, run.run_id), pl.DataFrame())
    if rows_of == "delivered":
        run.rows_inserted, run.rows_updated = store.upsert(con, table.name, "delivered")
    else:
        run.rows_inserted, run.rows_updated = run.rows_loaded, 0
        store.record_days(con, table.name, f"{table.name} s where s.run_id = ?", [run.run_id])
    run.rows_unchanged = run.rows_loaded - run.rows_inserted - run.rows_updated


def _store(
    con: duckdb.DuckDBPyConnection, rows_of: str, batch: pl.DataFrame, rejects: pl.DataFrame
) -> None:
    """Insert a batch's rows and its rejects (in the thread beside the checks)."""
    staged = store.Arrow(batch)  # noqa: F841 (DuckDB scans it by name)
    con.execute(f"insert into {rows_of} by name select * from staged")
    _insert_rejects(con, rejects)


def _insert_rejects(con: duckdb.DuckDBPyConnection, rejects: pl.DataFrame) -> None:
    rejected = store.Arrow(rejects)  # noqa: F841 (DuckDB scans it by name)
    con.execute("insert into load_rejects by name select * from rejected")


def _reader(module: ModuleType):
    """Return how a source's files are read: its own reader (the queue log), else exports'."""
    return getattr(module, "read_batches", dialect.read_batches)


def _record_findings(con: duckdb.DuckDBPyConnection, run: Run, found: pl.DataFrame) -> None:
    """Store a run's findings (one row per finding and value) and name them in its summary."""
    rows = found.group_by("finding", "value").agg(pl.col("rows").sum()).sort("finding", "value")
    rows = store.Arrow(rows.with_columns(pl.lit(run.run_id).alias("run_id")))
    con.execute("insert into load_findings by name select * from rows")
    for finding, value in rows.frame.select("finding", "value").iter_rows():
        run.findings.setdefault(finding, []).append(value)


def _first_load(con: duckdb.DuckDBPyConnection, table: store.Table, source: str) -> bool:
    """Return whether the table holds no row of this source yet."""
    own, params = (f"{table.source} = ?", [source]) if table.source else ("true", [])
    query = f"select exists (from {table.name} where {own})"
    return not con.execute(query, params).fetchall()[0][0]


def _supersede(
    con: duckdb.DuckDBPyConnection,
    schema: SourceSchema,
    path: Path,
    spec: dialect.MappingFile | None,
    run: Run,
    rows_of: str,
) -> None:
    """Keep each key once over the whole file: the last line wins, as within a batch.

    Validation resolves keys within a batch. An earlier line of another batch with the same
    key is a duplicate when its record equals the winner's, else a superseded duplicate_key
    reject (its raw line read again from the file: this is rare). `rows_of` is the table the
    file's rows went to: `delivered`, or the stored table on a first load.
    """
    table = store.TABLE[schema.table]
    keys = ", ".join(table.key)
    join = table.joined("d", "w")
    content = [c for c in table.names if c not in table.key and c not in store.LINEAGE]
    same = " and ".join(f"d.{c} is not distinct from w.{c}" for c in content) or "true"
    named = [k for k in table.key if k != table.source]  # the key as the file has it
    value = ", ".join(f"d.{k}" for k in named)
    mine = f"(from {rows_of} where run_id = $run)"
    earlier = pl.DataFrame(
        con.sql(
            f"select d.line_number, {same} as same, concat_ws(',', {value}) "
            f"from {mine} d join (from {mine} qualify line_number = max(line_number) over "
            f"(partition by {keys}) and count(*) over (partition by {keys}) > 1) w on {join} "
            "where d.line_number < w.line_number",
            params={"run": run.run_id},
        )
    )
    if earlier.is_empty():
        return
    earlier.columns = ["_line", "same", "value"]
    lines = store.Arrow(earlier.select("_line"))  # noqa: F841 (DuckDB scans it by name)
    con.execute(
        f"delete from {rows_of} where run_id = ? and line_number in (select _line from lines)",
        [run.run_id],
    )
    run.rows_duplicate += int(earlier["same"].sum())
    run.rows_loaded -= earlier.height
    lost = earlier.filter(~pl.col("same")).select(
        "_line",
        pl.lit(",".join(schema.key)).alias("column_name"),
        "value",
        pl.lit("duplicate_key").alias("reason"),
    )
    if lost.is_empty():
        return
    run.rows_rejected += lost.height
    run.reasons["duplicate_key"] = run.reasons.get("duplicate_key", 0) + lost.height
    for raw in _reader(SOURCES[schema.name])(path, schema, spec, dialect.batch_bytes()):
        _insert_rejects(con, _rejects(raw, lost.join(raw.frame.select("_line"), on="_line"), run))


def _rejects(raw: dialect.RawFile, rejects: pl.DataFrame, run: Run) -> pl.DataFrame:
    """Return load_rejects rows, each with its record as far as it is known, masked.

    The raw line keeps only the columns the load reads (an unmapped column, such as a raw
    BSN beside the mapped reference, is left out), with citizen_ref masked. Whatever may sit
    in another column than its header says (a line with too few or too many fields shifts
    its values) is masked by what it looks like (privacy.mask_text): raw line and value both.
    A record the reader read from a line of its own (a queue log's line that is no event)
    has that line as raw line, masked the same way.
    """

    def field(header: str, name: str) -> pl.Expr:
        cell = pl.col(header).fill_null("")
        return (
            pl.when(cell != "").then(pl.lit(privacy.MASK)).otherwise(cell)
            if name == "citizen_ref"
            else cell
        )

    fields = [field(header, name) for header, name in raw.rename.items()]
    record = pl.concat_str(fields, separator=raw.dialect.delimiter)
    if "_raw_line" in raw.frame.columns:  # a record the reader read as a line of its own
        record = pl.coalesce(pl.col("_raw_line"), record)
    lines = raw.frame.join(rejects.select("_line").unique(), on="_line", how="semi")
    lines = lines.select("_line", record.alias("raw_line")).unique("_line")
    return rejects.join(lines, on="_line", how="left").select(
        pl.lit(run.run_id).alias("run_id"),
        pl.lit(run.source).alias("source"),
        pl.lit(run.file).alias("file"),
        pl.col("_line").alias("line_number"),
        "column_name",
        privacy.masked("value").alias("value"),
        "reason",
        privacy.masked("raw_line").alias("raw_line"),
    )


def _count(run: Run, checked: Validated) -> None:
    """Add a batch's counts to the run's."""
    run.rows_read += checked.rows_read
    run.rows_duplicate += checked.rows_duplicate
    run.rows_rejected += checked.rows_rejected
    run.rows_loaded += checked.rows.height
    for reason, n in checked.rejects.group_by("reason").len().iter_rows():
        run.reasons[reason] = run.reasons.get(reason, 0) + n


def _record(con: duckdb.DuckDBPyConnection, run: Run) -> Run:
    run.finished_at = local_now()
    names = store.TABLE["load_runs"].names
    con.execute(
        f"insert into load_runs ({', '.join(names)}) values ({', '.join('?' * len(names))})",
        [getattr(run, n) for n in names],
    )
    return run


def _name(path: Path) -> str:
    """A file's name as text; a byte that is not UTF-8 is written as an escape (\\xe9)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _sha256(path: Path) -> str:
    """The file's SHA-256; a folder's: of its files' names and digests in name order (a
    delivery of pages); empty for what is neither (a pipe: never read)."""
    if path.is_dir():
        files = sorted(
            (f for f in path.iterdir() if f.is_file() and not f.name.startswith(".")),
            key=lambda f: f.name,
        )
        lines = "".join(f"{_name(Path(f.name))} {_sha256(f)}\n" for f in files)
        return hashlib.sha256(lines.encode()).hexdigest()
    if not path.is_file():
        return ""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def _ahead(items: Iterable[T]) -> Iterator[T]:
    """Yield items while a thread already makes the next one.

    Reading a batch (transcoding, cutting lines) holds Python's lock; validating, hashing
    and storing the one before it mostly runs in Polars and DuckDB, which release it. So the
    two overlap on two cores, for one more batch in memory.
    """
    items = iter(items)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(next, items, None)
        while (item := future.result()) is not None:
            future = pool.submit(next, items, None)
            yield item
