"""Benchmarks (issues 6 and 16): ingest, an incremental day, dashboard pages and memory, as ratios.

    python -m bench.run [--rows 1000000,10000000] [--distinct-rows 2000000] [--repeat 3]
                        [--quick] [--out BENCHMARKS.md]
    python -m bench.run --scale 100000000   # one store of 100M contacts, its own block

Every measurement runs in a fresh subprocess (`--worker NAME ARGS`) that reports its own
wall time for the measured call and its peak resident memory (getrusage), so runs do not
share caches or heap. Each figure is measured beside a baseline in the same run, repeated,
and reported as medians and their ratio. The results replace the part of BENCHMARKS.md
between the markers below; the rest of the file (the analysis) is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from metrics import pages
from pipelines.settings import REPO

START_MARK = "<!-- bench:start (written by python -m bench.run; do not edit by hand) -->"
END_MARK = "<!-- bench:end -->"
SCALE_START = "<!-- scale:start (written by python -m bench.run --scale; do not edit by hand) -->"
SCALE_END = "<!-- scale:end -->"
RESULT = "BENCH-RESULT "
DAY_ROWS = 1_000
SEED = 1
MB = 1024 * 1024
DISTINCT_ROWS = 2_000_000  # the worst case's size: every caller distinct
# Targets of issues 6 and 16.
INGEST_VS_DUCKDB = 1.5
INGEST_VS_PANDAS = 0.1  # at least 10x faster
INCREMENTAL_SECONDS = 0.3
PAGE_MEDIAN_SECONDS = 0.1
PAGE_GROWTH = 2.0
LOAD_PEAK_VS_DUCKDB = 1.2  # the largest load's peak memory against DuckDB's read_csv of the file
# The settings that trade time for memory (docs/loading.md, "Memory and speed"): the largest
# ingest runs once more with them in each round, for section 4.
LEAN = {"CHANNELSHIFT_LOAD_BATCH_MB": "8", "CHANNELSHIFT_LOAD_MEMORY": "300MB"}


# --- Workers: each runs in its own process and prints one RESULT line ------------------------


def _peak_mb() -> float:
    """Return this process's peak resident memory in MiB.

    VmHWM, not getrusage's ru_maxrss: Linux keeps ru_maxrss across exec, so a worker would
    report its parent's peak whenever that is the larger.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker_generate(folder: str, rows: int, phone_only: bool, distinct_refs: bool) -> dict:
    """Write synthetic exports (demo/synthetic.py, streamed in chunks) into folder."""
    from demo import synthetic as generate

    started = time.perf_counter()
    written = generate.write_exports(
        Path(folder), rows, seed=SEED, phone_only=phone_only, distinct_refs=distinct_refs
    )
    seconds = time.perf_counter() - started
    listed = [[d.source, [str(f) for f in d.files], d.mapping and str(d.mapping)] for d in written]
    return {"seconds": seconds, "deliveries": listed}


def worker_ingest_ours(file: str, mapping: str, db: str) -> dict:
    """Load a phone export into a fresh store: read, validate, hash, upsert, marts."""
    from pipelines import dialect, store
    from pipelines.load import load_files

    started = time.perf_counter()
    [run] = load_files(Path(db), "phone", [Path(file)], Path(mapping))
    seconds = time.perf_counter() - started
    if run.status != "ok" or run.rows_rejected:
        raise RuntimeError(run.summary())
    # the settings the load ran with, as the pipeline read them
    memory = os.environ.get(store.MEMORY_ENV, store.MEMORY_LIMIT)
    used = {"batch_mb": dialect.batch_bytes() / MB, "memory_limit": memory}
    return {"seconds": seconds, "rows": run.rows_loaded, "settings": used}


def worker_ingest_duckdb(file: str, db: str) -> dict:
    """DuckDB's own CSV reader into a table, no validation: the practical floor."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(
        "create table t as select * from read_csv(" + _literal(file) + ", delim=';', header=true)"
    )
    rows = con.execute("select count(*) from t").fetchall()[0][0]
    con.close()
    return {"seconds": time.perf_counter() - started, "rows": rows}


# The phone export's columns parsed and checked as load_files does, in DuckDB SQL alone.
CHECKED_SQL = """
create table t as
with cells as (select * from read_csv({file}, delim=';', header=true, all_varchar=true)),
parsed as (
    select
        nullif(trim("Gesprek-ID"), '') as contact_id,
        nullif(trim("Starttijd"), '') as started_text,
        try_strptime(trim("Starttijd"), '%d-%m-%Y %H:%M') as started_at,
        nullif(trim("Productcode"), '') as product_id,
        nullif(trim("Team"), '') as team,
        try_cast(replace(replace(trim("Wachttijd (s)"), '.', ''), ',', '.') as double)
            as wait_seconds,
        try_cast(replace(replace(trim("Gespreksduur (s)"), '.', ''), ',', '.') as double)
            as talk_seconds,
        case lower(trim("Opgehangen")) when 'ja' then true when 'nee' then false end
            as abandoned,
        case lower(trim("Opgelost 1e contact")) when 'ja' then true when 'nee' then false end
            as resolved_first_contact,
        nullif(trim("Beller"), '') as citizen_ref
    from cells
)
select
    *,
    case
        when contact_id is null then 'missing_id'
        when started_text is null then 'missing_timestamp'
        when started_at is null then 'invalid_date'
        when started_at > now()::timestamp + interval 1 day then 'future_timestamp'
        when wait_seconds < 0 or talk_seconds < 0 then 'negative_duration'
        when abandoned is null then 'invalid_boolean'
    end as reason
