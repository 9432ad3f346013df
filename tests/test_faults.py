"""Faults during a load: a SIGKILL at any point leaves the store as it was (issue 15).

The load runs in a child process that sends itself SIGKILL when it reaches a named point of
the load (reading, validating, pseudonymising, inserting, the marts, publishing) or after a
random delay: nothing of Python's cleanup runs, as when the machine kills the process. The
live store must then be byte for byte what it was, open without trouble, and the next load
must work and clean up the copy the killed one left.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import REPO
from tests.conftest import copy_store

# Run the command line, killing the process (SIGKILL) at the nth call of module.attribute.
KILL_AT = """
import functools, importlib, os, signal, sys
module, attribute, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
owner = importlib.import_module(module)
*path, name = attribute.split(".")
for part in path:
    owner = getattr(owner, part)
original, calls = getattr(owner, name), [0]
@functools.wraps(original)
def killing(*args, **kwargs):
    calls[0] += 1
    if calls[0] >= nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)
setattr(owner, name, killing)
from channelshift import main
sys.exit(main(sys.argv[4:]))
"""

POINTS = {  # stage: (module, attribute, nth call)
    "reading": ("pipelines.dialect", "_utf8", 2),  # the first data block (1: the header)
    "validating": ("pipelines.load", "validate", 1),
    "pseudonymising": ("pipelines.privacy", "Pseudonyms.apply", 1),
    "inserting": ("pipelines.load", "_count", 1),  # a batch and its rejects are inserted
    "storing": ("pipelines.load", "_store", 1),  # in the thread that stores the batches
    "upserting": ("pipelines.store", "upsert", 1),
    "recording": ("pipelines.load", "_record", 1),
    "marts": ("pipelines.marts", "_replace", 3),  # some marts updated, others not yet
    "publishing": ("os", "replace", 1),  # the copy is complete, not yet in place
}


@pytest.fixture
def before(fixture_store: Path, tmp_path: Path) -> tuple[Path, bytes, Path]:
    """The fixture store, its bytes, and a web export with new contacts and a bad line."""
    export = tmp_path / "web-new.csv"
    rows = [
        f"N{i},2024-05-{1 + i % 28:02d}T10:00:00,verhuismelding,true,{100000000 + i}"
        for i in range(200)
    ]
    export.write_text(
        "contact_id,submitted_at,product_id,completed,citizen_ref\n"
        + "\n".join([*rows[:100], "N-bad,not a date,verhuismelding,true,111222333", *rows[100:]])
        + "\n"
    )
    return fixture_store, fixture_store.read_bytes(), export


def channelshift(db: Path, export: Path, *kill_at: str) -> subprocess.CompletedProcess:
    args = ["load", "--source", "web", "--db", str(db), str(export)]
    command = [sys.executable, "-c", KILL_AT, *kill_at, *args] if kill_at else []
    command = command or [sys.executable, "-m", "channelshift", *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANNELSHIFT_")}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def contacts(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from contacts").fetchone()[0]


@pytest.mark.parametrize("stage", list(POINTS))
def test_a_kill_at_any_stage_leaves_the_store_as_it_was(before, stage):
    db, stored, export = before
    module, attribute, nth = POINTS[stage]
    killed = channelshift(db, export, module, attribute, str(nth))
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # the point was reached
    assert killed.stdout == ""  # nothing claimed to be loaded
    assert db.read_bytes() == stored
    had = contacts(db)  # the live store opens
    done = channelshift(db, export)  # and the next load works, cleaning up after the killed one
    assert done.returncode == 0, done.stderr
    assert "loaded 200" in done.stdout and "rejected 1" in done.stdout
    assert contacts(db) == had + 200
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name)) == [
        db.name,
        f"{db.name}.key",
        f"{db.name}.lock",
    ]


def test_a_kill_at_a_random_moment_leaves_the_store_before_or_after(before, tmp_path):
    """Killed from outside at random moments of a load: the store is the old one or the new
    one, never something between."""
    db, stored, export = before
    started = time.monotonic()
    assert channelshift(copy_store(db, tmp_path / "timing" / db.name), export).returncode == 0
    took = time.monotonic() - started
    outcomes = set()
    for delay in sorted(random.uniform(0.1, took) for _ in range(4)):
        copy = copy_store(db, tmp_path / f"at-{delay:.3f}" / db.name)
        args = ["load", "--source", "web", "--db", str(copy), str(export)]
        process = subprocess.Popen(
            [sys.executable, "-m", "channelshift", *args],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if copy.read_bytes() == stored:
            outcomes.add("before")
        else:
            assert contacts(copy) == contacts(db) + 200, f"killed after {delay:.2f} s"
            outcomes.add("after")
        assert channelshift(copy, export).returncode == 0  # loads or skips: the lock is free
    assert outcomes  # every kill ended in one of the two states
