"""Build the marts: SQL files in marts/, materialised as tables and kept up to date by loads.

Each file's first line states its grain; it becomes the table's COMMENT, so an analyst who
opens the database in any DuckDB client, Excel or Power BI reads what a row is.

A load brings the marts up to date incrementally (`refresh`). Every mart's rows belong to a
period: a month, a week or a release. A row of a period reads only the contacts and
corrections of a known stretch of time around it (its `Scope`): a month's service level reads
that month; its repeat share also reads the repeat window after it; its capacity the trailing
months before it. The load records the days it changed (`changed_days`, filled by
`pipelines.store.upsert`). For each mart, `refresh` finds the periods whose stretch holds a
changed day, shadows `contacts` and `corrections` with temporary views of just the days those
periods read, runs the mart's own SQL file unchanged, and replaces those periods' rows. A
day into ten million contacts therefore costs what a few weeks of contacts cost, not what the
store holds. Whatever the scopes cannot express (another catalogue, releases or settings, a
new channel, a shrinking calendar, changed SQL) rebuilds every mart from the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines import store
from pipelines.schema import CHANNELS
from pipelines.settings import Settings

MART_DIR = Path(__file__).parent / "marts"
# Dependency order: a mart reads only the store and the marts before it.
ORDER = (
    "mart_calendar",
    "mart_source_months",
    "int_contact_repeats",
    "mart_product_channel",
    "mart_channel_mix",
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
# Loads into these tables change the marts in every period: rebuild them all.
WHOLE = frozenset({"products", "releases"})


@dataclass(frozen=True)
class Scope:
    """Which rows of a mart a changed day can reach, and what those rows read.

    `periods` is SQL over `changed_days(day)` and the settings: the periods (values of the
    mart's `column`) whose rows a changed day may alter, each with the stretch of time
    [starts, ends) its rows read from contacts and corrections.
    """

    column: str
    periods: str


def _months(back: str = "interval 0 day", ahead: str = "interval 0 day") -> Scope:
    """Months whose rows read `back` before their first day and `ahead` after their last."""
    return Scope(
        "period_month",
        f"""
        with reach as (select {back} as back, {ahead} as ahead from settings),
        touched as (
            select distinct cast(date_trunc('month', unnest(generate_series(
                day - reach.ahead, day + reach.back, interval 1 day
            ))) as date) as period
            from changed_days, reach
        )
        select period, period - reach.back as starts, period + interval 1 month + reach.ahead
            as ends
        from touched, reach
        """,
    )


REPEAT_WINDOW = "to_days(repeat_window_days)"
SCOPES: dict[str, Scope] = {
    "mart_source_months": _months(),
    "mart_product_channel": _months(),
    "mart_channel_mix": _months(),
    "mart_digital_takeup": _months(),
    "mart_digitisation_progress": _months(),
    "mart_corrections": _months(),
    "mart_phone_service": _months(),
    "mart_desk_service": _months(),
    "mart_repeat_contacts": _months(ahead=REPEAT_WINDOW),
    "mart_capacity": _months(back="to_months(capacity_trailing_months - 1)"),
    "mart_release_effect": Scope(
        "released_on",
        f"""
        select
            released_on as period,
            released_on - to_months(release_window_months) as starts,
            released_on + to_months(release_window_months) + {REPEAT_WINDOW} as ends
        from releases, settings
        """,
    ),
    "mart_team_week": Scope(
        "week_start",
        """
        select distinct
            cast(date_trunc('week', day) as date) as period,
            period as starts,
            period + interval 7 day as ends
        from changed_days
        """,
    ),
}


def sql(name: str) -> str:
    """Return the SQL of a mart."""
    return (MART_DIR / f"{name}.sql").read_text()


def grain(name: str) -> str:
    """Return the grain a mart's first line states."""
    return sql(name).splitlines()[0].removeprefix("--").strip()


def key(name: str) -> dict[str, bool]:
    """Return the key columns a mart's second line declares, each with whether it may be null.

    `-- key: period_month, product_id (may be null), channel`: no two rows share the key;
    null counts as a value (an untagged product is one product).
    """
    line = sql(name).splitlines()[1]
    if not line.startswith("-- key: "):
        raise ValueError(f"{name}.sql declares no key on its second line (-- key: ...)")
    columns = {}
    for part in line.removeprefix("-- key: ").split(","):
        column, _, rest = part.strip().partition(" ")
        if rest not in ("", "(may be null)") or not column.isidentifier():
            raise ValueError(f"{name}.sql: cannot read key column {part.strip()!r}")
        columns[column] = rest == "(may be null)"
    return columns


def settings_row(settings: Settings) -> dict[str, float | int | str]:
    """Return the settings the marts read, as one flat row."""
    norms = settings.norms
    row: dict[str, float | int | str] = {
        "phone_answer_seconds": norms.phone_answer_seconds,
        "desk_wait_minutes": norms.desk_wait_minutes,
        "repeat_window_days": norms.repeat_window_days,
        "release_window_months": norms.release_window_months,
        "capacity_trailing_months": norms.capacity_trailing_months,
    }
    row["source_order"] = ",".join(settings.source_order)
    for channel in CHANNELS:
        row[f"staff_minutes_{channel}"] = getattr(settings.staff_minutes, channel)
        row[f"unit_cost_{channel}"] = getattr(settings.unit_costs, channel)
    return row


def fingerprint() -> str:
    """Return the SHA-256 of every mart's SQL: marts built by other SQL are rebuilt."""
    digest = hashlib.sha256()
    for name in ORDER:
        digest.update(f"{name}\n{sql(name)}\n".encode())
    return digest.hexdigest()


def refresh(
    con: duckdb.DuckDBPyConnection, settings: Settings, changed: set[str] | None = None
) -> None:
    """Bring every mart up to date after a load that changed the tables in `changed`.

    Only the periods holding a day in `changed_days` are recomputed, unless the change
    reaches every period; `changed=None` rebuilds every mart from the store.
    """
    row = settings_row(settings) | {"marts_sha256": fingerprint()}
    incremental = changed is not None and not changed & WHOLE and _built_with(con) == row
    if not (incremental and _update(con)):
        _rebuild(con, row)
    con.execute(COUNTED)


# The contacts the marts count (the counting source's of each channel-month), for whatever
# reads single contacts beside the marts: a list of abandoned calls must not hold a call twice.
COUNTED = (
    "create or replace view counted_contacts as select c.* from contacts c semi join "
    "mart_source_months m on m.channel = c.channel and m.source = c.source and m.period_month = "
    "cast(date_trunc('month', c.occurred_at) as date) and m.is_counted"
)


def _rebuild(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Build every mart from the store."""
    _write_settings(con, row)
    database = _database(con)
    try:
        for name in ORDER:
            build(con, name)
            if name == COUNTING:
                _count_only(con, database)
    finally:
        _unshadow(con)


# The mart that decides which source counts each channel-month; the marts after it read only
# the contacts and totals of the counting sources (`_count_only`).
COUNTING = "mart_source_months"
SHADOWED = ("contacts", "corrections", "volumes")  # what a mart's periods read of the store


def _database(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchall()[0][0].replace('"', '""')


def _unshadow(con: duckdb.DuckDBPyConnection, tables: Iterable[str] = SHADOWED) -> None:
    for table in tables:
        con.execute(f"drop view if exists temp.main.{table}")


def _cut(con: duckdb.DuckDBPyConnection, table: str, database: str, where: str) -> None:
    """Shadow a stored table with its rows `where` (until _unshadow)."""
    con.execute(
        f'create or replace temp view {table} as select * from "{database}".main.{table} '
        f"where {where}"
    )


def _count_only(
    con: duckdb.DuckDBPyConnection, database: str, reads: dict[str, str] | None = None
) -> None:
    """Shadow contacts and volumes with the rows of each channel-month's counting source.

    `reads` gives, per table, what the marts read of it (a FROM clause, `t` being the rows);
    a table not in it is read whole. Where no channel-month has two sources (most stores),
    every row counts and the views add no join.
    """
    (overlap,) = con.execute(f"select exists (from {COUNTING} where not is_counted)").fetchall()[0]
    for table, month, source in (
        ("contacts", "date_trunc('month', t.occurred_at)", "t.source"),
        ("volumes", "t.period_month", "'volumes'"),
    ):
        rows = (reads or {}).get(table) or f'"{database}".main.{table} t'
        if overlap:
            rows += (
                f" semi join (from {COUNTING} where is_counted) m on m.channel = t.channel "
                f"and m.source = {source} and m.period_month = cast({month} as date)"
            )
        con.execute(f"create or replace temp view {table} as select t.* from {rows}")


def _built_with(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Return the settings row the marts were last built with (None before the first build)."""
    built = set(ORDER) <= {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where table_name like 'mart%' union all "
            "select view_name from duckdb_views() where view_name like 'int%'"
        ).fetchall()
    }
    columns = con.execute(
        "select column_name from duckdb_columns() where table_name = 'settings'"
    ).fetchall()
    if not built or ("marts_sha256",) not in columns:
        return None
    return pl.DataFrame(con.sql("select * from settings")).row(0, named=True)


def _write_settings(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    types = {k: {int: "integer", float: "double", str: "varchar"}[type(v)] for k, v in row.items()}
    con.execute(
        "create or replace table settings (" + ", ".join(f"{k} {t}" for k, t in types.items()) + ")"
    )
    con.execute(f"insert into settings values ({', '.join('?' * len(row))})", list(row.values()))
    con.execute(
        "comment on table settings is 'One row: the thresholds, staff minutes and unit costs "
        "the marts used (from the settings file at the last load), and the SHA-256 of the "
        "marts'' SQL.'"
    )


def _update(con: duckdb.DuckDBPyConnection) -> bool:
    """Recompute the periods the changed days reach; False when only a rebuild will do."""
    con.execute(store.CHANGED_DAYS)
    if not con.execute("select count(*) from changed_days").fetchall()[0][0]:
        return True
    con.execute("create or replace temp table old_calendar as select * from mart_calendar")
    channels = "select distinct channel from mart_product_channel order by all"
    old_channels = con.execute(channels).fetchall()
    database = _database(con)
    _calendar(con, database)
    shrunk = con.execute(
        "select count(*) from old_calendar anti join mart_calendar using (period_month)"
    ).fetchall()[0][0]
    if shrunk:
        return False
    # months new to the calendar get rows in the month marts, though no contact is in them
    con.execute(
        "insert into changed_days select cast(unnest(generate_series(period_month, month_end, "
        "interval 1 day)) as date) from mart_calendar anti join old_calendar using (period_month)"
    )
    shadowed, counting = None, False
    try:
        for name in ORDER:
            scope = SCOPES.get(name)
            if scope is not None and (scope, counting) != shadowed:
                # marts in a row with the same scope share its views
                reads = _shadow(con, scope, database)
                if counting:
                    _count_only(con, database, reads)
                shadowed = (scope, counting)
            if scope is not None:
                _replace(con, name, scope.column, database)
            counting = counting or name == COUNTING
            if name == "mart_product_channel" and con.execute(channels).fetchall() != old_channels:
                return False  # a channel's first load: every month gets rows for it
    finally:
        _unshadow(con)
    return True


def _calendar(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """Build mart_calendar from the contacts in or beyond its first and last months only.

    Its bounds are the first and last contact; after a load's inserts DuckDB can no longer
    read them from its statistics and reads every contact's time (70 ms at 10M contacts).
    Where rows remain in or before the first month and in or after the last, those rows hold
    both bounds. Where an edge month emptied, the calendar built from what is left lacks
    that month, which `_update` takes as a calendar that shrank: only a rebuild will do.
    """
    ((first, last),) = con.execute(
        "select min(period_month), max(period_month) from mart_calendar"
    ).fetchall()
    if first is not None:
        # the literal bounds let DuckDB skip row groups by their min/max statistics
        edges = f"occurred_at < date '{first}' + interval 1 month or occurred_at >= date '{last}'"
        _cut(con, "contacts", database, edges)
    try:
        build(con, "mart_calendar")
    finally:
        _unshadow(con)


def _shadow(con: duckdb.DuckDBPyConnection, scope: Scope, database: str) -> dict[str, str]:
    """Find the periods the changed days reach; shadow the store with just the days they read.

    Return, per table, those rows as a FROM clause (the rows called `t`)."""
    con.execute(
        f"create or replace temp table scope_periods as select * from ({scope.periods}) "
        "where exists (select 1 from changed_days where day < ends and day + 1 > starts)"
    )
    con.execute(
        "create or replace temp table scope_days as select distinct cast(unnest("
        "generate_series(starts, ends - interval 1 day, interval 1 day)) as date) as day "
        "from scope_periods"
    )
    first, last = con.execute("select min(day), max(day) + 1 from scope_days").fetchall()[0]
    reads = {}
    for table in SHADOWED:
        time = "t." + store.TABLE[table].time
        # the literal bounds let DuckDB skip row groups by their min/max statistics
        bounds = f"{time} >= date '{first}' and {time} < date '{last}'" if first else "false"
        reads[table] = (
            f'(select * from "{database}".main.{table} t where {bounds} '
            f"and cast({time} as date) in (select day from scope_days)) t"
        )
        con.execute(f"create or replace temp view {table} as select t.* from {reads[table]}")
    return reads


# Marts whose rows of a period read only that period's rows of a mart before them: while
# they are updated, that mart is shadowed by its rows of the periods in scope. (Not
# mart_channel_mix: it gives every month a row for each channel of any month.) At 10M
# contacts mart_corrections read all of mart_product_channel for one month: 40 -> 8 ms.
READS_ITS_PERIODS = {
    "mart_corrections": "mart_product_channel",
    "mart_digital_takeup": "mart_product_channel",
}


def _replace(con: duckdb.DuckDBPyConnection, name: str, column: str, database: str) -> None:
    """Recompute the mart's rows of the scope's periods from the shadowed store."""
    periods = "(select period from scope_periods)"
    read = [READS_ITS_PERIODS[name]] if name in READS_ITS_PERIODS else []
    for table in read:
        _cut(con, table, database, f"{column} in {periods}")
    try:
        con.execute(f"delete from {name} where {column} in {periods}")
        con.execute(f"insert into {name} select * from ({sql(name)}) where {column} in {periods}")
    finally:
        _unshadow(con, read)


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
