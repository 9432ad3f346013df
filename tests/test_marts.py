"""The marts: known answers, worked out by hand, from tiny stores written inline as CSV."""

from datetime import date
from pathlib import Path

import pytest
from conftest import approx_rows

from metrics import views
from metrics.query import Filters
from pipelines import marts
from pipelines import store as stored
from pipelines.settings import ServiceNorms, Settings
from pipelines.store import read_only

MART_FILES = sorted((Path(__file__).parents[1] / "pipelines" / "marts").glob("*.sql"))
# One month of contacts in all three channels, shared by several tests.
MARCH = {
    "web": """
        contact_id,submitted_at,product_id,completed
        w1,2024-03-04T09:00:00,paspoort,true
        w2,2024-03-05T09:00:00,rijbewijs,true
        w3,2024-03-06T09:00:00,paspoort,false
    """,
    "phone": """
        contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
        p1,2024-03-04T10:00:00,paspoort,KCC,15,300,false
        p2,2024-03-05T10:00:00,,KCC,25,240,false
        p3,2024-03-06T10:00:00,paspoort,KCC,90,0,true
    """,
    "desk": """
        contact_id,arrived_at,product_id,team,wait_seconds,service_seconds
        d1,2024-03-07T11:00:00,rijbewijs,Balie,300,900
    """,
}


