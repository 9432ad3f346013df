-- One row per month per product per channel with any contact: handled and offered contacts (offered includes abandoned calls and unfinished web requests; product_id null = untagged), counted from the channel-month's counting source (mart_source_months): single contacts or monthly totals (offered null = the totals do not give it).
-- key: period_month, product_id (may be null), channel
with final as (
    select
        cast(date_trunc('month', occurred_at) as date) as period_month,
        product_id,
        channel,
        count(*) filter (where is_handled) as contacts,
        count(*) as offered_contacts
    from contacts
    group by all
    union all
    select
        period_month,
        product_id,
        channel,
        sum(handled) as contacts,
        case when count(offered) = count(*) then sum(offered) end as offered_contacts
    from volumes
    group by all
)

select * from final
order by period_month, product_id, channel
