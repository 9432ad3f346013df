"""Hostile files: nothing is lost, nothing silently wrong (issue 15).

Each case is a minimal file in tests/fixtures/hostile/; every physical record must be
accounted for: read = loaded + duplicate + rejected, and the loaded rows are the right ones.
"""

import codecs
import errno
import os
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"


def accounted(run) -> bool:
    """Whether every record read is loaded, a duplicate or rejected."""
    return run.rows_read == run.rows_loaded + run.rows_duplicate + run.rows_rejected


@pytest.mark.parametrize("name", ["web_cr_only.csv", "web_mixed_endings.csv"])
def test_cr_lf_and_cr_lf_each_end_a_record(load, query, name):
    """CR-only files loaded "read 0" with status ok; a bare CR swallowed the next record."""
    (run,) = load("web", HOSTILE / name)
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == ("ok", 5, 5, 0)
    assert accounted(run)
    assert query("select contact_id, line_number from contacts order by 1") == [
        (f"W{i}", i + 1) for i in range(1, 6)
    ]


def test_blank_lines_are_no_records(load, query):
    """Blank lines were counted as read and duplicate and rejected with made-up reasons."""
    (run,) = load("web", HOSTILE / "web_blank_lines.csv")
    assert (run.rows_read, run.rows_loaded, run.rows_duplicate) == (3, 2, 0)
    assert run.reasons == {"invalid_date": 1}
    assert accounted(run)
    # records keep the numbers of the lines they stand on in the file
    assert query("select contact_id, line_number from contacts order by 1") == [
        ("W1", 3),
        ("W2", 6),
    ]
    assert query("select line_number, reason from load_rejects") == [(8, "invalid_date")]


@pytest.mark.parametrize("name", ["desk_utf16le_tabs.txt", "desk_utf16be_tabs.txt"])
def test_excel_unicode_text_loads(load, query, name):
    """Excel's "Unicode text" (UTF-16 with BOM, tab-separated) was refused as binary."""
    (run,) = load("desk", HOSTILE / name)
    assert (run.status, run.rows_loaded, run.rows_rejected) == ("ok", 2, 0), run.summary()
    assert query(
        "select contact_id, strftime(occurred_at, '%Y-%m-%d %H:%M'), wait_seconds "
        "from contacts order by 1"
    ) == [("B1", "2024-03-04 09:15", 120.5), ("B2", "2024-03-05 10:00", 60.0)]


