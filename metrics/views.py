"""The tables behind the dashboard's charts and lists, read from the marts with bound parameters.

Each function takes a DuckDB connection and returns a small Polars frame; the pages only
render them. Filters reuse metrics.query's rules (product, category, owner team, channel).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import polars as pl

from metrics import status
from metrics.query import Filters, product_clauses

PERIOD = "cast(date_trunc(?, period_month) as date)"


def _months_where(start: date, end: date, filters: Filters) -> tuple[str, list]:
    """The condition on period_month and the product filters, with its parameters."""
    clauses, params = product_clauses(filters)
    return " and ".join(["period_month between ? and ?", *clauses]), [start, end, *params]


def channel_mix(
    con: duckdb.DuckDBPyConnection, start: date, end: date, grain: str, filters: Filters
) -> pl.DataFrame:
    """Handled contacts per period and channel, and each channel's share of the period."""
    where, params = _months_where(start, end, filters)
    return con.sql(
        f"with counted as (select {PERIOD} as period, channel, sum(contacts) as contacts "
        f"from mart_product_channel where {where} group by all) "
        "select period, channel, cast(contacts as bigint) as contacts, "
        "contacts / nullif(sum(contacts) over (partition by period), 0) as share "
        "from counted order by period, channel",
        params=[grain, *params],
    ).pl()


def product_takeup(
    con: duckdb.DuckDBPyConnection, start: date, end: date, filters: Filters
) -> pl.DataFrame:
    """Per product: handled contacts per channel in the period and the digital take-up."""
    clauses, params = product_clauses(filters, column="pc.product_id")
    where = " and ".join(["pc.period_month between ? and ?", *clauses])
    return (
        con.sql(
            "select p.product_id, p.name_nl, coalesce(p.name_en, p.name_nl) as name_en, "
            "p.category, p.digital_since, "
            "cast(sum(pc.contacts) filter (where pc.channel = 'web') as bigint) as web, "
            "cast(sum(pc.contacts) filter (where pc.channel = 'phone') as bigint) as phone, "
            "cast(sum(pc.contacts) filter (where pc.channel = 'desk') as bigint) as desk, "
            "cast(sum(pc.contacts) as bigint) as contacts, "
            "sum(pc.contacts) filter (where pc.channel = 'web') / nullif(sum(pc.contacts), 0) "
            "as web_share "
            f"from mart_product_channel pc join products p using (product_id) where {where} "
            "group by all order by contacts desc",
            params=[start, end, *params],
        )
        .pl()
        .with_columns(pl.col("web", "phone", "desk").fill_null(0))
    )


def options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The values the filters offer: categories, products (id), teams, owners (of products)."""
    return {
        "categories": [
            r[0]
            for r in con.execute("select distinct category from products order by 1").fetchall()
        ],
        "products": [
            r[0] for r in con.execute("select product_id from products order by name_nl").fetchall()
        ],
        "teams": [  # teams that took calls or visits; from the mart (contacts: a full scan)
            r[0]
            for r in con.execute(
                "select distinct team from mart_team_week "
                "where calls_offered > 0 or visits > 0 order by 1"
            ).fetchall()
        ],
        "owners": [
            r[0]
            for r in con.execute(
                "select distinct owner_team from products where owner_team is not null order by 1"
            ).fetchall()
        ],
    }


def product_names(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """product_id -> {nl, en} display names."""
    rows = con.execute(
        "select product_id, name_nl, coalesce(name_en, name_nl) from products"
    ).fetchall()
    return {pid: {"nl": nl, "en": en} for pid, nl, en in rows}


def digitisation(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Products in the catalogue and products digital, per month."""
    return con.sql(
        "select period_month, products_total, products_digital, share_digital "
        "from mart_digitisation_progress order by period_month"
    ).pl()


def product_list(con: duckdb.DuckDBPyConnection, until: date) -> pl.DataFrame:
    """Every product offered at `until`: status, digital since, 12-month volume and hours."""
    since = (until.replace(day=1) - timedelta(days=334)).replace(day=1)  # 12 whole months
    return (
        con.sql(
            "with recent as (select product_id, sum(web_contacts + phone_contacts + desk_contacts) "
            "as contacts, sum(web_contacts) / nullif(sum(web_contacts + phone_contacts "
            "+ desk_contacts), 0) as web_share, sum(phone_hours + desk_hours) as assisted_hours "
            "from mart_capacity where period_month between ? and ? group by all) "
            "select p.product_id, p.name_nl, coalesce(p.name_en, p.name_nl) as name_en, "
            "p.category, p.owner_team, p.digital_since, p.digital_since <= ? as is_digital, "
            "cast(coalesce(r.contacts, 0) as bigint) as contacts, r.web_share, "
            "coalesce(r.assisted_hours, 0) as assisted_hours "
            "from products p left join recent r using (product_id) "
            "where (p.introduced_on is null or p.introduced_on <= ?) "
            "and (p.retired_on is null or p.retired_on > ?) "
            "order by contacts desc",
            params=[since, until, until, until, until],
        )
        .pl()
        .with_columns(pl.col("is_digital").fill_null(False))
    )