def test_calendar_runs_from_first_to_last_month_with_contacts(store, query):
    store(
        web="""
            contact_id,submitted_at,product_id,completed
            w1,2023-11-30T23:59:00,paspoort,true
            w2,2024-02-01T00:00:00,paspoort,false
        """
    )
    # an unfinished web request still marks a month with contacts
    assert query("select period_month, month_end from mart_calendar order by period_month") == [
        (date(2023, 11, 1), date(2023, 11, 30)),
        (date(2023, 12, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),  # 2024 is a leap year
    ]


@pytest.mark.parametrize(
    ("submitted_at", "month"),
    [
        # 23:30 UTC is 01:30 on 1 April in Amsterdam (summer time, UTC+2, since 02:00 that night)
        ("2024-03-31T23:30:00+00:00", date(2024, 4, 1)),
        # without offset the time is already local
        ("2024-03-31T23:30:00", date(2024, 3, 1)),
        # 21:59:59 UTC = 23:59:59 local, still March; 22:00:00 UTC = 00:00 local, April
        ("2024-03-31T21:59:59Z", date(2024, 3, 1)),
        ("2024-03-31T22:00:00Z", date(2024, 4, 1)),
    ],
)
def test_contact_counts_in_its_local_calendar_month(store, query, submitted_at, month):
    store(
        web=f"""
            contact_id,submitted_at,product_id,completed
            w1,{submitted_at},paspoort,true
        """
    )
    assert query("select period_month from mart_calendar") == [(month,)]
    assert query("select period_month, product_id, contacts from mart_product_channel") == [
        (month, "paspoort", 1)
    ]
    assert query(
        "select period_month, contacts, share from mart_channel_mix where channel = 'web'"
    ) == [(month, 1, 1.0)]


def test_channel_mix_counts_handled_contacts_and_their_share(store, query):
    store(**MARCH)
    got = query(
        "select period_month, channel, contacts, offered_contacts, share "
        "from mart_channel_mix order by channel"
    )
    # handled: web w1, w2 (w3 unfinished) = 2; phone p1, p2 (p3 abandoned) = 2; desk d1 = 1;
    # all handled = 2 + 2 + 1 = 5
    assert got == approx_rows(
        [
            (date(2024, 3, 1), "desk", 1, 1, 1 / 5),
            (date(2024, 3, 1), "phone", 2, 3, 2 / 5),
            (date(2024, 3, 1), "web", 2, 3, 2 / 5),
        ]
    )


def test_channel_mix_lists_only_channels_with_contacts(store, query):
    store(
        web="""
            contact_id,submitted_at,product_id,completed
            w1,2024-03-04T09:00:00,paspoort,true
        """
    )
    # no phone or desk export loaded: no phone or desk rows claiming zero contacts
    assert query("select period_month, channel, contacts, share from mart_channel_mix") == [
        (date(2024, 3, 1), "web", 1, 1.0)
    ]


def test_empty_month_in_the_middle_keeps_its_rows(store, query):
    store(
        products="""
            product_id,name_nl,category,digital_since
            paspoort,Paspoort,Burgerzaken,2020-01-01
            rijbewijs,Rijbewijs,Burgerzaken,
        """,
        web="""
            contact_id,submitted_at,product_id,completed
            w1,2024-01-15T10:00:00,paspoort,true
            w2,2024-03-15T10:00:00,paspoort,true
        """,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            p1,2024-03-20T10:00:00,rijbewijs,KCC,10,300,false
        """,
    )
    got = query(
        "select period_month, channel, contacts, offered_contacts, share "
        "from mart_channel_mix where channel in ('phone', 'web') order by period_month, channel"
    )
    assert got == [
        (date(2024, 1, 1), "phone", 0, 0, 0.0),  # 0 / 1
        (date(2024, 1, 1), "web", 1, 1, 1.0),  # 1 / 1
        (date(2024, 2, 1), "phone", 0, 0, None),  # 0 / 0: no share
        (date(2024, 2, 1), "web", 0, 0, None),
        (date(2024, 3, 1), "phone", 1, 1, 0.5),  # 1 / 2
        (date(2024, 3, 1), "web", 1, 1, 0.5),
    ]
    # February has no contacts but keeps its row: 2 products, paspoort digital = 1 / 2
    assert query("select * from mart_digitisation_progress order by period_month") == [
        (date(2024, 1, 1), 2, 1, 0.5),
        (date(2024, 2, 1), 2, 1, 0.5),
        (date(2024, 3, 1), 2, 1, 0.5),
    ]


def test_product_channel_counts_handled_and_offered_contacts(store, query):
    store(**MARCH)
    got = query(
        "select period_month, product_id, channel, contacts, offered_contacts "
        "from mart_product_channel order by product_id nulls first, channel"
    )
    assert got == [
        (date(2024, 3, 1), None, "phone", 1, 1),  # p2, untagged
        (date(2024, 3, 1), "paspoort", "phone", 1, 2),  # p1 handled, p3 abandoned
        (date(2024, 3, 1), "paspoort", "web", 1, 2),  # w1 handled, w3 unfinished
        (date(2024, 3, 1), "rijbewijs", "desk", 1, 1),  # d1
        (date(2024, 3, 1), "rijbewijs", "web", 1, 1),  # w2
    ]


def test_untagged_calls_count_in_channel_mix_and_phone_service(store, query):
    store(
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            u1,2024-03-05T10:00:00,,KCC,10,120,false
            u2,2024-03-05T11:00:00,,KCC,40,0,true
            t1,2024-03-06T10:00:00,paspoort,KCC,5,300,false
        """
    )
    # handled u1 + t1 = 2 of 3 offered
    assert query(
        "select contacts, offered_contacts from mart_channel_mix where channel = 'phone'"
    ) == [(2, 3)]
    assert query(
        "select team, calls_offered, calls_answered, calls_abandoned from mart_phone_service"
    ) == [("KCC", 3, 2, 1)]
    assert query(
        "select product_id, contacts, offered_contacts from mart_product_channel "
        "order by product_id nulls first"
    ) == [(None, 1, 2), ("paspoort", 1, 1)]


def test_digital_takeup_per_digital_product_on_offer(store, query):
    store(
        products="""
            product_id,name_nl,category,digital_since,introduced_on,retired_on
            paspoort,Paspoort,Burgerzaken,2020-01-01,,
            rijbewijs,Rijbewijs,Burgerzaken,,,
            afval,Grofvuil,Afval,2024-02-29,,
            parkeer,Parkeervergunning,Parkeren,2023-01-01,,
            oud,Oud product,Burgerzaken,2020-01-01,,2024-02-15
        """,
        web="""
            contact_id,submitted_at,product_id,completed
            w1,2024-01-10T10:00:00,paspoort,true
            w2,2024-01-11T10:00:00,paspoort,false
            w3,2024-01-12T10:00:00,afval,true
            w4,2024-01-13T10:00:00,oud,true
            w5,2024-02-10T10:00:00,afval,true
            w6,2024-02-11T10:00:00,paspoort,true
            w7,2024-02-12T10:00:00,paspoort,true
            w8,2024-02-13T10:00:00,rijbewijs,true
        """,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            p1,2024-01-10T11:00:00,paspoort,KCC,10,300,false
            p2,2024-01-11T11:00:00,paspoort,KCC,90,0,true
            p3,2024-02-10T11:00:00,paspoort,KCC,10,300,false
        """,
        desk="""
            contact_id,arrived_at,product_id,team,wait_seconds,service_seconds
            d1,2024-01-15T09:00:00,paspoort,Balie,60,600
            d2,2024-02-15T09:00:00,afval,Balie,60,600
        """,
    )
    got = query(
        "select period_month, product_id, web_contacts, phone_contacts, desk_contacts, takeup "
        "from mart_digital_takeup order by period_month, product_id"
    )
    # afval is digital from 29 Feb (Feb, not Jan); oud retired 15 Feb (Jan, not Feb);
    # rijbewijs is not digital; w2 unfinished and p2 abandoned are not handled.
    assert got == approx_rows(
        [
            (date(2024, 1, 1), "oud", 1, 0, 0, 1 / 1),
            (date(2024, 1, 1), "parkeer", 0, 0, 0, None),  # no contacts: 0 / 0
            (date(2024, 1, 1), "paspoort", 1, 1, 1, 1 / 3),  # w1 / (w1 + p1 + d1)
            (date(2024, 2, 1), "afval", 1, 0, 1, 1 / 2),  # w5 / (w5 + d2)
            (date(2024, 2, 1), "parkeer", 0, 0, 0, None),
            (date(2024, 2, 1), "paspoort", 2, 1, 0, 2 / 3),  # (w6 + w7) / (w6 + w7 + p3)
        ]
    )


def test_digitisation_progress_counts_products_on_the_last_day(store, query):
    store(
        products="""
            product_id,name_nl,category,digital_since,introduced_on,retired_on
            a,Altijd,Burgerzaken,2023-06-01,,
            b,Weg op 29 februari,Burgerzaken,2022-01-01,,2024-02-29
            c,Weg op 1 maart,Burgerzaken,,,2024-03-01
            d,Nieuw in februari,Burgerzaken,2024-03-01,2024-02-10,
            e,Nieuw op 31 maart,Burgerzaken,,2024-03-31,
        """,
        web="""
            contact_id,submitted_at,product_id,completed
            w1,2024-01-15T10:00:00,a,true
            w2,2024-03-15T10:00:00,a,true
        """,
    )
    # retired_on is the first day without the product: b (29 Feb) is gone on Feb's last day,
    # c (1 Mar) is still there on it. introduced_on is the first day with it: e counts in Mar.
    assert query("select * from mart_digitisation_progress order by period_month") == approx_rows(
        [
            (date(2024, 1, 1), 3, 2, 2 / 3),  # a, b, c; digital a, b
            (date(2024, 2, 1), 3, 1, 1 / 3),  # a, c, d; digital a (d only from 1 Mar)
            (date(2024, 3, 1), 3, 2, 2 / 3),  # a, d, e; digital a, d
        ]
    )


def test_corrections_per_1000_handled_contacts_of_product_and_channel(store, query):
    store(
        web="""
            contact_id,submitted_at,product_id,completed
            w1,2024-03-01T10:00:00,paspoort,true
            w2,2024-03-02T10:00:00,paspoort,true
            w3,2024-03-03T10:00:00,paspoort,true
            w4,2024-03-04T10:00:00,paspoort,true
            w5,2024-03-05T10:00:00,paspoort,false
        """,
        corrections="""
            correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type
            c1,2024-03-10,paspoort,web,30,bijlage ontbreekt
            c2,2024-03-31T23:59:00,paspoort,web,45,verkeerd adres
            c3,2024-04-01,paspoort,web,60,verkeerd adres
            c4,2024-03-12,paspoort,desk,20,typefout
        """,
    )
    got = query(
        "select period_month, origin_channel, product_id, corrections, correction_hours, "
        "handled_contacts, corrections_per_1000 from mart_corrections "
        "order by period_month, origin_channel"
    )
    assert got == approx_rows(
        [
            # no desk contacts: 1 / 0 has no rate
            (date(2024, 3, 1), "desk", "paspoort", 1, 20 / 60, 0, None),
            # c1 + c2 = 2 corrections, (30 + 45) / 60 = 1.25 h; 1000 x 2 / 4 handled (w5 unfinished)
            (date(2024, 3, 1), "web", "paspoort", 2, 1.25, 4, 500.0),
            # detected on 1 April: April, where there are no contacts
            (date(2024, 4, 1), "web", "paspoort", 1, 1.0, 0, None),
        ]
    )


PHONE_QUEUE = """
    contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned,resolved_first_contact
    p1,2024-03-04T10:00:00,paspoort,KCC,20,300,false,true
    p2,2024-03-04T11:00:00,paspoort,KCC,20.5,300,false,false
    p3,2024-03-04T12:00:00,paspoort,KCC,10,300,false,
    p4,2024-03-04T13:00:00,paspoort,KCC,5,0,true,true
    b1,2024-03-04T14:00:00,paspoort,Burgerzaken,45,300,false,
"""


def test_phone_service_per_team(store, query):
    store(phone=PHONE_QUEUE)
    got = query(
        "select period_month, team, calls_offered, calls_answered, calls_abandoned, "
        "calls_answered_in_time, service_level, abandonment_rate, avg_wait_seconds, "
        "p90_wait_seconds, calls_resolved, calls_with_resolution, first_contact_resolution "
        "from mart_phone_service order by team"
    )
    assert got == approx_rows(
        [
            # 45 s > 20 s: 0 / 1 in time; no resolution mark: no first-contact resolution
            (date(2024, 3, 1), "Burgerzaken", 1, 1, 0, 0, 0.0, 0.0, 45.0, 45.0, 0, 0, None),
            (
                date(2024, 3, 1),
                "KCC",
                4,  # offered p1..p4
                3,  # answered p1, p2, p3
                1,  # abandoned p4
                2,  # p1 (exactly 20 s) and p3 (10 s); p2 waited 20.5 s
                2 / 4,  # service level over offered calls
                1 / 4,
                (20 + 20.5 + 10 + 5) / 4,  # = 13.875, abandoned calls' waits included
                20 + 0.7 * (20.5 - 20),  # p90 of 5, 10, 20, 20.5: position 0.9 x 3 = 2.7
                1,  # p1 (p4's mark does not count: abandoned)
                2,  # p1 and p2 are marked, p3 is not
                1 / 2,
            ),
        ]
    )


@pytest.mark.parametrize(
    ("settings", "threshold", "in_time", "service_level"),
    [
        (Settings(), 20, 2, 2 / 4),  # p1 (20 s), p3 (10 s)
        (Settings(norms=ServiceNorms(phone_answer_seconds=30)), 30, 3, 3 / 4),  # + p2 (20.5 s)
    ],
)
def test_service_level_threshold(store, query, settings, threshold, in_time, service_level):
    store(settings=settings, phone=PHONE_QUEUE)
    assert query("select phone_answer_seconds from settings") == [(threshold,)]
    assert query(
        "select calls_answered_in_time, service_level from mart_phone_service where team = 'KCC'"
    ) == approx_rows([(in_time, service_level)])


@pytest.mark.parametrize(
    ("settings", "served_in_time"),
    [
        (Settings(), 2),  # d1 (exactly 600 s = 10 min) and d3; d2 waited 601 s
        (Settings(norms=ServiceNorms(desk_wait_minutes=20)), 4),  # 1200 s: all four
    ],
)
def test_desk_service_per_team(store, query, settings, served_in_time):
    store(
        settings=settings,
        desk="""
            contact_id,arrived_at,product_id,team,wait_seconds,service_seconds,by_appointment
            d1,2024-03-04T09:00:00,paspoort,Balie,600,900,true
            d2,2024-03-04T09:10:00,paspoort,Balie,601,900,false
            d3,2024-03-04T09:20:00,paspoort,Balie,0,900,
            d4,2024-03-04T09:30:00,paspoort,Balie,1200,900,true
        """,
    )
    got = query(
        "select period_month, team, visits, share_by_appointment, avg_wait_seconds, "
        "p90_wait_seconds, visits_served_in_time, share_served_in_time from mart_desk_service"
    )
    assert got == approx_rows(
        [
            (
                date(2024, 3, 1),
                "Balie",
                4,
                2 / 3,  # d1, d4 of the three visits with a mark (d3 has none)
                (600 + 601 + 0 + 1200) / 4,  # = 600.25
                601 + 0.7 * (1200 - 601),  # p90 of 0, 600, 601, 1200: position 2.7 = 1020.3
                served_in_time,
                served_in_time / 4,
            )
        ]
    )


@pytest.mark.parametrize(
    ("second_contact_at", "is_repeated"),
    [
        ("2024-03-06T10:00:00", True),  # 5 days later
        ("2024-03-08T10:00:00", True),  # exactly 7 days later: still within the window
        ("2024-03-09T10:00:00", False),  # 8 days later
    ],
)
def test_repeat_within_the_window_in_another_channel(store, query, second_contact_at, is_repeated):
    store(
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w1,2024-03-01T10:00:00,paspoort,true,123456782
        """,
        phone=f"""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned,citizen_ref
            p1,{second_contact_at},paspoort,KCC,10,300,false,123456782
        """,
    )
    assert query(
        "select channel, contact_id, is_repeated from int_contact_repeats order by occurred_at"
    ) == [("web", "w1", is_repeated), ("phone", "p1", False)]


def test_repeat_contacts_per_channel_of_first_contact(store, query):
    store(
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w1,2024-03-01T10:00:00,paspoort,true,123456782
            w2,2024-03-02T10:00:00,paspoort,true,jan@example.org
            w3,2024-03-03T10:00:00,rijbewijs,true,jan@example.org
            w4,2024-03-05T10:00:00,paspoort,true,
            w5,2024-03-06T10:00:00,,true,123456782
            w6,2024-03-20T10:00:00,paspoort,false,jan@example.org
        """,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned,citizen_ref
            p1,2024-03-04T10:00:00,paspoort,KCC,10,300,false,123456782
        """,
        desk="""
            contact_id,arrived_at,product_id,team,wait_seconds,service_seconds,citizen_ref
            d1,2024-03-12T10:00:00,paspoort,Balie,60,600,123456782
        """,
    )
    # resident 123456782 about paspoort: w1 -> p1 after 3 days (repeated),
    # p1 -> d1 after 8 days (not), d1 last. jan@example.org: w2 paspoort and w3 rijbewijs are
    # different products; w6 18 days after w2 and unfinished (not a first contact).
    # w4 has no resident, w5 no product: neither is judged.
    assert query(
        "select period_month, channel, contacts, repeated_contacts, repeat_share "
        "from mart_repeat_contacts order by channel"
    ) == approx_rows(
        [
            (date(2024, 3, 1), "desk", 1, 0, 0.0),
            (date(2024, 3, 1), "phone", 1, 0, 0.0),
            (date(2024, 3, 1), "web", 3, 1, 1 / 3),  # w1, w2, w3
        ]
    )


def test_capacity_hours_costs_and_hours_freed_with_default_settings(store, query, db):
    web_february = "\n".join(f"w{n},2024-02-{n:02d}T10:00:00,paspoort,true" for n in range(4, 14))
    store(
        web=f"""
            contact_id,submitted_at,product_id,completed
            w1,2024-01-10T10:00:00,paspoort,true
            w2,2024-01-11T10:00:00,paspoort,true
            w3,2024-01-12T10:00:00,paspoort,true
            {web_february}
            w14,2024-02-20T10:00:00,paspoort,false
        """,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            p1,2024-01-10T11:00:00,paspoort,KCC,10,300,false
            p2,2024-01-11T11:00:00,paspoort,KCC,10,420,false
            p3,2024-01-12T11:00:00,paspoort,KCC,90,0,true
            p4,2024-02-10T11:00:00,paspoort,KCC,10,600,false
        """,
        desk="""
            contact_id,arrived_at,product_id,team,wait_seconds,service_seconds
            d0,2023-02-15T09:00:00,paspoort,Balie,60,7200
            d1,2024-01-15T09:00:00,paspoort,Balie,60,1800
        """,
        corrections="""
            correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type
            c1,2024-02-12,paspoort,web,15,bijlage ontbreekt
            c2,2024-02-13,paspoort,web,45,verkeerd adres
            c3,2024-02-14,paspoort,phone,30,typefout
        """,
    )
    # Defaults: web 4 staff minutes per request; cost per contact web 0.35, phone 4.90,
    # desk 12.10; trailing window 12 months including the month itself.
    hours = query(
        "select period_month, web_contacts, phone_contacts, desk_contacts, web_hours, "
        "phone_hours, desk_hours, handling_hours, correction_hours "
        "from mart_capacity where product_id = 'paspoort' order by period_month"
    )
    assert hours == approx_rows(
        [
            (date(2023, 2, 1), 0, 0, 1, 0.0, 0.0, 7200 / 3600, 2.0, 0.0),
            # web 3 x 4 / 60 = 0.2 h; phone (300 + 420) / 3600 = 0.2 h (p3 abandoned);
            # desk 1800 / 3600 = 0.5 h
            (date(2024, 1, 1), 3, 2, 1, 0.2, 0.2, 0.5, 0.9, 0.0),
            # web 10 x 4 / 60 (w14 unfinished); phone 600 / 3600; corrections (15+45+30) / 60
            (date(2024, 2, 1), 10, 1, 0, 40 / 60, 600 / 3600, 0.0, 40 / 60 + 1 / 6, 1.5),
        ]
    )
    costs = query(
        "select period_month, web_cost, phone_cost, desk_cost, total_cost "
        "from mart_capacity where product_id = 'paspoort' order by period_month"
    )
    assert costs == approx_rows(
        [
            (date(2023, 2, 1), 0.0, 0.0, 12.10, 12.10),
            # 3 x 0.35 = 1.05; 2 x 4.90 = 9.80; 1 x 12.10; total 22.95
            (date(2024, 1, 1), 1.05, 9.80, 12.10, 22.95),
            # 10 x 0.35 = 3.50; 1 x 4.90; total 8.40
            (date(2024, 2, 1), 3.50, 4.90, 0.0, 8.40),
        ]
    )
    freed = query(
        "select period_month, non_web_minutes_per_contact, gross_hours_freed, "
        "web_correction_hours, hours_freed_by_web from mart_capacity "
        "where product_id = 'paspoort' order by period_month"
    )
    # a web request frees a phone or desk contact's minutes but costs its own 4 minutes
    assert freed == approx_rows(
        [
            # only d0 in its window: 120 min / 1 visit; no web contacts frees nothing
            (date(2023, 2, 1), 120.0, 0.0, 0.0, 0.0),
            # window Feb 2023 - Jan 2024: (120 + 5 + 7 + 30) min / 4 contacts = 40.5 min;
            # 3 web x (40.5 - 4) / 60 = 1.825 h
            (date(2024, 1, 1), 40.5, 1.825, 0.0, 1.825),
            # window Mar 2023 - Feb 2024 (d0 drops out): (5 + 7 + 30 + 10) min / 4 = 13 min;
            # 10 web x (13 - 4) / 60 = 1.5 h, minus web corrections (15 + 45) / 60 = 1 h
            (date(2024, 2, 1), 13.0, 1.5, 1.0, 0.5),
        ]
    )
    # the net-capacity chart's lines add up to the figure they explain
    with stored.read_only(db) as con:
        net = views.net_capacity(con, date(2024, 1, 1), date(2024, 12, 1), "year", Filters())
    assert net.rows() == approx_rows([(date(2024, 1, 1), 1.825 + 1.5, 1.0, 1.825 + 0.5)])


def test_capacity_has_one_row_for_untagged_contacts_and_corrections(store, query):
    store(
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            u1,2024-03-05T10:00:00,,KCC,10,360,false
        """,
        corrections="""
            correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type
            c1,2024-03-06,,phone,30,typefout
        """,
    )
    # the untagged call and the correction without product share the month and product (none)
    assert query(
        "select period_month, product_id, phone_contacts, phone_hours, correction_hours "
        "from mart_capacity"
    ) == approx_rows([(date(2024, 3, 1), None, 1, 360 / 3600, 30 / 60)])


def test_release_effect_before_and_after(store, query):
    store(
        products="""
            product_id,name_nl,category,digital_since
            paspoort,Paspoort,Burgerzaken,2020-01-01
            rijbewijs,Rijbewijs,Burgerzaken,2020-01-01
        """,
        releases="""
            product_id,released_on,title
            paspoort,2024-04-01,Nieuw aanvraagformulier
            rijbewijs,2024-02-01,Nieuwe uitleg
        """,
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w0,2023-12-31T23:00:00,paspoort,true,
            w1,2024-01-10T10:00:00,paspoort,true,
            w2,2024-02-03T10:00:00,paspoort,true,123456782
            w3,2024-02-20T10:00:00,paspoort,true,
            w4,2024-03-31T23:30:00,paspoort,true,
            w5,2024-03-15T10:00:00,paspoort,false,
            w6,2024-04-10T10:00:00,paspoort,true,jan@example.org
            w7,2024-05-20T10:00:00,paspoort,true,jan@example.org
            w8,2024-04-02T10:00:00,paspoort,true,
            w9,2024-04-03T10:00:00,paspoort,true,
            w10,2024-04-04T10:00:00,paspoort,true,
            w11,2024-04-05T10:00:00,paspoort,true,
            w12,2024-04-06T10:00:00,paspoort,true,
            w13,2024-04-07T10:00:00,paspoort,true,
        """,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned,citizen_ref
            p1,2024-02-01T10:00:00,paspoort,KCC,10,300,false,123456782
            p2,2024-03-01T10:00:00,paspoort,KCC,10,300,false,
            p3,2024-03-02T10:00:00,paspoort,KCC,10,300,false,
            p4,2024-03-03T10:00:00,paspoort,KCC,10,300,false,
            p0,2024-03-04T10:00:00,paspoort,KCC,90,0,true,
            p5,2024-04-01T10:00:00,paspoort,KCC,10,300,false,
            p6,2024-04-02T10:00:00,paspoort,KCC,10,300,false,
        """,
        corrections="""
            correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type
            c0,2023-12-15,paspoort,web,30,bijlage ontbreekt
            c1,2024-02-10,paspoort,web,30,bijlage ontbreekt
            c2,2024-03-20,paspoort,web,30,verkeerd adres
            c3,2024-03-01,paspoort,phone,30,typefout
            c4,2024-04-01,paspoort,web,30,verkeerd adres
        """,
    )
    got = query(
        "select product_id, released_on, window_start, window_end, "
        "web_contacts_before, web_contacts_after, web_corrections_before, web_corrections_after, "
        "corrections_per_1000_before, corrections_per_1000_after, takeup_before, takeup_after, "
        "repeat_share_before, repeat_share_after, after_is_complete "
        "from mart_release_effect order by product_id"
    )
    assert got == approx_rows(
        [
            (
                "paspoort",
                date(2024, 4, 1),
                date(2024, 1, 1),  # 3 months before; w0 and c0 fall outside
                date(2024, 7, 1),  # 3 months from the release on
                4,  # before: w1..w4 (w4 at 23:30 local on 31 March; w5 unfinished)
                8,  # after: w6..w13
                2,  # before: c1, c2 (c3 is of phone origin)
                1,  # after: c4, detected on the release day
                1000 * 2 / 4,
                1000 * 1 / 8,
                4 / (4 + 4),  # web / (web + phone p1..p4; p0 abandoned)
                8 / (8 + 2),  # web / (web + p5, p6)
                1 / 2,  # judged p1, w2 (with resident): p1 repeated by w2 two days later
                0 / 2,  # judged w6, w7: 40 days apart
                False,  # last contact 20 May, before the window ends on 1 July
            ),
            (
                "rijbewijs",
                date(2024, 2, 1),
                date(2023, 11, 1),
                date(2024, 5, 1),
                0,
                0,
                0,
                0,
                None,  # no contacts: every rate has a zero denominator
                None,
                None,
                None,
                None,
                None,
                True,  # last contact 20 May is after the window ends on 1 May
            ),
        ]
    )


@pytest.mark.parametrize(
    ("released_on", "before_complete", "after_complete"),
    [
        ("2024-02-01", True, True),  # window 1 Jan - 1 Mar, data 1 Jan - 30 Apr
        ("2024-04-01", True, True),  # the window ends on 1 May: April is covered whole
        ("2024-04-02", True, False),  # the window ends on 2 May: beyond the data
        ("2024-01-15", False, True),  # the window starts on 15 Dec 2023: before the data
    ],
)
def test_release_windows_are_complete_only_within_the_data(
    store, query, released_on, before_complete, after_complete
):
    store(
        settings=Settings(norms=ServiceNorms(release_window_months=1)),
        releases=f"""
            product_id,released_on,title
            paspoort,{released_on},Nieuw formulier
        """,
        web="""
            contact_id,submitted_at,product_id,completed
            w1,2024-01-01T00:00:00,paspoort,true
            w2,2024-04-30T23:59:00,paspoort,true
        """,
    )
    assert query("select before_is_complete, after_is_complete from mart_release_effect") == [
        (before_complete, after_complete)
    ]


def test_each_mart_table_carries_its_grain_as_comment(store, query):
    store(**MARCH)
    # the grain is the first line of the SQL file, without its "--"
    expected = {
        path.stem: path.read_text().splitlines()[0].removeprefix("--").strip()
        for path in MART_FILES
    }
    got = dict(
        query(
            "select table_name, comment from duckdb_tables() where table_name in "
            f"({', '.join('?' * len(expected))}) "
            "union all select view_name, comment from duckdb_views() where view_name in "
            f"({', '.join('?' * len(expected))})",
            list(expected) * 2,
        )
    )
    assert got == expected


def test_every_mart_is_rebuilt_after_a_second_load(store, query):
    store(
        products="""
            product_id,name_nl,category,digital_since
            paspoort,Paspoort,Burgerzaken,2020-01-01
        """,
        releases="""
            product_id,released_on,title
            paspoort,2024-03-01,Nieuw aanvraagformulier
        """,
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w1,2024-03-05T10:00:00,paspoort,true,123456782
        """,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            p1,2024-03-06T10:00:00,paspoort,KCC,25,300,false
        """,
        desk="""
            contact_id,arrived_at,product_id,team,wait_seconds,service_seconds
            d1,2024-03-07T10:00:00,paspoort,Balie,900,600
        """,
        corrections="""
            correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type
            c1,2024-03-10,paspoort,web,30,bijlage ontbreekt
        """,
    )
    names = [path.stem for path in MART_FILES]
    before = {name: query(f"select * from {name} order by all") for name in names}
    # The second load brings a web request in March (more web contacts, a lower correction
    # rate, another judged contact, the release's after side) and one in April (a new month),
    # and thresholds that put p1 (25 s) and d1 (15 min) in time.
    store(
        settings=Settings(norms=ServiceNorms(phone_answer_seconds=30, desk_wait_minutes=20)),
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w2,2024-03-20T10:00:00,paspoort,true,123456782
            w3,2024-04-02T10:00:00,paspoort,true,
        """,
    )
    after = {name: query(f"select * from {name} order by all") for name in names}
    assert all(before.values()), "every mart has rows after the first load"
    assert [name for name in names if after[name] == before[name]] == []


def test_a_store_with_the_intermediate_as_table_gets_the_view(store, query, db):
    """Stores built before int_contact_repeats became a view are mended by the next load."""
    store(**MARCH)
    with stored.writable(db) as con:
        con.execute("drop view int_contact_repeats")
        con.execute("create table int_contact_repeats as select 1 as old")
    store(
        web="""
        contact_id,submitted_at,product_id,completed,citizen_ref
        w8,2024-03-08T09:00:00,paspoort,true,123456782
        w9,2024-03-10T09:00:00,paspoort,true,123456782
    """
    )
    assert query("select view_name from duckdb_views() where view_name = 'int_contact_repeats'")
    # w8 is followed by w9 two days later: one of the two judged web contacts repeated
    assert query(
        "select contacts, repeated_contacts from mart_repeat_contacts where channel = 'web'"
    ) == [(2, 1)]


KEYS = {  # a few, spelled out: the line reads as the columns, "(may be null)" marks a null
    "mart_calendar": {"period_month": False},
    "mart_product_channel": {"period_month": False, "product_id": True, "channel": False},
    "mart_team_week": {"week_start": False, "team": False},
}


def test_every_mart_file_declares_its_key():
    assert {path.stem: marts.key(path.stem) for path in MART_FILES if path.stem in KEYS} == KEYS
    assert {path.stem for path in MART_FILES} == set(marts.ORDER)
    for path in MART_FILES:
        assert marts.key(path.stem), f"{path.name} declares an empty key"


def key_violations(con) -> dict[str, list]:
    """Return, per mart and intermediate in the store, repeated keys and nulls not allowed."""
    names = [
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where starts_with(table_name, 'mart_') "
            "union all select view_name from duckdb_views() where starts_with(view_name, 'int_') "
            "order by all"
        ).fetchall()
    ]
    assert set(names) >= set(marts.MARTS), "every mart is in the store"
    found = {}
    for name in names:
        key = marts.key(name)  # raises for a mart without a declared key
        columns = ", ".join(key)
        # group by treats null as one value: an untagged product is one product
        repeated = con.execute(
            f"select {columns}, count(*) from {name} group by all having count(*) > 1 "
            "order by all limit 3"
        ).fetchall()
        nulls = []
        for column, may_be_null in key.items():
            n = con.execute(f"select count(*) from {name} where {column} is null").fetchone()[0]
            if n and not may_be_null:
                nulls.append((column, "is null", n))
        if repeated or nulls:
            found[name] = repeated + nulls
    return found


@pytest.fixture(params=["demo_store", "fixture_store_read_only"])
def built_store(request) -> Path:
    """The session's demo store, then its fixture store: read only."""
    return request.getfixturevalue(request.param)


def test_no_two_rows_of_a_mart_share_its_key(built_store, request):
    """The dbt `unique` and `not_null` tests on every mart's declared grain."""
    with read_only(built_store) as con:
        assert key_violations(con) == {}
        # the demo has untagged calls: a key column that may be null is null there
        if request.node.callspec.params["built_store"] == "demo_store":
            assert con.execute(
                "select count(*) from mart_product_channel where product_id is null"
            ).fetchone()[0]
