"""The telephony queue log: Asterisk's queue_log read into one phone call per uniqueid.

tests/fixtures/queue_log/queue_log is written by hand in the layout of the specification
(asterisk/documentation, docs/Operation/Logging/Queue-Logs.md): eight calls on 2024-03-31,
around the change to summer time (02:00 CET became 03:00 CEST at 01:00 UTC), between lines
of events that are read and ignored. Every expected figure below is worked out by hand from
its lines.
"""

import io
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from channelshift import main
from documents import audit_pack
from metrics import pages, status
from pipelines import dialect, store
from pipelines.load import SOURCES
from pipelines.settings import Settings
from pipelines.sources import queue_log
from tests.conftest import FIXTURES, stored_texts

LOGS = FIXTURES / "queue_log"
LOG, MAPPING = LOGS / "queue_log", LOGS / "mapping.toml"
# the caller ids of the log, as written (with a caller's name after a `|`), and a BSN
RAW_REFERENCES = ("0612345678", "06-12345678", "111222333", "0201234567", "0301234567", "Jansen")
# what the log grows by later: the end of call 1711850200.27 and a call by a repeat caller
GROWTH = (
    "1711850290|1711850200.27|Burgerzaken|SIP/201|COMPLETECALLER|10|80|1\n"
    "1711850300|1711850300.29|Vergunningen|NONE|ENTERQUEUE||0612345678|1\n"
    "1711850340|1711850300.29|Vergunningen|NONE|ABANDON|2|1|40\n"
)
FIGURES = (
    "select contact_id, wait_seconds, handle_seconds, is_abandoned, is_handled, line_number "
    "from contacts order by 1"
)
QUEUES = "select contact_id, team, product_id from contacts order by 1"


@pytest.fixture
def loaded(load, query):
    """The fixture log loaded with its mapping (as if today were NOW); returns the run."""
    (run,) = load("queue-log", LOG, mapping=MAPPING)
    return run


def grown(tmp_path: Path, text: str = GROWTH) -> Path:
    """Return a copy of the fixture log with more lines at its end, as the log grows."""
    path = tmp_path / "queue_log"
    path.write_bytes(LOG.read_bytes() + text.encode())
    return path


def test_calls_read_loaded_answered_and_abandoned(loaded, query):
    assert loaded.status == "ok", loaded.summary()
    assert (loaded.rows_read, loaded.rows_loaded, loaded.rows_rejected) == (8, 7, 1)
    assert loaded.reasons == {"incomplete_call": 1}
    assert query(
        "select count(*) filter (is_abandoned), count(*) filter (is_handled) from contacts"
    ) == [(3, 4)]


def test_every_call_as_worked_out_by_hand(loaded, query):
    """Waits from the first ENTERQUEUE to CONNECT (answered) or the ending (abandoned); talk
    from the calltime of the completion or transfer; the line of the call's last event."""
    assert query(FIGURES) == [
        ("1711846780.11", 25.0, 180.0, False, True, 14),  # CONNECT +25 s, COMPLETECALLER 180
        ("1711846830.13", 42.0, 0.0, True, False, 11),  # ABANDON +42 s
        ("1711846900.15", 12.0, 100.0, False, True, 16),  # CONNECT +12 s, COMPLETEAGENT 100
        # EXITWITHTIMEOUT from one queue, ENTERQUEUE in another, CONNECT 81 s after the
        # first ENTERQUEUE, BLINDTRANSFER extension|context|holdtime|calltime 60|origposition
        ("1711847000.17", 81.0, 60.0, False, True, 21),
        # ATTENDEDTRANSFER LINK|a|b|holdtime|calltime|origposition: calltime 100
        ("1711847200.19", 30.0, 100.0, False, True, 24),
        ("1711850000.23", 20.0, 0.0, True, False, 27),  # EXITWITHKEY +20 s
        ("1711850100.25", 5.0, 0.0, True, False, 29),  # EXITEMPTY +5 s
    ]


