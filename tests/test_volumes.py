"""Monthly totals (`--source volumes`) and the rule that no contact counts twice.

tests/fixtures/volumes/maandtotalen.csv is a contact centre's monthly report as a Dutch
spreadsheet saves it (`;`, decimal comma, dd-mm-yyyy), read with its mapping. Lines (the
header is line 1):
  2  2023-01 phone verhuismelding KCC          100 of 120
  3  2023-01 phone (no product)   KCC           40 of ?     offered not given
  4  2023-01 web   verhuismelding              300 of 350
  5  15-02-2023 desk paspoort Burgerzaken       80 of 80    a date in the month
  6  2023-02 phone verhuismelding KCC           90 of 95    superseded by line 7: duplicate_key
  7  2023-02 phone verhuismelding KCC           95 of 100
  8  2023-03 phone ... KCC   -5                             negative_count
  9  2023-03 phone ... KCC2  12,5                           fractional_count
 10  2023-03 web   ...       50 of 40                       handled_exceeds_offered
 11  2024-07 web   ...                                      after June 2024 (NOW): future_timestamp
 12  2023-03 fax   ...                                      unknown_channel
 13  2023-13 web   ...                                      invalid_date
 14  2023-03 desk paspoort Burgerzaken       1.200 of ?     thousands separator
"""

import json
import tomllib
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from channelshift import main
from metrics import headlines, pages
from pipelines import dialect, marts, store
from pipelines.dialect import FileError
from pipelines.load import SOURCES as SOURCES_BY_NAME
from pipelines.load import Delivery, load_deliveries
from pipelines.settings import Settings
from pipelines.sources import phone
from tests.conftest import FIXTURES, NOW, write_csv
from tests.test_excel import workbook

ROOT = Path(__file__).resolve().parents[1]
TOTALS = FIXTURES / "volumes" / "maandtotalen.csv"
MAPPING = FIXTURES / "volumes" / "mapping.toml"
MIX = (
    "select strftime(period_month, '%Y-%m'), channel, contacts, offered_contacts "
    "from mart_channel_mix where contacts > 0 order by 1, 2"
)


@pytest.fixture
def totals(load):
    (run,) = load("volumes", TOTALS, mapping=MAPPING)
    return run


def test_counts_and_rejects_of_the_monthly_report(totals, query):
    assert totals.status == "ok", totals.summary()
    assert (totals.rows_read, totals.rows_loaded, totals.rows_rejected) == (13, 6, 7)
    assert totals.reasons == {
        "duplicate_key": 1,
        "negative_count": 1,
        "fractional_count": 1,
        "handled_exceeds_offered": 1,
        "future_timestamp": 1,
        "unknown_channel": 1,
        "invalid_date": 1,
    }
    rejects = query("select line_number, column_name, reason from load_rejects order by 1")
    assert rejects == [
        (6, "month,channel,product_id,team", "duplicate_key"),
        (8, "handled", "negative_count"),
        (9, "handled", "fractional_count"),
        (10, "handled", "handled_exceeds_offered"),
        (11, "month", "future_timestamp"),
        (12, "channel", "unknown_channel"),
        (13, "month", "invalid_date"),
    ]
    assert query(
        "select strftime(period_month, '%Y-%m'), channel, product_id, team, handled, offered, "
        "line_number from volumes order by line_number"
    ) == [
        ("2023-01", "phone", "verhuismelding", "KCC", 100, 120, 2),
        ("2023-01", "phone", None, "KCC", 40, None, 3),
        ("2023-01", "web", "verhuismelding", None, 300, 350, 4),
        ("2023-02", "desk", "paspoort", "Burgerzaken", 80, 80, 5),
        ("2023-02", "phone", "verhuismelding", "KCC", 95, 100, 7),
        ("2023-03", "desk", "paspoort", "Burgerzaken", 1200, None, 14),
    ]


