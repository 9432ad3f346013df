"""Marts kept up to date incrementally: after every load they equal a rebuild from scratch.

Each test loads a small store, then a delivery that reaches across a period boundary (a
repeat window, a trailing window, a release window, a calendar gap), and checks the changed
figure by hand as well as every mart against a full rebuild of a copy of the store.
"""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import approx_rows

from pipelines import marts
from pipelines.settings import ServiceNorms, Settings

BASE = {
    "products": """
        product_id,name_nl,category,owner_team,digital_since
        paspoort,Paspoort,Burgerzaken,Burgerzaken,2020-01-01
        rijbewijs,Rijbewijs,Burgerzaken,Burgerzaken,2020-01-01
    """,
    "releases": """
        product_id,released_on,title
        paspoort,2024-04-01,Nieuw aanvraagformulier
    """,
    "web": """
        contact_id,submitted_at,product_id,completed,citizen_ref
        w1,2024-03-04T09:00:00,paspoort,true,
        w2,2024-03-30T09:00:00,paspoort,true,123456782
        w3,2024-04-10T09:00:00,rijbewijs,true,
    """,
    "phone": """
        contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
        p1,2024-03-04T10:00:00,paspoort,KCC,15,300,false
        p2,2024-03-29T10:00:00,paspoort,KCC,25,240,false
        p3,2024-04-02T10:00:00,rijbewijs,KCC,90,0,true
    """,
    "desk": """
        contact_id,arrived_at,product_id,team,wait_seconds,service_seconds
        d1,2024-03-07T11:00:00,rijbewijs,Balie,300,900
    """,
    "corrections": """
        correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type
        c1,2024-03-10,paspoort,web,30,bijlage ontbreekt
    """,
}


@pytest.fixture
def built(store, db, monkeypatch):
    """Load BASE; return the names of the marts each later load builds from scratch."""
    store(**BASE)
    calls: list[str] = []
    build = marts.build
    monkeypatch.setattr(marts, "build", lambda con, name: (calls.append(name), build(con, name)))
    return calls


def rebuilt(db: Path, tmp_path: Path, settings: Settings | None = None) -> dict[str, list]:
    """Return every mart of a copy of the store rebuilt from scratch."""
    copy = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(db, copy)
    with duckdb.connect(str(copy)) as con:
        marts.refresh(con, settings or Settings())
        return {
            name: con.execute(f"select * from {name} order by all").fetchall()
            for name in marts.MARTS
        }


def assert_equal_to_rebuild(query, db: Path, tmp_path: Path, settings=None) -> None:
    expected = rebuilt(db, tmp_path, settings)
    for name in marts.MARTS:
        got = query(f"select * from {name} order by all")
        assert got == approx_rows(expected[name]), name


def test_a_day_updates_only_the_periods_it_reaches(built, store, query, db, tmp_path):
    march_calls = query("select * from mart_phone_service where period_month = '2024-03-01'")
    # w9 on 2 April comes 3 days after the same resident's request w2 of 30 March about the
    # same product: w2, in March, becomes a repeated contact.
    store(
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w9,2024-04-02T11:00:00,paspoort,true,123456782
        """
    )
    assert built == ["mart_calendar"], "only the calendar is rebuilt; the marts are updated"
    assert query(
        "select period_month, contacts, repeated_contacts from mart_repeat_contacts "
        "where channel = 'web' order by all"
    ) == [(date(2024, 3, 1), 1, 1), (date(2024, 4, 1), 1, 0)]
    assert query("select * from mart_phone_service where period_month = '2024-03-01'") == (
        march_calls
    )
    assert_equal_to_rebuild(query, db, tmp_path)


def test_a_redelivered_call_moves_to_its_new_month(built, store, query, db, tmp_path):
    store(
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            p2,2024-04-05T10:00:00,paspoort,KCC,25,240,false
        """
    )
    assert query("select period_month, calls_offered from mart_phone_service order by all") == [
        (date(2024, 3, 1), 1),
        (date(2024, 4, 1), 2),
    ]
    assert_equal_to_rebuild(query, db, tmp_path)


