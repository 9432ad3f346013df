"""The record of actions: one JSON line per login, load or download, with who and when.

The log is a file of its own beside the store (`<db>.actions.jsonl`, or $CHANNELSHIFT_ACTIONS),
never a table in it: a load replaces the store's file with a new copy (pipelines/store.py), so
a line written into the live store during a load would be lost. Lines are only ever appended
(O_APPEND, under an exclusive flock, fsync'd before the call returns): no load or restart
loses one, and the dashboard has no way to change or remove one. docs/access.md says what is
recorded and how to keep the file.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines.settings import local_now

ENV = "CHANNELSHIFT_ACTIONS"
# what is recorded: logging in, loading (one line per file, with its run), and each download
ACTIONS = ("login", "load", "briefing", "audit_pack", "csv", "png")
COLUMNS = {
    "at": pl.Datetime("us"),
    "action": pl.String,
    "subject": pl.String,
    "name": pl.String,
    "what": pl.String,
    "run_id": pl.Int64,
}


@dataclass(frozen=True)
class Actor:
    """Who acts: the ID token's subject and the name it gives ("local" without a login)."""

    subject: str
    name: str


LOCAL = Actor("local", "local")  # no login configured: the local demo


def path_for(db: Path) -> Path:
    """Return the log of a store: $CHANNELSHIFT_ACTIONS, else `<db>.actions.jsonl` beside it."""
    given = os.environ.get(ENV)
    return Path(given) if given else db.with_name(db.name + ".actions.jsonl")


def record(
    log: Path,
    actor: Actor,
    action: str,
    what: str,
    *,
    run_id: int | None = None,
    token: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one action to the log and make sure it is on disk before returning.

    `token` tells one login from another (the ID token's issue time): see `logged_in`.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    line = {
        "at": (at or local_now()).isoformat(timespec="seconds"),
        "action": action,
        "subject": actor.subject,
        "name": actor.name,
        "what": what,
        "run_id": run_id,
    }
    if token is not None:
        line["token"] = token
    data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
    log.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # one whole line at a time, across processes
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock


def _lines(log: Path) -> list[dict]:
    """Every readable line of the log (a line cut off by a crash while writing is skipped)."""
    try:
        with open(log, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            raw = handle.read().splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in raw:
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "at" in value and "action" in value:
            found.append(value)
    return found


def read(log: Path, start: date | None = None, end: date | None = None) -> pl.DataFrame:
    """Return the actions from `start` to `end` (whole days, both included), oldest first."""
    rows = [
        {
            "at": datetime.fromisoformat(line["at"]),
            **{c: line.get(c) for c in COLUMNS if c != "at"},
        }
        for line in _lines(log)
    ]
    frame = (
        pl.DataFrame(rows, schema=COLUMNS, orient="row") if rows else pl.DataFrame(schema=COLUMNS)
    )
    if start is not None:
        frame = frame.filter(pl.col("at") >= datetime.combine(start, datetime.min.time()))
    if end is not None:
        after = datetime.combine(end + timedelta(days=1), datetime.min.time())
        frame = frame.filter(pl.col("at") < after)
    return frame.sort("at", maintain_order=True)


def logged_in(log: Path, actor: Actor, token: str) -> bool:
    """Whether this login (subject and token) is in the log already: a new tab, or the
    dashboard restarted, is the same login and is not recorded again."""
    return any(
        line.get("action") == "login"
        and line.get("subject") == actor.subject
        and line.get("token") == token
        for line in _lines(log)
    )