def test_team_and_product_come_from_the_queue_where_the_call_ended(loaded, query):
    """Belastingen is in neither [teams] nor [products]: its name is the team, no product."""
    assert query(QUEUES) == [
        ("1711846780.11", "KCC Burgerzaken", "paspoort"),
        ("1711846830.13", "Team Vergunningen", "omgevingsvergunning"),
        ("1711846900.15", "Team Vergunningen", "omgevingsvergunning"),
        ("1711847000.17", "Belastingen", None),  # entered Burgerzaken first
        ("1711847200.19", "KCC Burgerzaken", "paspoort"),
        ("1711850000.23", "KCC Burgerzaken", "paspoort"),
        ("1711850100.25", "Team Vergunningen", "omgevingsvergunning"),
    ]


def test_started_at_is_amsterdam_time_across_the_change_to_summer_time(loaded, query):
    """The first two calls came 50 s apart (00:59:40 and 01:00:30 UTC, the epoch of their
    first ENTERQUEUE), an hour and 50 s apart on the clock: summer time began between them."""
    assert query(
        "select contact_id, strftime(occurred_at, '%Y-%m-%d %H:%M:%S') from contacts order by 1"
    ) == [
        ("1711846780.11", "2024-03-31 01:59:40"),  # CET, UTC+1
        ("1711846830.13", "2024-03-31 03:00:30"),  # CEST, UTC+2
        ("1711846900.15", "2024-03-31 03:01:40"),
        ("1711847000.17", "2024-03-31 03:03:20"),
        ("1711847200.19", "2024-03-31 03:06:40"),
        ("1711850000.23", "2024-03-31 03:53:20"),
        ("1711850100.25", "2024-03-31 03:55:00"),
    ]


def test_calls_are_stored_as_phone_calls_of_a_queue_log_run(loaded, query):
    assert query(
        "select distinct c.channel, r.source from contacts c join load_runs r using (run_id)"
    ) == [("phone", "queue-log")]


def test_withheld_caller_ids_are_no_shared_resident(loaded, query):
    """ "anonymous" and an empty caller id are no reference; one number written two ways
    (0612345678, 06-12345678) is one resident."""
    assert query(
        "select contact_id, citizen_key is null from contacts "
        "where contact_id in ('1711846830.13', '1711846900.15')"
    ) == [("1711846830.13", True), ("1711846900.15", True)]
    assert query(
        "select count(distinct citizen_key) from contacts "
        "where contact_id in ('1711846780.11', '1711850000.23')"
    ) == [(1,)]


@pytest.mark.parametrize(
    "withheld", ["anonymous", "Anonymous", "withheld", "unknown", "private", "restricted", ""]
)
def test_a_withheld_caller_id_is_no_reference(load, query, tmp_path, withheld):
    log = tmp_path / "queue_log"
    log.write_text(
        "".join(
            f"1711846{n}00|1711846{n}00.1|Burgerzaken|NONE|ENTERQUEUE||{withheld}|1\n"
            f"1711846{n}10|1711846{n}00.1|Burgerzaken|NONE|ABANDON|1|1|10\n"
            for n in (1, 2)
        )
    )
    (run,) = load("queue-log", log, mapping=MAPPING)
    assert run.rows_loaded == 2, run.summary()
    assert query("select count(citizen_key) from contacts") == [(0,)]


def test_an_incomplete_call_is_rejected_at_its_last_line_until_the_grown_log_loads_it(
    loaded, load, query, tmp_path
):
    assert query("select run_id, line_number, column_name, reason, raw_line from load_rejects") == [
        (
            1,
            32,  # its CONNECT; no COMPLETECALLER yet
            None,
            "incomplete_call",
            "1711850200.27|2024-03-31T01:56:40+00:00|paspoort|KCC Burgerzaken|10||false|***",
        )
    ]
    (again,) = load("queue-log", grown(tmp_path), mapping=MAPPING)
    assert (again.rows_read, again.rows_loaded, again.rows_rejected) == (9, 9, 0)
    assert (again.rows_inserted, again.rows_unchanged) == (2, 7)
    assert query(
        "select contact_id, wait_seconds, handle_seconds, is_abandoned, line_number, run_id "
        "from contacts where run_id = 2 order by 1"
    ) == [("1711850200.27", 10.0, 80.0, False, 33, 2), ("1711850300.29", 40.0, 0.0, True, 35, 2)]
    # the reject stays with the run that made it
    assert query("select run_id, count(*) from load_rejects group by 1") == [(1, 1)]
    assert query("select count(*), count(distinct contact_id) from contacts") == [(9, 9)]


