"""Smoke test for bench/run.py: a small run writes every table row (no timing assertions)."""

import hashlib
import json
import re
from pathlib import Path

import pytest

from bench import run

REAL = run.REPO / "BENCHMARKS.md"
SIZES = ("5k", "20k")
DISTINCT = "5k, every caller distinct"


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where a quick run at 5,000 and 20,000 rows (and 5,000 with every caller
    distinct) wrote BENCHMARKS.md, a tmp copy, and its raw results, results.json."""
    tmp = tmp_path_factory.mktemp("bench")
    copy = tmp / "BENCHMARKS.md"
    copy.write_text(REAL.read_text() if REAL.exists() else "# Benchmarks\n\nAnalysis stays.\n")
    before = _digest(REAL)
    argv = ["--rows", "20000,5000", "--distinct-rows", "5000", "--quick", "--out", str(copy)]
    argv += ["--workdir", str(tmp / "w"), "--json", str(tmp / "results.json")]
    assert run.main(argv) == 0
    assert _digest(REAL) == before, "the real BENCHMARKS.md must not be touched"
    return tmp


@pytest.fixture(scope="module")
def written(ran: Path) -> str:
    """BENCHMARKS.md as the quick run wrote it."""
    return (ran / "BENCHMARKS.md").read_text()


def _section(text: str, heading: str) -> list[str]:
    """Return the table rows under a ### heading."""
    part = text.split(heading, 1)[1].split("\n### ", 1)[0]
    return [line for line in part.splitlines() if line.startswith("| ") and "---" not in line]


def test_results_sit_between_the_markers_and_the_rest_stays(written):
    assert written.count(run.START_MARK) == written.count(run.END_MARK) == 1
    assert written.startswith("# Benchmarks")
    assert written.index(run.START_MARK) < written.index(run.END_MARK)


def test_machine_line(written):
    assert re.search(r"Measured on \d{4}-\d\d-\d\d \d\d:\d\d: .+, \d+ cores, ", written)
    assert "Python 3." in written and "polars " in written and "duckdb " in written


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("### 1. Ingest", [f"| {s} |" for s in (*SIZES, DISTINCT)]),
        ("### 2. Incremental", [f"| {s} |" for s in SIZES]),
        ("### 3. Dashboard", [f"| {page} |" for page in run.PAGES]),
        (
            "### 4. Memory",
            [f"| ingest (`load_files`, phone export) | {s} |" for s in (*SIZES, DISTINCT)]
            + [f"| pandas `read_csv` + `to_sql` | {s} |" for s in SIZES]
            + [f"| dashboard queries (all pages, 4 rounds) | {s} |" for s in SIZES]
            + [f"| full build of the store (all sources) | {s} |" for s in SIZES],
        ),
        ("### Profile: ingest of the phone export, 20k rows", ["| mart rebuild (13 marts) |"]),
        ("### Profile: one more day into the full store, 20k rows", ["| upsert ("]),
    ],
)
def test_every_row_is_present(written, heading, expected):
    rows = _section(written, heading)
    for start in expected:
        matching = [r for r in rows if r.startswith(start)]
        assert len(matching) == 1, f"{start!r} in {heading}: {rows}"
        assert "nan" not in matching[0] and "None" not in matching[0]
    if heading.startswith("### 1."):
        assert len(rows) == 2 + len(SIZES)  # the header, one row per size and the distinct one
    if heading.startswith("### 2."):
        assert len(rows) == 1 + len(SIZES)  # the header and one row per size
    if heading.startswith("### 3."):
        assert all(re.search(r"\| \d+\.\dx \|", r) for r in rows[1:])  # growth 5k -> 20k


def test_targets_of_issue_16(written):
    ingest = _section(written, "### 1. Ingest")
    distinct = next(r for r in ingest if r.startswith(f"| {DISTINCT} |"))
    assert re.search(r"\| \d+\.\dx \| (met|\*\*not met\*\*) \|", distinct)
    assert "--distinct-rows 5000" in written
    day = _section(written, "### 2. Incremental")
    assert day[0].endswith(f"| target < {run.INCREMENTAL_SECONDS:g} s |")
    memory = _section(written, "### 4. Memory")
    verdicts = [r.rsplit("|", 2)[1].strip() for r in memory if "`load_files`" in r]
    # the ratio's verdict only on the largest size's load
    assert verdicts[0] == verdicts[2] == "–"
    assert re.fullmatch(rf"≤ {run.LOAD_PEAK_VS_DUCKDB:g}x: (met|\*\*not met\*\*)", verdicts[1])


