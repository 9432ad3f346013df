-- One row per contact: whether the same resident contacted us again about the same product within the repeat window (any channel).
-- key: source, contact_id
with ordered as (
    select
        source,
        channel,
        contact_id,
        occurred_at,
        product_id,
        is_handled,
        citizen_key,
        lead(occurred_at) over (
            partition by citizen_key, product_id
            order by occurred_at, channel, source, contact_id
        ) as next_contact_at
    from contacts
    where citizen_key is not null and product_id is not null
),

final as (
    select
        source,
        channel,
        contact_id,
        cast(date_trunc('month', occurred_at) as date) as period_month,
        occurred_at,
        product_id,
        is_handled,
        coalesce(
            next_contact_at <= occurred_at
            + to_days((select repeat_window_days from settings)),
            false
        ) as is_repeated
    from ordered
)

select * from final