def test_a_queue_missing_from_teams_keeps_its_name_and_is_a_finding(loaded, db, tmp_path, load):
    assert loaded.summary().endswith("; unmapped_queue Belastingen")
    with store.read_only(db) as con:
        assert con.execute("select run_id, finding, value, rows from load_findings").fetchall() == [
            (1, "unmapped_queue", "Belastingen", 1)
        ]
        assert status.quality(con)["unmapped_queues"] == 1
        assert status.unmapped_queues(con) == ["Belastingen"]
        # the audit page and pack name it, with its calls in the period (all in March 2024)
        audit = pages.audit(con, Settings(), period="2022-2025")
        assert audit.queues.rows() == [("Belastingen", 1, 1)]
    assert "(queues: Belastingen)" in status.report(db)
    book = openpyxl.load_workbook(io.BytesIO(audit_pack.workbook(db, "2022-2025", Settings())))
    cells = [c for row in book["Datakwaliteit"].iter_rows(values_only=True) for c in row]
    assert "Wachtrijen zonder team in de mapping" in cells
    assert "Belastingen" in cells
    # the mapping mended: the call is loaded again with its team, and the finding is gone
    mended = tmp_path / "mapping.toml"
    mended.write_text(MAPPING.read_text().replace("[products]", 'Belastingen = "BEL"\n[products]'))
    (run,) = load("queue-log", LOG, mapping=mended)
    assert (run.rows_updated, run.findings) == (1, {})
    with store.read_only(db) as con:
        assert status.quality(con)["unmapped_queues"] == 0
        assert con.execute(
            "select team from contacts where contact_id = '1711847000.17'"
        ).fetchall() == [("BEL",)]


def test_no_raw_caller_id_anywhere_in_the_store(loaded, db, load, tmp_path):
    load("queue-log", grown(tmp_path), mapping=MAPPING)
    with duckdb.connect(str(db), read_only=True) as con:
        texts = stored_texts(con)
    assert [v for v in texts if any(ref in v for ref in RAW_REFERENCES)] == []


def test_a_second_load_upserts_beside_a_phone_export(load, query):
    """The calls are phone contacts: a load after a phone export's must not take itself for
    the channel's first (which writes without comparing keys), nor may a forced reload."""
    load("phone", "phone_acd.csv", mapping="phone_mapping.toml")
    (first,) = load("queue-log", LOG, mapping=MAPPING)
    (again,) = load("queue-log", LOG, mapping=MAPPING, force=True)
    assert (first.rows_inserted, again.rows_inserted, again.rows_unchanged) == (7, 0, 7)
    assert query("select count(*), count(distinct contact_id) from contacts") == [(10, 10)]


