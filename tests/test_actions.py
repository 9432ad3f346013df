"""The record of actions: appended, read back per period, and kept through loads and restarts."""

import os
import subprocess
import sys
from datetime import date, datetime

import polars as pl
import pytest

from pipelines import actions
from pipelines.actions import Actor
from tests.conftest import FIXTURES, NOW

SAM = Actor("u-1", "Sam de Vries")


def test_an_action_is_one_line_read_back_with_who_when_and_what(tmp_path):
    log = tmp_path / "store.duckdb.actions.jsonl"
    actions.record(log, SAM, "csv", "laadruns.csv", at=datetime(2024, 5, 1, 9, 30))
    actions.record(log, actions.LOCAL, "load", "web web.csv: ok", run_id=7, at=NOW)
    assert actions.read(log).to_dicts() == [
        {
            "at": datetime(2024, 5, 1, 9, 30),
            "action": "csv",
            "subject": "u-1",
            "name": "Sam de Vries",
            "what": "laadruns.csv",
            "run_id": None,
        },
        {
            "at": NOW,
            "action": "load",
            "subject": "local",
            "name": "local",
            "what": "web web.csv: ok",
            "run_id": 7,
        },
    ]
    assert os.stat(log).st_mode & 0o077 == 0  # names of officials: the owner's only


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, ["a", "b", "c"]),
        (date(2024, 5, 2), None, ["b", "c"]),
        (None, date(2024, 5, 2), ["a", "b"]),  # the end day is whole
        (date(2024, 5, 2), date(2024, 5, 2), ["b"]),
    ],
)
def test_read_takes_whole_days_of_a_period(tmp_path, start, end, expected):
    log = tmp_path / "actions.jsonl"
    for day, what in ((1, "a"), (2, "b"), (3, "c")):
        actions.record(log, SAM, "csv", what, at=datetime(2024, 5, day, 23, 59))
    assert actions.read(log, start, end)["what"].to_list() == expected


def test_no_log_yet_reads_as_no_actions(tmp_path):
    found = actions.read(tmp_path / "missing.jsonl")
    assert found.is_empty() and found.schema == pl.Schema(actions.COLUMNS)


def test_a_line_cut_off_by_a_crash_is_skipped_and_the_next_one_is_read(tmp_path):
    log = tmp_path / "actions.jsonl"
    actions.record(log, SAM, "csv", "a.csv")
    with open(log, "a") as handle:
        handle.write('{"at": "2024-05-0')  # the machine stopped mid-line
    actions.record(log, SAM, "png", "b.png")
    assert actions.read(log)["what"].to_list() == ["a.csv"]  # the torn line ate b's start
    actions.record(log, SAM, "png", "c.png")
    assert actions.read(log)["what"].to_list() == ["a.csv", "c.png"]


def test_an_unknown_action_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown action"):
        actions.record(tmp_path / "a.jsonl", SAM, "delete", "everything")


def test_the_log_lies_beside_the_store_unless_the_environment_names_it(tmp_path, monkeypatch):
    db = tmp_path / "kanalen.duckdb"
    monkeypatch.delenv(actions.ENV, raising=False)
    assert actions.path_for(db) == tmp_path / "kanalen.duckdb.actions.jsonl"
    monkeypatch.setenv(actions.ENV, str(tmp_path / "elders" / "log.jsonl"))
    assert actions.path_for(db) == tmp_path / "elders" / "log.jsonl"


def test_a_login_is_recorded_once_per_token(tmp_path):
    log = tmp_path / "actions.jsonl"
    assert not actions.logged_in(log, SAM, "1717236000")
    actions.record(log, SAM, "login", "beheerder", token="1717236000")
    assert actions.logged_in(log, SAM, "1717236000")
    assert not actions.logged_in(log, SAM, "1717239999")  # a new login
    assert not actions.logged_in(log, Actor("u-2", "Ander"), "1717236000")


def test_the_log_survives_a_load_and_a_restart(fixture_store, load, monkeypatch):
    """A load replaces the store's file (copy, os.replace): the log is a file of its own."""
    monkeypatch.delenv(actions.ENV, raising=False)
    log = actions.path_for(fixture_store)
    inode = fixture_store.stat().st_ino
    actions.record(log, SAM, "csv", "before.csv")
    (run,) = load("corrections", FIXTURES / "web_canonical.csv")  # a failed load publishes too
    actions.record(log, SAM, "load", f"corrections: {run.status}", run_id=run.run_id)
    assert fixture_store.stat().st_ino != inode  # the store is a new file
    # another process (a restarted dashboard) reads and appends to the same log
    code = (
        "import sys; from pathlib import Path; from pipelines import actions; "
        "log = Path(sys.argv[1]); "
        "actions.record(log, actions.Actor('u-2', 'Na herstart'), 'audit_pack', 'x.xlsx'); "
        "print(actions.read(log)['what'].to_list())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(log)], capture_output=True, text=True, check=True
    )
    expected = ["before.csv", f"corrections: {run.status}", "x.xlsx"]
    assert done.stdout.strip() == str(expected)
    assert actions.read(log)["what"].to_list() == expected
    assert actions.read(log)["run_id"].to_list() == [None, run.run_id, None]
