"""Tests for demo/synthetic.py: synthetic exports of any size for the benchmarks."""

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from channelshift import main
from demo import synthetic as generate
from pipelines.load import Delivery, load_deliveries
from pipelines.privacy import normalised

NOW = datetime(2026, 6, 1, 12, 0)  # after the generated period (it ends on generate.UNTIL)
ROWS = 20_000
CONTACTS = ("web", "phone", "desk")


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """20,000 contacts split like the demo, written in chunks of 3,000 rows, by source."""
    out = tmp_path_factory.mktemp("generated")
    written = generate.write_exports(out, ROWS, seed=7, chunk_rows=3_000)
    return {d.source: d for d in written}


def _data_rows(path: Path) -> int:
    return path.read_bytes().count(b"\n") - 1  # minus the header


def test_every_row_loads_without_rejects_and_contacts_match_the_request(exports, tmp_path):
    db = tmp_path / "store.duckdb"
    sources = ("products", "releases", "web", "phone", "desk", "corrections")
    runs = load_deliveries(db, [exports[source] for source in sources], now=NOW)
    assert [(r.source, r.status, r.rows_rejected, r.rows_duplicate) for r in runs] == [
        (source, "ok", 0, 0)
        for source in ("products", "releases", "web", "phone", "desk", "corrections")
    ]
    assert all(r.rows_loaded == r.rows_read == r.rows_inserted for r in runs)
    contacts = sum(r.rows_loaded for r in runs if r.source in ("web", "phone", "desk"))
    assert contacts == ROWS
    corrections = next(r for r in runs if r.source == "corrections")
    assert 0.005 * ROWS < corrections.rows_loaded < 0.03 * ROWS


def test_split_follows_the_demo_and_adds_up(exports):
    rows = {s: _data_rows(exports[s].files[0]) for s in ("web", "phone", "desk")}
    assert sum(rows.values()) == ROWS
    shares = {s: n / ROWS for s, n in rows.items()}
    assert 0.3 < shares["web"] < 0.55
    assert 0.3 < shares["phone"] < 0.5
    assert 0.1 < shares["desk"] < 0.3


def test_phone_export_is_the_dutch_acd_layout_with_the_demo_mapping(exports):
    phone = exports["phone"]
    assert phone.mapping.read_text() == (
        'source = "phone"\n[dialect]\ndelimiter = ";"\nencoding = "cp1252"\n'
        'date_format = "%d-%m-%Y %H:%M"\ndecimal = ","\ntrue_values = ["ja"]\n'
        'false_values = ["nee"]\n[columns]\n'
        + "".join(f'{k} = "{v}"\n' for k, v in generate.demo.PHONE_COLUMNS.items())
    )
    data = phone.files[0].read_bytes()
    data.decode("cp1252")
    assert b"\x96" in data  # the en dash of the queue names, as cp1252
    header = data.split(b"\r\n" if b"\r\n" in data else b"\n", 1)[0].decode("cp1252")
    assert header.split(";") == [
        "Gesprek-ID",
        "Starttijd",
        "Wachtrij",
        "Productcode",
        "Team",
        "Wachttijd (s)",
        "Gespreksduur (s)",
        "Opgehangen",
        "Opgelost 1e contact",
        "Beller",
    ]
    assert exports["web"].files[0].read_bytes().startswith(b"\xef\xbb\xbfcontact_id,")
    assert exports["corrections"].files[0].read_bytes()[:4] == b"PAR1"


def test_chunks_follow_the_months_so_a_file_is_in_time_order(exports):
    frame = pl.read_csv(exports["desk"].files[0], separator=";", encoding="cp1252")
    arrived = frame["arrived_at"].str.strptime(pl.Datetime, "%d-%m-%Y %H:%M:%S")
    assert arrived.is_sorted()
    assert frame["contact_id"].is_sorted()
    assert arrived.max() <= datetime(2025, 12, 31, 23, 59, 59)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    first = generate.write_exports(tmp_path / "a", 2_000, seed=3, chunk_rows=700)
    again = generate.write_exports(tmp_path / "b", 2_000, seed=3, chunk_rows=700)
    other = generate.write_exports(tmp_path / "c", 2_000, seed=4, chunk_rows=700)
    files = [[f.read_bytes() for d in run for f in d.files] for run in (first, again, other)]
    assert files[0] == files[1]
    assert files[0] != files[2]


