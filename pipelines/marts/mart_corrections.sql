-- One row per month per origin channel per product with corrections or handled contacts: corrections found that month (by detection date), correction hours (minutes / 60), handled contacts of that product in that channel and month, and corrections per 1,000 of them (null when there were none).
-- key: period_month, origin_channel, product_id (may be null)
with corrected as (
    select
        cast(date_trunc('month', detected_at) as date) as period_month,
        origin_channel,
        product_id,
        count(*) as corrections,
        sum(minutes_spent) / 60 as correction_hours
    from corrections
    group by all
),

handled as (
    -- as mart_product_channel counts them: a channel-month's contacts or its monthly totals
    select
        period_month,
        channel as origin_channel,
        product_id,
        contacts
    from mart_product_channel
    where contacts > 0
),

final as (
    select
        coalesce(corrected.period_month, handled.period_month) as period_month,
        coalesce(corrected.origin_channel, handled.origin_channel) as origin_channel,
        coalesce(corrected.product_id, handled.product_id) as product_id,
        coalesce(corrected.corrections, 0) as corrections,
        coalesce(corrected.correction_hours, 0) as correction_hours,
        coalesce(handled.contacts, 0) as handled_contacts,
        1000 * coalesce(corrected.corrections, 0) / nullif(handled.contacts, 0)
            as corrections_per_1000
    from corrected
    -- untagged contacts and corrections without product meet on a null product_id
    full join handled
        on handled.period_month = corrected.period_month
        and handled.origin_channel = corrected.origin_channel
        and handled.product_id is not distinct from corrected.product_id
)

select * from final
order by period_month, origin_channel, product_id
