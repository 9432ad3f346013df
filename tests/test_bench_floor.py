"""Smoke test for bench/floor.py: a tiny run writes one row per export between its markers."""

import re
from pathlib import Path

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


def test_day_floor_block_has_a_row_per_folder_and_leaves_the_ingest_block(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    out.write_text(f"# Benchmarks\n\n{floor.START_MARK}\nkept\n{floor.END_MARK}\n")
    folders = [tmp_path / "one", tmp_path / "two"]
    args = ["--part", "day", "--day-rows", "3000", "--repeat", "1"]
    args += ["--day-dirs", ",".join(map(str, folders)), "--workdir", str(tmp_path / "w")]
    assert floor.main([*args, "--out", str(out)]) == 0
    text = out.read_text()
    assert f"{floor.START_MARK}\nkept\n{floor.END_MARK}" in text
    start, end = floor.DAY_MARKS
    block = text.split(start, 1)[1].split(end, 1)[0]
    assert "Store: 3k contacts, " in block
    kind = floor.filesystem(tmp_path)
    rows = [line for line in block.splitlines() if line.startswith(f"| {kind} |")]
    assert len(rows) == 2
    for row in rows:  # filesystem, ours, publishing, its four steps, verdict
        cells = row.strip("|").split(" | ")
        assert len(cells) == 8
        assert all(re.fullmatch(r"[\d.,]+ m?s", c.strip()) for c in cells[1:7])
        assert cells[7].strip() in (
            "met",
            "**not met**",
            "**out of reach on this filesystem**",
        )
    assert not list(tmp_path.glob("*/dayfloor-*"))  # no store left behind


def test_filesystem_is_the_longest_mount_point_holding_the_folder(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n/dev/loop0 /srv xfs rw 0 0\n/dev/loop1 /srv2 btrfs rw 0 0\n"
    )
    assert floor.filesystem(Path("/srv/stores"), mounts) == "xfs"
    assert floor.filesystem(Path("/srv2/stores"), mounts) == "btrfs"  # not /srv's
    assert floor.filesystem(Path("/srv"), mounts) == "xfs"
    assert floor.filesystem(Path("/home/stores"), mounts) == "ext4"
