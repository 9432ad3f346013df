"""The command line: exit codes, one line per file, status."""

from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from channelshift import main
from metrics import status
from pipelines import privacy, store
from tests.conftest import FIXTURES


def test_load_reports_each_file_and_exits_0_with_rejects(db, capsys):
    code = main(["load", "--db", str(db), "--source", "phone", str(FIXTURES / "phone_bad.csv")])
    out = capsys.readouterr().out
    assert code == 0
    assert "read 15, loaded 3 (new 3, updated 0, unchanged 0), duplicate 1, rejected 11" in out
    assert "invalid_date 2" in out


def test_failed_file_exits_2_and_names_the_file(db, tmp_path, capsys):
    bad = tmp_path / "broken.csv"
    bad.write_text("contact_id\nW1\n")
    code = main(["load", "--db", str(db), "--source", "web", str(bad)])
    assert code == 2
    assert f"FAILED {bad}: only one column found" in capsys.readouterr().out


def test_mapping_option(db, capsys):
    code = main(
        [
            "load",
            "--db",
            str(db),
            "--source",
            "phone",
            "--mapping",
            str(FIXTURES / "phone_mapping.toml"),
            str(FIXTURES / "phone_acd.csv"),
        ]
    )
    assert code == 0
    assert "loaded 3 (new 3" in capsys.readouterr().out


def test_status_lists_counts_rejects_and_quality(db, capsys, monkeypatch):
    monkeypatch.setenv("CHANNELSHIFT_DB", str(db))
    main(["load", "--source", "phone", str(FIXTURES / "phone_bad.csv")])
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "contacts                  3" in out
    assert "missing_id" in out
    assert "Calls without product: 1" in out


def test_status_without_database(db, capsys):
    assert main(["status", "--db", str(db)]) == 1
    assert "no database yet" in capsys.readouterr().out


def check_demo_store(db: Path, exports: Path, year: int, min_contacts: int) -> None:
    """The demo loaded through the same pipeline as real data; only planted glitches fail.

    `min_contacts`: contacts offered that the store counts, single ones and monthly totals.
    """
    counts = status.counts(db)
    assert 290 <= counts["products"] <= 310
    with store.read_only(db) as con:
        counted = con.execute(
            "select sum(offered) from mart_source_months where is_counted"
        ).fetchone()[0]
        assert con.execute("select distinct status from load_runs").fetchall() == [("ok",)]
        reasons = {r for (r,) in con.execute("select distinct reason from load_rejects").fetchall()}
        assert reasons <= {
            "missing_timestamp",
            "invalid_date",
            "negative_duration",
            "invalid_boolean",
            "invalid_number",
            "missing_value",  # the monthly report's totals row
            "incomplete_call",  # the queue log copied while a call went on
            "wrong_field_count",  # its line cut off by a restart
        }
        stored_keys = con.sql("select distinct citizen_key from contacts").pl()["citizen_key"]
        first_month = con.execute("select min(period_month) from mart_calendar").fetchone()[0]
    assert counted > min_contacts
    assert counts["volumes"] > 0 and counts["contacts"] > 0
    assert str(first_month) == "2008-01-01"
    # no raw reference of the exports is a stored key (keys are hashes, never the value)
    web = pl.read_csv(exports / "web" / f"web_{year}.csv", infer_schema=False)
    raw = set(web["citizen_ref"].drop_nulls())
    assert raw and not raw & set(stored_keys.drop_nulls())


def test_demo_builds_a_store_through_the_real_pipeline(db, tmp_path):
    """`channelshift demo`, kept short (totals and two months of contacts): the session's demo
    store is the long one."""
    exports = tmp_path / "exports"
    code = main(["demo", "--db", str(db), "--until", "2010-02-28", "--exports", str(exports)])
    assert code == 0
    check_demo_store(db, exports, 2010, min_contacts=250_000)
    with store.read_only(db) as con:
        last_month = con.execute("select max(period_month) from mart_calendar").fetchone()[0]
        sources = con.execute("select distinct source from mart_source_months order by 1")
        assert sources.fetchall() == [("desk",), ("queue-log",), ("volumes",), ("web",)]
    assert str(last_month) == "2010-02-01"


def test_demo_of_five_years_holds_over_half_a_million_contacts(demo_store):
    """The demo store 2008-2012 (tests/conftest.py: the CLI's defaults, built by demo.build)."""
    check_demo_store(
        demo_store, demo_store.with_name(privacy.DEMO_EXPORTS), 2012, min_contacts=500_000
    )


