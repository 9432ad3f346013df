-- One row per month per team: calls offered (every call that reached the queue), answered (not abandoned), abandoned; service level = offered calls answered within the target seconds / offered calls; waits over all offered calls; first-contact resolution = answered calls marked resolved / answered calls with a resolution mark. A month counted from monthly totals (from_totals) has calls offered (when the totals give them), answered and abandoned, and no service level, waits or resolution (null: not available from totals).
-- key: period_month, team (may be null)
with target as (
    select phone_answer_seconds from settings
),

final as (
    select
        cast(date_trunc('month', occurred_at) as date) as period_month,
        team,
        count(*) as calls_offered,
        count(*) filter (where not is_abandoned) as calls_answered,
        count(*) filter (where is_abandoned) as calls_abandoned,
        count(*) filter (
            where not is_abandoned
            and wait_seconds <= (select phone_answer_seconds from target)
        ) as calls_answered_in_time,
        count(*) filter (
            where not is_abandoned
            and wait_seconds <= (select phone_answer_seconds from target)
        ) / count(*) as service_level,
        count(*) filter (where is_abandoned) / count(*) as abandonment_rate,
        avg(wait_seconds) as avg_wait_seconds,
        quantile_cont(wait_seconds, 0.9) as p90_wait_seconds,
        count(*) filter (where not is_abandoned and is_resolved_first_contact) as calls_resolved,
        count(*) filter (where not is_abandoned and is_resolved_first_contact is not null)
            as calls_with_resolution,
        count(*) filter (where not is_abandoned and is_resolved_first_contact)
        / nullif(
            count(*) filter (where not is_abandoned and is_resolved_first_contact is not null),
            0
        ) as first_contact_resolution,
        false as from_totals
    from contacts
    where channel = 'phone'
    group by all
    union all
    select
        period_month,
        team,
        case when count(offered) = count(*) then sum(offered) end as calls_offered,
        sum(handled) as calls_answered,
        case when count(offered) = count(*) then sum(offered) - sum(handled) end
            as calls_abandoned,
        null as calls_answered_in_time,
        null as service_level,
        case when count(offered) = count(*) then
            (sum(offered) - sum(handled)) / nullif(sum(offered), 0)
        end as abandonment_rate,
        null as avg_wait_seconds,
        null as p90_wait_seconds,
        null as calls_resolved,
        null as calls_with_resolution,
        null as first_contact_resolution,
        true as from_totals
    from volumes
    where channel = 'phone'
    group by period_month, team
)

select * from final
order by period_month, team
