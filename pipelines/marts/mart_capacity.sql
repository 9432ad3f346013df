-- One row per month per product with handled contacts or corrections: staff hours per channel, correction hours, cost per channel, and the estimated hours freed by web = web handled contacts x (the product's average staff minutes per handled phone or desk contact over the trailing months - the staff minutes per web request), minus correction hours of web origin; it assumes every web request replaced a phone or desk contact.
-- key: period_month, product_id (may be null)
with settings_row as (
    select * from settings
),

handled_parts as (
    select
        cast(date_trunc('month', occurred_at) as date) as period_month,
        product_id,
        count(*) filter (where channel = 'web') as web_contacts,
        count(*) filter (where channel = 'phone') as phone_contacts,
        count(*) filter (where channel = 'desk') as desk_contacts,
        -- a call or visit without a recorded duration counts at the settings' staff minutes
        sum(coalesce(handle_seconds, staff_minutes_phone * 60)) filter (
            where channel = 'phone'
        ) / 3600 as phone_hours,
        sum(coalesce(handle_seconds, staff_minutes_desk * 60)) filter (
            where channel = 'desk'
        ) / 3600 as desk_hours
    from contacts, settings_row
    where is_handled
    group by all
    union all
    -- monthly totals: staff time at the settings' minutes per contact
    select
        period_month,
        product_id,
        sum(handled) filter (where channel = 'web') as web_contacts,
        sum(handled) filter (where channel = 'phone') as phone_contacts,
        sum(handled) filter (where channel = 'desk') as desk_contacts,
        sum(handled * staff_minutes_phone / 60) filter (where channel = 'phone') as phone_hours,
        sum(handled * staff_minutes_desk / 60) filter (where channel = 'desk') as desk_hours
    from volumes, settings_row
    group by all
),

handled as (
    -- a month's channels may come from contacts and from totals
    select
        period_month,
        product_id,
        sum(web_contacts) as web_contacts,
        sum(phone_contacts) as phone_contacts,
        sum(desk_contacts) as desk_contacts,
        sum(phone_hours) as phone_hours,
        sum(desk_hours) as desk_hours
    from handled_parts
    group by all
),

corrected as (
    select
        cast(date_trunc('month', detected_at) as date) as period_month,
        product_id,
        sum(minutes_spent) / 60 as correction_hours,
        coalesce(sum(minutes_spent) filter (where origin_channel = 'web'), 0) / 60
            as web_correction_hours
    from corrections
    group by all
),

combined as (
    select
        coalesce(handled.period_month, corrected.period_month) as period_month,
        coalesce(handled.product_id, corrected.product_id) as product_id,
        coalesce(handled.web_contacts, 0) as web_contacts,
        coalesce(handled.phone_contacts, 0) as phone_contacts,
        coalesce(handled.desk_contacts, 0) as desk_contacts,
        coalesce(handled.web_contacts, 0) * settings_row.staff_minutes_web / 60 as web_hours,
        coalesce(handled.phone_hours, 0) as phone_hours,
        coalesce(handled.desk_hours, 0) as desk_hours,
        coalesce(corrected.correction_hours, 0) as correction_hours,
        coalesce(corrected.web_correction_hours, 0) as web_correction_hours
    from handled
    -- untagged contacts and corrections without product meet on a null product_id
    full join corrected
        on corrected.period_month = handled.period_month
        and corrected.product_id is not distinct from handled.product_id
    cross join settings_row
),

trailing_window as (
    select
        combined.period_month,
        combined.product_id,
        60 * sum(window_rows.phone_hours + window_rows.desk_hours)
        / nullif(sum(window_rows.phone_contacts + window_rows.desk_contacts), 0)
            as non_web_minutes_per_contact
    from combined
    cross join settings_row
    inner join combined as window_rows
        on window_rows.product_id is not distinct from combined.product_id
        and window_rows.period_month > combined.period_month
        - to_months(settings_row.capacity_trailing_months)
        and window_rows.period_month <= combined.period_month
    group by all
),

final as (
    select
        combined.period_month,
        combined.product_id,
        combined.web_contacts,
        combined.phone_contacts,
        combined.desk_contacts,
        combined.web_hours,
        combined.phone_hours,
        combined.desk_hours,
        combined.web_hours + combined.phone_hours + combined.desk_hours as handling_hours,
        combined.correction_hours,
        combined.web_contacts * settings_row.unit_cost_web as web_cost,
        combined.phone_contacts * settings_row.unit_cost_phone as phone_cost,
        combined.desk_contacts * settings_row.unit_cost_desk as desk_cost,
        combined.web_contacts * settings_row.unit_cost_web
        + combined.phone_contacts * settings_row.unit_cost_phone
        + combined.desk_contacts * settings_row.unit_cost_desk as total_cost,
        -- no phone or desk contact in the window: fall back on the settings' phone minutes
        coalesce(trailing_window.non_web_minutes_per_contact, settings_row.staff_minutes_phone)
            as non_web_minutes_per_contact,
        combined.web_correction_hours,
        -- each web request is assumed to have replaced a phone or desk contact, and still
        -- costs the back office its own minutes
        combined.web_contacts * (
            coalesce(trailing_window.non_web_minutes_per_contact, settings_row.staff_minutes_phone)
            - settings_row.staff_minutes_web
        ) / 60 as gross_hours_freed,
        gross_hours_freed - combined.web_correction_hours as hours_freed_by_web
    from combined
    cross join settings_row
    left join trailing_window
        on trailing_window.period_month = combined.period_month
        and trailing_window.product_id is not distinct from combined.product_id
)

select * from final
order by period_month, product_id
