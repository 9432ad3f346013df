-- One row per month, channel and source holding contacts or monthly totals for that channel-month: what the source holds and whether it counts (the first source in the settings' order that holds any; every other mart counts only that source's contacts or totals for the channel-month, so no contact counts twice).
-- key: period_month, channel, source
with held as (
    select
        cast(date_trunc('month', occurred_at) as date) as period_month,
        channel,
        source,
        count(*) filter (where is_handled) as handled,
        count(*) as offered
    from contacts
    group by all
    union all
    select
        period_month,
        channel,
        'volumes' as source,
        sum(handled) as handled,
        -- offered is known only when every line of the month gives it
        case when count(offered) = count(*) then sum(offered) end as offered
    from volumes
    group by all
),

ranked as (
    select
        held.*,
        coalesce(list_position(string_split(settings.source_order, ','), held.source), 999)
            as precedence
    from held
    cross join settings
),

final as (
    select
        period_month,
        channel,
        source,
        precedence,
        handled,
        offered,
        precedence = min(precedence) over (partition by period_month, channel) as is_counted
    from ranked
)

select * from final
order by period_month, channel, precedence