def test_the_largest_ingest_runs_again_with_the_lean_settings(ran, written):
    saved = json.loads((ran / "results.json").read_text())
    largest, smallest = (saved["sizes"][r]["ingest"] for r in ("20000", "5000"))
    assert "ours_lean" not in smallest
    assert [r["settings"] for r in largest["ours_lean"]] == [
        {"batch_mb": 8.0, "memory_limit": "300MB"}
    ]
    assert largest["ours"][0]["settings"] == {"batch_mb": 32.0, "memory_limit": "1GB"}
    memory = _section(written, "### 4. Memory")
    [lean] = [r for r in memory if r.startswith("| ingest with `CHANNELSHIFT_LOAD_BATCH_MB=8`")]
    assert lean.split(" | ")[1] == "20k"
    assert re.search(r"\(\d[\d.,]* m?s against \d[\d.,]* m?s\)", lean)
    assert re.search(rf"\| ≤ {run.LOAD_PEAK_VS_DUCKDB:g}x: (met|\*\*not met\*\*) \|$", lean)


def test_results_from_before_the_distinct_row_still_report(ran, tmp_path):
    saved = json.loads((ran / "results.json").read_text())
    del saved["distinct"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(saved))
    out = tmp_path / "B.md"
    assert run.main(["--from-json", str(old), "--out", str(out)]) == 0
    text = out.read_text()
    assert "every caller distinct |" not in text and "--distinct-rows" not in text
    assert len(_section(text, "### 1. Ingest")) == 1 + len(SIZES)


def test_profile_shares_add_up(written):
    rows = _section(written, "### Profile: ingest of the phone export")[1:]
    shares = [float(r.split("|")[3].strip().rstrip("%")) for r in rows]
    assert sum(shares) == pytest.approx(100, abs=0.5)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([3.0], 3.0), ([1.0, 2.0], 2.0), ([float(i) for i in range(1, 21)], 19.0)],
)
def test_p95_is_the_nearest_rank(values, expected):
    assert run.p95(values) == expected


@pytest.mark.parametrize(
    "marks", [(run.START_MARK, run.END_MARK), (run.SCALE_START, run.SCALE_END)]
)
def test_write_replaces_only_the_block(tmp_path, marks):
    path = tmp_path / "B.md"
    run.write(path, "first", marks)
    path.write_text("intro\n" + path.read_text() + "analysis\n")
    run.write(path, "second", marks)
    text = path.read_text()
    assert text.startswith("intro\n") and text.endswith("analysis\n")
    assert "second" in text and "first" not in text
    assert text.count(marks[0]) == text.count(marks[1]) == 1


