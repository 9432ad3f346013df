"""Reading exports: canonical CSV, the Dutch dialect, mapping files, Parquet, bad files."""

from datetime import datetime

import polars as pl
import pytest

from pipelines import dialect
from pipelines.dialect import CANONICAL, DUTCH, FileError, date_part, read, read_mapping
from pipelines.sources import phone, web
from tests.conftest import FIXTURES


def test_canonical_csv_with_bom_is_detected():
    raw = read(FIXTURES / "web_canonical.csv", web.SCHEMA)
    assert raw.dialect == CANONICAL
    assert raw.rename == {name: name for name in web.SCHEMA.names}
    assert raw.frame["_line"].to_list() == [2, 3, 4, 5, 6]


def test_dutch_dialect_is_detected_with_cp1252(tmp_path):
    from pipelines.sources import desk

    raw = read(FIXTURES / "desk_dutch.csv", desk.SCHEMA)
    assert raw.dialect.delimiter == DUTCH.delimiter
    assert raw.dialect.encoding == "cp1252"
    assert "Café Sociaal Domein" in raw.frame["team"].to_list()


def test_mapping_file_in_the_documented_form():
    mapping = read_mapping(FIXTURES / "phone_mapping.toml", phone.SCHEMA)
    raw = read(FIXTURES / "phone_acd.csv", phone.SCHEMA, mapping)
    assert raw.dialect.timestamp_formats == ("%d-%m-%Y %H:%M", "%d-%m-%Y")
    assert raw.dialect.true_values == ("ja",)
    assert raw.rename["Gesprek-ID"] == "contact_id"
    assert "Wachtrij" not in raw.rename  # extra export columns are ignored
    assert "Wachtrij" not in raw.frame.columns  # and not kept


def _phone_export(tmp_path, queue: str, team: str = "KCC"):
    """A cp1252 phone export of 60 calls whose queue (a column the load ignores) is `queue`;
    call 30's team is `team`."""
    head = FIXTURES.joinpath("phone_acd.csv").read_bytes().split(b"\r\n")[0]
    lines = [
        f"G-{i};02-04-2024 09:{i % 60:02d};{queue};verhuismelding;"
        f"{team if i == 30 else 'KCC'};12,5;300;nee;ja;06-1234{i:04d}"
        for i in range(60)
    ]
    path = tmp_path / "phone.csv"
    path.write_bytes(head + b"\r\n" + "\r\n".join(lines).encode("cp1252") + b"\r\n")
    return path


@pytest.mark.parametrize("team", ["KCC", "Café Sociaal Domein"])
def test_cp1252_batches_read_the_same_undecoded_as_decoded(tmp_path, monkeypatch, team):
    """A batch whose non-ASCII bytes lie only in columns the load ignores is parsed without
    decoding (_undecoded); the cells read are those that decoding gives, and a batch with
    an accent in a read column (the team) is decoded."""
    from pipelines import dialect

    path = _phone_export(tmp_path, "Publiekszaken – algemeen", team)
    mapping = read_mapping(FIXTURES / "phone_mapping.toml", phone.SCHEMA)
    undecoded = dialect._undecoded
    taken = []
    monkeypatch.setattr(dialect, "_undecoded", lambda *a: taken.append(r := undecoded(*a)) or r)
    fast = pl.concat(r.frame for r in dialect.read_batches(path, phone.SCHEMA, mapping, 400))
    monkeypatch.setattr(dialect, "_undecoded", lambda *a: None)
    slow = pl.concat(r.frame for r in dialect.read_batches(path, phone.SCHEMA, mapping, 400))
    assert fast.equals(slow)
    assert fast.height == 60 and "Wachtrij" not in fast.columns
    assert team in fast["Team"].to_list()
    assert len(taken) > 2  # several batches
    decoded = [r is None for r in taken]
    assert any(decoded) == (team != "KCC") and not all(decoded)


def test_a_file_whose_read_cells_need_decoding_is_not_parsed_twice(tmp_path, monkeypatch):
    """Once a batch's read cells hold an accent, the file's later batches are decoded at once
    instead of being parsed undecoded first and then again."""
    from pipelines import dialect

    path = _phone_export(tmp_path, "Publiekszaken – algemeen")
    path.write_bytes(path.read_bytes().replace(b";KCC;", ";Café;".encode("cp1252")))
    mapping = read_mapping(FIXTURES / "phone_mapping.toml", phone.SCHEMA)
    undecoded, taken = dialect._undecoded, []
    monkeypatch.setattr(dialect, "_undecoded", lambda *a: taken.append(r := undecoded(*a)) or r)
    frames = [r.frame for r in dialect.read_batches(path, phone.SCHEMA, mapping, 400)]
    assert len(frames) > 2 and taken == [None]
    assert set(pl.concat(frames)["Team"]) == {"Café"}