def test_a_utf16_copy_leaves_nothing_behind(load, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    load("desk", HOSTILE / "desk_utf16le_tabs.txt")
    assert not [p for p in Path(tmp_path).iterdir() if p.name.startswith("utf16-")]


@pytest.mark.parametrize("batch_bytes", [9, 31, 64, None])
@pytest.mark.parametrize(
    ("name", "records"),
    [
        ("web_cr_only.csv", 5),
        ("web_mixed_endings.csv", 5),
        ("web_blank_lines.csv", 3),
        ("web_stray_quotes.csv", 6),
    ],
)
def test_batches_cut_anywhere_give_the_same_records(name, records, batch_bytes):
    """A CR at a batch's end may be the first half of a CR LF: never a blank line of its own."""
    import polars as pl

    from pipelines import dialect
    from pipelines.sources import web

    def cells(frames) -> pl.DataFrame:  # as validation sees them: cells stripped
        return pl.concat(frames).with_columns(pl.col(pl.String).str.strip_chars())

    path = HOSTILE / name
    whole = cells([dialect.read(path, web.SCHEMA).frame])
    batches = list(dialect.read_batches(path, web.SCHEMA, None, batch_bytes))
    assert cells(b.frame for b in batches).equals(whole)
    bad = pl.concat(b.bad_field_count for b in batches)
    assert bad.equals(dialect.read(path, web.SCHEMA).bad_field_count)
    assert whole.height == records


def test_absurd_dates_are_rejects_not_centuries_of_calendar(load, query):
    """'01-01-24' was year 24 AD and '-2024' a year before the common era: 48,600 months."""
    (run,) = load("desk", HOSTILE / "desk_absurd_dates.csv")
    assert run.rows_loaded == 1
    assert query("select line_number, reason from load_rejects order by 1") == [
        (3, "implausible_date"),  # the year 24
        (4, "implausible_date"),  # a year before the common era
        (5, "implausible_date"),  # before 1990
    ]
    assert query("select min(period_month), count(*) from mart_calendar") == [(date(2024, 3, 1), 1)]


def test_a_date_format_that_swaps_day_and_month_fails_the_file(load, query):
    """A mapping's month-first format loaded every date with a day up to 12 swapped, without a
    word, and rejected the others: when the dates only make sense the other way, say so."""
    (run,) = load("desk", HOSTILE / "desk_day_first.csv", mapping=HOSTILE / "desk_month_first.toml")
    assert run.status == "failed"
    assert run.message == (
        "column arrived_at: 2 date(s) make sense only with day and month the other way round "
        "(the first on line 4), and every other date reads that way too; is the date format "
        "(%m-%d-%Y %H:%M) right? Set [dialect] date_format in the mapping file"
    )
    assert query("select count(*) from contacts") == [(0,)]
    (run,) = load("desk", HOSTILE / "desk_day_first.csv")  # the Dutch dialect reads it
    assert (run.status, run.rows_loaded) == ("ok", 4)


def test_a_file_that_mixes_date_orders_keeps_its_rejects(load, tmp_path):
    """Dates that read only as written next to dates that read only swapped: the file's
    order is not wrong as a whole; the ones that do not read are rejects as before."""
    path = tmp_path / "desk.csv"
    text = (HOSTILE / "desk_day_first.csv").read_text()
    path.write_text(text.replace("04-03-2024", "03-28-2024"))  # month first on line 2
    # 11-03-2024 reads as 3 November, after the tests' today (2024-06-01): a future date
    (run,) = load("desk", path, mapping=HOSTILE / "desk_month_first.toml")
    assert (run.status, run.rows_loaded, run.reasons) == (
        "ok",
        1,
        {"invalid_date": 2, "future_timestamp": 1},
    )


def test_absurd_durations_are_rejects(load, query):
    """1e308 seconds loaded, and two of them summed to infinity on the dashboard."""
    (run,) = load("phone", HOSTILE / "phone_absurd_durations.csv")
    assert (run.rows_loaded, run.rows_rejected) == (1, 4)
    assert query("select line_number, column_name, reason from load_rejects order by 1") == [
        (3, "wait_seconds", "implausible_duration"),
        (4, "talk_seconds", "invalid_number"),  # not finite
        (5, "wait_seconds", "invalid_number"),
        (6, "wait_seconds", "implausible_duration"),  # a day and a second
    ]


def test_the_bounds_are_settings(load, query):
    from pipelines.settings import Plausible, Settings

    settings = Settings(plausible=Plausible(earliest_date=date(1980, 1, 1)))
    (run,) = load("desk", HOSTILE / "desk_absurd_dates.csv", settings=settings)
    assert run.rows_loaded == 2  # 1989 is plausible now


def test_null_written_as_text_is_no_resident(load, query):
    """'NULL', 'null' and 'None' were hashed as one resident who contacted us three times."""
    (run,) = load("web", HOSTILE / "web_null_references.csv")
    assert run.rows_loaded == 4
    assert query("select contact_id from contacts where citizen_key is null order by 1") == [
        ("W1",),
        ("W2",),
        ("W3",),
    ]


def test_a_repeated_header_fails_the_file_naming_it(load, query):
    """The first of two 'product_id' columns silently won."""
    (run,) = load("web", HOSTILE / "web_repeated_header.csv")
    assert run.status == "failed"
    assert run.message == "header name(s) more than once: product_id"
    assert query("select count(*) from contacts") == [(0,)]


def test_a_mapping_with_a_bom_is_read_and_its_errors_name_both_files(load, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "phone_mapping.toml").read_bytes())
    (run,) = load("phone", "phone_acd.csv", mapping=mapping)
    assert (run.status, run.rows_rejected) == ("ok", 0), run.summary()
    broken = tmp_path / "broken.toml"
    broken.write_text('source = "phone"\n[columns]\nbeller = "Beller"\n')
    (run,) = load("phone", "phone_acd.csv", mapping=broken, force=True)
    assert run.file.endswith("phone_acd.csv")  # the data file, and the mapping in the message
    assert run.message.startswith(f"mapping file {broken} (line 3): [columns] beller")