# --- --scale: one store of many contacts -------------------------------------------------------


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where a quick scale run of 3,000 contacts wrote BENCHMARKS.md (a tmp copy of
    the real one) and its raw results, scale.json."""
    tmp = tmp_path_factory.mktemp("scale")
    (tmp / "BENCHMARKS.md").write_text(REAL.read_text())
    before = _digest(REAL)
    argv = ["--scale", "3000", "--quick", "--out", str(tmp / "BENCHMARKS.md")]
    argv += ["--workdir", str(tmp / "w"), "--json", str(tmp / "scale.json")]
    assert run.main(argv) == 0
    assert _digest(REAL) == before, "the real BENCHMARKS.md must not be touched"
    return tmp


TIME, MB, VERDICT = r"\d[\d.,]* m?s", r"\d[\d,]* MB", r"(met|\*\*not met\*\*)"


def _scale_block(text: str) -> str:
    return text.split(run.SCALE_START, 1)[1].split(run.SCALE_END, 1)[0]


def _outside(text: str) -> str:
    return text.split(run.SCALE_START, 1)[0] + text.split(run.SCALE_END, 1)[1]


def test_scale_writes_its_block_and_leaves_the_rest(scaled):
    text = (scaled / "BENCHMARKS.md").read_text()
    assert text.count(run.SCALE_START) == text.count(run.SCALE_END) == 1
    assert _outside(text) == _outside(REAL.read_text())  # the results block and the prose
    block = _scale_block(text)
    assert re.search(r"Measured on \d{4}-\d\d-\d\d \d\d:\d\d: .+, \d+ cores, ", block)
    assert "`python -m bench.run --scale 3000 --repeat 1 --page-runs 3`" in block
    assert "### 3,000 contacts (2008 to 2025)" in block
    assert re.search(r"1 min while it ran: median \d+\.\d, highest \d+\.\d \(\d+ samples", block)


@pytest.mark.parametrize(
    ("start", "pattern"),
    [
        ("| generate the exports", rf"\| {TIME} \| {TIME} \| {MB} \| {MB} of exports \| – \|$"),
        ("| build the store", rf"\d[\d,]* rows\) \| {TIME} \| {TIME} \| {MB} \| {MB} store file"),
        (
            "| one more day",
            rf"\| {TIME} \| – \| {MB} \| {MB} after 1 days \| < 0\.3 s: {VERDICT} \|$",
        ),
        ("| the same day into an empty store", rf"\| {TIME} \| – \| {MB} \| – \| – \|$"),
    ]
    + [(f"| {page} |", rf"^\| [^|]+ \| {TIME} \| {TIME} \| {VERDICT} \|$") for page in run.PAGES],
)
def test_scale_block_has_every_row(scaled, start, pattern):
    block = _scale_block((scaled / "BENCHMARKS.md").read_text())
    [row] = [line for line in block.splitlines() if line.startswith(start)]
    assert re.search(pattern, row), row


def test_scale_from_json_writes_the_same_block(scaled, tmp_path):
    out = tmp_path / "B.md"
    out.write_text(REAL.read_text())
    assert run.main(["--from-json", str(scaled / "scale.json"), "--out", str(out)]) == 0
    assert out.read_text() == (scaled / "BENCHMARKS.md").read_text()


def test_scale_says_when_the_exports_were_made_before(scaled):
    saved = json.loads((scaled / "scale.json").read_text())
    made = saved["generate"]
    assert saved["generated_now"] and made["seconds"] > 0 and made["peak_mb"] > 0
    saved["generated_now"] = False
    assert f"(an earlier run, {made['date']})" in run.report_scale(saved, saved["machine"])
    saved["generate"] = None  # exports of a run from before generated.json
    assert "not timed (exports of an earlier run)" in run.report_scale(saved, saved["machine"])


def test_scale_reports_results_from_before_cpu_times_and_load_samples(scaled):
    saved = json.loads((scaled / "scale.json").read_text())
    assert saved["build"]["cpu_seconds"] > 0 and saved["load_samples"]
    del saved["build"]["cpu_seconds"], saved["generate"]["cpu_seconds"], saved["load_samples"]
    block = run.report_scale(saved, saved["machine"])
    [build] = [line for line in block.splitlines() if line.startswith("| build the store")]
    assert re.search(rf"rows\) \| {TIME} \| – \| {MB} \|", build)
    assert "while it ran" not in block


# --- bench/pages.py: the pages in the browser --------------------------------------------------


@pytest.mark.browser
def test_pages_in_the_browser_gives_every_page_a_time(demo_store, tmp_path):
    """A short run of bench.pages on a copy of the session's demo store (its mtime is touched
    for the first views after a load): a row per page, each with positive times."""
    from bench import pages
    from tests.conftest import copy_store

    db = copy_store(demo_store, tmp_path / "store.duckdb")
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nAnalysis stays.\n")
    argv = ["--db", str(db), "--label", "demo", "--runs", "1", "--first-runs", "1"]
    argv += ["--query-runs", "1", "--out", str(out), "--workdir", str(tmp_path / "w")]
    assert pages.main(argv) == 0
    text = out.read_text()
    assert text.startswith("# Benchmarks\n\nAnalysis stays.\n")
    block = text.split(pages.START_MARK, 1)[1].split(pages.END_MARK, 1)[0]
    assert "#### demo: " in block and re.search(r"Measured on \d{4}-\d\d-\d\d", block)
    for page in pages.PAGES:
        times, parts = [r for r in block.splitlines() if r.startswith(f"| {page.name} |")]
        # query only, warm median and p95, first view after a load: all measured, all > 0
        cells = [c.strip() for c in times.split("|")[2:6]]
        assert all(re.fullmatch(r"\d[\d.,]* m?s", c) for c in cells), times
        assert all(float(c.split()[0]) > 0 for c in cells), times
        assert re.search(r"\| 1 \| \d", parts), parts  # one script run per view


def test_pages_block_keeps_the_other_stores(tmp_path):
    from bench import pages

    path = tmp_path / "B.md"
    path.write_text("# Benchmarks\n\nintro\n")
    pages.write(path, "demo", "demo v1")
    path.write_text(path.read_text() + "\nanalysis\n")
    pages.write(path, "10M contacts", "big v1")
    pages.write(path, "demo", "demo v2")
    text = path.read_text()
    assert text.startswith("# Benchmarks\n\nintro\n") and text.endswith("\nanalysis\n")
    assert text.count(pages.START_MARK) == text.count(pages.END_MARK) == 1
    assert "demo v2" in text and "demo v1" not in text and "big v1" in text
    assert text.index("demo v2") < text.index("big v1")  # each store keeps its place
