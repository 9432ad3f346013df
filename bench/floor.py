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
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench import run as bench
from pipelines.settings import REPO

START_MARK = "<!-- floor:start (written by python -m bench.floor; do not edit by hand) -->"
END_MARK = "<!-- floor:end -->"
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


WORKERS = {
    "parse": worker_parse,
    "write": worker_write,
    "hash": worker_hash,
    "marts": worker_marts,
}


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


def report(results: dict, info: dict[str, str], command: str) -> str:
    lines = [
        f"Measured on {info['date']}: {info['CPU']}, {info['memory']} memory, {info['OS']}, "
        f"Python {info['Python']}, {info['libraries']}.",
        f"Command: `{command}`; medians of the runs. Load average (1, 5, 15 min) before: "
        f"{bench._load(results.get('load_before'))}, after: "
        f"{bench._load(results.get('load_after'))}.",
        "",
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


def write(path: Path, body: str) -> None:
    """Put body between the floor markers of path (appending the markers if needed)."""
    block = f"{START_MARK}\n{body}\n{END_MARK}"
    text = path.read_text()
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        text = head + block + rest.split(END_MARK, 1)[1]
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
    command = " ".join(["python -m bench.floor", *(argv if argv is not None else sys.argv[1:])])
    write(options.out, report(results, bench.machine(), command))
    bench._log(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