def test_byte_cp1252_leaves_undefined_fails_the_file_in_an_ignored_column(tmp_path):
    """Parsing without decoding must not let a file that is not cp1252 through."""
    from pipelines import dialect

    path = _phone_export(tmp_path, "Publiekszaken # algemeen")
    path.write_bytes(path.read_bytes().replace(b"#", b"\x81"))
    mapping = read_mapping(FIXTURES / "phone_mapping.toml", phone.SCHEMA)
    with pytest.raises(FileError, match=r"not cp1252 text: line 2, byte \d+ is 0x81"):
        list(dialect.read_batches(path, phone.SCHEMA, mapping, 400))


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('source = "web"\n', "mapping is for source 'web', not 'phone'"),
        ('source = "phone"\n[columns]\nbeller = "Beller"\n', "[columns] beller not a column"),
        ('source = "phone"\n[dialect]\ndecimal = ";"\n', "dialect.decimal"),
        ('source = "phone"\n[dialect]\nencoding = "klingon"\n', "unknown encoding"),
        ('source = "phone"\n[dialekt]\n', "dialekt: Extra inputs are not permitted"),
        ("source = phone", "not a valid TOML file"),
        # ja would silently mean false
        (
            'source = "phone"\n[dialect]\ntrue_values = ["ja"]\nfalse_values = ["Ja", "nee"]\n',
            "ja both in true_values and false_values",
        ),
        # one of the two columns would load empty on every row
        (
            'source = "phone"\n[columns]\nwait_seconds = "Tijd"\ntalk_seconds = "Tijd"\n',
            "header 'Tijd' mapped to wait_seconds and talk_seconds",
        ),
    ],
)
def test_wrong_mapping_names_the_file_and_the_problem(tmp_path, toml, problem):
    path = tmp_path / "mapping.toml"
    path.write_text(toml)
    with pytest.raises(FileError) as info:
        read_mapping(path, phone.SCHEMA)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"contact_id,product_id\nW1,x\n", "required column(s) missing: submitted_at, completed"),
        (b"PK\x03\x04\x00\x00binary", "not a CSV, Parquet or Excel file"),
        (b"PAR1 broken parquet", "not a readable Parquet file"),
        (b"contact_id submitted_at\nW1 x\n", "only one column found"),
        (b"", "not a readable CSV file"),
    ],
)
def test_unreadable_file_fails_with_a_clear_message(tmp_path, content, problem):
    path = tmp_path / "web.csv"
    path.write_bytes(content)
    with pytest.raises(FileError) as info:
        read(path, web.SCHEMA)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_missing_mapped_header_names_the_header(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_text('source = "phone"\n[columns]\nstarted_at = "Begintijd"\n')
    mapping = read_mapping(path, phone.SCHEMA)
    with pytest.raises(FileError, match=r"started_at \(header 'Begintijd'\)"):
        read(FIXTURES / "phone_acd.csv", phone.SCHEMA, mapping)


def test_parquet_typed_columns_become_canonical_text(tmp_path):
    path = tmp_path / "web.parquet"
    pl.DataFrame(
        {
            "contact_id": ["W1"],
            "submitted_at": [datetime(2024, 3, 31, 23, 30)],
            "product_id": ["x"],
            "completed": [True],
        }
    ).with_columns(pl.col("submitted_at").dt.replace_time_zone("UTC")).write_parquet(path)
    raw = read(path, web.SCHEMA)
    assert raw.format == "parquet"
    assert raw.frame.row(0, named=True) == {
        "_line": 1,
        "contact_id": "W1",
        "submitted_at": "2024-03-31T23:30:00+00:00",
        "product_id": "x",
        "completed": "true",
    }


@pytest.mark.parametrize(
    ("fmt", "date"),
    [("%d-%m-%Y %H:%M", "%d-%m-%Y"), ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"), ("%d/%m/%Y", "%d/%m/%Y")],
)
def test_date_part_of_a_format(fmt, date):
    assert date_part(fmt) == date


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        ('source = "phone"\n\n[dialect]\ndelimiter = ";"\ndecimal = ";"\n', 5),
        ('source = "phone"\n[columns]\ncontact_id = "ID"\nbeller = "Beller"\n', 4),
        ('source = "phone"\n[dialect]\nencoding = "klingon"\n', 3),
        ('source = "phone"\n\n[dialekt]\ndelimiter = ";"\n', 3),
        ('# a comment\nsource = "web"\n', 2),
        ('source = "phone"\n[dialect\n', 2),  # TOML's own message names it
    ],
)
def test_a_broken_mapping_names_the_line_of_its_mistake(tmp_path, toml, line):
    path = tmp_path / "mapping.toml"
    path.write_text(toml)
    with pytest.raises(FileError) as info:
        read_mapping(path, phone.SCHEMA)
    message = str(info.value)
    assert f"mapping file {path} (line {line}):" in message or f"(at line {line}," in message


def test_the_environment_sets_a_loads_batch_size(monkeypatch):
    """Smaller batches trade time for memory (BENCHMARKS.md): an operator sets them in MB."""
    monkeypatch.delenv(dialect.BATCH_ENV, raising=False)
    assert dialect.batch_bytes() == dialect.BATCH_BYTES == 32 * 2**20
    monkeypatch.setenv(dialect.BATCH_ENV, "16")
    assert dialect.batch_bytes() == 16 * 2**20
    for wrong in ("0", "-1", "16MB", "", "1.5"):
        monkeypatch.setenv(dialect.BATCH_ENV, wrong)
        with pytest.raises(ValueError, match=dialect.BATCH_ENV):
            dialect.batch_bytes()