from parsed
"""


def worker_ingest_duckdb_checked(file: str, db: str) -> dict:
    """DuckDB's CSV reader plus the same parsing and checks in SQL: validation's own floor."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(db)
    con.execute(CHECKED_SQL.format(file=_literal(file)))
    rows, rejected = con.execute("select count(*), count(reason) from t").fetchall()[0]
    con.close()
    if rejected:
        raise RuntimeError(f"{rejected} rows rejected by the SQL checks")
    return {"seconds": time.perf_counter() - started, "rows": rows}


def worker_ingest_pandas(file: str, db: str) -> dict:
    """The obvious analyst's script: pandas read_csv, then to_sql into SQLite."""
    import sqlite3

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(file, sep=";", encoding="cp1252", decimal=",")
    con = sqlite3.connect(db)
    frame.to_sql("contacts", con, index=False, if_exists="replace")
    con.commit()
    con.close()
    return {"seconds": time.perf_counter() - started, "rows": len(frame)}


def worker_load(db: str, deliveries: list) -> dict:
    """Load deliveries (one load, marts once), e.g. a whole store or one more day."""
    from pipelines.load import Delivery, load_deliveries

    todo = [Delivery(s, tuple(Path(f) for f in files), m and Path(m)) for s, files, m in deliveries]
    started = time.perf_counter()
    runs = load_deliveries(Path(db), todo)
    seconds = time.perf_counter() - started
    bad = [r.summary() for r in runs if r.status != "ok" or r.rows_rejected]
    if bad:
        raise RuntimeError("; ".join(bad))
    return {"seconds": seconds, "rows": sum(r.rows_loaded for r in runs)}


def worker_dashboard(db: str, runs: int) -> dict:
    """Compute every page's figures `runs` times on one read-only connection (after a warm-up)."""
    from pipelines import store
    from pipelines.settings import load as load_settings

    settings = load_settings()
    con = store.read_only(Path(db))
    for page in PAGES.values():  # warm-up: first reads from disk
        page(con, settings)
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(runs):
        for name, page in PAGES.items():
            started = time.perf_counter()
            page(con, settings)
            times[name].append(time.perf_counter() - started)
    con.close()
    return {"times": times}


def worker_dashboard_idle(db: str) -> dict:
    """The dashboard process's floor: the same imports (metrics.pages, at the top) and an open
    read-only connection."""
    from pipelines import store
    from pipelines.settings import load as load_settings

    load_settings()
    con = store.read_only(Path(db))
    con.execute("select 1").fetchall()
    con.close()
    return {}


def worker_profile(db: str, deliveries: list, out: str) -> dict:
    """Profile a load with cProfile; return seconds per stage and per mart."""
    import cProfile
    import pstats

    from pipelines.load import Delivery, load_deliveries

    todo = [Delivery(s, tuple(Path(f) for f in files), m and Path(m)) for s, files, m in deliveries]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(load_deliveries, Path(db), todo)
    wall = time.perf_counter() - started
    profiler.dump_stats(out)
    stages = _stages(pstats.Stats(out).stats, wall)
    return {"seconds": wall, "stages": stages, "marts": _time_marts(db), "read": _time_read(todo)}


def _time_read(todo: list) -> float:
    """Read the deliveries' files alone, batch by batch, as a load's reader thread does."""
    from pipelines import dialect
    from pipelines.load import SOURCES

    started = time.perf_counter()
    for delivery in todo:
        schema = SOURCES[delivery.source].SCHEMA
        spec = dialect.read_mapping(delivery.mapping, schema) if delivery.mapping else None
        for path in delivery.files:
            for _ in dialect.read_batches(path, schema, spec, dialect.BATCH_BYTES):
                pass
    return time.perf_counter() - started


def _stages(stats: dict, wall: float) -> dict[str, float]:
    """Return cumulative seconds of the load's stages from cProfile statistics."""

    def cumulative(file_end: str, function: str) -> float:
        return sum(
            v[3] for (f, _, name), v in stats.items() if f.endswith(file_end) and name == function
        )

    def called_from(callee: str, file_end: str, caller: str) -> float:
        total = 0.0
        for (_, _, name), v in stats.items():
            if callee in name:
                for (f, _, who), timing in v[4].items():
                    if f.endswith(file_end) and who == caller:
                        total += timing[3]
        return total

    copy = cumulative("pipelines/store.py", "_copy")
    schema = cumulative("pipelines/store.py", "create_schema")
    # DuckDB's connect, execute and close are invisible to cProfile: their time is the
    # caller's own time, so writable's own time is connecting, checkpointing and closing.
    checkpoint = sum(
        v[2]
        for (f, _, name), v in stats.items()
        if f.endswith("pipelines/store.py") and name == "writable"
    )
    # batches are read in a thread of their own, which cProfile does not see: this thread
    # sees only the header check and the waits for a batch not read yet
    stages = {
        "read: header, encoding check, waiting for the reader thread": cumulative(
            "pipelines/dialect.py", "read_batches"
        )
        + cumulative("pipelines/load.py", "_ahead"),
        "validate (parse dates, numbers, booleans; reasons)": cumulative(
            "pipelines/validate.py", "validate"
        ),
        "hash citizen_ref (new references: normalise, HMAC in DuckDB; join back)": cumulative(
            "pipelines/privacy.py", "apply"
        ),
        "keys across batches (only when a key hash is in two batches)": cumulative(
            "pipelines/load.py", "_supersede"
        ),
        "stage (canonical contacts columns)": sum(
            cumulative(f"pipelines/sources/{m}.py", "stage") for m in ("web", "phone", "desk")
        ),
        "upsert (count new and changed rows, delete changed, insert)": cumulative(
            "pipelines/store.py", "upsert"
        ),
        "rejects table": cumulative("pipelines/load.py", "_rejects"),
        # the file's SHA-256 and the batches' inserts run in threads of their own (unseen):
        # this thread sees its waits for them
        "file SHA-256 (lineage; read in a thread: waiting for it)": called_from(
            "result", "pipelines/load.py", "check"
        ),
        "store the batches (DuckDB inserts in a thread: waiting for it)": called_from(
            "result", "pipelines/load.py", "_load_batches"
        ),
        "copy (or clone) of the live file (atomic swap)": copy,
        "create schema and comments": schema,
        "connect, checkpoint and close of the copy": checkpoint,
        "mart rebuild (13 marts)": cumulative("pipelines/marts.py", "refresh"),
    }
    # the own time of _load_file and _load_batches is their DuckDB calls: begin, the commit
    stages["begin and commit of the file's transaction"] = sum(
        v[2]
        for (f, _, name), v in stats.items()
        if f.endswith("pipelines/load.py") and name in ("_load_file", "_load_batches")
    )
    stages["other (run bookkeeping, rename, imports)"] = wall - sum(stages.values())
    return stages


