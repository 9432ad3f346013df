"""Vectorised validation: every reject reason, duplicates, time zones, numbers, booleans."""

from datetime import date, datetime

import polars as pl
import pytest

from metrics.texts import TEXTS
from pipelines.dialect import DUTCH, read
from pipelines.schema import REJECT_REASONS
from pipelines.sources import corrections, desk, phone, web
from pipelines.validate import parse_bool, parse_number, parse_times, validate
from tests.conftest import FIXTURES, NOW, write_csv


@pytest.fixture(scope="module")
def bad_phone():
    """The phone file with one line per reject reason, validated."""
    return validate(read(FIXTURES / "phone_bad.csv", phone.SCHEMA), phone.SCHEMA, NOW)


def test_every_reject_reason_names_line_column_and_value(bad_phone):
    got = set(bad_phone.rejects.select("_line", "column_name", "value", "reason").iter_rows())
    assert got == {
        (3, "contact_id", None, "missing_id"),
        (4, "started_at", None, "missing_timestamp"),
        (5, "started_at", "2024-02-31T10:00:00", "invalid_date"),
        (6, "started_at", "gisteren", "invalid_date"),
        (7, "started_at", "2099-01-01T10:00:00", "future_timestamp"),
        (8, "wait_seconds", "-5", "negative_duration"),
        (9, "talk_seconds", "n.v.t.", "invalid_number"),
        (10, "abandoned", "misschien", "invalid_boolean"),
        (11, "team", None, "missing_value"),
        (12, None, None, "wrong_field_count"),
        (12, "talk_seconds", None, "missing_value"),
        (12, "abandoned", None, "missing_value"),
        (13, "contact_id", "T-dup", "duplicate_key"),
    }


def test_good_rows_of_a_bad_file_survive(bad_phone):
    rows = bad_phone.rows.sort("_line")
    assert rows["contact_id"].to_list() == ["T-ok", "T-dup", "T-untagged"]
    assert rows.filter(pl.col("contact_id") == "T-dup")["wait_seconds"].item() == 20.0
    assert bad_phone.rows_read == 15
    assert bad_phone.rows_duplicate == 1  # line 14 repeats line 2 exactly: the last is kept
    assert rows.filter(pl.col("contact_id") == "T-ok")["_line"].item() == 14
    assert bad_phone.rows_rejected == 11
    assert bad_phone.rows_read == (
        bad_phone.rows.height + bad_phone.rows_duplicate + bad_phone.rows_rejected
    )


def test_same_record_written_differently_is_a_duplicate_not_a_reject(tmp_path):
    path = write_csv(
        tmp_path / "web.csv",
        """
        contact_id,submitted_at,product_id,completed
        W1,2024-05-01T09:00:00,paspoort,true
        W1,2024-05-01 09:00,paspoort,TRUE
        W2,2024-05-01T09:00:00,paspoort,true
        W2,2024-05-01T09:00:00,rijbewijs,true
        """,
    )
    checked = validate(read(path, web.SCHEMA), web.SCHEMA, NOW)
    assert checked.rows.sort("_line")["_line"].to_list() == [3, 5]  # the last line of each key
    assert checked.rows_duplicate == 1  # line 2: the same record as line 3
    assert checked.rejects.select("_line", "reason").rows() == [(4, "duplicate_key")]


@pytest.mark.parametrize(
    ("lines", "bad", "good"),
    [
        (["W2,2024-05-01,x,true,extra", "W3,2024-05-01,x"], [3, 4], ["W1"]),
        (["W2,2024-05-01,x,true,extra", "W3,2024-05-01,x,true"], [3], ["W1", "W3"]),
        (["W2,2024-05-01,x", "W3,2024-05-01,x,true"], [3], ["W1", "W3"]),
    ],
    ids=["longer-and-shorter-cancel-out", "longer", "shorter"],
)
def test_lines_with_more_or_fewer_fields_than_the_header(tmp_path, lines, bad, good):
    head = ["contact_id,submitted_at,product_id,completed", "W1,2024-05-01,x,true"]
    path = tmp_path / "web.csv"
    path.write_text("\n".join(head + lines) + "\n")
    checked = validate(read(path, web.SCHEMA), web.SCHEMA, NOW)
    wrong = checked.rejects.filter(pl.col("reason") == "wrong_field_count")
    assert wrong["_line"].to_list() == bad
    assert checked.rows.sort("_line")["contact_id"].to_list() == good


