"""Pages as a person feels them (issue 12): every dashboard page timed in headless Chromium.

    python -m bench.pages --db PATH [--label NAME] [--runs 7] [--first-runs 3]
    python -m bench.pages --demo [--workdir DIR]             # `channelshift demo`, built once
    python -m bench.pages --rows 10000000 [--workdir DIR]    # generated store, built once
    python -m bench.pages --rows 10000000 --build-only       # build it only (in the background)

The app is served with `streamlit run dashboard.py` on the store, as a person's browser meets
it; each view is a navigation (`page.goto`) in one Chromium context (its HTTP cache stays warm,
every view is a new Streamlit session). A view is done when the script state is `notRunning`,
no skeleton or running indicator is left, every chart has its svg, and the page has not changed
for QUIET_MS; its time is from the navigation's start to the last change of the page. The
results replace this store's part of the block between the markers below in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from bench import run
from pipelines.settings import REPO

START_MARK = "<!-- pages:start (written by python -m bench.pages; do not edit by hand) -->"
END_MARK = "<!-- pages:end -->"
STORE_MARK = "<!-- pages:store {label} -->"
TARGET_SECONDS = 1.0  # issue 12: a page's median view under 1 s
QUIET_MS = 500  # a page that has not changed for this long is drawn
VIEW_TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1400, "height": 1000}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
SERVER_TIMES = "BENCH_PAGES_SERVER_TIMES"  # env: file the served app appends its script runs to
SERVER_PROFILE = "BENCH_PAGES_PROFILE"  # env: folder for a cProfile of every script run
# (both read by bench/serve.py, which serves the app without importing the checkout's code)


class Page(NamedTuple):
    name: str  # as the menu says it
    path: str  # URL path
    query: str  # its row in bench.run.PAGES (the query-only figures)


PAGES = (
    Page("Overzicht", "", "Overzicht (overview)"),
    Page("Kanaalmix", "kanaalmix", "Kanaalmix (channel_mix)"),
    Page("Digitalisering", "digitalisering", "Digitalisering (digitisation)"),
    Page("Herstelwerk", "herstelwerk", "Herstelwerk (corrections)"),
    Page("Teams", "teams", "Teams (teams)"),
    Page("Audit", "audit", "Audit (audit)"),
)

# Runs in every document before the app's own scripts: records when the page last changed,
# the script state's changes and the main thread's long tasks; sets window.__view once the
# page is done.
WATCH = """
(() => {
  if (window !== window.top) return;
  const QUIET = QUIET_MS;
  const view = {last: 0, running: [], finished: [], busy: 0, tasks: 0};
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) { view.busy += e.duration; view.tasks += 1; }
  }).observe({type: 'longtask', buffered: true});
  new MutationObserver(list => {
    const now = performance.now();
    for (const m of list) {
      const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      if (m.type === 'attributes' && m.attributeName === 'data-test-script-state') {
        const state = m.target.getAttribute('data-test-script-state');
        if (state === 'running') view.running.push(now);
        if (state === 'notRunning') view.finished.push(now);
      }
      // the header holds the running indicator; a canvas's children are never drawn (the
      // data grid puts an accessible copy of its cells there, a while after drawing them)
      if (!(node && node.closest && node.closest('[data-testid="stHeader"], canvas'))) {
        view.last = now;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  const done = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
      && view.running.length > 0
      && !document.querySelector(
        '[data-testid="stSkeleton"], [data-testid="stStatusWidgetRunningIcon"]')
      && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .every(c => c.querySelector('svg'))
      && performance.now() - view.last >= QUIET;
  };
  const timer = setInterval(() => {
    if (!done()) return;
    clearInterval(timer);
    view.charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]').length;
    window.__view = view;
  }, 50);
})();
""".replace("QUIET_MS", str(QUIET_MS))


# --- The app, served as a person meets it ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


@contextmanager
def serving(
    db: Path, log: Path, server_times: Path, profiles: Path | None = None, app: Path = REPO
) -> Iterator[str]:
    """Serve the dashboard of `app` (a checkout) on the store `db`; yield its base URL."""
    env = {
        **os.environ,
        "CHANNELSHIFT_DB": str(db),
        SERVER_TIMES: str(server_times),
        "PYTHONPATH": str(app),  # the checkout's own packages, whatever its bench/ holds
    }
    if profiles:
        profiles.mkdir(parents=True, exist_ok=True)
        env[SERVER_PROFILE] = str(profiles)
    for _attempt in range(3):  # another process may take the free port first
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [
            *(sys.executable, str(Path(__file__).with_name("serve.py")), "dashboard.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ]
        with open(log, "a") as out:
            proc = subprocess.Popen(command, cwd=app, env=env, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while proc.poll() is None and not healthy(base):
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.25)
        if proc.poll() is None:
            break
    else:
        raise RuntimeError(f"streamlit exited at start:\n{log.read_text()[-3000:]}")
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- Measuring -------------------------------------------------------------------------------


def _view(page, base: str, path: str, frames: list[int], server_times: Path) -> dict:
    """Open a page by navigating to it; return its time and what it consists of."""
    frames.clear()
    runs_before = _server_runs(server_times)
    page.goto(f"{base}/{path}?lang=nl", wait_until="commit")
    page.wait_for_function("() => window.__view", timeout=VIEW_TIMEOUT_MS, polling=100)
    view = page.evaluate("() => window.__view")
    server = _server_runs(server_times)[len(runs_before) :]
    if page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"exception on {page.url}")
    return {
        "seconds": view["last"] / 1000,
        "start": view["running"][0] / 1000,  # navigation -> the script starts running
        "script": (view["finished"][-1] - view["running"][0]) / 1000,
        "draw": (view["last"] - view["finished"][-1]) / 1000,
        "browser_runs": len(view["running"]),
        "server": sum(wall for wall, _ in server),
        "server_cpu": sum(cpu for _, cpu in server),
        "server_runs": len(server),
        "busy": view["busy"] / 1000,
        "bytes": sum(frames),
        "charts": view["charts"],
    }


def _server_runs(path: Path) -> list[tuple[float, float]]:
    """Return the served app's script runs so far: (seconds, CPU seconds of its thread)."""
    lines = path.read_text().splitlines() if path.exists() else []
    return [(float(wall), float(cpu)) for wall, cpu in (line.split() for line in lines)]