def test_totals_feed_the_count_marts_and_nothing_that_needs_single_contacts(totals, query):
    # offered is known for a month only when every line of it gives it
    assert query(MIX) == [
        ("2023-01", "phone", 140, None),
        ("2023-01", "web", 300, 350),
        ("2023-02", "desk", 80, 80),
        ("2023-02", "phone", 95, 100),
        ("2023-03", "desk", 1200, None),
    ]
    assert query(
        "select strftime(period_month, '%Y-%m'), team, calls_offered, calls_answered, "
        "calls_abandoned, abandonment_rate, service_level, avg_wait_seconds, "
        "first_contact_resolution, from_totals from mart_phone_service order by 1"
    ) == [
        ("2023-01", "KCC", None, 140, None, None, None, None, None, True),
        ("2023-02", "KCC", 100, 95, 5, 0.05, None, None, None, True),
    ]
    assert query(
        "select strftime(period_month, '%Y-%m'), visits, share_served_in_time, from_totals "
        "from mart_desk_service order by 1"
    ) == [("2023-02", 80, None, True), ("2023-03", 1200, None, True)]
    assert query("select count(*) from mart_repeat_contacts where contacts > 0") == [(0,)]
    assert query("select count(*) from mart_team_week") == [(0,)]
    # staff hours of totals at the settings' minutes per contact (phone 6, desk 12)
    settings = Settings()
    assert query(
        "select sum(phone_hours), sum(desk_hours) from mart_capacity where period_month < "
        "date '2023-03-01'"
    ) == [
        (
            pytest.approx((140 + 95) * settings.staff_minutes.phone / 60),
            pytest.approx(80 * settings.staff_minutes.desk / 60),
        )
    ]


def test_loading_the_report_again_changes_nothing(totals, load, query):
    before = query("select * exclude (run_id) from volumes order by all")
    (again,) = load("volumes", TOTALS, mapping=MAPPING, force=True)
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 6)
    assert query("select * exclude (run_id) from volumes order by all") == before


def _phone_march(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "phone.csv",
        """
        contact_id,started_at,product_id,team,wait_seconds,talk_seconds,abandoned
        C1,2023-03-02 09:00,verhuismelding,KCC,10,100,false
        C2,2023-03-03 09:00,verhuismelding,KCC,50,0,true
        C3,2023-04-03 09:00,verhuismelding,KCC,5,60,false
        """,
    )


def _totals_march(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "totals.csv",
        """
        month,channel,product_id,team,handled,offered
        2023-02,phone,verhuismelding,KCC,500,600
        2023-03,phone,verhuismelding,KCC,700,800
        """,
    )


PHONE_MIX = (
    "select strftime(period_month, '%Y-%m'), contacts, offered_contacts from mart_channel_mix "
    "where channel = 'phone' and offered_contacts > 0 order by 1"
)
SOURCES = (
    "select strftime(period_month, '%Y-%m'), source, handled, offered, is_counted "
    "from mart_source_months where channel = 'phone' order by 1, precedence"
)


def test_a_log_counts_its_months_and_totals_the_months_before(db, tmp_path, query):
    """Totals before logs: one continuous series, March from the log, never from both."""
    load_deliveries(
        db,
        [
            Delivery("volumes", (_totals_march(tmp_path),)),
            Delivery("phone", (_phone_march(tmp_path),)),
        ],
        now=NOW,
    )
    assert query(SOURCES) == [
        ("2023-02", "volumes", 500, 600, True),
        ("2023-03", "phone", 1, 2, True),
        ("2023-03", "volumes", 700, 800, False),
        ("2023-04", "phone", 1, 1, True),
    ]
    assert query(PHONE_MIX) == [("2023-02", 500, 600), ("2023-03", 1, 2), ("2023-04", 1, 1)]
    assert query(
        "select strftime(period_month, '%Y-%m'), calls_offered, service_level, from_totals "
        "from mart_phone_service order by 1"
    ) == [("2023-02", 600, None, True), ("2023-03", 2, 0.5, False), ("2023-04", 1, 1.0, False)]
    assert query("select sum(phone_contacts) from mart_capacity") == [(502,)]


def test_the_settings_order_decides_which_source_counts(db, tmp_path, query):
    totals_first = Settings(sources=("volumes", "phone"))
    load_deliveries(
        db,
        [
            Delivery("volumes", (_totals_march(tmp_path),)),
            Delivery("phone", (_phone_march(tmp_path),)),
        ],
        now=NOW,
        settings=totals_first,
    )
    assert query(PHONE_MIX) == [("2023-02", 500, 600), ("2023-03", 700, 800), ("2023-04", 1, 1)]


