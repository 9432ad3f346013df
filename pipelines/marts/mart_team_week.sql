-- One row per week (Monday) per team: the phone figures of the calls the team took or queued (offered, answered in time, abandoned, average wait), the desk figures of its visits (visits, average wait, served in time) and the corrections found that week in the products the team owns.
-- key: week_start, team
with target as (
    select phone_answer_seconds, desk_wait_minutes * 60 as desk_wait_seconds from settings
),

served as (
    select
        cast(date_trunc('week', occurred_at) as date) as week_start,
        team,
        count(*) filter (where channel = 'phone') as calls_offered,
        count(*) filter (
            where channel = 'phone' and not is_abandoned
            and wait_seconds <= (select phone_answer_seconds from target)
        ) as calls_answered_in_time,
        count(*) filter (where channel = 'phone' and is_abandoned) as calls_abandoned,
        avg(wait_seconds) filter (where channel = 'phone') as phone_avg_wait_seconds,
        count(*) filter (where channel = 'desk') as visits,
        count(*) filter (
            where channel = 'desk' and wait_seconds <= (select desk_wait_seconds from target)
        ) as visits_served_in_time,
        avg(wait_seconds) filter (where channel = 'desk') as desk_avg_wait_seconds
    from contacts
    where channel in ('phone', 'desk') and team is not null
    group by all
),

corrected as (
    select
        cast(date_trunc('week', corrections.detected_at) as date) as week_start,
        products.owner_team as team,
        count(*) as corrections,
        sum(corrections.minutes_spent) / 60 as correction_hours
    from corrections
    inner join products using (product_id)
    where products.owner_team is not null
    group by all
),

final as (
    select
        coalesce(served.week_start, corrected.week_start) as week_start,
        coalesce(served.team, corrected.team) as team,
        coalesce(served.calls_offered, 0) as calls_offered,
        coalesce(served.calls_answered_in_time, 0) as calls_answered_in_time,
        coalesce(served.calls_abandoned, 0) as calls_abandoned,
        served.calls_answered_in_time / nullif(served.calls_offered, 0) as service_level,
        served.calls_abandoned / nullif(served.calls_offered, 0) as abandonment_rate,
        served.phone_avg_wait_seconds,
        coalesce(served.visits, 0) as visits,
        coalesce(served.visits_served_in_time, 0) as visits_served_in_time,
        served.desk_avg_wait_seconds,
        coalesce(corrected.corrections, 0) as corrections,
        coalesce(corrected.correction_hours, 0) as correction_hours
    from served
    full join corrected using (week_start, team)
)

select * from final
order by week_start, team
