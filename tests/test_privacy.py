"""No resident's number is stored or printed raw, whatever shape the file is in (issue 15).

Each case loads a small hand-made file holding a citizen reference where the column
positions cannot be trusted, then reads every text column of every table in the store: the
reference must not be anywhere.
"""

from pathlib import Path

import duckdb
import pytest

from metrics import status
from pipelines import privacy, store
from pipelines.load import load_files
from tests.conftest import NOW, stored_texts

BSN = "111222333"  # passes the eleven-test: 9+8+7+12+10+8+9+6-3 = 66 = 6 x 11
PHONE = "06-12345678"
EMAIL = "jan.jansen@example.org"
WEB = "contact_id,submitted_at,product_id,completed,citizen_ref"


def leaks(db: Path, *refs: str) -> list[str]:
    """The stored values that hold any of the references."""
    with duckdb.connect(str(db), read_only=True) as con:
        return [v for v in stored_texts(con) if any(ref in v for ref in refs)]


def load(db: Path, tmp_path: Path, text: str, source: str = "web", mapping: str | None = None):
    path = tmp_path / f"{source}.csv"
    path.write_text(text)
    spec = None
    if mapping:
        spec = tmp_path / "mapping.toml"
        spec.write_text(mapping)
    return load_files(db, source, [path], spec, now=NOW)


@pytest.mark.parametrize(
    ("bsn", "expected"),
    [("111222333", True), ("123456782", True), ("111222334", False), ("12345678", False)],
)
def test_the_eleven_test(bsn, expected):
    assert privacy.is_bsn(bsn) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"W1,{BSN},x", "W1,***,x"),
        ("bel 06-12345678 of 020 123 4567", "bel *** of ***"),
        ("+31 6 1234 5678", "***"),
        (f"mail {EMAIL}!", "mail ***!"),
        ("order 111222334", "order 111222334"),  # nine digits, but no BSN
        ("2024-03-04T10:00:00", "2024-03-04T10:00:00"),
    ],
)
def test_mask_text_hides_what_looks_like_a_reference(text, expected):
    assert privacy.mask_text(text) == expected


@pytest.mark.parametrize(
    "line",
    [
        f"W2,2024-03-04T10:00:00,{BSN}",  # short: the reference lands under product_id
        f"W2,2024-03-04T10:00:00,paspoort,true,{BSN},extra,{PHONE}",  # long: past the header
        f"W2,not-a-date,{EMAIL},true",  # short and rejected for its date
    ],
)
def test_a_line_with_too_few_or_too_many_fields_leaks_nothing(db, tmp_path, line):
    header = "contact_id,submitted_at,product_id,completed,citizen_ref"
    (run,) = load(db, tmp_path, f"{header}\nW1,2024-03-04T09:00:00,paspoort,true,{BSN}\n{line}\n")
    assert run.rows_rejected == 1, run.summary()
    assert leaks(db, BSN, PHONE, EMAIL) == []


def test_an_unmapped_column_is_left_out_of_the_raw_line(db, tmp_path):
    text = (
        "contact_id,submitted_at,product_id,completed,citizen_ref,bsn\n"
        f"W1,2024-03-04T09:00:00,paspoort,maybe,{EMAIL},{BSN}\n"
    )
    (run,) = load(db, tmp_path, text)
    assert run.reasons == {"invalid_boolean": 1}
    assert leaks(db, BSN, EMAIL) == []


def test_a_reference_header_in_another_case_is_still_the_reference(db, tmp_path):
    header = "Contact_ID,Submitted_At,Product_ID,Completed,Citizen_Ref"
    text = f"{header}\nW1,2024-03-04T09:00:00,a,true,{BSN}\n"
    (run,) = load(db, tmp_path, text)
    assert (run.status, run.rows_loaded) == ("ok", 1), run.summary()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select citizen_key is not null from contacts").fetchall() == [(True,)]
    assert leaks(db, BSN) == []


def test_a_mapping_that_names_an_absent_reference_header_fails_the_file(db, tmp_path):
    text = (
        f"contact_id,submitted_at,product_id,completed,bsn\nW1,2024-03-04T09:00:00,a,true,{BSN}\n"
    )
    mapping = 'source = "web"\n[columns]\ncitizen_ref = "burgerservicenummer"\n'
    (run,) = load(db, tmp_path, text, mapping=mapping)
    assert run.status == "failed"
    assert "'burgerservicenummer'" in run.message and "not in the file" in run.message
    assert leaks(db, BSN) == []