def test_a_later_log_takes_its_month_over_from_the_totals_incrementally(db, tmp_path, query):
    """Loaded one after the other, the marts are brought up to date month by month: the
    result is the same as a build of everything at once."""
    load_deliveries(db, [Delivery("volumes", (_totals_march(tmp_path),))], now=NOW)
    assert query(PHONE_MIX) == [("2023-02", 500, 600), ("2023-03", 700, 800)]
    load_deliveries(db, [Delivery("phone", (_phone_march(tmp_path),))], now=NOW)
    assert query(PHONE_MIX) == [("2023-02", 500, 600), ("2023-03", 1, 2), ("2023-04", 1, 1)]
    incremental = query("select * from mart_product_channel order by all")
    with store.writable(db) as con:
        marts.refresh(con, Settings())  # rebuilt from the store
    assert query("select * from mart_product_channel order by all") == incremental


def test_figures_that_need_single_contacts_say_they_are_not_available_from_totals(
    db, tmp_path, totals
):
    """2023 has phone totals in January and February: the service level is not available,
    said in words, where abandonment (offered and answered are in the totals) is."""
    with duckdb.connect(str(db), read_only=True) as con:
        figures = headlines.yearly(
            con, ["phone_service_level", "phone_abandonment"], [2023, 2024], Settings()
        )
    level = figures[2023]["phone_service_level"]
    assert (level.value, level.from_totals) == (None, True)
    assert pages.shown(figures[2023], "phone_service_level", "nl").value == (
        "niet beschikbaar uit maandtotalen"
    )
    assert pages.shown(figures[2023], "phone_service_level", "en").value == (
        "not available from monthly totals"
    )
    # January's offered is unknown: abandonment counts February's 100 offered, 5 abandoned
    assert figures[2023]["phone_abandonment"].value == pytest.approx(5 / 100)
    assert not figures[2023]["phone_abandonment"].from_totals
    # 2024 has no data at all: no figure, and not blamed on totals
    assert (
        figures[2024]["phone_service_level"].value,
        figures[2024]["phone_service_level"].from_totals,
    ) == (None, False)


def test_a_year_of_totals_and_logs_takes_waits_from_the_logged_months_only(db, tmp_path, query):
    load_deliveries(
        db,
        [
            Delivery("volumes", (_totals_march(tmp_path),)),
            Delivery("phone", (_phone_march(tmp_path),)),
        ],
        now=NOW,
    )
    with duckdb.connect(str(db), read_only=True) as con:
        figures = headlines.yearly(
            con, ["phone_service_level", "phone_avg_wait"], [2023], Settings()
        )
        audit = pages.audit(con, Settings(), period="2022-2025")
    # the log's 3 calls: C1 in time (10 s), C2 abandoned (50 s), C3 in time (5 s);
    # February's 600 calls from totals do not dilute it
    assert figures[2023]["phone_service_level"].value == pytest.approx(2 / 3)
    assert figures[2023]["phone_avg_wait"].value == pytest.approx((10 + 50 + 5) / 3)
    assert audit.sources.filter(pl.col("channel") == "phone").select(
        pl.col("period_month").dt.strftime("%Y-%m"),
        "source",
        "handled",
        "other_sources",
        "other_handled",
    ).rows() == [
        ("2023-02", "volumes", 500, None, None),
        ("2023-03", "phone", 1, "volumes", 700),
        ("2023-04", "phone", 1, None, None),
    ]


# --- presets: the mapping files that come with the product -------------------------------------


@pytest.mark.parametrize("name", list(dialect.presets()))
def test_every_preset_is_a_valid_mapping_for_its_source(name):
    path = dialect.presets()[name]
    source = tomllib.loads(path.read_text("utf-8"))["source"]
    assert dialect.read_mapping(path, SOURCES_BY_NAME[source].SCHEMA).source == source


def test_the_cli_loads_with_a_preset_by_name(db, tmp_path, query, capsys):
    report = tmp_path / "maandrapport.csv"
    report.write_bytes(TOTALS.read_bytes())  # the report's Dutch headers are the preset's
    assert (
        main(
            ["load", "--db", str(db), "--source", "volumes", "--mapping", "volumes-nl", str(report)]
        )
        == 0
    )
    # today (not the tests' NOW) July 2024 is past: line 11 loads as well
    assert query("select count(*), sum(handled) from volumes") == [
        (7, 100 + 40 + 300 + 80 + 95 + 1200 + 10)
    ]
    assert query("select mapping_file from load_runs") == [(str(dialect.presets()["volumes-nl"]),)]