def _time_marts(db: str) -> dict[str, float]:
    """Rebuild each mart once more on a copy of the store and time it on its own."""
    import duckdb

    from pipelines import marts

    copy = db + ".marts"
    shutil.copyfile(db, copy)
    try:
        con = duckdb.connect(copy)
        seconds = {}
        for name in marts.ORDER:
            started = time.perf_counter()
            marts.build(con, name)
            seconds[name] = time.perf_counter() - started
        con.close()
    finally:
        Path(copy).unlink(missing_ok=True)
        Path(copy + ".wal").unlink(missing_ok=True)
    return seconds


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


WORKERS: dict[str, Callable[..., dict]] = {
    "generate": worker_generate,
    "ingest_ours": worker_ingest_ours,
    "ingest_duckdb": worker_ingest_duckdb,
    "ingest_duckdb_checked": worker_ingest_duckdb_checked,
    "ingest_pandas": worker_ingest_pandas,
    "load": worker_load,
    "dashboard": worker_dashboard,
    "dashboard_idle": worker_dashboard_idle,
    "profile": worker_profile,
}


# --- The dashboard pages' figures: the page models the pages call, with their defaults -------


def _page(model: Callable) -> Callable:
    """What a page computes: the frame every page reads, then its model with its defaults."""

    def run(con, settings) -> None:
        pages.frame(con)
        model(con, settings)

    return run


PAGES: dict[str, Callable] = {
    "Overzicht (overview)": _page(lambda con, settings: pages.overview(con, settings, "nl")),
    "Kanaalmix (channel_mix)": _page(pages.channel_mix),
    "Digitalisering (digitisation)": _page(pages.digitisation),
    "Herstelwerk (corrections)": _page(pages.corrections),
    "Teams (teams)": _page(pages.teams),
    "Audit (audit)": _page(pages.audit),
}


# --- Driver -----------------------------------------------------------------------------------