def test_the_cli_loads_a_queue_log_with_its_mapping(db, capsys):
    code = main(
        ["load", "--db", str(db), "--source", "queue-log", "--mapping", str(MAPPING), str(LOG)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert (
        f"queue-log {LOG}: read 8, loaded 7 (new 7, updated 0, unchanged 0), duplicate 0, "
        "rejected 1 (incomplete_call 1); unmapped_queue Belastingen"
    ) in out


# --- hostile logs: every call accounted for, nothing silently wrong, nothing leaked ----------

BASE = (
    "1711846780|1711846780.11|Burgerzaken|NONE|ENTERQUEUE||111222333|1\n"
    "1711846805|1711846780.11|Burgerzaken|SIP/202|CONNECT|25|1711846795.12|10\n"
    "1711846985|1711846780.11|Burgerzaken|SIP/202|COMPLETECALLER|25|180|1\n"
)


def load_text(load, tmp_path: Path, text: str | bytes):
    path = tmp_path / "queue_log"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    (run,) = load("queue-log", path, mapping=MAPPING)
    return run


@pytest.mark.parametrize(
    ("case", "text", "loaded", "rejects"),
    [
        # a short line (a log copied while a line was half written) is no event
        (
            "short line",
            BASE + "1711846990|1711846990.2|Burg\n",
            1,
            [(4, None, "wrong_field_count")],
        ),
        ("unknown event", "1711846779|1711846780.11|Burgerzaken|NONE|FOOBAR|x\n" + BASE, 1, []),
        (
            "epoch not a number",
            BASE.replace("1711846780|", "17118x6780|", 1),
            0,
            [(3, "started_at", "invalid_date"), (3, "wait_seconds", "invalid_number")],
        ),
        (
            "epoch before 1990",
            BASE.replace("1711846780|", "0|", 1),
            0,
            [(3, "started_at", "implausible_date"), (3, "wait_seconds", "implausible_duration")],
        ),
        (
            "epoch in the future",
            BASE.replace("171184", "179184"),  # in 2026: NOW is 2024-06-01
            0,
            [(3, "started_at", "future_timestamp")],
        ),
        ("CR LF line ends", BASE.replace("\n", "\r\n"), 1, []),
        ("CR line ends", BASE.replace("\n", "\r"), 1, []),
        ("no line end at the end", BASE.removesuffix("\n"), 1, []),
        # the byte the lines are cut by (no text holds it): the block is cut another way
        ("a unit separator in the data", BASE.replace("|1\n", "|1|Jan\x1fsen\n", 1), 1, []),
    ],
)
def test_hostile_logs(load, query, db, tmp_path, case, text, loaded, rejects):
    run = load_text(load, tmp_path, text)
    assert run.rows_read == run.rows_loaded + run.rows_duplicate + run.rows_rejected, case
    assert run.rows_loaded == loaded, run.summary()
    assert query("select line_number, column_name, reason from load_rejects order by 2") == rejects
    assert leaks_none(db)


def test_the_values_of_a_call_with_a_bad_epoch_are_in_its_rejects(load, query, tmp_path):
    load_text(load, tmp_path, BASE.replace("1711846780|", "0|", 1))
    assert query("select column_name, value, raw_line from load_rejects order by 1") == [
        (
            c,
            v,
            "1711846780.11|1970-01-01T00:00:00+00:00|paspoort|KCC Burgerzaken|1711846805|180|"
            "false|***",
        )
        for c, v in (("started_at", "1970-01-01T00:00:00+00:00"), ("wait_seconds", "1711846805"))
    ]


def test_blank_lines_are_no_events_and_keep_the_numbers_of_the_others(load, query, tmp_path):
    run = load_text(load, tmp_path, "\n" + BASE.replace("\n", "\n\n"))
    assert (run.rows_read, run.rows_loaded) == (1, 1)
    assert query("select line_number from contacts") == [(6,)]


def leaks_none(db: Path) -> bool:
    with duckdb.connect(str(db), read_only=True) as con:
        return not [v for v in stored_texts(con) if any(r in v for r in RAW_REFERENCES)]


def test_a_reference_in_a_line_that_is_no_event_is_masked(load, query, tmp_path):
    run = load_text(load, tmp_path, BASE + "garbage 111222333 06-12345678\n")
    assert run.reasons == {"wrong_field_count": 1}
    assert query("select raw_line from load_rejects") == [("garbage *** ***",)]


def test_a_pipe_inside_the_data_shifts_nothing_that_is_read(loaded, query):
    """The caller's name after the caller id (`Jansen | J.`) and LINK|a|b in an attended
    transfer hold a `|`; the caller id and the calltime are still found."""
    assert query(
        "select citizen_key is not null, handle_seconds from contacts "
        "where contact_id = '1711847200.19'"
    ) == [(True, 100.0)]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("export.csv", "contact_id,started_at,team\nC1,2024-03-04T10:00:00,KCC\n"),
        ("export.parquet", b"PAR1\x00\x00\x15\x04"),
        ("notes.txt", "Wachtrijlog van maart\nzie bijlage\n"),
    ],
)
def test_a_file_that_is_no_queue_log_fails_with_one_line_naming_it(
    db, tmp_path, capsys, name, content
):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code = main(["load", "--db", str(db), "--source", "queue-log", str(path)])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 2
    assert len(out) == 1 and out[0].startswith(f"FAILED {path}: not a queue log"), out


