-- One row per month (of detection) per origin channel per product with corrections: count, hours and corrections per 1,000 handled contacts of that product in that channel and month (null when there were none).
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

final as (
    select
        corrected.period_month,
        corrected.origin_channel,
        corrected.product_id,
        corrected.corrections,
        corrected.correction_hours,
        coalesce(handled.contacts, 0) as handled_contacts,
        1000 * corrected.corrections / nullif(handled.contacts, 0) as corrections_per_1000
    from corrected
    left join mart_product_channel as handled
        on handled.period_month = corrected.period_month
        and handled.channel = corrected.origin_channel
        and handled.product_id is not distinct from corrected.product_id
)

select * from final
order by period_month, origin_channel, product_id