def test_a_mapping_file_overrides_its_preset_key_by_key(tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text(
        'preset = "acd-nl"\n'
        '[columns]\ncitizen_ref = "Telefoonnummer"\n'
        '[dialect]\nencoding = "utf-8"\n'
    )
    mapping = dialect.read_mapping(own, phone.SCHEMA)
    assert mapping.source == "phone"
    assert mapping.columns["citizen_ref"] == "Telefoonnummer"  # the file's
    assert mapping.columns["started_at"] == "Starttijd"  # the preset's
    assert (mapping.dialect.encoding, mapping.dialect.delimiter) == ("utf-8", ";")


def test_an_unknown_preset_names_the_ones_there_are(tmp_path):
    own = tmp_path / "mine.toml"
    own.write_text('preset = "acd-xx"\n')
    with pytest.raises(FileError) as caught:
        dialect.read_mapping(own, phone.SCHEMA)
    assert "mine.toml" in str(caught.value.problem)
    assert "preset 'acd-xx' does not exist (presets: acd-nl, " in caught.value.problem


def test_a_workbook_report_with_date_and_number_cells(load, query, tmp_path):
    """Excel cells are taken as what they are: a date cell is its month, a number cell its
    count; text cells go through the dialect (decimal comma, `YYYY-MM`)."""
    book = workbook(
        tmp_path / "maandrapport.xlsx",
        {
            "Rapport": [
                ["Maand", "Kanaal", "Productcode", "Team", "Afgehandeld", "Aangeboden"],
                [date(2023, 1, 31), "phone", "verhuismelding", "KCC", 100, 120],  # row 2
                ["2023-02", "web", "verhuismelding", None, "1.200", None],  # row 3: text cells
                [datetime(2023, 3, 1, 0, 0), "desk", "paspoort", "Balie", 7.0, 9],  # row 4
                [date(2023, 4, 1), "phone", "verhuismelding", "KCC", 12.5, 20],  # row 5
                [date(2023, 5, 1), "phone", "verhuismelding", "KCC", -1, 20],  # row 6
            ]
        },
    )
    (run,) = load("volumes", book, mapping="volumes/mapping.toml")
    assert run.reasons == {"fractional_count": 1, "negative_count": 1}
    assert query("select line_number, reason from load_rejects order by 1") == [
        (5, "fractional_count"),
        (6, "negative_count"),
    ]
    assert query(
        "select strftime(period_month, '%Y-%m'), channel, handled, offered, line_number "
        "from volumes order by 1"
    ) == [
        ("2023-01", "phone", 100, 120, 2),
        ("2023-02", "web", 1200, None, 3),
        ("2023-03", "desk", 7, 9, 4),
    ]


def test_a_report_names_its_channels_in_its_own_words(load, query, tmp_path):
    report = write_csv(
        tmp_path / "report.csv",
        """
        month,channel,handled
        2023-01,Telefoon,10
        2023-01,BALIE,5
        2023-01,Website,20
        2023-02,Chat,3
        2023-01,Fax,1
        """,
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('source = "volumes"\n[channels]\nchat = "web"\n')
    (run,) = load("volumes", report, mapping=mapping)
    assert run.reasons == {"unknown_channel": 1}
    assert query("select value from load_rejects") == [("Fax",)]
    assert query(
        "select strftime(period_month, '%m'), channel, handled from volumes order by all"
    ) == [
        ("01", "desk", 5),
        ("01", "phone", 10),
        ("01", "web", 20),
        ("02", "web", 3),
    ]


def test_a_queue_log_and_open_klant_in_the_same_month_count_each_call_once(load, query, tmp_path):
    """March 2024's calls are in the telephony's queue log and registered in Open Klant: the
    queue log comes first in the settings' order and counts them; Open Klant's registrations
    count for May (no log) and for the web, which no other source holds."""
    (log,) = load("queue-log", FIXTURES / "queue_log" / "queue_log")
    klant = tmp_path / "klantcontacten.jsonl"
    klant.write_text(
        "\n".join(
            json.dumps({"uuid": uuid, "kanaal": kanaal, "plaatsgevondenOp": at})
            for uuid, kanaal, at in (
                ("a1", "Telefoon", "2024-03-31T09:00:00+02:00"),
                ("a2", "Telefoon", "2024-03-31T10:00:00+02:00"),
                ("a3", "Telefoon", "2024-05-02T10:00:00+02:00"),
                ("a4", "Webformulier", "2024-03-12T10:00:00+01:00"),
            )
        )
        + "\n"
    )
    (registered,) = load("openklant", klant)
    assert registered.rows_loaded == 4
    logged = query("select count(*) from contacts where source = 'queue-log'")[0][0]
    assert query(
        "select strftime(period_month, '%Y-%m'), channel, source, handled, is_counted "
        "from mart_source_months order by 1, 2, precedence"
    ) == [
        ("2024-03", "phone", "queue-log", log.rows_loaded - 3, True),  # 3 calls abandoned
        ("2024-03", "phone", "openklant", 2, False),
        ("2024-03", "web", "openklant", 1, True),
        ("2024-05", "phone", "openklant", 1, True),
    ]
    assert query(
        "select strftime(period_month, '%Y-%m'), channel, offered_contacts from mart_channel_mix "
        "where offered_contacts > 0 order by 1, 2"
    ) == [("2024-03", "phone", logged), ("2024-03", "web", 1), ("2024-05", "phone", 1)]
    assert query("select source, count(*) from counted_contacts group by 1 order by 1") == [
        ("openklant", 2),
        ("queue-log", logged),
    ]


@pytest.mark.parametrize("example", sorted((ROOT / "docs").glob("*_mapping.toml")))
def test_every_example_mapping_in_the_docs_starts_from_a_preset_and_reads(example):
    table = tomllib.loads(example.read_text("utf-8"))
    assert table.get("preset") in dialect.presets(), f"{example.name} starts from no preset"
    source = tomllib.loads(dialect.presets()[table["preset"]].read_text("utf-8"))["source"]
    mapping = dialect.read_mapping(example, SOURCES_BY_NAME[source].SCHEMA)
    assert mapping.source == source


def test_every_preset_has_an_example_in_the_docs():
    examples = {
        tomllib.loads(p.read_text("utf-8"))["preset"]
        for p in (ROOT / "docs").glob("*_mapping.toml")
    }
    assert examples == set(dialect.presets())


def test_a_figure_a_source_cannot_give_says_which_source(db, load, query):
    """A queue log records no first-contact resolution: a year whose calls all come from one
    says so, in words, rather than showing nothing."""
    load(
        "queue-log",
        FIXTURES / "queue_log" / "queue_log",
        mapping=FIXTURES / "queue_log" / "mapping.toml",
    )
    with duckdb.connect(str(db), read_only=True) as con:
        figures = headlines.yearly(
            con, ["first_contact_resolution", "phone_service_level"], [2024], Settings()
        )
    resolution = figures[2024]["first_contact_resolution"]
    assert (resolution.value, resolution.not_from, resolution.from_totals) == (
        None,
        "queue-log",
        False,
    )
    assert pages.shown(figures[2024], "first_contact_resolution", "nl").value == (
        "niet beschikbaar uit het wachtrijlog"
    )
    assert pages.shown(figures[2024], "first_contact_resolution", "en").value == (
        "not available from the queue log"
    )
    assert figures[2024]["phone_service_level"].value is not None  # the log has its waits
    assert figures[2024]["phone_service_level"].not_from is None


def test_hostile_lines_in_a_report_cost_only_themselves(load, query, tmp_path):
    """A short line, a stray quote, cp1252 bytes and absurd months: each is its own reject
    (or loads), the good lines load, and no line number is lost."""
    report = tmp_path / "report.csv"
    report.write_bytes(
        "month;channel;product_id;team;handled\n"
        "2023-01;phone;verhuismelding;KCC;10\n"  # 2: fine
        "2023-01;phone\n"  # 3: short line
        '2023-02;phone;verhuis"melding;KCC;11\n'  # 4: a stray quote stays a character
        "2023-03;balie;paspoort;Café Sociaal – Domein;12\n"  # 5: cp1252 é and en dash
        "0001-01;phone;verhuismelding;KCC;13\n"  # 6: year 1
        "9999-12;phone;verhuismelding;KCC;14\n".encode("cp1252")  # 7: far future
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('source = "volumes"\n[dialect]\ndelimiter = ";"\nencoding = "cp1252"\n')
    (run,) = load("volumes", report, mapping=mapping)
    assert (run.rows_read, run.rows_loaded, run.rows_rejected) == (6, 3, 3)
    assert query(
        "select line_number, list(reason order by reason) from load_rejects group by 1 order by 1"
    ) == [
        (3, ["missing_value", "wrong_field_count"]),  # its handled cell is missing too
        (6, ["implausible_date"]),
        (7, ["future_timestamp"]),
    ]
    assert query("select line_number, product_id, team from volumes order by 1") == [
        (2, "verhuismelding", "KCC"),
        (4, 'verhuis"melding', "KCC"),
        (5, "paspoort", "Café Sociaal – Domein"),
    ]