INJECTIONS = ('=HYPERLINK("http://x","klik")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+2")


def _csv_cells(text: str, delimiter: str = ",") -> list[list[str]]:
    import csv

    return list(csv.reader(text.splitlines(), delimiter=delimiter))


def test_names_that_look_like_formulas_stay_text_in_the_audit_pack(store, db, tmp_path):
    """OWASP CSV injection: a product or team name must never become a formula."""
    import polars as pl
    from openpyxl import load_workbook

    from documents import audit_pack
    from pipelines.settings import AuditPeriod, Settings

    products = pl.DataFrame(
        {
            "product_id": [f"p{i}" for i in range(len(INJECTIONS))],
            "name_nl": INJECTIONS,
            "category": ["Burgerzaken"] * len(INJECTIONS),
            "owner_team": INJECTIONS,
        }
    )
    # known products by those names, and the same texts as unknown product codes (Datakwaliteit)
    web = "\n".join(
        f'W{i},2024-03-0{i + 1}T10:00:00,"{code.replace(chr(34), chr(34) * 2)}",true'
        for i, code in enumerate((*INJECTIONS, *(f"p{i}" for i in range(len(INJECTIONS)))))
    )
    store(
        products=products.write_csv(),
        web="contact_id,submitted_at,product_id,completed\n" + web,
    )
    year = AuditPeriod(name="2024", start=date(2024, 1, 1), end=date(2024, 12, 31))
    out = tmp_path / "pack.xlsx"
    audit_pack.write(db, "2024", Settings(audit_periods=(year,)), out)
    cells = [
        cell
        for path in sorted(out.with_name("pack_csv").glob("*.csv"))
        for row in _csv_cells(path.read_text(encoding="utf-8-sig"), ";")  # Dutch CSV
        for cell in row
    ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert {"'" + name for name in INJECTIONS} <= set(cells)  # there, as text
    book = load_workbook(out)
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_dashboard_csv_writes_formula_like_names_as_text():
    import polars as pl

    from metrics import exports

    frame = pl.DataFrame({"name_nl": list(INJECTIONS), "contacts": [1, -2, 3, 4]})
    text = exports.csv_bytes(frame, "nl", "=bron").decode("utf-8-sig")
    rows = _csv_cells(text, ";")
    assert rows[0] == ["# =bron"]  # the comment mark comes first
    assert [row[0] for row in rows[2:]] == ["'" + name for name in INJECTIONS]
    assert [row[1] for row in rows[2:]] == ["1", "-2", "3", "4"]  # numbers stay numbers


# --- The store refuses: one line, exit 2, the live store as it was, nothing left beside it ----


def _dump(db: Path) -> list:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select contact_id, citizen_key from contacts order by 1").fetchall()


@pytest.fixture
def loaded(db, load):
    """A store holding the web fixture, as a load left it."""
    load("web", "web_canonical.csv")
    return db


def _load_again(db: Path, capsys) -> tuple[int, str]:
    from channelshift import main

    code = main(["load", "--db", str(db), "--source", "desk", str(FIXTURES / "desk_dutch.csv")])
    out = capsys.readouterr()
    return code, out.out + out.err


def _beside(db: Path) -> set[str]:
    return {p.name for p in db.parent.iterdir()}


@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("shutil.copyfile", OSError(28, "No space left on device")),  # copying the store
        ("os.replace", OSError(28, "No space left on device")),  # publishing it
    ],
)
def test_a_full_disk_fails_the_load_in_one_line(loaded, capsys, monkeypatch, where, error):
    from pipelines import store

    before, files = _dump(loaded), _beside(loaded)
    module, name = where.split(".")

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(getattr(store, module), name, refuse)
    if name == "copyfile":
        monkeypatch.setattr(store.fcntl, "ioctl", refuse)  # where it clones, it refuses too
    code, said = _load_again(loaded, capsys)
    monkeypatch.undo()
    assert code == 2
    assert said.strip() == f"{loaded}: cannot write the store (No space left on device)"
    assert "loaded" not in said  # no line claims what is not stored
    assert _dump(loaded) == before
    assert _beside(loaded) == files  # no half copy left


def _refuse_copy(*args, **kwargs):
    raise AssertionError("copied although the clone worked")


