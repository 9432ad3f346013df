-- One row per release: for its product, web corrections per 1,000 handled web contacts, digital take-up and repeat-contact share in the window (settings: months) before the release and in the same window from the release on; before_is_complete and after_is_complete say whether the data (whole calendar months from the first to the last month with contacts) cover each window.
-- key: product_id, released_on
with windows as (
    select
        releases.product_id,
        releases.released_on,
        releases.title,
        cast(releases.released_on - to_months(settings.release_window_months) as timestamp)
            as before_start,
        cast(releases.released_on as timestamp) as release_start,
        cast(releases.released_on + to_months(settings.release_window_months) as timestamp)
            as after_end
    from releases, settings
),

handled as (
    select
        windows.product_id,
        windows.released_on,
        contacts.occurred_at >= windows.release_start as is_after,
        count(*) filter (where contacts.channel = 'web') as web_contacts,
        count(*) as handled_contacts
    from windows
    inner join contacts
        on contacts.product_id = windows.product_id
        and contacts.occurred_at >= windows.before_start
        and contacts.occurred_at < windows.after_end
        and contacts.is_handled
    group by all
),

corrected as (
    select
        windows.product_id,
        windows.released_on,
        corrections.detected_at >= windows.release_start as is_after,
        count(*) as web_corrections
    from windows
    inner join corrections
        on corrections.product_id = windows.product_id
        and corrections.origin_channel = 'web'
        and corrections.detected_at >= windows.before_start
        and corrections.detected_at < windows.after_end
    group by all
),

repeated as (
    select
        windows.product_id,
        windows.released_on,
        repeats.occurred_at >= windows.release_start as is_after,
        count(*) as judged_contacts,
        count(*) filter (where repeats.is_repeated) as repeated_contacts
    from windows
    inner join int_contact_repeats as repeats
        on repeats.product_id = windows.product_id
        and repeats.occurred_at >= windows.before_start
        and repeats.occurred_at < windows.after_end
        and repeats.is_handled
    group by all
),

sides as (
    select
        windows.product_id,
        windows.released_on,
        side.is_after,
        coalesce(handled.web_contacts, 0) as web_contacts,
        coalesce(handled.handled_contacts, 0) as handled_contacts,
        coalesce(corrected.web_corrections, 0) as web_corrections,
        1000 * coalesce(corrected.web_corrections, 0) / nullif(handled.web_contacts, 0)
            as corrections_per_1000,
        handled.web_contacts / nullif(handled.handled_contacts, 0) as takeup,
        repeated.repeated_contacts / nullif(repeated.judged_contacts, 0) as repeat_share
    from windows
    cross join (select unnest([false, true]) as is_after) as side
    left join handled using (product_id, released_on, is_after)
    left join corrected using (product_id, released_on, is_after)
    left join repeated using (product_id, released_on, is_after)
),

final as (
    select
        windows.product_id,
        windows.released_on,
        windows.title,
        cast(windows.before_start as date) as window_start,
        cast(windows.after_end as date) as window_end,
        before.web_contacts as web_contacts_before,
        after.web_contacts as web_contacts_after,
        before.web_corrections as web_corrections_before,
        after.web_corrections as web_corrections_after,
        before.corrections_per_1000 as corrections_per_1000_before,
        after.corrections_per_1000 as corrections_per_1000_after,
        before.takeup as takeup_before,
        after.takeup as takeup_after,
        before.repeat_share as repeat_share_before,
        after.repeat_share as repeat_share_after,
        windows.before_start >= (select min(period_month) from mart_calendar)
            as before_is_complete,
        windows.after_end <= (select max(month_end) + 1 from mart_calendar) as after_is_complete
    from windows
    inner join sides as before
        on before.product_id = windows.product_id
        and before.released_on = windows.released_on
        and not before.is_after
    inner join sides as after
        on after.product_id = windows.product_id
        and after.released_on = windows.released_on
        and after.is_after
)

select * from final
order by product_id, released_on
