"""Build the marts: SQL files in marts/, materialised as tables after every load.

Each file's first line states its grain; it becomes the table's COMMENT, so an analyst who
opens the database in any DuckDB client, Excel or Power BI reads what a row is.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from metrics.settings import Settings
from pipelines import store

MART_DIR = Path(__file__).parent / "marts"
# Dependency order: a mart reads only the store and the marts before it.
ORDER = (
    "mart_calendar",
    "int_contact_repeats",
    "mart_channel_mix",
    "mart_product_channel",
    "mart_digital_takeup",
    "mart_digitisation_progress",
    "mart_corrections",
    "mart_phone_service",
    "mart_desk_service",
    "mart_repeat_contacts",
    "mart_capacity",
    "mart_release_effect",
    "mart_team_week",
)
MARTS = tuple(name for name in ORDER if name.startswith("mart_"))


def sql(name: str) -> str:
    """Return the SQL of a mart."""
    return (MART_DIR / f"{name}.sql").read_text()


def grain(name: str) -> str:
    """Return the grain a mart's first line states."""
    return sql(name).splitlines()[0].removeprefix("--").strip()


def settings_row(settings: Settings) -> dict[str, float | int]:
    """Return the settings the marts read, as one flat row."""
    norms = settings.norms
    row: dict[str, float | int] = {
        "phone_answer_seconds": norms.phone_answer_seconds,
        "desk_wait_minutes": norms.desk_wait_minutes,
        "repeat_window_days": norms.repeat_window_days,
        "release_window_months": norms.release_window_months,
        "capacity_trailing_months": norms.capacity_trailing_months,
    }
    for channel in ("web", "phone", "desk"):
        row[f"staff_minutes_{channel}"] = getattr(settings.staff_minutes, channel)
        row[f"unit_cost_{channel}"] = getattr(settings.unit_costs, channel)
    return row


def refresh(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Rewrite the settings table and rebuild every mart from the store."""
    row = settings_row(settings)
    types = {k: "integer" if isinstance(v, int) else "double" for k, v in row.items()}
    con.execute(
        "create or replace table settings (" + ", ".join(f"{k} {t}" for k, t in types.items()) + ")"
    )
    con.execute(f"insert into settings values ({', '.join('?' * len(row))})", list(row.values()))
    con.execute(
        "comment on table settings is 'One row: the thresholds, staff minutes and unit costs "
        "the marts used (from the settings file at the last load).'"
    )
    for name in ORDER:
        build(con, name)


def build(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Create or replace one mart from its SQL file, with its grain as comment."""
    # an intermediate (int_) is a view: computing it inside the marts that read it is
    # cheaper than writing one row per contact (BENCHMARKS.md)
    kind = "view" if name.startswith("int_") else "table"
    if (
        kind == "view"
        and con.execute(
            "select count(*) from duckdb_tables() where table_name = ?", [name]
        ).fetchall()[0][0]
    ):
        con.execute(f"drop table {name}")  # a store made before it became a view
    con.execute(f"create or replace {kind} {name} as {sql(name)}")
    con.execute(f"comment on {kind} {name} is {store.literal(grain(name))}")
