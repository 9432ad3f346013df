"""Reading exports: canonical CSV, the Dutch dialect, mapping files, Parquet, bad files."""

from datetime import datetime

import polars as pl
import pytest

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
    assert raw.frame["Wachtrij"][0] == "Publiekszaken – algemeen"


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