def _work(
    name: str, *args, module: str = "bench.run", settings: dict[str, str] | None = None
) -> dict:
    """Run a worker (of `module`) in a fresh process, with `settings` added to its
    environment; return its result with peak_mb."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(settings or {})
    done = subprocess.run(
        [sys.executable, "-m", module, "--worker", name, json.dumps(args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT):
            return json.loads(line.removeprefix(RESULT))
    raise RuntimeError(f"worker {name} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def _fresh(*paths: Path) -> None:
    for path in paths:
        for p in (path, Path(f"{path}.wal"), Path(f"{path}.key"), Path(f"{path}.lock")):
            p.unlink(missing_ok=True)


def _log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def _generated(workdir: Path, rows: int, phone_only: bool, distinct_refs: bool = False) -> list:
    """Return the deliveries of a generated set, writing it unless an earlier run did.

    The generator runs in a worker; its time and peak memory are kept in generated.json.
    """
    folder = _folder(workdir, rows, phone_only, distinct_refs)
    marker = folder / "deliveries.json"
    if not marker.exists():
        what = "phone only" if phone_only else "web, phone, desk"
        _log(
            f"generate {rows:,} rows ({what}{', every resident distinct' if distinct_refs else ''})"
        )
        shutil.rmtree(folder, ignore_errors=True)
        made = _work("generate", str(folder), rows, phone_only, distinct_refs)
        made["date"] = datetime.now().strftime("%Y-%m-%d %H:%M")
        (folder / "generated.json").write_text(json.dumps({k: made[k] for k in GENERATED}))
        marker.write_text(json.dumps(made["deliveries"]))
    return json.loads(marker.read_text())


GENERATED = ("seconds", "cpu_seconds", "peak_mb", "date")


def _folder(workdir: Path, rows: int, phone_only: bool, distinct_refs: bool = False) -> Path:
    kind = ("phone" if phone_only else "mixed") + ("-distinct" if distinct_refs else "")
    return workdir / f"{kind}-{rows}-seed{SEED}"


def _utf8_copy(file: Path) -> Path:
    """Write a UTF-8 copy of a cp1252 file for DuckDB (it cannot read cp1252), in blocks."""
    copy = file.with_name(file.stem + "-utf8.csv")
    if not copy.exists():
        partial = copy.with_suffix(".part")
        with open(file, "rb") as source, open(partial, "wb") as target:
            while block := source.read(16 * MB):  # cp1252 is one byte per character
                target.write(block.decode("cp1252").encode("utf-8"))
        partial.replace(copy)
    return copy


def _days(workdir: Path, count: int) -> list[list]:
    """Return `count` one-day deliveries (about DAY_ROWS contacts each) after the data end."""
    from demo import synthetic as generate

    days = []
    for day in generate.days_after(count):
        folder = workdir / f"day-{day:%Y%m%d}-seed{SEED}"
        marker = folder / "deliveries.json"
        if not marker.exists():
            written = generate.write_day(folder, day, DAY_ROWS, seed=SEED)
            listed = [
                [d.source, [str(f) for f in d.files], d.mapping and str(d.mapping)] for d in written
            ]
            marker.write_text(json.dumps(listed))
        days.append(json.loads(marker.read_text()))
    return days


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Return the 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def measure(
    rows_list: list[int],
    repeat: int,
    page_runs: int,
    workdir: Path,
    pandas_max_rows: int,
    profile: bool = True,
    distinct_rows: int = 0,
) -> dict:
    """Run every benchmark; return the results as plain data."""
    workdir.mkdir(parents=True, exist_ok=True)
    stores = workdir / "stores"
    stores.mkdir(exist_ok=True)
    results: dict = {"rows": rows_list, "repeat": repeat, "page_runs": page_runs, "sizes": {}}
    results["load_before"] = os.getloadavg()
    for rows in rows_list:
        size: dict = {}
        results["sizes"][str(rows)] = size
        phone = next(d for d in _generated(workdir, rows, True) if d[0] == "phone")
        file, mapping = phone[1][0], phone[2]
        utf8 = str(_utf8_copy(Path(file)))
        size["file_mb"] = Path(file).stat().st_size / MB

        ours_db, duck_db, pandas_db = (
            stores / f"ingest-{rows}.{ext}" for ext in ("duckdb", "ddb", "sqlite")
        )
        ingest: dict[str, list] = {"ours": [], "duckdb": [], "duckdb_checked": [], "pandas": []}
        with_pandas, lean = rows <= pandas_max_rows, rows == max(rows_list)
        if lean:
            ingest["ours_lean"] = []
        for attempt in range(repeat):
            _log(f"{rows:,} rows: ingest run {attempt + 1}/{repeat}")
            _fresh(ours_db, duck_db, pandas_db)
            ingest["ours"].append(_work("ingest_ours", file, mapping, str(ours_db)))
            ingest["duckdb"].append(_work("ingest_duckdb", utf8, str(duck_db)))
            if lean:
                _fresh(ours_db)
                run = _work("ingest_ours", file, mapping, str(ours_db), settings=LEAN)
                ingest["ours_lean"].append(run)
            _fresh(duck_db)
            ingest["duckdb_checked"].append(_work("ingest_duckdb_checked", utf8, str(duck_db)))
            if with_pandas:
                ingest["pandas"].append(_work("ingest_pandas", file, str(pandas_db)))
            _fresh(ours_db, duck_db, pandas_db)
        for name, runs in ingest.items():
            for run in runs:
                if run["rows"] != rows:
                    raise RuntimeError(f"{name} read {run['rows']} rows of {rows}")
        size["ingest"] = ingest

        mixed_db = stores / f"mixed-{rows}.duckdb"
        _fresh(mixed_db)
        _log(f"{rows:,} rows: build the store (web, phone, desk, corrections)")
        size["build"] = _work("load", str(mixed_db), _generated(workdir, rows, False))
        size["store_mb"] = mixed_db.stat().st_size / MB

        _log(f"{rows:,} rows: dashboard pages")
        size["dashboard"] = _work("dashboard", str(mixed_db), page_runs)
        size["dashboard_idle"] = _work("dashboard_idle", str(mixed_db))

        _log(f"{rows:,} rows: incremental days")
        days = _days(workdir, repeat + 1)
        size["incremental"], size["incremental_empty"] = [], []
        for day in days[:repeat]:
            size["incremental"].append(_work("load", str(mixed_db), day))
            empty_db = stores / f"empty-{rows}.duckdb"
            _fresh(empty_db)
            size["incremental_empty"].append(_work("load", str(empty_db), day))
            _fresh(empty_db)

        if profile and rows == max(rows_list):
            _log(f"{rows:,} rows: profile the ingest and an incremental day")
            profile_db = stores / f"profile-{rows}.duckdb"
            _fresh(profile_db)
            delivery = [["phone", [file], mapping]]
            size["profile_ingest"] = _work(
                "profile", str(profile_db), delivery, str(workdir / f"ingest-{rows}.prof")
            )
            _fresh(profile_db)
            size["profile_incremental"] = _work(
                "profile", str(mixed_db), days[repeat], str(workdir / f"day-{rows}.prof")
            )
        _fresh(mixed_db)
        (workdir / "results.json").write_text(json.dumps(results))  # survives a later failure
    if distinct_rows:
        results["distinct"] = _measure_distinct(workdir, distinct_rows, repeat)
    return results


def _measure_distinct(workdir: Path, rows: int, repeat: int) -> dict:
    """Ingest a phone export in which every caller is distinct, beside DuckDB's read_csv."""
    phone = next(d for d in _generated(workdir, rows, True, True) if d[0] == "phone")
    file, mapping = phone[1][0], phone[2]
    utf8 = str(_utf8_copy(Path(file)))
    ours_db, duck_db = (workdir / "stores" / f"distinct-{rows}.{ext}" for ext in ("duckdb", "ddb"))
    ingest: dict[str, list] = {"ours": [], "duckdb": []}
    for attempt in range(repeat):
        _log(f"{rows:,} rows, every caller distinct: ingest run {attempt + 1}/{repeat}")
        _fresh(ours_db, duck_db)
        ingest["ours"].append(_work("ingest_ours", file, mapping, str(ours_db)))
        ingest["duckdb"].append(_work("ingest_duckdb", utf8, str(duck_db)))
        _fresh(ours_db, duck_db)
    for name, runs in ingest.items():
        for run in runs:
            if run["rows"] != rows:
                raise RuntimeError(f"{name} read {run['rows']} rows of {rows}")
    return {"rows": rows, "file_mb": Path(file).stat().st_size / MB, "ingest": ingest}


