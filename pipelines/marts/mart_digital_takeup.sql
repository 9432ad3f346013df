-- One row per month per product that was digital and offered at the end of that month: handled contacts per channel and take-up = web / (web + phone + desk), null without contacts.
-- key: period_month, product_id
with digital as (
    select
        calendar.period_month,
        products.product_id
    from mart_calendar as calendar
    inner join products
        on products.digital_since <= calendar.month_end
        and (products.introduced_on is null or products.introduced_on <= calendar.month_end)
        and (products.retired_on is null or products.retired_on > calendar.month_end)
),

handled as (
    select
        period_month,
        product_id,
        sum(contacts) filter (where channel = 'web') as web_contacts,
        sum(contacts) filter (where channel = 'phone') as phone_contacts,
        sum(contacts) filter (where channel = 'desk') as desk_contacts
    from mart_product_channel
    group by all
),

final as (
    select
        digital.period_month,
        digital.product_id,
        coalesce(handled.web_contacts, 0) as web_contacts,
        coalesce(handled.phone_contacts, 0) as phone_contacts,
        coalesce(handled.desk_contacts, 0) as desk_contacts,
        coalesce(handled.web_contacts, 0) / nullif(
            coalesce(handled.web_contacts, 0)
            + coalesce(handled.phone_contacts, 0)
            + coalesce(handled.desk_contacts, 0),
            0
        ) as takeup
    from digital
    left join handled using (period_month, product_id)
)

select * from final
order by period_month, product_id
