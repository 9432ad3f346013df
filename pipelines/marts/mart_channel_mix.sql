-- One row per month per channel: handled contacts and their share of all handled contacts of that month (share is null in a month without handled contacts).
-- key: period_month, channel
with channels as (
    -- channels present in the store: a channel never loaded is unknown, not zero
    select distinct channel from mart_product_channel
),

counted as (
    select
        period_month,
        channel,
        sum(contacts) as contacts,
        case when count(offered_contacts) = count(*) then sum(offered_contacts) end
            as offered_contacts
    from mart_product_channel
    group by all
),

final as (
    select
        calendar.period_month,
        channels.channel,
        coalesce(counted.contacts, 0) as contacts,
        case when counted.period_month is null then 0 else counted.offered_contacts end
            as offered_contacts,
        coalesce(counted.contacts, 0)
        / nullif(sum(coalesce(counted.contacts, 0)) over (partition by calendar.period_month), 0)
            as share
    from mart_calendar as calendar
    cross join channels
    left join counted using (period_month, channel)
)

select * from final
order by period_month, channel