# --- At scale: one store of --scale contacts ---------------------------------------------------

# Disk per contact, from a 10M run: exports about 100 bytes; the store about 35, and as much
# again for the copy a later load makes of it and for what DuckDB spills while building.
EXPORT_BYTES, STORE_BYTES = 100, 100


def measure_scale(rows: int, repeat: int, page_runs: int, workdir: Path) -> dict:
    """Build a store of `rows` contacts from generated exports; time one more day and the pages.

    The store stays in workdir/stores (for `python -m bench.pages --db`); a next run builds it
    anew. The exports stay as well and are reused.
    """
    stores = workdir / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    folder = _folder(workdir, rows, False)
    fresh = not (folder / "deliveries.json").exists()
    needed = rows * (STORE_BYTES + (EXPORT_BYTES if fresh else 0))
    free = shutil.disk_usage(workdir).free
    if free < needed:
        raise RuntimeError(f"{workdir}: {free / MB:,.0f} MB free, about {needed / MB:,.0f} needed")
    results: dict = {"mode": "scale", "rows": rows, "repeat": repeat, "page_runs": page_runs}
    results["load_before"] = os.getloadavg()
    with _load_sampled(results.setdefault("load_samples", [])):
        _measure_scale(results, workdir, folder)
    results["generated_now"] = fresh
    results["load_after"] = os.getloadavg()
    return results


def _measure_scale(results: dict, workdir: Path, folder: Path) -> None:
    rows, repeat, page_runs = results["rows"], results["repeat"], results["page_runs"]
    stores = workdir / "stores"
    deliveries = _generated(workdir, rows, False)
    made = folder / "generated.json"
    results["generate"] = json.loads(made.read_text()) if made.exists() else None
    results["exports_mb"] = sum(Path(f).stat().st_size for d in deliveries for f in d[1]) / MB

    db = stores / f"scale-{rows}.duckdb"
    _fresh(db)
    _log(f"{rows:,} contacts: build the store (web, phone, desk, corrections, products, releases)")
    results["build"] = _work("load", str(db), deliveries)
    results["store_mb"] = db.stat().st_size / MB

    _log(f"{rows:,} contacts: dashboard pages")
    results["dashboard"] = _work("dashboard", str(db), page_runs)

    _log(f"{rows:,} contacts: one more day, {repeat} times")
    empty_db = stores / f"scale-empty-{rows}.duckdb"
    results["incremental"], results["incremental_empty"] = [], []
    for day in _days(workdir, repeat):
        results["incremental"].append(_work("load", str(db), day))
        _fresh(empty_db)
        results["incremental_empty"].append(_work("load", str(empty_db), day))
        _fresh(empty_db)
    results["store_mb_after"] = db.stat().st_size / MB


@contextmanager
def _load_sampled(samples: list[float], every: float = 30.0) -> Iterator[None]:
    """Note the 1-minute load average at the start and every `every` seconds until the end."""
    stop = threading.Event()

    def sample() -> None:
        samples.append(os.getloadavg()[0])
        while not stop.wait(every):
            samples.append(os.getloadavg()[0])

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _long(seconds: float) -> str:
    return f"{seconds:,.0f} s ({seconds / 60:.1f} min)" if seconds >= 60 else _s(seconds)


def _cpu(result: dict | None) -> str:
    """Return a worker's CPU time (results from before it was noted have none)."""
    seconds = (result or {}).get("cpu_seconds")
    return "–" if seconds is None else _long(seconds)