def test_one_command_line_behind_every_entry_point():
    """The console script and `python -m pipelines|metrics` run the same six subcommands."""
    import subprocess
    import sys
    import tomllib
    from pathlib import Path

    repo = Path(__file__).parents[1]
    scripts = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"channelshift": "channelshift:main"}
    for package in ("pipelines", "metrics"):
        done = subprocess.run(
            [sys.executable, "-m", package, "--help"], cwd=repo, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "{load,demo,status,refresh,rejects,generate,briefing,audit-pack}" in done.stdout
        assert f"python -m {package}" in done.stdout


def test_a_dry_run_reports_as_a_load_would_and_stores_nothing(db, capsys):
    """For the functional administrator: see what a delivery would do before it is stored."""
    files = [str(FIXTURES / "phone_acd.csv")]
    mapping = ["--mapping", str(FIXTURES / "phone_mapping.toml")]
    args = ["load", "--source", "phone", *mapping, "--db", str(db), *files]
    assert main([*args, "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert not db.parent.exists() or sorted(p.name for p in db.parent.iterdir()) == []
    assert main(args) == 0
    real = capsys.readouterr().out
    # the same line, with the run and its counts, and a word that nothing was stored
    assert dry == real.replace("\n", " (dry run: nothing stored)\n")
    stored = db.read_bytes()
    assert main([*args, "--dry-run", "--force"]) == 0
    assert "(dry run: nothing stored)" in capsys.readouterr().out
    assert db.read_bytes() == stored
    assert sorted(p.name for p in db.parent.iterdir()) == [
        db.name,
        f"{db.name}.key",
        f"{db.name}.lock",
    ]


def test_status_reads_as_text_with_failed_runs_and_their_message(db, tmp_path, capsys):
    """Status printed Polars' type rows and cut file names; a failed run showed no message."""
    long_name = tmp_path / ("a-long-folder-name-" * 4) / "web-export-of-the-whole-year.csv"
    long_name.parent.mkdir()
    long_name.write_text("not,a,web,export\n1,2,3,4\n")
    main(["load", "--source", "web", "--db", str(db), str(FIXTURES / "web_canonical.csv")])
    main(["load", "--source", "web", "--db", str(db), str(long_name)])
    capsys.readouterr()
    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "str" not in out.split() and "i64" not in out.split()  # no type rows
    runs = [line for line in out.splitlines() if line.startswith("| 2 ") or line.startswith("| 1 ")]
    assert [line.split("|")[1].strip() for line in runs] == ["2", "1"]  # newest first
    assert str(long_name) in runs[0] and "failed" in runs[0]
    assert "required column(s) missing" in runs[0]


def test_rejects_lists_the_rejected_rows_without_sql(db, capsys):
    main(["load", "--source", "phone", "--db", str(db), str(FIXTURES / "phone_bad.csv")])
    capsys.readouterr()
    with store.read_only(db) as con:
        stored = con.execute(
            "select line_number, reason from load_rejects order by 1, 2"
        ).fetchall()
    assert stored  # the fixture has rejects, else this test proves nothing
    assert main(["rejects", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    rows = [line.split("|") for line in out.splitlines()[2:]]
    assert sorted((int(r[3]), r[6].strip()) for r in rows) == stored
    reason = stored[0][1]
    assert main(["rejects", "--db", str(db), "--reason", reason, "--limit", "1"]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    assert len(rows) == 1 and reason in rows[0]
    assert main(["rejects", "--db", str(db), "--run", "99"]) == 0
    assert capsys.readouterr().out.strip() == "No rejected rows for this selection."


def test_refresh_rebuilds_the_marts_of_a_store_from_another_version(
    fixture_store, capsys, monkeypatch
):
    """A store whose marts were built by other SQL (an older version: no mart_source_months)
    is named as such by status and mended by refresh, published as a load is."""
    monkeypatch.setenv("CHANNELSHIFT_DB", str(fixture_store))
    with duckdb.connect(str(fixture_store)) as con:
        before = con.execute("select * from mart_channel_mix order by all").fetchall()
        con.execute("drop table mart_source_months")
        con.execute("update settings set marts_sha256 = 'older'")
    assert main(["status"]) == 0
    assert "its marts were built by another version" in capsys.readouterr().out
    assert main(["refresh"]) == 0
    assert "every mart rebuilt" in capsys.readouterr().out
    with duckdb.connect(str(fixture_store), read_only=True) as con:
        assert con.execute("select * from mart_channel_mix order by all").fetchall() == before
        assert con.execute("select count(*) from mart_source_months").fetchall()[0][0] > 0
    assert main(["status"]) == 0
    assert "another version" not in capsys.readouterr().out


def test_quality_counts_corrections_of_products_not_in_the_catalogue(load, db, tmp_path):
    """Counted from mart_corrections (every correction by month), not by scanning corrections:
    three of the four name a product the catalogue lacks, one names none."""
    path = tmp_path / "corrections.parquet"
    pl.DataFrame(
        {
            "correction_id": ["C1", "C2", "C3", "C4"],
            "detected_at": [date(2024, 4, 2), date(2024, 5, 3), date(2024, 5, 4), date(2024, 5, 5)],
            "product_id": ["onbekend-1", "onbekend-2", None, "onbekend-1"],
            "origin_channel": ["web", "desk", "web", "phone"],
            "minutes_spent": [12.5, 30.0, 5.0, 7.5],
            "error_type": ["verkeerd adres"] * 4,
        }
    ).write_parquet(path)
    (run,) = load("corrections", path)
    assert run.rows_loaded == 4
    with store.read_only(db) as con:
        assert status.quality(con)["unknown_corrections"] == 3