def test_the_store_is_cloned_where_the_filesystem_can(tmp_path, monkeypatch):
    from pipelines import store

    db, to = tmp_path / "live.duckdb", tmp_path / "live.duckdb.next"
    db.write_bytes(os.urandom(300_000))
    asked = []

    def clone(target: int, request: int, source: int) -> None:  # what XFS and Btrfs do
        asked.append(request)
        os.write(target, os.pread(source, db.stat().st_size, 0))

    monkeypatch.setattr(store.fcntl, "ioctl", clone)
    monkeypatch.setattr(store.shutil, "copyfile", _refuse_copy)
    store._copy(db, to)
    assert asked == [store.FICLONE] == [0x40049409]
    assert to.read_bytes() == db.read_bytes()


@pytest.mark.parametrize(  # ext4, another filesystem, not a regular file
    "refused", [errno.EOPNOTSUPP, errno.EXDEV, errno.EINVAL]
)
def test_the_store_is_copied_where_it_cannot_be_cloned(tmp_path, monkeypatch, refused):
    from pipelines import store

    db, to = tmp_path / "live.duckdb", tmp_path / "live.duckdb.next"
    db.write_bytes(os.urandom(300_000))
    to.write_bytes(b"a copy a crashed load left")

    def cannot(*args) -> None:
        raise OSError(refused, os.strerror(refused))

    monkeypatch.setattr(store.fcntl, "ioctl", cannot)
    store._copy(db, to)
    assert to.read_bytes() == db.read_bytes()


def test_a_damaged_store_fails_the_load_in_one_line(loaded, capsys):
    loaded.write_bytes(b"this is no DuckDB file" * 100)
    code, said = _load_again(loaded, capsys)
    assert code == 2
    assert said.startswith(f"{loaded}: not a usable DuckDB store (")
    assert len(said.strip().splitlines()) == 1
    assert loaded.read_bytes() == b"this is no DuckDB file" * 100
    assert not loaded.with_name(loaded.name + ".next").exists()