def test_a_parser_message_never_quotes_a_record(db, tmp_path, monkeypatch):
    from pipelines import dialect

    def fails(*args, **kwargs):
        raise RuntimeError(f"could not parse line 2: W1,{BSN},{EMAIL}")

    monkeypatch.setattr(dialect, "_parse", fails)
    (run,) = load(db, tmp_path, f"contact_id,submitted_at\nW1,{BSN}\n")
    assert run.status == "failed"
    assert BSN not in run.message and EMAIL not in run.message
    assert leaks(db, BSN, EMAIL) == []


# --- The key -----------------------------------------------------------------------------------


@pytest.fixture
def no_env_key(monkeypatch):
    """The key comes from the key file beside the store, not from the environment."""
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    monkeypatch.delenv(privacy.KEY_FILE_ENV, raising=False)


def _key_file(db: Path) -> Path:
    return db.with_name(db.name + ".key")


@pytest.mark.parametrize("key", ["", "short", "x" * 31])
def test_a_short_or_empty_key_is_refused(db, no_env_key, key):
    _key_file(db).write_text(key)
    _key_file(db).chmod(0o600)
    with pytest.raises(privacy.KeyProblem, match="at least 32"):
        privacy.key_for(db)


def test_a_short_key_in_the_environment_is_refused(db, monkeypatch):
    monkeypatch.setenv(privacy.KEY_ENV, "secret")
    with pytest.raises(privacy.KeyProblem, match="at least 32"):
        privacy.key_for(db)


def test_a_key_file_others_may_read_is_refused_with_the_fix(db, no_env_key):
    privacy.key_for(db)
    _key_file(db).chmod(0o644)
    with pytest.raises(privacy.KeyProblem, match=f"chmod 600 {_key_file(db)}"):
        privacy.key_for(db)


def test_a_lost_key_is_not_silently_replaced(db, tmp_path, no_env_key, capsys):
    from channelshift import main

    (run,) = load(db, tmp_path, f"{WEB}\nW1,2024-03-04T09:00:00,a,true,{BSN}\n")
    assert run.status == "ok"
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select citizen_key from contacts").fetchall()
    _key_file(db).unlink()
    again = tmp_path / "again.csv"
    again.write_text(f"{WEB}\nW2,2024-03-05T09:00:00,a,true,{BSN}\n")
    assert main(["load", "--db", str(db), "--source", "web", str(again)]) == 2
    assert "restore the key file" in capsys.readouterr().err
    assert not _key_file(db).exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select citizen_key from contacts").fetchall() == before


def test_the_key_file_lies_where_the_environment_says(db, tmp_path, no_env_key, monkeypatch):
    elsewhere = tmp_path / "secrets" / "pseudonym.key"
    elsewhere.parent.mkdir(mode=0o700)
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(elsewhere))
    (run,) = load(db, tmp_path, f"{WEB}\nW1,2024-03-04T09:00:00,a,true,{BSN}\n")
    assert run.status == "ok"
    assert elsewhere.is_file() and not _key_file(db).exists()
    assert elsewhere.stat().st_mode & 0o777 == 0o600
    assert privacy.key_warnings(db, demo=False) == []
    assert "WARNING" not in status.report(db)


def test_status_warns_of_a_key_beside_the_store_outside_the_demo(db, tmp_path, no_env_key):
    (run,) = load(db, tmp_path, f"{WEB}\nW1,2024-03-04T09:00:00,a,true,{BSN}\n")
    assert run.status == "ok"
    report = status.report(db)
    assert f"WARNING: {_key_file(db)} lies in the database's folder" in report
    assert privacy.KEY_FILE_ENV in report
    # the demo may keep it there; a key others may read is a warning anywhere
    assert privacy.key_warnings(db, demo=True) == []
    _key_file(db).chmod(0o640)
    assert privacy.key_warnings(db, demo=True) == [
        f"{_key_file(db)} may be read by others: run `chmod 600 {_key_file(db)}`"
    ]