def test_phone_only_puts_every_row_in_the_phone_export(tmp_path):
    written = {d.source: d for d in generate.write_exports(tmp_path, 5_000, phone_only=True)}
    assert set(written) == {"products", "releases", "phone", "corrections"}
    assert _data_rows(written["phone"].files[0]) == 5_000


def test_a_day_after_the_period_loads_beside_the_exports(tmp_path):
    db = tmp_path / "store.duckdb"
    load_deliveries(db, generate.write_exports(tmp_path / "all", 3_000), now=NOW)
    [day] = generate.days_after(1)
    assert day > generate.UNTIL and day.weekday() < 5
    runs = load_deliveries(db, generate.write_day(tmp_path / "day", day, 1_000), now=NOW)
    assert sum(r.rows_inserted for r in runs) == 1_000
    assert sum(r.rows_rejected + r.rows_updated for r in runs) == 0


def test_cli_writes_the_exports(tmp_path, capsys):
    assert main(["generate", "--rows", "1000", "--out", str(tmp_path), "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert f"phone {tmp_path / 'mapping.toml'}" in out
    assert (
        _data_rows(tmp_path / "phone.csv")
        + _data_rows(tmp_path / "web.csv")
        + _data_rows(tmp_path / "desk.csv")
        == 1_000
    )


@pytest.fixture(scope="module")
def distinct(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """2,000 contacts split like the demo, with and without distinct_refs, by option and source."""
    out = tmp_path_factory.mktemp("distinct")
    return {
        option: {
            d.source: d
            for d in generate.write_exports(
                out / str(option), 2_000, seed=5, chunk_rows=700, distinct_refs=option
            )
        }
        for option in (False, True)
    }


def _refs(delivery) -> pl.Series:
    """Return the normalised non-empty references of a contacts export (its last column)."""
    path = delivery.files[0]
    canonical = path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(
        path,
        separator="," if canonical else ";",
        encoding="utf8" if canonical else "cp1252",
        infer_schema=False,
    )
    return normalised(frame[frame.columns[-1]]).drop_nulls()


def test_distinct_refs_gives_every_contact_its_own_reference(distinct):
    refs = {option: [_refs(distinct[option][s]) for s in CONTACTS] for option in distinct}
    assert all(r.len() > 200 for r in refs[True])  # most contacts name their resident
    together = pl.concat(refs[True])
    assert together.n_unique() == together.len()  # also across the channels
    assert all(r.n_unique() < r.len() for r in refs[False])  # without it, residents return


def test_distinct_refs_changes_only_the_references(distinct, tmp_path):
    default = generate.write_exports(tmp_path, 2_000, seed=5, chunk_rows=700)
    plain = distinct[False]
    assert [f.read_bytes() for d in default for f in d.files] == [
        f.read_bytes() for d in plain.values() for f in d.files
    ]
    for source, delivery in distinct[True].items():
        before, after = plain[source].files[0].read_bytes(), delivery.files[0].read_bytes()
        if source not in CONTACTS:
            assert after == before, source
            continue
        assert after != before, source
        separator = b"," if source == "web" else b";"
        lines = [
            [line.rsplit(separator, 1)[0] for line in data.splitlines()] for data in (before, after)
        ]
        assert lines[0] == lines[1], source  # every column but the reference is the same


def test_cli_writes_distinct_refs(tmp_path):
    argv = ["generate", "--rows", "2000", "--seed", "5", "--phone-only"]
    assert main([*argv, "--out", str(tmp_path / "a"), "--distinct-refs"]) == 0
    assert main([*argv, "--out", str(tmp_path / "b")]) == 0
    refs = [_refs(Delivery("phone", (tmp_path / f / "phone.csv",))) for f in ("a", "b")]
    assert refs[0].n_unique() == refs[0].len() > 1_000
    assert refs[1].n_unique() < refs[1].len()