def test_every_reason_is_exercised_and_explained(bad_phone):
    # unknown_channel only applies to corrections (see the next test) and Open Klant; the
    # plausibility bounds: tests/test_hostile.py; formula_error only to Excel:
    # tests/test_excel.py; a call without its end: tests/test_queue_log.py; a record that is no
    # JSON object: tests/test_openklant.py; counts of monthly totals: tests/test_volumes.py
    elsewhere = {
        "negative_count",
        "fractional_count",
        "handled_exceeds_offered",
        "unknown_channel",
        "implausible_date",
        "implausible_duration",
        "formula_error",
        "incomplete_call",
        "invalid_json",
        "not_an_object",
    }
    assert set(REJECT_REASONS) == set(bad_phone.rejects["reason"]) | elsewhere
    assert all(set(TEXTS[f"reason.{r}"]) == {"nl", "en"} for r in REJECT_REASONS)


def test_unknown_channel_in_corrections(tmp_path):
    path = tmp_path / "corrections.csv"
    path.write_text(
        "correction_id,detected_at,product_id,origin_channel,minutes_spent,error_type\n"
        "C1,2024-04-02,verhuismelding,Web,12.5,verkeerd adres\n"
        "C2,2024-04-02 10:00,verhuismelding,fax,10,verkeerd adres\n"
    )
    checked = validate(read(path, corrections.SCHEMA), corrections.SCHEMA, NOW)
    assert checked.rows.select("correction_id", "detected_at", "origin_channel").rows() == [
        ("C1", datetime(2024, 4, 2), "web")
    ]
    assert checked.rejects.select("_line", "reason").rows() == [(3, "unknown_channel")]


def test_offsets_are_converted_to_amsterdam_and_the_month_follows():
    checked = validate(read(FIXTURES / "web_canonical.csv", web.SCHEMA), web.SCHEMA, NOW)
    assert checked.rejects.is_empty()
    got = dict(checked.rows.select("contact_id", "submitted_at").iter_rows())
    assert got == {
        "W-1": datetime(2024, 4, 1, 1, 30),  # 23:30 UTC on 31 March is April in Amsterdam
        "W-2": datetime(2024, 3, 31, 23, 59, 59),
        "W-3": datetime(2024, 3, 31, 23, 59, 59),  # no offset: already local
        "W-4": datetime(2024, 4, 1, 0, 0),
        "W-5": datetime(2024, 4, 1, 8, 0, 0, 250000),
    }


def test_winter_time_offset():
    parsed = parse_times(
        pl.Series(["2024-01-31T23:30:00+00:00", "2024-10-27T00:30:00Z"]),
        ("%Y-%m-%dT%H:%M:%S%.f%#z",),
        pl.Datetime("us"),
    )
    assert parsed.to_list() == [datetime(2024, 2, 1, 0, 30), datetime(2024, 10, 27, 2, 30)]


def test_dutch_dialect_values():
    checked = validate(read(FIXTURES / "desk_dutch.csv", desk.SCHEMA), desk.SCHEMA, NOW)
    assert checked.rejects.is_empty()
    rows = {r["contact_id"]: r for r in checked.rows.iter_rows(named=True)}
    assert rows["B-1"]["arrived_at"] == datetime(2024, 2, 29, 8, 45)
    assert rows["B-2"]["arrived_at"] == datetime(2024, 3, 1)
    assert rows["B-3"]["arrived_at"] == datetime(2024, 3, 31, 12, 0, 30)
    assert rows["B-1"]["service_seconds"] == 600.5
    assert rows["B-3"]["wait_seconds"] == 15.5
    appointment = [rows[f"B-{i}"]["by_appointment"] for i in range(1, 9)]
    assert appointment == [True, False, True, True, False, False, True, False]


def test_dutch_dates_reject_impossible_days():
    parsed = parse_times(
        pl.Series(["31-02-2024", "29-02-2024", "29-02-2023", "01-13-2024"]),
        DUTCH.date_formats,
        pl.Date,
    )
    assert parsed.to_list() == [None, date(2024, 2, 29), None, None]


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("12,5", ",", 12.5),
        ("1.234,5", ",", 1234.5),
        ("42.5", ",", 42.5),
        ("12.5", ".", 12.5),
        ("12,5", ".", None),
        ("n.v.t.", ",", None),
        ("inf", ".", None),
        ("-3", ".", -3.0),
    ],
)
def test_numbers(text, decimal, expected):
    assert parse_number(pl.Series([text]), decimal).to_list() == [expected]


def test_booleans_in_any_case_and_unknown_values():
    cells = ["ja", "Ja", "NEE", None, "misschien", "nee", "J", "onwaar"]
    parsed = parse_bool(pl.Series(cells), DUTCH.true_values, DUTCH.false_values)
    assert parsed.to_list() == [True, True, False, None, None, False, True, False]


def test_mixed_formats_in_one_column_each_parse():
    values = ["2024-05-01T09:00:00"] * 1500 + ["2024-05-02 10:00", "2024-05-03"]
    parsed = parse_times(pl.Series(values), DUTCH.timestamp_formats, pl.Datetime("us"))
    assert parsed.null_count() == 0
    assert parsed[-1] == datetime(2024, 5, 3)