def test_a_store_folder_that_cannot_be_made_fails_in_one_line(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    code, said = _load_again(blocker / "store.duckdb", capsys)
    assert code == 2
    assert "cannot" in said and len(said.strip().splitlines()) == 1


def test_a_key_file_that_is_a_folder_fails_in_one_line(db, capsys, monkeypatch):
    from pipelines import privacy

    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    db.with_name(db.name + ".key").mkdir()
    code, said = _load_again(db, capsys)
    assert (code, said.strip()) == (2, f"{db}.key is a folder, not a key file")


def test_a_named_pipe_fails_at_once_and_frees_the_store(db, load, tmp_path):
    """A pipe given as a file blocked forever while holding the store's lock."""
    import os
    import threading

    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    runs = []
    loading = threading.Thread(target=lambda: runs.extend(load("web", pipe)), daemon=True)
    loading.start()
    loading.join(timeout=20)
    assert not loading.is_alive(), "the load blocks on the pipe"
    ((status, message),) = [(r.status, r.message) for r in runs]
    assert (status, message) == ("failed", "not a regular file")
    (run,) = load("web", "web_canonical.csv")  # the lock is free again
    assert run.status == "ok"


def test_a_file_name_that_is_not_utf8_is_recorded_with_an_escape(load, query, tmp_path):
    name = os.fsdecode(b"web-\xe9t\xe9.csv")  # Latin-1 bytes, as an old share gives them
    path = tmp_path / name
    path.write_bytes((FIXTURES / "web_canonical.csv").read_bytes())
    (run,) = load("web", path)
    assert run.status == "ok", run.summary()
    assert query("select file from load_runs") == [(str(tmp_path / "web-\\xe9t\\xe9.csv"),)]


def test_a_stray_quote_costs_its_own_line_only(load, query):
    """One `"` inside an unquoted field failed the whole file. A quote inside a field is a
    character (as in Excel); a quote that never closes rejects its own line, and the lines
    after it load instead of vanishing into one record."""
    (run,) = load("web", HOSTILE / "web_stray_quotes.csv")
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == ("ok", 6, 4, 2)
    assert accounted(run)
    assert query("select contact_id, line_number, product_id from contacts order by 1") == [
        ("W1", 2, 'verhuis"melding'),
        ("W2", 3, 'uittreksel "brp"'),
        ("W4", 5, "paspoort"),
        ("W5", 7, "id,kaart"),
    ]
    rejected = query("select distinct line_number, reason from load_rejects order by 1")
    assert (4, "wrong_field_count") in rejected and (8, "wrong_field_count") in rejected
    assert {line for line, _ in rejected} == {4, 8}
    assert not query("select * from load_rejects where raw_line like '%111222333%'")


@pytest.mark.parametrize(
    "content",
    [
        b'W0,2024-03-01T10:00:00,"pas,true\n',  # a stray quote: quotes never balance again
        b'W0,2024-03-01T10:00:00,"' + b"x" * 300 + b'",true\n',  # a field longer than a block
    ],
)
def test_blocks_stay_small_whatever_the_quotes(content):
    """A stray quote made the reader walk back over the batch again and again and let the
    batch grow with the file (more than 180 s on 1M rows): blocks stay near their size."""
    import io

    from pipelines.dialect import _records

    line = b"W1,2024-03-01T10:00:00,paspoort,true\n"
    data = content + line * 200
    blocks = list(_records(io.BytesIO(data), 100))
    assert b"".join(blocks) == data  # nothing lost or repeated
    assert max(len(b) for b in blocks[1:]) <= 100 + len(line)


def test_corrupt_parquet_files_fail_alone_and_the_good_file_loads(tmp_path):
    """A corrupt Parquet file aborted the process (SIGABRT) and lost the good file loaded in
    the same command. Run as a person would, in a process of its own, so an abort shows."""
    import random
    import subprocess
    import sys

    import polars as pl

    from pipelines.settings import REPO

    good = tmp_path / "good.parquet"
    pl.DataFrame(
        {
            "correction_id": [f"C{i}" for i in range(300)],
            "detected_at": [date(2024, 4, 2)] * 300,
            "product_id": ["verhuismelding"] * 300,
            "origin_channel": ["web"] * 300,
            "minutes_spent": [12.5] * 300,
            "error_type": ["verkeerd adres"] * 300,
        }
    ).write_parquet(good)
    data = good.read_bytes()
    footer = len(data) - 8  # the footer's length, then PAR1
    flipped = bytearray(data)
    for at in random.Random(15).sample(range(4, footer), 40):
        flipped[at] ^= 0xFF
    corrupt = {
        "truncated": data[: len(data) // 2],
        "no-footer": data[:footer] + b"PAR1",
        "huge-footer": data[:footer] + (2**31 - 1).to_bytes(4, "little") + b"PAR1",
        "flipped": bytes(flipped),
        "only-magic": b"PAR1" + bytes(100) + b"PAR1",
    }
    for name, content in corrupt.items():
        (tmp_path / f"{name}.parquet").write_bytes(content)
    files = [str(tmp_path / f"{name}.parquet") for name in corrupt] + [str(good)]
    db = tmp_path / "store.duckdb"
    args = ["load", "--source", "corrections", "--db", str(db), *files]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANNELSHIFT_")}
    done = subprocess.run(
        [sys.executable, "-m", "channelshift", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr  # a failed file, not an abort (-6 or 134)
    lines = done.stdout.splitlines()
    assert len(lines) == len(files)
    for name, line in zip(corrupt, lines, strict=False):
        assert line.startswith(f"FAILED {tmp_path / name}.parquet: not a readable Parquet file")
    assert lines[-1].startswith(f"corrections {good}: read 300, loaded 300")


def test_a_utf8_bom_wins_over_the_mappings_encoding(load, query, tmp_path):
    """Found by the properties: a phone export saved again as Excel's "CSV UTF-8" (with a
    BOM) under a mapping that says cp1252 read its first header as 'ï»¿Gesprek-ID' and failed."""
    path = tmp_path / "phone.csv"
    text = (FIXTURES / "phone_acd.csv").read_bytes().decode("cp1252")
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    (run,) = load("phone", path, mapping="phone_mapping.toml")
    (plain,) = load("phone", FIXTURES / "phone_acd.csv", mapping="phone_mapping.toml", force=True)
    assert run.status == "ok", run.summary()
    assert (run.rows_read, run.rows_loaded) == (plain.rows_read, plain.rows_loaded)
