-- One row per month per team: desk visits, share by appointment (of the visits with an appointment mark; null without marks), average and 90th-percentile wait, and the share of visits served within the target minutes. A month counted from monthly totals (from_totals) has its visits and no appointments or waits (null: not available from totals).
-- key: period_month, team (may be null)
with target as (
    select desk_wait_minutes * 60 as wait_seconds from settings
),

final as (
    select
        cast(date_trunc('month', occurred_at) as date) as period_month,
        team,
        count(*) as visits,
        count(*) filter (where is_by_appointment) as visits_by_appointment,
        count(is_by_appointment) as visits_with_appointment_mark,
        count(*) filter (where is_by_appointment) / nullif(count(is_by_appointment), 0)
            as share_by_appointment,
        avg(wait_seconds) as avg_wait_seconds,
        quantile_cont(wait_seconds, 0.9) as p90_wait_seconds,
        count(*) filter (where wait_seconds <= (select wait_seconds from target))
            as visits_served_in_time,
        count(*) filter (where wait_seconds <= (select wait_seconds from target)) / count(*)
            as share_served_in_time,
        false as from_totals
    from contacts
    where channel = 'desk'
    group by all
    union all
    select
        period_month,
        team,
        sum(handled) as visits,
        null as visits_by_appointment,
        null as visits_with_appointment_mark,
        null as share_by_appointment,
        null as avg_wait_seconds,
        null as p90_wait_seconds,
        null as visits_served_in_time,
        null as share_served_in_time,
        true as from_totals
    from volumes
    where channel = 'desk'
    group by period_month, team
)

select * from final
order by period_month, team
