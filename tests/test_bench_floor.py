"""Smoke test for bench/floor.py: a tiny run writes one row per export between its markers."""

import re

from bench import floor


def test_floor_block_has_a_row_per_export_and_the_rest_stays(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    out.write_text("# Benchmarks\n\nAnalysis stays.\n")
    args = ["--rows", "3000", "--distinct-rows", "2000", "--repeat", "1"]
    assert floor.main([*args, "--out", str(out), "--workdir", str(tmp_path / "w")]) == 0
    text = out.read_text()
    assert text.startswith("# Benchmarks\n\nAnalysis stays.\n")
    assert text.count(floor.START_MARK) == text.count(floor.END_MARK) == 1
    rows = [
        line for line in text.splitlines() if line.startswith("| 3k") or line.startswith("| 2k")
    ]
    assert [r.split(" | ")[0] for r in rows] == ["| 3k rows", "| 2k rows, every caller distinct"]
    for row in rows:  # read, ours, ratio, four steps, their sum, its ratio, verdict
        cells = row.strip("|").split(" | ")
        assert len(cells) == 11
        assert all(re.fullmatch(r"[\d.,]+ m?s", c.strip()) for c in cells[1:3] + cells[4:9])
        assert cells[10].strip() in ("reachable in principle", "**out of reach in this stack**")
