-- One row per month per channel of the first contact: handled contacts of a known resident about a known product, how many were followed within the repeat window by another contact of the same resident about the same product in any channel, and that share (failure demand).
-- key: period_month, channel
with final as (
    select
        period_month,
        channel,
        count(*) as contacts,
        count(*) filter (where is_repeated) as repeated_contacts,
        count(*) filter (where is_repeated) / count(*) as repeat_share
    from int_contact_repeats
    where is_handled
    group by all
)

select * from final
order by period_month, channel