def report_scale(results: dict, info: dict[str, str]) -> str:
    """Return the Markdown written between the scale markers."""
    rows, repeat, page_runs = results["rows"], results["repeat"], results["page_runs"]
    made, build = results["generate"], results["build"]
    days, empty = results["incremental"], results["incremental_empty"]
    day = median([r["seconds"] for r in days])
    if made is None:
        generated = "not timed (exports of an earlier run) | – | – "
    else:
        when = "" if results["generated_now"] else f" (an earlier run, {made['date']})"
        generated = f"{_long(made['seconds'])}{when} | {_cpu(made)} | {made['peak_mb']:,.0f} MB "
    samples = results.get("load_samples")
    during = (
        f"; 1 min while it ran: median {median(samples):.1f}, highest {max(samples):.1f}"
        f" ({len(samples)} samples, one every 30 s)"
        if samples
        else ""
    )
    lines = [
        f"Measured on {info['date']}: {info['CPU']}, {info['memory']} memory, "
        f"{info['OS']}, Python {info['Python']}, {info['libraries']}.",
        f"Command: `python -m bench.run --scale {rows} --repeat {repeat} --page-runs {page_runs}`"
        f"; one more day: median of {repeat} runs; pages: {page_runs} rounds after a warm-up. "
        f"Load average (1, 5, 15 min) before: {_load(results.get('load_before'))}, after: "
        f"{_load(results.get('load_after'))}{during} (other processes share the machine).",
        "",
        f"### {rows:,} contacts (2008 to 2025): build, one more day, size",
        "",
        "Each step in a fresh process. Time is wall time around the measured call; CPU time is"
        " the whole process's, all threads, imports included (on a shared machine it shows the"
        " work done, whatever the CPU left for it); peak RSS is its VmHWM.",
        "",
        "| step | time | CPU time | peak RSS | size | target |",
        "|---|---|---|---|---|---|",
        "| generate the exports (`demo/synthetic.py`: web, phone, desk, corrections, products,"
        f" releases) | {generated}| {results['exports_mb']:,.0f} MB of exports | – |",
        f"| build the store from them (`load_deliveries`, marts included; {build['rows']:,} rows)"
        f" | {_long(build['seconds'])} | {_cpu(build)} | {build['peak_mb']:,.0f} MB | "
        f"{results['store_mb']:,.0f} MB store file | – |",
        f"| one more day (about {DAY_ROWS:,} contacts: web, phone, desk), marts included |"
        f" {_s(day)} | – | {max(r['peak_mb'] for r in days):,.0f} MB | "
        f"{results['store_mb_after']:,.0f} MB after {len(days)} days | "
        f"< {INCREMENTAL_SECONDS:g} s: {_met(day < INCREMENTAL_SECONDS)} |",
        f"| the same day into an empty store (a load's fixed cost) |"
        f" {_s(median([r['seconds'] for r in empty]))} | – | "
        f"{max(r['peak_mb'] for r in empty):,.0f} MB | – | – |",
        "",
        f"### Pages' figures at {_rows(rows)} contacts (the queries behind each page, as in"
        " section 3 above)",
        "",
        f"| page | median | p95 | target < {PAGE_MEDIAN_SECONDS * 1000:g} ms median |",
        "|---|---|---|---|",
    ]
    for page in PAGES:
        times = results["dashboard"]["times"][page]
        lines.append(
            f"| {page} | {_s(median(times))} | {_s(p95(times))} | "
            f"{_met(median(times) < PAGE_MEDIAN_SECONDS)} |"
        )
    return "\n".join(lines)


# --- Report -----------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """Return what the numbers were measured on."""
    import duckdb
    import numpy
    import pandas
    import polars

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "libraries": f"polars {polars.__version__}, duckdb {duckdb.__version__}, "
        f"numpy {numpy.__version__}, pandas {pandas.__version__}",
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def _rows(rows: int) -> str:
    return f"{rows / 1e6:g}M" if rows >= 1_000_000 else f"{rows / 1000:g}k"