def test_the_demo_store_is_told_apart_by_its_exports(demo_store, fixture_store_read_only):
    with store.read_only(demo_store) as con:
        assert status.is_demo(con)
    with store.read_only(fixture_store_read_only) as con:
        assert not status.is_demo(con)


def test_first_loads_at_the_same_moment_share_one_key(db, no_env_key):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: privacy.key_for(db), range(16)))
    assert len(keys) == 1
    assert len(next(iter(keys))) >= privacy.MIN_KEY_BYTES
    assert [p.name for p in db.parent.iterdir()] == [_key_file(db).name]  # no drafts left


def test_pseudonyms_are_the_same_whether_references_repeat_or_not():
    """Batches of mostly new references stop the memory of references met (it would grow
    with the file) and hash again; a batch of distinct references hashes its rows directly.
    Every row gets the pseudonym of its own reference however the batches come."""
    import polars as pl

    key = b"k" * 32
    con = duckdb.connect()
    pseudonyms = privacy.Pseudonyms(key, con)
    pseudonyms.DECIDE_FROM = 6  # rows: decided from the second batch on
    batches = [
        ["06-1", "06-2", "06-1", None, "06-3"],  # the first batch: all new, remembered
        ["06-1", "06 2", "06-4", "06-4", "06-5", "06-6"],  # 4 of 5 new: remembering stops
        ["06-7", "06-8", "06-1", None, "06-9"],  # distinct within the batch: hashed directly
    ]
    memories = []
    for refs in batches:
        rows = pl.DataFrame({"_line": range(len(refs)), "citizen_ref": refs})
        keys = pseudonyms.apply(rows).sort("_line")["citizen_key"].to_list()
        memories.append(pseudonyms.remember)
        expected = privacy.pseudonymise(privacy.normalised(pl.Series(refs)), key, con)
        assert keys == expected.to_list()
        assert keys[0] is not None and (None in keys) == (None in refs)
    assert memories == [True, False, False]
    assert pseudonyms.apply(pl.DataFrame({"citizen_ref": ["06-1"]}))["citizen_key"].item() == (
        privacy.pseudonymise(pl.Series(["061"]), key, con).item()  # normalised
    )


@pytest.mark.parametrize("move_from", [2_000_000, 2])  # in Polars; moved into DuckDB
def test_pseudonyms_remember_references_that_repeat(monkeypatch, move_from):
    """A file whose references repeat hashes each distinct one once, whether they are
    remembered in Polars or, beyond MOVE_FROM, in DuckDB."""
    import polars as pl

    hashed = []
    real = privacy.pseudonymise
    monkeypatch.setattr(
        privacy, "pseudonymise", lambda refs, *a: hashed.extend(refs.to_list()) or real(refs, *a)
    )
    monkeypatch.setattr(privacy.Pseudonyms, "MOVE_FROM", move_from)
    con = duckdb.connect()
    pseudonyms = privacy.Pseudonyms(b"k" * 32, con)
    for refs in (["06-1", "06-2", "06-1"], ["06-1", "06-2", "06-3", "06-2"], ["06-3", "06-1"]):
        keys = pseudonyms.apply(pl.DataFrame({"citizen_ref": refs}))["citizen_key"]
        assert keys.to_list() == real(privacy.normalised(pl.Series(refs)), b"k" * 32, con).to_list()
    assert (pseudonyms.known is None) == (move_from == 2)
    assert sorted(hashed) == ["061", "062", "063"]  # normalised, then hashed
    assert pseudonyms.remember and pseudonyms.met == 3


def test_the_memory_of_references_is_kept_until_enough_rows_have_come():
    """Early in a file most references are new whatever the file: with small batches the
    second one stopped the memory of a file whose residents repeat (every row then hashed)."""
    import polars as pl

    pseudonyms = privacy.Pseudonyms(b"k" * 32, duckdb.connect())
    pseudonyms.DECIDE_FROM = 10
    for refs, remembered in (
        (["06-1", "06-2", "06-3"], True),  # 3 rows
        (["06-4", "06-5", "06-6"], True),  # 6 rows: all new, too early to tell
        (["06-7", "06-8", "06-9", "06-10", "06-1"], False),  # 11 rows: 4 of 5 new
    ):
        pseudonyms.apply(pl.DataFrame({"citizen_ref": refs}))
        assert pseudonyms.remember == remembered, refs
