"""The floor of a validating load in this stack (issue 16): each step a load cannot skip,
done by DuckDB alone at its own speed, beside DuckDB's plain read_csv of the same file.

    python -m bench.floor [--rows 1000000,10000000] [--distinct-rows 2000000] [--repeat 3]

A load reads and checks the file, stores its rows, pseudonymises the references and builds
the marts. DuckDB's plain `read_csv` does the first only halfway (no checks) and none of
the rest. Each step is timed here without Python doing any of the work, in a fresh process:

- parse and check: the file read as text and parsed and checked in SQL (bench.run's
  CHECKED_SQL), into an in-memory table: no disk write;
- store the rows: the rows the load stored (the `contacts` table of the store our load
  built, held in memory first) written into a new database file and checkpointed;
- pseudonymise: HMAC-SHA256 of the file's distinct references (privacy.pseudonymise, which
  runs in DuckDB), from an in-memory list;
- marts: every mart built once more on a copy of that store (marts.build, in ORDER).

Their sum is what the work costs DuckDB itself: no loader in this stack does it faster. When
the sum exceeds 1.5x the plain read, issue 16's target is out of reach for a load that keeps
every check, pseudonym and mart. Our own load and the plain read run beside the steps, in
the same rounds. The results replace the block between the floor markers of BENCHMARKS.md.

One more day (`--day-rows`, `--day-dirs`): a load never writes the live store, which readers
hold open; it publishes a new file (pipelines.store.writable). What publishing costs DuckDB
alone, beside our load of the same day, on a fresh copy of the same store each time, in each
folder given (one per filesystem: ext4 copies the store, XFS and Btrfs clone it):

- publish: the live file copied (or cloned) as the load does it (store._copy), opened, 1,000
  rows held in memory inserted into `contacts`, checkpointed (which waits until the file is
  on disk), closed and renamed over the live file. No checks, pseudonyms or marts.

When publishing alone takes 0.3 s or more, issue 16's target for one more day is out of
reach on that filesystem for a load that keeps the readers reading. Written between the day
floor markers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from bench import run as bench
from pipelines.settings import REPO

START_MARK = "<!-- floor:start (written by python -m bench.floor; do not edit by hand) -->"
END_MARK = "<!-- floor:end -->"
DAY_MARKS = (
    "<!-- dayfloor:start (written by python -m bench.floor; do not edit by hand) -->",
    "<!-- dayfloor:end -->",
)
PUBLISH = ("copy", "open and insert", "checkpoint", "close and rename")
FLOOR = "bench.floor"  # this module, whose workers bench.run._work runs
STEPS = {  # worker: what the table calls it
    "parse": "parse and check in SQL (in memory)",
    "write": "store the rows (write and checkpoint)",
    "hash": "pseudonymise the distinct references",
    "marts": "build the marts",
}


def _memory() -> object:
    import duckdb

    return duckdb.connect()


def worker_parse(utf8: str) -> dict:
    con = _memory()
    query = bench.CHECKED_SQL.format(file=bench._literal(utf8))
    started = time.perf_counter()
    con.execute(query.replace("create table t as", "create temp table t as", 1))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": con.execute("select count(*) from t").fetchall()[0][0]}


def worker_write(store: str, out: str) -> dict:
    import duckdb

    con = duckdb.connect(out)
    con.execute(f"attach {bench._literal(store)} as src (read_only)")
    con.execute("create temp table held as from src.contacts")  # in memory, not timed
    con.execute("detach src")
    started = time.perf_counter()
    con.execute("create table contacts as from held")
    con.execute("checkpoint")
    seconds = time.perf_counter() - started
    rows = con.execute("select count(*) from contacts").fetchall()[0][0]
    con.close()
    return {"seconds": seconds, "rows": rows}


def worker_hash(utf8: str) -> dict:
    import polars as pl

    from pipelines import privacy

    con = _memory()
    refs = pl.DataFrame(
        con.sql(
            f"select distinct Beller as ref from read_csv({bench._literal(utf8)}, delim=';', "
            "header=true, all_varchar=true) where Beller is not null"
        )
    )["ref"]
    started = time.perf_counter()
    privacy.pseudonymise(privacy.normalised(refs), b"k" * 32, con)
    return {"seconds": time.perf_counter() - started, "rows": refs.len()}


def worker_marts(store: str) -> dict:
    seconds = bench._time_marts(store)
    return {"seconds": sum(seconds.values()), "rows": len(seconds)}


def worker_publish(live: str) -> dict:
    """Publish a day's contacts (1,000) as a load does, with nothing else: DuckDB alone."""
    import duckdb

    from pipelines import store

    held = duckdb.connect()  # the rows, in memory before the clock starts
    held.execute(f"attach {bench._literal(live)} as live (read_only)")
    day = held.sql(
        f"select * from live.contacts using sample {bench.DAY_ROWS} rows (reservoir, 1)"
    ).pl()
    held.close()
    live_path = Path(live)
    copy = live_path.with_name(live_path.name + ".next")
    marks = [time.perf_counter()]
    store._copy(live_path, copy)
    marks.append(time.perf_counter())
    con = duckdb.connect(str(copy))
    con.execute("insert into contacts select * from day")
    marks.append(time.perf_counter())
    con.execute("checkpoint")
    marks.append(time.perf_counter())
    con.close()
    os.replace(copy, live_path)
    marks.append(time.perf_counter())
    steps = {name: b - a for name, a, b in zip(PUBLISH, marks[:-1], marks[1:], strict=True)}
    return {"seconds": marks[-1] - marks[0], "rows": len(day), "steps": steps}