def test_a_late_call_reaches_the_trailing_months_of_capacity(built, store, query, db, tmp_path):
    minutes = (
        "select non_web_minutes_per_contact from mart_capacity "
        "where period_month = '2024-04-01' and product_id = 'rijbewijs'"
    )
    # April's rijbewijs minutes average the handled phone and desk contacts of the trailing
    # months: before, only d1 in March (900 s service) = 15 minutes.
    assert query(minutes) == [(15.0,)]
    store(
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            l1,2024-03-20T10:00:00,rijbewijs,KCC,10,300,false
        """
    )
    # now d1 and the late call l1 (300 s): (900 + 300) / 60 / 2 contacts = 10 minutes
    assert query(minutes) == [(10.0,)]
    assert_equal_to_rebuild(query, db, tmp_path)


MIX = "select period_month, sum(contacts) from mart_channel_mix group by all order by all"


def test_months_after_a_gap_get_their_rows(built, store, query, db, tmp_path):
    store(
        desk="""
            contact_id,arrived_at,product_id,team,wait_seconds,service_seconds
            d7,2024-06-01T09:00:00,rijbewijs,Balie,60,300
        """
    )
    assert query(MIX) == [
        (date(2024, 3, 1), 5),
        (date(2024, 4, 1), 1),
        (date(2024, 5, 1), 0),
        (date(2024, 6, 1), 1),
    ]
    assert_equal_to_rebuild(query, db, tmp_path)


CALENDAR = "select period_month from mart_calendar order by all"


def test_a_late_contact_before_the_first_month_extends_the_calendar(
    built, store, query, db, tmp_path
):
    store(
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w0,2024-01-31T23:30:00,rijbewijs,true,
        """
    )
    assert built == ["mart_calendar"]  # the marts are updated, not rebuilt
    assert [m for (m,) in query(CALENDAR)] == [date(2024, m, 1) for m in (1, 2, 3, 4)]
    assert query(MIX) == [
        (date(2024, 1, 1), 1),
        (date(2024, 2, 1), 0),
        (date(2024, 3, 1), 5),
        (date(2024, 4, 1), 1),
    ]
    assert_equal_to_rebuild(query, db, tmp_path)


def test_a_first_month_emptied_by_a_redelivery_shrinks_the_calendar(
    built, store, query, db, tmp_path
):
    # every contact of March 2024, the first month, delivered again with a time in April
    store(
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w1,2024-04-04T09:00:00,paspoort,true,
            w2,2024-04-30T09:00:00,paspoort,true,123456782
        """,
        phone="""
            contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
            p1,2024-04-04T10:00:00,paspoort,KCC,15,300,false
            p2,2024-04-29T10:00:00,paspoort,KCC,25,240,false
        """,
        desk="""
            contact_id,arrived_at,product_id,team,wait_seconds,service_seconds
            d1,2024-04-07T11:00:00,rijbewijs,Balie,300,900
        """,
    )
    assert query(CALENDAR) == [(date(2024, 4, 1),)]
    assert "mart_channel_mix" in built  # a calendar that shrank: every mart is rebuilt
    assert query(MIX) == [(date(2024, 4, 1), 6)]
    assert_equal_to_rebuild(query, db, tmp_path)


def test_corrections_after_the_last_month_of_contacts(built, store, query, db, tmp_path):
    store(
        corrections="""
            correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type
            c2,2024-05-29,paspoort,web,45,adres onjuist
        """
    )
    assert query(
        "select corrections, correction_hours from mart_corrections where period_month = "
        "'2024-05-01'"
    ) == [(1, 0.75)]
    assert query(
        "select team, corrections from mart_team_week where week_start = '2024-05-27'"
    ) == [("Burgerzaken", 1)]
    assert_equal_to_rebuild(query, db, tmp_path)


def test_new_contacts_in_a_release_window(built, store, query, db, tmp_path):
    after = "select web_contacts_after from mart_release_effect where product_id = 'paspoort'"
    assert query(after) == [(0,)]
    store(
        web="""
            contact_id,submitted_at,product_id,completed,citizen_ref
            w8,2024-05-15T10:00:00,paspoort,true,
        """
    )
    assert query(after) == [(1,)]  # the release of 1 April compares until 1 July
    assert_equal_to_rebuild(query, db, tmp_path)


def test_a_first_load_of_a_channel_rebuilds_every_mart(store, query, db, tmp_path):
    store(web=BASE["web"], phone=BASE["phone"])
    store(desk=BASE["desk"])
    assert query("select distinct channel from mart_channel_mix order by all") == [
        ("desk",),
        ("phone",),
        ("web",),
    ]
    assert_equal_to_rebuild(query, db, tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        {
            "products": """
                product_id,name_nl,category,owner_team,digital_since
                paspoort,Paspoort,Burgerzaken,Burgerzaken,2024-04-01
            """
        },
        {
            "settings": Settings(norms=ServiceNorms(repeat_window_days=2)),
            "web": """
                contact_id,submitted_at,product_id,completed,citizen_ref
                w9,2024-04-02T11:00:00,paspoort,true,123456782
            """,
        },
    ],
    ids=["catalogue", "settings"],
)
def test_a_change_that_reaches_every_period_rebuilds_every_mart(
    built, store, query, db, tmp_path, change
):
    store(**change)
    assert built == list(marts.ORDER)
    assert_equal_to_rebuild(query, db, tmp_path, change.get("settings"))


def test_a_load_that_changes_nothing_builds_nothing(built, store, query, db, tmp_path):
    header, *lines = BASE["web"].strip().splitlines()
    store(web="\n".join([header, *reversed(lines)]))  # another file, the same records
    assert built == []
    assert_equal_to_rebuild(query, db, tmp_path)