# --- reading in batches: a call is never cut, memory holds a batch -------------------------


def records(batches) -> pl.DataFrame:
    return pl.concat([b.frame for b in batches]).sort("_line")


def refused(batches) -> pl.DataFrame:
    return pl.concat([b.refused for b in batches]).sort("_line")


@pytest.mark.parametrize("hold", [1, 3, queue_log.HOLD_LINES])
@pytest.mark.parametrize("batch_bytes", [9, 64, 200, 1000, None])
def test_batches_cut_anywhere_give_the_same_calls(monkeypatch, batch_bytes, hold):
    """Call 1711847000.17 leaves one queue on line 18 and enters the next on line 19: a batch
    may end between them, and the call stays whole when its end waits a line."""
    mapping = dialect.read_mapping(MAPPING, queue_log.SCHEMA)
    whole = list(queue_log.read_batches(LOG, queue_log.SCHEMA, mapping, None))
    monkeypatch.setattr(queue_log, "HOLD_LINES", hold)
    cut = list(queue_log.read_batches(LOG, queue_log.SCHEMA, mapping, batch_bytes))
    assert records(cut).equals(records(whole))
    assert refused(cut).equals(refused(whole))


def test_calls_are_given_as_they_end_so_memory_holds_a_batch(monkeypatch, tmp_path):
    """Ten thousand calls read in 8 KB blocks come out a block's worth at a time, each once:
    what waits between blocks is the calls still open and those just ended."""
    lines = []
    for n in range(10_000):
        start = 1711846780 + 10 * n
        uid = f"{start}.{n}"
        lines += [
            f"{start}|{uid}|Burgerzaken|NONE|ENTERQUEUE||06{n:08d}|1",
            f"{start + 2}|NONE|Burgerzaken|SIP/201|PAUSE|",
            f"{start + 5}|{uid}|Burgerzaken|SIP/202|CONNECT|5|{uid}9|1",
            f"{start + 9}|{uid}|Burgerzaken|SIP/202|COMPLETEAGENT|5|4|1",
        ]
    log = tmp_path / "queue_log"
    log.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(queue_log, "HOLD_LINES", 40)
    batches = list(queue_log.read_batches(log, queue_log.SCHEMA, None, 8192))
    sizes = [b.frame.height for b in batches]
    assert sum(sizes) == 10_000 and max(sizes) < 250, sizes
    calls = records(batches)
    assert calls["contact_id"].n_unique() == 10_000
    assert set(calls["wait_seconds"]) == {"5"} and set(calls["talk_seconds"]) == {"4"}


# --- the mapping file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('source = "phone"\n[teams]\nq = "KCC"\n', "only a queue-log mapping has them"),
        ('source = "queue-log"\n[columns]\nteam = "Team"\n', "[columns] does not apply"),
        ('source = "queue-log"\n[dialect]\ndelimiter = ";"\n', "[dialect] delimiter does not"),
        ('source = "queue-log"\n[teams]\nq = " "\n', "[teams] 'q': empty"),
    ],
)
def test_a_mapping_with_tables_that_do_not_fit_the_source_fails(tmp_path, text, problem):
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    source = "phone" if "phone" in text else "queue-log"
    with pytest.raises(dialect.FileError) as failed:
        dialect.read_mapping(path, SOURCES[source].SCHEMA)
    assert problem in failed.value.problem


def test_a_queue_log_mapping_may_set_the_encoding(load, query, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING.read_text() + '[dialect]\nencoding = "cp1252"\n')
    log = tmp_path / "queue_log"
    log.write_bytes(BASE.replace("Burgerzaken", "Burgerzaken – balie").encode("cp1252"))
    (run,) = load("queue-log", log, mapping=mapping)
    assert run.rows_loaded == 1, run.summary()
    assert query("select team from contacts") == [("Burgerzaken – balie",)]


def test_the_example_mapping_in_the_docs_reads():
    example = Path(__file__).parents[1] / "docs" / "queue_log_mapping.toml"
    mapping = dialect.read_mapping(example, queue_log.SCHEMA)
    assert mapping.teams and mapping.products
