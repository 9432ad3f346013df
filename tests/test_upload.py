"""Uploads from the browser: the source guessed, the files kept private, preview and load."""

import os
import stat
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipelines import upload
from pipelines.settings import Settings
from pipelines.sources import openforms
from pipelines.upload import Guess, Uploaded
from tests.conftest import FIXTURES, write_csv


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("web_canonical.csv", Guess("web", None, 5)),
        ("desk_dutch.csv", Guess("desk", None, 8)),
        ("phone_acd.csv", Guess("phone", "acd-nl", 9)),  # the preset's headers
        ("products.csv", Guess("products", None, 9)),
        ("releases.csv", Guess("releases", None, 3)),
        ("volumes/maandtotalen.csv", Guess("volumes", "volumes-nl", 6)),
        ("queue_log/queue_log", Guess("queue-log", None, 0)),  # its reader's own check
        ("openklant/page.json", Guess("openklant", None, 0)),  # JSON
    ],
)
def test_the_source_is_guessed_from_the_file(file, expected):
    assert upload.guesses(FIXTURES / file)[0] == expected


def test_open_forms_is_told_by_its_own_headers_in_a_workbook(tmp_path):
    path = tmp_path / "statistieken.xlsx"
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, list(openforms.PRESETS["nl"].values()))
        sheet.write_row(1, 0, ["OF-1", "Paspoort", "Paspoort", "2024-05-01 10:00:00", ""])
    assert upload.guesses(path)[0] == Guess("openforms", None, 5)


def test_a_parquet_file_is_guessed_by_its_column_names(tmp_path):
    path = tmp_path / "web.parquet"
    pl.read_csv(FIXTURES / "web_canonical.csv", infer_schema=False).write_parquet(path)
    assert upload.guesses(path)[0].source == "web"


@pytest.mark.parametrize("content", [b"", b"kolom;andere\n1;2\n", b"\x00\x01binary"])
def test_a_file_of_no_source_gets_no_guess(tmp_path, content):
    path = tmp_path / "iets.csv"
    path.write_bytes(content)
    assert upload.guesses(path) == []


def test_files_are_staged_privately_under_their_own_names_and_removed_after():
    files = [Uploaded("web.csv", b"a"), Uploaded("C:\\exports\\web.csv", b"b")]
    with upload.staged(files) as paths:
        assert [p.name for p in paths] == ["web.csv", "web.csv"]
        assert [p.read_bytes() for p in paths] == [b"a", b"b"]
        folder = paths[0].parents[1]
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert not folder.exists()


def test_the_upload_limit_names_the_files_over_it():
    files = [Uploaded("klein.csv", b"x" * 10), Uploaded("groot.csv", b"x" * (2**20 + 1))]
    assert upload.too_large(files, 1) == ["groot.csv"]


BAD_WEB = """
    contact_id,submitted_at,product_id,completed
    W-1,2024-03-02T10:00:00,paspoort,true
    W-2,2024-03-31 10:00,paspoort,false
    W-3,geen datum,paspoort,true
    W-4,2024-04-01T09:00:00,rijbewijs,misschien
    W-5,2024-04-02T09:00:00,rijbewijs,true
"""


def test_a_preview_reports_as_a_load_would_and_stores_nothing(fixture_store, query, tmp_path):
    runs_before = query("select count(*) from load_runs")
    export = write_csv(tmp_path / "web_upload.csv", BAD_WEB)
    with upload.staged([Uploaded(export.name, export.read_bytes())]) as paths:
        (run,) = upload.preview(fixture_store, paths, "web", None, Settings())
    assert (run.file, run.rows_read, run.rows_loaded, run.rows_rejected) == (
        "web_upload.csv",
        5,
        3,
        2,
    )
    assert run.reasons == {"invalid_boolean": 1, "invalid_date": 1}
    assert run.preview.rejects.select("reason", "line_number", "raw_line").rows() == [
        ("invalid_boolean", 5, "W-4,2024-04-01T09:00:00,rijbewijs,misschien"),
        ("invalid_date", 4, "W-3,geen datum,paspoort,true"),
    ]
    # the fixture store's web contacts are from the web source: it counts its months
    assert run.preview.covers.rows() == [
        (date(2024, 3, 1), "web", 2, "web"),
        (date(2024, 4, 1), "web", 1, "web"),
    ]
    assert query("select count(*) from load_runs") == runs_before  # nothing stored


def test_a_preview_names_the_source_that_counts_by_the_settings_order(fixture_store, tmp_path):
    """Monthly totals for a month the web log holds: the log counts, not the totals."""
    export = write_csv(
        tmp_path / "totalen.csv",
        """
        month,channel,handled,offered
        2024-03-01,web,100,120
        2024-05-01,web,100,120
        """,
    )
    (run,) = upload.preview(fixture_store, [export], "volumes", None, Settings())
    assert run.preview.covers.rows() == [
        (date(2024, 3, 1), "web", 1, "web"),
        (date(2024, 5, 1), "web", 1, "volumes"),
    ]


def test_a_file_that_is_not_what_it_claims_fails_with_the_loaders_message(fixture_store, query):
    runs_before = query("select count(*) from load_runs")
    file = FIXTURES / "desk_dutch.csv"
    (run,) = upload.preview(fixture_store, [file], "web", None, Settings())
    assert run.status == "failed" and "required column(s) missing" in run.message
    assert run.preview.rejects.is_empty()
    assert query("select count(*) from load_runs") == runs_before


def test_a_load_names_each_file_by_its_original_name_and_reports_progress(
    fixture_store, query, tmp_path
):
    export = write_csv(tmp_path / "web_upload.csv", BAD_WEB)
    seen = []
    with upload.staged([Uploaded("Webexport mei.csv", export.read_bytes())]) as paths:
        (run,) = upload.load_files(
            fixture_store, paths, "web", None, Settings(), progress=lambda *a: seen.append(a)
        )
    assert seen == [(0, 1, "Webexport mei.csv"), (1, 1, None)]
    assert run.preview is None
    assert query("select file, rows_loaded from load_runs where run_id = ?", [run.run_id]) == [
        ("Webexport mei.csv", 3)
    ]


def test_a_mapping_file_reads_the_upload(db):
    mapping = Path(FIXTURES / "phone_mapping.toml")
    (run,) = upload.preview(db, [FIXTURES / "phone_acd.csv"], "phone", mapping, Settings())
    assert run.status == "ok" and run.rows_loaded > 0
