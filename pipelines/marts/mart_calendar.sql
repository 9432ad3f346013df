-- One row per calendar month, from the first to the last month with any contact (local time).
-- key: period_month
with bounds as (
    select
        -- min and max of the column itself come from DuckDB's statistics, without a scan
        date_trunc('month', min(occurred_at)) as first_month,
        date_trunc('month', max(occurred_at)) as last_month
    from contacts
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
