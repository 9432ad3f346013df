-- One row per calendar month, from the first to the last month with any contact or monthly total (local time).
-- key: period_month
with bounds as (
    -- min and max of a column itself come from DuckDB's statistics, without a scan
    select
        date_trunc('month', least(
            (select min(occurred_at) from contacts), (select min(period_month) from volumes)
        )) as first_month,
        date_trunc('month', greatest(
            (select max(occurred_at) from contacts), (select max(period_month) from volumes)
        )) as last_month
),

final as (
    select cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date)
        as period_month
    from bounds
    where first_month is not null
)

select
    period_month,
    last_day(period_month) as month_end
from final
