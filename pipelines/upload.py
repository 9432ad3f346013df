"""Exports uploaded in the browser: kept in a private folder, their source guessed, previewed
with a dry run and loaded, both through pipelines.load as on the command line.

The page "Gegevens laden" (app_pages/load.py) only lays out what these functions return;
docs/loading.md#from-the-browser says how the guess is made and what the limits are.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import tempfile
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from pipelines import dialect, excel, load
from pipelines.dialect import FileError, MappingFile
from pipelines.schema import SourceSchema
from pipelines.settings import Settings
from pipelines.sources import openforms, queue_log

MEGABYTE = 2**20
HEAD_BYTES = 65_536  # of a file's start: enough for a header line or a first JSON record
# Sources told by their content rather than by a header: their own readers' checks decide.
BY_CONTENT = (dialect.QUEUE_LOG, dialect.OPENKLANT)


@dataclass(frozen=True)
class Uploaded:
    """A file as the browser gave it: its original name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Guess:
    """A source a file reads as, with the preset that reads it (None: the canonical headers)
    and how many of its headers name the source's columns."""

    source: str
    preset: str | None
    columns: int


def too_large(files: Sequence[Uploaded], max_megabytes: int) -> list[str]:
    """Return the names of the files larger than the settings' upload limit."""
    return [f.name for f in files if len(f.data) > max_megabytes * MEGABYTE]


def file_name(name: str) -> str:
    """The uploaded file's own name without any folder a browser may send ("upload" if none)."""
    return Path(name.replace("\\", "/").replace("\0", "")).name.strip() or "upload"


@contextlib.contextmanager
def staged(files: Sequence[Uploaded]) -> Iterator[list[Path]]:
    """Write the files into a folder only this account can read; remove it all afterwards.

    Each file keeps its original name (load_runs.file names it), in a folder of its own so
    that two files of the same name stay apart.
    """
    with tempfile.TemporaryDirectory(prefix="channelshift-upload-") as folder:  # mode 0700
        paths = []
        for number, found in enumerate(files):
            path = Path(folder) / str(number) / file_name(found.name)
            path.parent.mkdir(mode=0o700)
            path.write_bytes(found.data)
            paths.append(path)
        yield paths


# --- Which source a file is -------------------------------------------------------------------


def guesses(path: Path) -> list[Guess]:
    """Return the sources a file reads as, best first; empty when none fits.

    JSON is Open Klant's; a file whose first lines are Asterisk events is a queue log (its
    reader's own check). Any other file's header (CSV, Excel's first sheet, Parquet) is put to
    every source without a mapping and with each preset, as the loader would read it: each
    whose required columns are all there fits, the one that names most of its columns first.
    """
    try:
        head = path.open("rb").read(HEAD_BYTES)
    except OSError:
        return []
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if text[:1] in (b"{", b"["):
        return [Guess(dialect.OPENKLANT, None, 0)]
    if text and b"\0" not in head:
        try:
            queue_log.read_batches(path)  # raises before reading when it is no queue log
            return [Guess(dialect.QUEUE_LOG, None, 0)]
        except FileError:
            pass
    found = []
    for headers in _header_rows(path, head):
        for source, preset, mapping in _candidates():
            try:
                columns = dialect._renames(path, headers, load.SOURCES[source].SCHEMA, mapping)
            except FileError:
                continue
            found.append(Guess(source, preset, len(columns)))
        if found:
            break
    order = list(load.SOURCES)
    found.sort(key=lambda g: (-g.columns, order.index(g.source), g.preset is not None))
    return list({(g.source, g.preset): g for g in found}.values())


def _candidates() -> Iterator[tuple[str, str | None, MappingFile | None]]:
    """Every source by its canonical headers, Open Forms by its own, then each preset."""
    for source in load.SOURCES:
        if source not in BY_CONTENT and source != dialect.OPENFORMS:
            yield source, None, None
    for columns in openforms.PRESETS.values():
        yield dialect.OPENFORMS, None, MappingFile(source=dialect.OPENFORMS, columns=columns)
    for name, path in dialect.presets().items():
        try:
            mapping = dialect.read_mapping(path, _schema_of_preset(path))
        except (FileError, KeyError):
            continue
        if mapping.source not in BY_CONTENT and mapping.columns:
            yield mapping.source, name, mapping


def _schema_of_preset(path: Path) -> SourceSchema:
    return load.SOURCES[_source_of(path)].SCHEMA


def _source_of(path: Path) -> str | None:
    return tomllib.loads(path.read_text("utf-8")).get("source")


def presets_of(source: str) -> list[str]:
    """Return the names of the presets that read a source's exports."""
    return [name for name, path in dialect.presets().items() if _source_of(path) == source]


def _header_rows(path: Path, head: bytes) -> list[list[str]]:
    """The rows that may be a file's header: a CSV's first line, the first non-blank rows of
    a workbook's first sheet, a Parquet file's column names."""
    if excel.is_workbook(head[:8]):
        try:
            reader = fastexcel.read_excel(excel._workbook(path))
            sheet = reader.load_sheet(
                0, header_row=None, n_rows=excel.HEADER_SEARCH * 2, dtypes="string"
            )
        except (FileError, fastexcel.FastExcelError, IndexError):
            return []
        rows = [
            [str(v).strip() for v in row if v and str(v).strip()]
            for row in sheet.to_polars().rows()
        ]
        return [row for row in rows if row][: excel.HEADER_SEARCH]
    if head[:4] == b"PAR1":
        try:
            return [list(pl.read_parquet_schema(path))]
        except Exception:  # any damage: the loader says what it is
            return []
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        decoded = head.decode("utf-16", "replace")
    else:
        line = head.splitlines()[0] if head else b""
        decoded = (
            line.decode("utf-8-sig", "strict") if _utf8(line) else line.decode("cp1252", "replace")
        )
    first = decoded.splitlines()[0] if decoded else ""
    delimiter = dialect._detect(first.encode()).delimiter
    return [[h.strip() for h in next(csv.reader(io.StringIO(first), delimiter=delimiter), [])]]


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


# --- Preview and load -------------------------------------------------------------------------


def deliveries(paths: Sequence[Path], source: str, mapping: Path | None) -> list[load.Delivery]:
    """One delivery per staged file, named in load_runs by the file's original name (and its
    mapping file by its own: an uploaded one's temporary folder means nothing later)."""
    mapping_label = mapping.name if mapping else None
    return [
        load.Delivery(source, (path,), mapping, label=path.name, mapping_label=mapping_label)
        for path in paths
    ]


def preview(
    db: Path, paths: Sequence[Path], source: str, mapping: Path | None, settings: Settings
) -> list[load.Run]:
    """Run the load on a copy that is thrown away: the runs, each with its Preview."""
    return load.load_deliveries(
        db, deliveries(paths, source, mapping), settings=settings, dry_run=True
    )


def load_files(
    db: Path,
    paths: Sequence[Path],
    source: str,
    mapping: Path | None,
    settings: Settings,
    progress: load.Progress | None = None,
) -> list[load.Run]:
    """Load the files as `channelshift load` does, and publish the new store at once."""
    return load.load_deliveries(
        db, deliveries(paths, source, mapping), settings=settings, progress=progress
    )