def load_of_a_new_file(db: Path) -> None:
    """Make the store look published anew, as a load does: the app's caches key on its mtime."""
    os.utime(db)


def measure_browser(
    db: Path,
    runs: int,
    first_runs: int,
    workdir: Path,
    profiles: Path | None = None,
    app: Path = REPO,
) -> dict:
    """Serve the app on `db`; time every page's warm views and first views after a load."""
    from playwright.sync_api import sync_playwright

    workdir.mkdir(parents=True, exist_ok=True)
    server_times = workdir / "server-times.txt"
    server_times.unlink(missing_ok=True)
    log = workdir / "streamlit.log"
    results: dict = {"warm": {p.name: [] for p in PAGES}, "first": {p.name: [] for p in PAGES}}
    with (
        serving(db, log, server_times, profiles, app) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results["chromium"] = browser.version
        context = browser.new_context(
            viewport=VIEWPORT, locale="nl-NL", timezone_id="Europe/Amsterdam"
        )
        context.add_init_script(WATCH)
        page = context.new_page()
        frames: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
        for p in PAGES:  # warm-up: the app's imports, the caches, the browser's cache
            _view(page, base, p.path, frames, server_times)
        for _ in range(runs):
            for p in PAGES:
                results["warm"][p.name].append(_view(page, base, p.path, frames, server_times))
        for _ in range(first_runs):
            for p in PAGES:
                load_of_a_new_file(db)
                results["first"][p.name].append(_view(page, base, p.path, frames, server_times))
        browser.close()
    return results


def describe(db: Path) -> dict:
    """Return the store's size: contacts, first and last day, file size."""
    from pipelines import store

    with store.read_only(db) as con:
        contacts, first, last = con.execute(
            "select count(*), min(occurred_at)::date, max(occurred_at)::date from contacts"
        ).fetchall()[0]
    return {
        "contacts": contacts,
        "first": str(first),
        "last": str(last),
        "mb": db.stat().st_size / run.MB,
    }


def measure(
    db: Path,
    runs: int,
    first_runs: int,
    query_runs: int,
    workdir: Path,
    profiles: Path | None = None,
    app: Path = REPO,
) -> dict:
    """Every figure of one store: in the browser and query only (bench.run's page functions)."""
    results: dict = {"store": describe(db), "runs": runs, "first_runs": first_runs}
    results["load_before"] = os.getloadavg()
    results["query"] = run._work("dashboard", str(db), query_runs)["times"] if query_runs else {}
    results["query_runs"] = query_runs
    results.update(measure_browser(db, runs, first_runs, workdir, profiles, app))
    results["load_after"] = os.getloadavg()
    return results


# --- Stores ----------------------------------------------------------------------------------


def demo_store(workdir: Path) -> Path:
    """Return `channelshift demo`'s store (default years), building it unless built before."""
    import demo

    db = workdir / "stores" / "demo.duckdb"
    if not db.exists():
        run._log(f"build the demo store {db}")
        db.parent.mkdir(parents=True, exist_ok=True)
        runs = demo.build(db)
        if {r.status for r in runs} != {"ok"}:
            raise RuntimeError("; ".join(r.summary() for r in runs))
    return db


def generated_store(workdir: Path, rows: int) -> Path:
    """Return a store of `rows` generated contacts (web, phone, desk), built unless built before.

    The exports and the store are made as bench/run.py makes them for its dashboard figures.
    """
    db = workdir / "stores" / f"pages-{rows}.duckdb"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        deliveries = run._generated(workdir, rows, False)
        run._log(f"{rows:,} rows: build the store {db}")
        partial = db.with_name(db.name + ".building")
        run._fresh(partial)
        run._work("load", str(partial), deliveries)
        partial.replace(db)
        key = partial.with_name(partial.name + ".key")
        if key.exists():
            key.replace(db.with_name(db.name + ".key"))
        run._fresh(partial)
    return db


# --- Report ----------------------------------------------------------------------------------


def _median(views: list[dict], field: str = "seconds") -> float:
    return run.median([v[field] for v in views])


def _bytes(n: float) -> str:
    return f"{n / 1024:,.0f} kB" if n >= 1024 else f"{n:,.0f} B"


def report(label: str, results: dict, info: dict[str, str], command: str) -> str:
    """Return one store's part of the block: its machine line, its times, what they consist of."""
    shape = results["store"]
    lines = [
        f"#### {label}: {shape['contacts']:,} contacts, {shape['first']} to {shape['last']}, "
        f"{shape['mb']:,.0f} MB",
        "",
        f"Measured on {info['date']}: {info['CPU']}, {info['memory']} memory, {info['OS']}, "
        f"Python {info['Python']}, {results['chromium_name']}, streamlit {results['streamlit']}. "
        f"Command: `{command}`; warm: {results['runs']} views of each page after a warm-up, "
        f"first view after a load: {results['first_runs']}, query only: "
        f"{results['query_runs']} rounds. Load average (1, 5, 15 min) before: "
        f"{run._load(results.get('load_before'))}, after: {run._load(results.get('load_after'))}.",
        "",
        "| page | query only: median | in the browser, warm: median | warm: p95 | first view "
        "after a load: median | target: warm median < 1 s |",
        "|---|---|---|---|---|---|",
    ]
    for p in PAGES:
        warm, first = results["warm"][p.name], results["first"][p.name]
        query = results["query"].get(p.query)
        cells = [
            run._s(run.median(query)) if query else "–",
            run._s(_median(warm)) if warm else "–",
            run._s(run.p95([v["seconds"] for v in warm])) if warm else "–",
            run._s(_median(first)) if first else "–",
            run._met(bool(warm) and _median(warm) < TARGET_SECONDS) if warm else "–",
        ]
        lines.append(f"| {p.name} | " + " | ".join(cells) + " |")
    warm = {p.name: _median(results["warm"][p.name]) for p in PAGES if results["warm"][p.name]}
    if warm:
        met = sum(seconds < TARGET_SECONDS for seconds in warm.values())
        slowest = max(warm, key=warm.get)
        lines += [
            "",
            f"Warm medians under {TARGET_SECONDS:g} s: {met} of {len(warm)} pages (slowest: "
            f"{slowest}, {run._s(warm[slowest])}).",
        ]
    lines += [
        "",
        "What a warm view consists of (medians): from the navigation until the script starts "
        "running (HTML, the app's JavaScript, the websocket, a new session); the script run as "
        "the browser sees it (from `running` to `notRunning`), of which the server's own run; "
        "drawing after the run until the page's last change; the data the browser received "
        "over the websocket; the main thread's long tasks (over 50 ms) from the navigation on.",
        "",
        "| page | start | script run | of which on the server | drawing | script runs "
        "| data to the browser | long tasks | charts |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in PAGES:
        warm = results["warm"][p.name]
        if not warm:
            continue
        lines.append(
            f"| {p.name} | {run._s(_median(warm, 'start'))} | {run._s(_median(warm, 'script'))} "
            f"| {run._s(_median(warm, 'server'))} | {run._s(_median(warm, 'draw'))} "
            f"| {max(v['browser_runs'] for v in warm)} | {_bytes(_median(warm, 'bytes'))} "
            f"| {run._s(_median(warm, 'busy'))} | {warm[0]['charts']} |"
        )
    return "\n".join(lines)


def write(path: Path, label: str, body: str) -> None:
    """Put one store's part into the block of path, keeping the other stores' parts."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    mark = STORE_MARK.format(label=label)
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        inner, tail = rest.split(END_MARK, 1)
    else:
        head, inner, tail = text.rstrip("\n") + "\n\n## Pages in the browser\n\n", "\n", "\n"
    parts = [p for p in inner.split("<!-- pages:store ") if p.strip()]
    stores = {p.split(" -->", 1)[0]: p.split(" -->", 1)[1].strip("\n") for p in parts}
    stores[label] = body
    inner = "".join(f"\n{STORE_MARK.format(label=k)}\n{v}\n" for k, v in stores.items())
    assert mark in inner
    path.write_text(head + START_MARK + inner + END_MARK + tail)


def main(argv: list[str] | None = None) -> int:
    """Measure the pages of one store in Chromium and write its part of BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--db", type=Path, help="a store to measure (its mtime is touched)")
    which.add_argument("--demo", action="store_true", help="`channelshift demo`'s store")
    which.add_argument("--rows", type=int, help="a store of this many generated contacts")
    parser.add_argument("--label", help="the store's name in the table (default: from the store)")
    parser.add_argument("--runs", type=int, default=7, help="warm views per page")
    parser.add_argument("--first-runs", type=int, default=3, help="first views after a load")
    parser.add_argument("--query-runs", type=int, default=30, help="query-only rounds (0: none)")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "channelshift-bench",
        help="stores built here (and kept), generated exports (shared with bench.run)",
    )
    parser.add_argument("--build-only", action="store_true", help="build the store only")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--profile", type=Path, help="write a cProfile of every script run the app makes here"
    )
    parser.add_argument(
        "--app",
        type=Path,
        default=REPO,
        help="serve the dashboard of this checkout (e.g. the commit before, for before/after)",
    )
    options = parser.parse_args(argv)

    if options.demo:
        db, label = demo_store(options.workdir), options.label or "demo"
    elif options.rows:
        db = generated_store(options.workdir, options.rows)
        label = options.label or f"{run._rows(options.rows)} contacts"
    else:
        db, label = options.db, options.label or options.db.stem
    if options.build_only:
        return 0
    run._log(f"{label}: measure the pages of {db}")
    results = measure(
        db,
        options.runs,
        options.first_runs,
        options.query_runs,
        options.workdir / "pages",
        options.profile,
        options.app.resolve(),
    )
    import streamlit

    results["streamlit"] = streamlit.__version__
    results["chromium_name"] = f"Chromium {results['chromium']}"
    if options.json:
        options.json.write_text(json.dumps(results, indent=1))
    store = "--demo" if options.demo else f"--rows {options.rows}" if options.rows else "--db"
    command = (
        f"python -m bench.pages {store} --runs {options.runs} --first-runs {options.first_runs}"
        f" --query-runs {options.query_runs}"
    )
    write(options.out, label, report(label, results, run.machine(), command))
    run._log(f"wrote {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
