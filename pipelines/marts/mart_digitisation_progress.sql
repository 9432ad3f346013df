-- One row per month: products in the catalogue on the month's last day, how many of them could be requested fully online, and that share.
-- key: period_month
with final as (
    select
        calendar.period_month,
        count(products.product_id) as products_total,
        count(products.product_id) filter (
            where products.digital_since <= calendar.month_end
        ) as products_digital,
        count(products.product_id) filter (
            where products.digital_since <= calendar.month_end
        ) / nullif(count(products.product_id), 0) as share_digital
    from mart_calendar as calendar
    left join products
        on (products.introduced_on is null or products.introduced_on <= calendar.month_end)
        and (products.retired_on is null or products.retired_on > calendar.month_end)
    group by calendar.period_month
)

select * from final
order by period_month