WORKERS = {
    "parse": worker_parse,
    "write": worker_write,
    "hash": worker_hash,
    "marts": worker_marts,
    "publish": worker_publish,
}


def filesystem(folder: Path, mounts: Path = Path("/proc/mounts")) -> str:
    """Return the type of the filesystem `folder` is on (the longest mount point holding it)."""
    best, kind = "", "unknown"
    for line in mounts.read_text().splitlines():
        _, point, fs, *_ = line.split()
        path = str(folder.resolve())
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fs
    return kind


def measure_day(rows: int, folders: list[Path], repeat: int, workdir: Path) -> dict:
    """One more day into a store of `rows` contacts: ours and publishing alone, per folder."""
    stores = workdir / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    built = stores / f"dayfloor-{rows}.duckdb"
    bench._fresh(built)
    bench._log(f"{rows:,} contacts: build the store for one more day")
    build = bench._work("load", str(built), bench._generated(workdir, rows, False))
    [day] = bench._days(workdir, 1)
    results: dict = {
        "rows": rows,
        "store_mb": built.stat().st_size / bench.MB,
        "build": build,
        "load_before": os.getloadavg(),
        "folders": {},
    }
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        live = folder / "dayfloor-live.duckdb"
        runs: dict[str, list] = {"ours": [], "publish": []}
        for attempt in range(repeat):
            bench._log(f"{folder}: one more day, run {attempt + 1}/{repeat}")
            _fresh_copy(built, live)
            runs["ours"].append(bench._work("load", str(live), day))
            _fresh_copy(built, live)
            runs["publish"].append(bench._work("publish", str(live), module=FLOOR))
        bench._fresh(live)
        if any(r["rows"] != bench.DAY_ROWS for r in runs["ours"] + runs["publish"]):
            raise RuntimeError(f"{folder}: a day of other than {bench.DAY_ROWS} rows: {runs}")
        results["folders"][str(folder)] = {"filesystem": filesystem(folder), "runs": runs}
    bench._fresh(built)
    results["load_after"] = os.getloadavg()
    return results


def _fresh_copy(built: Path, live: Path) -> None:
    """Put a copy of the built store (and its key) at `live`, on disk before the clock starts."""
    bench._fresh(live)
    shutil.copyfile(built, live)
    shutil.copyfile(f"{built}.key", f"{live}.key")
    os.chmod(f"{live}.key", 0o600)
    os.sync()


def measure(files: dict[str, tuple[Path, Path]], repeat: int, workdir: Path) -> dict:
    """For each export (label -> (cp1252 file, mapping)): our load, the plain read, the steps."""
    stores = workdir / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    ours, copy = stores / "floor.duckdb", stores / "floor-write.duckdb"
    results: dict = {"load_before": os.getloadavg(), "sizes": {}}
    for label, (file, mapping) in files.items():
        utf8 = str(bench._utf8_copy(file))
        runs: dict[str, list] = {name: [] for name in ("ours", "duckdb", *STEPS)}
        for attempt in range(repeat):
            bench._log(f"{label}: floor run {attempt + 1}/{repeat}")
            bench._fresh(ours, copy)
            runs["ours"].append(bench._work("ingest_ours", str(file), str(mapping), str(ours)))
            runs["duckdb"].append(bench._work("ingest_duckdb", utf8, str(copy)))
            bench._fresh(copy)
            runs["parse"].append(bench._work("parse", utf8, module=FLOOR))
            runs["write"].append(bench._work("write", str(ours), str(copy), module=FLOOR))
            runs["hash"].append(bench._work("hash", utf8, module=FLOOR))
            runs["marts"].append(bench._work("marts", str(ours), module=FLOOR))
            bench._fresh(ours, copy)
        results["sizes"][label] = runs
    results["load_after"] = os.getloadavg()
    return results


def _median(runs: list[dict]) -> float:
    return statistics.median(r["seconds"] for r in runs)


def _heading(results: dict, info: dict[str, str], command: str) -> list[str]:
    return [
        f"Measured on {info['date']}: {info['CPU']}, {info['memory']} memory, {info['OS']}, "
        f"Python {info['Python']}, {info['libraries']}.",
        f"Command: `{command}`; medians of the runs. Load average (1, 5, 15 min) before: "
        f"{bench._load(results.get('load_before'))}, after: "
        f"{bench._load(results.get('load_after'))}.",
        "",
    ]