def corrections_by_origin(
    con: duckdb.DuckDBPyConnection, start: date, end: date, grain: str, filters: Filters
) -> pl.DataFrame:
    """Corrections, hours and the rate per 1,000 handled contacts per period and origin."""
    where, params = _months_where(start, end, filters)
    return con.sql(
        f"select {PERIOD} as period, origin_channel, cast(sum(corrections) as bigint) "
        "as corrections, sum(correction_hours) as correction_hours, "
        "1000 * sum(corrections) / nullif(sum(handled_contacts), 0) as corrections_per_1000 "
        f"from mart_corrections where {where} group by all order by period, origin_channel",
        params=[grain, *params],
    ).pl()


def top_correction_products(
    con: duckdb.DuckDBPyConnection, start: date, end: date, limit: int = 10
) -> pl.DataFrame:
    """Products with the most correction hours in the period."""
    return con.sql(
        "select c.product_id, p.name_nl, coalesce(p.name_en, p.name_nl) as name_en, "
        "cast(sum(c.corrections) as bigint) as corrections, "
        "sum(c.correction_hours) as correction_hours, "
        "1000 * sum(c.corrections) / nullif(sum(c.handled_contacts), 0) as corrections_per_1000 "
        "from mart_corrections c left join products p using (product_id) "
        "where c.period_month between ? and ? and c.product_id is not null "
        "group by all having sum(c.corrections) > 0 order by correction_hours desc limit ?",
        params=[start, end, limit],
    ).pl()