def _load(averages: list[float] | None) -> str:
    return ", ".join(f"{a:.1f}" for a in averages) if averages else "unknown"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(results: dict, info: dict[str, str]) -> str:
    """Return the Markdown written between the markers."""
    sizes = results["sizes"]
    rows_list = results["rows"]
    distinct = results.get("distinct")  # results from before issue 16 have none
    distinct_option = f" --distinct-rows {distinct['rows']}" if distinct else ""
    lines = [
        f"Measured on {info['date']}: {info['CPU']}, {info['memory']} memory, "
        f"{info['OS']}, Python {info['Python']}, {info['libraries']}.",
        f"Command: `python -m bench.run --rows {','.join(map(str, rows_list))}{distinct_option} "
        f"--repeat {results['repeat']}`; medians of {results['repeat']} runs "
        f"(dashboard: {results['page_runs']} runs after a warm-up). Load average (1, 5, 15 min)"
        f" before: {_load(results.get('load_before'))}, after: {_load(results.get('load_after'))}"
        " (other processes share the machine).",
        "",
        "### 1. Ingest: a phone export (Dutch dialect, cp1252, mapping file) into a fresh store",
        "",
        "Ours is `pipelines.load.load_files` (read, validate, hash, upsert, marts). DuckDB reads"
        " a UTF-8 copy of the same file (it cannot read cp1252); the copy's transcoding is not"
        " timed. Ratio = ours / baseline. The third column is a second DuckDB baseline: the same"
        " file read as text and parsed and checked in SQL (dates, decimal commas, booleans,"
        " reject reasons; no pseudonymisation, keys or marts), i.e. what validation costs"
        " DuckDB itself. The last row is the worst case for pseudonymisation: a phone export in"
        " which every caller is distinct (`--distinct-refs`), beside DuckDB's plain read only.",
        "",
        "| rows | file | ours | DuckDB `read_csv` CTAS | ratio | target ≤ 1.5x | DuckDB with the"
        " same parsing and checks in SQL | its ratio to plain `read_csv` | pandas "
        "`read_csv` + `to_sql` (SQLite) | ratio | target ≤ 0.10x (10x faster) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rows in rows_list:
        size = sizes[str(rows)]
        ours = median([r["seconds"] for r in size["ingest"]["ours"]])
        duck = median([r["seconds"] for r in size["ingest"]["duckdb"]])
        checked = median([r["seconds"] for r in size["ingest"]["duckdb_checked"]])
        pandas_runs = size["ingest"]["pandas"]
        row = (
            f"| {_rows(rows)} | {size['file_mb']:.0f} MB | {_s(ours)} | {_s(duck)} | "
            f"{ours / duck:.1f}x | {_met(ours / duck <= INGEST_VS_DUCKDB)} | "
            f"{_s(checked)} | {checked / duck:.1f}x | "
        )
        if pandas_runs:
            pd_s = median([r["seconds"] for r in pandas_runs])
            row += f"{_s(pd_s)} | {ours / pd_s:.2f}x | {_met(ours / pd_s <= INGEST_VS_PANDAS)} |"
        else:
            row += "not run (see --pandas-max-rows) | – | – |"
        lines.append(row)
    if distinct:
        ours = median([r["seconds"] for r in distinct["ingest"]["ours"]])
        duck = median([r["seconds"] for r in distinct["ingest"]["duckdb"]])
        lines.append(
            f"| {_rows(distinct['rows'])}, every caller distinct | {distinct['file_mb']:.0f} MB "
            f"| {_s(ours)} | {_s(duck)} | {ours / duck:.1f}x | "
            f"{_met(ours / duck <= INGEST_VS_DUCKDB)} | not run | – | not run | – | – |"
        )
    lines += [
        "",
        "### 2. Incremental: one more day (about 1,000 contacts: web, phone, desk), marts included",
        "",
        "Into the store built from the generated exports (web, phone and desk contacts,"
        " corrections, products). Baseline: the same day's files into an empty store, so the"
        " ratio is what the rows already stored cost.",
        "",
        "| rows in store | store file | full build of that store | one day | same day, empty store "
        f"| ratio | target < {INCREMENTAL_SECONDS:g} s |",
        "|---|---|---|---|---|---|---|",
    ]
    for rows in rows_list:
        size = sizes[str(rows)]
        day = median([r["seconds"] for r in size["incremental"]])
        empty = median([r["seconds"] for r in size["incremental_empty"]])
        lines.append(
            f"| {_rows(rows)} | {size.get('store_mb', 0):,.0f} MB | {_s(size['build']['seconds'])} "
            f"| {_s(day)} | {_s(empty)} | "
            f"{day / empty:.1f}x | {_met(day < INCREMENTAL_SECONDS)} |"
        )
    lines += [
        "",
        "### 3. Dashboard: each page's figures (the queries behind a page), without Streamlit",
        "",
        "The calls each page in `app_pages/` makes (`metrics.views`, `metrics.query`,"
        " `metrics.headlines`) with its default filters, on one `pipelines.store.read_only`"
        " connection; charts are not rendered. Growth = median at the largest size / median at"
        " the smallest.",
        "",
    ]
    header = "| page | " + " | ".join(f"{_rows(r)} median | {_rows(r)} p95" for r in rows_list)
    header += " | growth | target < 100 ms median, growth < 2x |"
    lines += [header, "|---|" + "---|---|" * len(rows_list) + "---|---|"]
    for page in PAGES:
        cells, medians = [], []
        for rows in rows_list:
            times = sizes[str(rows)]["dashboard"]["times"][page]
            medians.append(median(times))
            cells.append(f"{_s(median(times))} | {_s(p95(times))}")
        growth = medians[-1] / medians[0] if len(medians) > 1 else None
        ok = medians[-1] < PAGE_MEDIAN_SECONDS and (growth is None or growth < PAGE_GROWTH)
        grown = f"{growth:.1f}x" if growth is not None else "–"
        lines.append(f"| {page} | " + " | ".join(cells) + f" | {grown} | {_met(ok)} |")
    lines += [
        "",
        "### 4. Memory: peak resident set size (VmHWM of each worker process)",
        "",
        f"Target: the ingest at the largest size peaks at most {LOAD_PEAK_VS_DUCKDB:g}x as high as"
        " DuckDB's own `read_csv` of the same file (the highest peak of each's runs).",
        "",
        "| process | rows | peak RSS | baseline | baseline peak RSS | ratio | target |",
        "|---|---|---|---|---|---|---|",
    ]
    ingests = [(f"{_rows(rows)}", sizes[str(rows)]["ingest"]) for rows in rows_list]
    if distinct:
        ingests.append((f"{_rows(distinct['rows'])}, every caller distinct", distinct["ingest"]))
    for number, (label, ingest) in enumerate(ingests):
        ours = max(r["peak_mb"] for r in ingest["ours"])
        duck = max(r["peak_mb"] for r in ingest["duckdb"])
        target = "–"
        if number == len(rows_list) - 1:
            target = f"≤ {LOAD_PEAK_VS_DUCKDB:g}x: {_met(ours / duck <= LOAD_PEAK_VS_DUCKDB)}"
        lines.append(
            f"| ingest (`load_files`, phone export) | {label} | {ours:,.0f} MB | DuckDB "
            f"`read_csv` CTAS | {duck:,.0f} MB | {ours / duck:.1f}x | {target} |"
        )
        if ingest.get("ours_lean"):  # results from before have none
            lean = max(r["peak_mb"] for r in ingest["ours_lean"])
            settings = ", ".join(f"`{k}={v}`" for k, v in LEAN.items())
            slower, default = (
                median([r["seconds"] for r in ingest[k]]) for k in ("ours_lean", "ours")
            )
            lines.append(
                f"| ingest with {settings} ({_s(slower)} against {_s(default)}) | {label} | "
                f"{lean:,.0f} MB | DuckDB `read_csv` CTAS | {duck:,.0f} MB | {lean / duck:.1f}x | "
                f"≤ {LOAD_PEAK_VS_DUCKDB:g}x: {_met(lean / duck <= LOAD_PEAK_VS_DUCKDB)} |"
            )
    for rows in rows_list:
        size = sizes[str(rows)]
        if size["ingest"]["pandas"]:
            pd_mb = max(r["peak_mb"] for r in size["ingest"]["pandas"])
            lines.append(
                f"| pandas `read_csv` + `to_sql` | {_rows(rows)} | {pd_mb:,.0f} MB "
                "| – | – | – | – |"
            )
    for rows in rows_list:
        size = sizes[str(rows)]
        dash, idle = size["dashboard"]["peak_mb"], size["dashboard_idle"]["peak_mb"]
        lines.append(
            f"| dashboard queries (all pages, {results['page_runs'] + 1} rounds) | {_rows(rows)} "
            f"| {dash:,.0f} MB | same imports, idle read-only connection | {idle:,.0f} MB | "
            f"{dash / idle:.1f}x | – |"
        )
    for rows in rows_list:
        size = sizes[str(rows)]
        lines.append(
            f"| full build of the store (all sources) | {_rows(rows)} | "
            f"{size['build']['peak_mb']:,.0f} MB | – | – | – | – |"
        )
    for key, title in (
        ("profile_ingest", "ingest of the phone export"),
        ("profile_incremental", "one more day into the full store"),
    ):
        for rows in rows_list:
            prof = sizes[str(rows)].get(key)
            if not prof:
                continue
            lines += [
                "",
                f"### Profile: {title}, {_rows(rows)} rows (cProfile, {_s(prof['seconds'])})",
                "",
                "| stage | seconds | share |",
                "|---|---|---|",
            ]
            for stage, seconds in sorted(prof["stages"].items(), key=lambda kv: -kv[1]):
                share = 100 * seconds / prof["seconds"]
                lines.append(f"| {stage} | {seconds:.2f} | {share:.1f}% |")
            marts_s = prof["marts"]
            slowest = sorted(marts_s.items(), key=lambda kv: -kv[1])
            lines += [
                "",
                f"Beside these stages a second thread reads the batches: {_s(prof['read'])} "
                "when the files are read alone (cutting blocks of whole lines, transcoding, "
                "parsing to strings, counting fields per line).",
                "",
                f"Marts rebuilt one by one on that store ({_s(sum(marts_s.values()))} in all): "
                + ", ".join(f"`{name}` {_s(s)}" for name, s in slowest)
                + ".",
            ]
    return "\n".join(lines)


def write(
    path: Path, body: str, marks: tuple[str, str] = (START_MARK, END_MARK), title: str = "Results"
) -> None:
    """Put body between the markers of path (creating the file or the markers if needed)."""
    start, end = marks
    block = f"{start}\n{body}\n{end}"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {title}\n\n" + block + "\n"
    path.write_text(text)


def _write_scale(path: Path, results: dict) -> None:
    body = report_scale(results, results.get("machine") or machine())
    write(path, body, (SCALE_START, SCALE_END), "At scale (issue 16)")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write BENCHMARKS.md; or run one worker (internal)."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--quick", action="store_true", help="one run per figure, 3 dashboard rounds (smoke test)"
    )
    parser.add_argument("--page-runs", type=int, default=30, help="dashboard rounds per size")
    parser.add_argument(
        "--pandas-max-rows",
        type=int,
        default=10_000_000,
        help="run the pandas baseline only up to this size",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    parser.add_argument(
        "--distinct-rows",
        type=int,
        default=DISTINCT_ROWS,
        help="rows of the phone export in which every caller is distinct (0: not run)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        metavar="CONTACTS",
        help="instead: build one store of this many contacts (e.g. 100000000) from generated"
        " exports, time one more day and the pages; writes its own block",
    )
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "channelshift-bench",
        help="generated exports (kept for the next run) and stores",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--from-json", type=Path, help="write the report from saved raw results; measure nothing"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="?", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)

    if options.worker:
        result = WORKERS[options.worker](*json.loads(options.args))
        result["peak_mb"] = _peak_mb()
        used = os.times()  # every thread of the process (DuckDB's too), imports included
        result["cpu_seconds"] = used.user + used.system
        print(RESULT + json.dumps(result), flush=True)
        return 0

    if options.from_json:
        saved = json.loads(options.from_json.read_text())
        if saved.get("mode") == "scale":
            _write_scale(options.out, saved)
        else:
            write(options.out, report(saved, saved.get("machine") or machine()))
        return 0
    repeat = 1 if options.quick else options.repeat
    page_runs = 3 if options.quick else options.page_runs
    if options.scale:
        results = measure_scale(options.scale, repeat, page_runs, options.workdir)
        results["machine"] = machine()
        (options.workdir / "scale-results.json").write_text(json.dumps(results))
        if options.json:
            options.json.write_text(json.dumps(results, indent=1))
        _write_scale(options.out, results)
        _log(f"wrote {options.out}")
        return 0
    rows_list = sorted(int(r.replace("_", "")) for r in options.rows.split(","))
    results = measure(
        rows_list,
        repeat,
        page_runs,
        options.workdir,
        options.pandas_max_rows,
        profile=not options.no_profile,
        distinct_rows=options.distinct_rows,
    )
    results["machine"] = machine()
    results["load_after"] = os.getloadavg()
    (options.workdir / "results.json").write_text(json.dumps(results))  # for --from-json
    if options.json:
        options.json.write_text(json.dumps(results, indent=1))
    write(options.out, report(results, results["machine"]))
    _log(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