def report(results: dict, info: dict[str, str], command: str) -> str:
    lines = [
        *_heading(results, info, command),
        "| export | DuckDB `read_csv` | ours | ratio | "
        + " | ".join(STEPS.values())
        + " | the steps' sum | its ratio to `read_csv` | target ≤ 1.5x |",
        "|---|---|---|---|" + "---|" * len(STEPS) + "---|---|---|",
    ]
    for label, runs in results["sizes"].items():
        read = _median(runs["duckdb"])
        steps = [_median(runs[name]) for name in STEPS]
        floor = sum(steps)
        verdict = (
            "reachable in principle" if floor <= 1.5 * read else "**out of reach in this stack**"
        )
        lines.append(
            f"| {label} | {bench._s(read)} | {bench._s(_median(runs['ours']))} | "
            f"{_median(runs['ours']) / read:.1f}x | "
            + " | ".join(bench._s(s) for s in steps)
            + f" | {bench._s(floor)} | {floor / read:.1f}x | {verdict} |"
        )
    return "\n".join(lines)


def report_day(results: dict, info: dict[str, str], command: str) -> str:
    rows = results["rows"]
    lines = [
        *_heading(results, info, command),
        f"Store: {bench._rows(rows)} contacts, {results['store_mb']:,.0f} MB, built from the "
        f"generated exports in {bench._s(results['build']['seconds'])}.",
        "",
        "| filesystem | our day (1,000 contacts, marts included) | publishing alone | "
        + " | ".join(PUBLISH)
        + f" | target < {bench.INCREMENTAL_SECONDS:g} s |",
        "|---|---|---|" + "---|" * len(PUBLISH) + "---|",
    ]
    for measured in results["folders"].values():
        runs = measured["runs"]
        ours, publish = _median(runs["ours"]), _median(runs["publish"])
        steps = [statistics.median(r["steps"][name] for r in runs["publish"]) for name in PUBLISH]
        if publish >= bench.INCREMENTAL_SECONDS:
            verdict = "**out of reach on this filesystem**"
        else:
            verdict = bench._met(ours < bench.INCREMENTAL_SECONDS)
        lines.append(
            f"| {measured['filesystem']} | {bench._s(ours)} | {bench._s(publish)} | "
            + " | ".join(bench._s(s) for s in steps)
            + f" | {verdict} |"
        )
    return "\n".join(lines)


def write(path: Path, body: str, marks: tuple[str, str] = (START_MARK, END_MARK)) -> None:
    """Put body between the markers of path (appending the markers if needed)."""
    start, end = marks
    block = f"{start}\n{body}\n{end}"
    text = path.read_text()
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--rows", default="1000000,10000000", help="phone exports' sizes")
    parser.add_argument(
        "--distinct-rows", type=int, default=2_000_000, help="every caller distinct; 0: none"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--part", choices=("all", "ingest", "day"), default="all", help="what to measure"
    )
    parser.add_argument(
        "--day-rows", type=int, default=10_000_000, help="contacts in the store one day goes into"
    )
    parser.add_argument(
        "--day-dirs",
        help="comma-separated folders, one per filesystem, to publish in (default: workdir/stores)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "channelshift-bench",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="?", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        result = WORKERS[options.worker](*json.loads(options.args))
        result["peak_mb"] = bench._peak_mb()
        print(bench.RESULT + json.dumps(result), flush=True)
        return 0
    command = " ".join(["python -m bench.floor", *(argv if argv is not None else sys.argv[1:])])
    if options.part in ("all", "day"):
        folders = [Path(f) for f in (options.day_dirs or "").split(",") if f]
        folders = folders or [options.workdir / "stores"]
        day = measure_day(options.day_rows, folders, options.repeat, options.workdir)
        write(options.out, report_day(day, bench.machine(), command), DAY_MARKS)
    if options.part == "day":
        bench._log(f"wrote {options.out}")
        return 0
    files = {}
    for rows in sorted(int(r.replace("_", "")) for r in options.rows.split(",")):
        phone = next(d for d in bench._generated(options.workdir, rows, True) if d[0] == "phone")
        files[f"{bench._rows(rows)} rows"] = (Path(phone[1][0]), Path(phone[2]))
    if options.distinct_rows:
        phone = next(
            d
            for d in bench._generated(
                options.workdir, options.distinct_rows, True, distinct_refs=True
            )
            if d[0] == "phone"
        )
        label = f"{bench._rows(options.distinct_rows)} rows, every caller distinct"
        files[label] = (Path(phone[1][0]), Path(phone[2]))
    results = measure(files, options.repeat, options.workdir)
    write(options.out, report(results, bench.machine(), command))
    bench._log(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