def product_history(
    con: duckdb.DuckDBPyConnection, product_id: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """One product per month: web contacts, corrections of web origin, and its events."""
    web = con.sql(
        "select cal.period_month as period, coalesce(pc.contacts, 0) as contacts "
        "from mart_calendar cal left join mart_product_channel pc on pc.period_month = "
        "cal.period_month and pc.product_id = ? and pc.channel = 'web' order by period",
        params=[product_id],
    ).pl()
    corrections = con.sql(
        "select cal.period_month as period, cast(coalesce(sum(c.corrections), 0) as bigint) "
        "as corrections from mart_calendar cal left join mart_corrections c on "
        "c.period_month = cal.period_month and c.product_id = ? and c.origin_channel = 'web' "
        "group by all order by period",
        params=[product_id],
    ).pl()
    events = con.sql(
        "select released_on as day, title as label from releases where product_id = ? "
        "union select digital_since, 'digital_since' from products "
        "where product_id = ? and digital_since is not null order by day",
        params=[product_id, product_id],
    ).pl()
    return web, corrections, events


def release_effects(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Before-and-after figures of every release.

    They need single contacts: before_from_totals (after_from_totals) says a month of the
    window before (from) the release is counted from monthly totals (mart_source_months), so
    that side's figures are not available, rather than none or 0.
    """
    return con.sql(
        "select r.*, p.name_nl, coalesce(p.name_en, p.name_nl) as name_en, "
        "exists (from mart_source_months m where m.is_counted and m.source = 'volumes' "
        "and m.period_month between date_trunc('month', r.window_start) and r.released_on - 1) "
        "as before_from_totals, "
        "exists (from mart_source_months m where m.is_counted and m.source = 'volumes' "
        "and m.period_month between date_trunc('month', r.released_on) and r.window_end - 1) "
        "as after_from_totals "
        "from mart_release_effect r left join products p using (product_id) "
        "order by released_on desc"
    ).pl()


def net_capacity(
    con: duckdb.DuckDBPyConnection, start: date, end: date, grain: str, filters: Filters
) -> pl.DataFrame:
    """Hours freed by web before and after the correction hours of web origin, per period.

    gross_hours_freed - web_correction_hours = hours_freed_by_web: the lines a chart draws
    add up to the figure they explain.
    """
    where, params = _months_where(start, end, filters)
    return con.sql(
        f"select {PERIOD} as period, sum(gross_hours_freed) as gross_hours_freed, "
        "sum(web_correction_hours) as web_correction_hours, "
        "sum(hours_freed_by_web) as hours_freed_by_web "
        f"from mart_capacity where {where} group by all order by period",
        params=[grain, *params],
    ).pl()


def team_weeks(
    con: duckdb.DuckDBPyConnection, team: str, until: date, weeks: int = 26
) -> pl.DataFrame:
    """The last `weeks` whole weeks of a team up to `until` (the last day the data cover),
    oldest first: a week still running is left out."""
    return con.sql(
        "with complete as (select * from mart_team_week where week_start + 6 <= ?) "
        "select * from complete where team = ? and week_start > "
        "(select max(week_start) from complete) - to_weeks(?) order by week_start",
        params=[until, team, weeks],
    ).pl()


def abandoned_calls(con: duckdb.DuckDBPyConnection, team: str, week_start: date) -> pl.DataFrame:
    """The abandoned calls of a team in one week: the list behind the percentage."""
    return con.sql(
        "select contact_id, occurred_at, product_id, wait_seconds from counted_contacts "
        "where channel = 'phone' and is_abandoned and team = ? "
        "and occurred_at >= ? and occurred_at < ? + interval 7 day order by occurred_at",
        params=[team, week_start, week_start],
    ).pl()


def load_runs(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every load run, newest first: the lineage of the figures."""
    return con.sql(
        "select run_id, started_at, finished_at, source, file, file_sha256, mapping_file, "
        "rows_read, rows_loaded, rows_inserted, rows_updated, rows_unchanged, "
        "rows_duplicate, rows_rejected, status, message from load_runs order by run_id desc"
    ).pl()


def rejects_by_reason(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Rejected rows per source and reason."""
    return con.sql(
        "select source, reason, count(distinct (run_id, line_number)) as rows "
        "from load_rejects group by all order by source, rows desc"
    ).pl()


def quality(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Data-quality findings that do not stop a load, and months without data in a channel."""
    found = status.quality(con)
    gaps = con.execute("select count(*) from mart_channel_mix where offered_contacts = 0")
    return found | {"gaps": gaps.fetchall()[0][0]}


def calls_without_product(
    con: duckdb.DuckDBPyConnection, start: date, end: date
) -> tuple[int, int]:
    """Return the calls without a product and all calls offered from start to end (days)."""
    return con.execute(
        "select coalesce(sum(offered_contacts) filter (where product_id is null), 0), "
        "coalesce(sum(offered_contacts), 0) from mart_product_channel "
        "where channel = 'phone' and period_month between date_trunc('month', ?) and ?",
        [start, end],
    ).fetchall()[0]


def source_months(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pl.DataFrame:
    """Per channel and month from start to end: the source that counted, what it held, and
    the other sources that held contacts or totals for it, not counted (mart_source_months)."""
    return con.sql(
        "select period_month, channel, "
        "any_value(source) filter (where is_counted) as source, "
        "any_value(handled) filter (where is_counted) as handled, "
        "any_value(offered) filter (where is_counted) as offered, "
        "string_agg(source, ', ' order by precedence) filter (where not is_counted) "
        "as other_sources, "
        "sum(handled) filter (where not is_counted) as other_handled "
        "from mart_source_months where period_month between date_trunc('month', ?) and ? "
        "group by all order by period_month, channel",
        params=[start, end],
    ).pl()


def unmapped_queues(con: duckdb.DuckDBPyConnection, start: date, after: date) -> pl.DataFrame:
    """The queues of queue logs that the mapping's [teams] lacked, with their stored calls
    from start until before `after` and in the whole store (their team is the queue's name)."""
    return con.sql(
        "select q.value as queue, "
        "count(*) filter (where c.occurred_at >= ? and c.occurred_at < ?) as in_period, "
        f"count(*) as whole_database from ({status.UNMAPPED}) q join contacts c "
        "on c.run_id = q.run_id and c.team = q.value group by all order by queue",
        params=[start, after],
    ).pl()


def month_gaps(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Months in which a channel had no contacts at all (a missing export?)."""
    return con.sql(
        "select period_month, channel from mart_channel_mix where offered_contacts = 0 "
        "order by period_month, channel"
    ).pl()


def answer_seconds(con: duckdb.DuckDBPyConnection) -> float:
    """The seconds within which the marts counted a call answered in time (settings table).

    The store's own value, not the settings file's: the file may have changed since the load.
    """
    return con.execute("select phone_answer_seconds from settings").fetchall()[0][0]
