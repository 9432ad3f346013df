"""Open Forms: one web request per row of the admin's "form submission statistics" export (click).

The admin's export (open-formulieren/open-forms, src/openforms/forms/statistics.py and
forms/admin/views.py) is one .xlsx workbook, the only format it offers: one sheet, titled
"Aangemaakte registraties van {start} tot en met {end}" (or "Afgeronde inzendingen ...")
cut to Excel's 31 characters, a bold header row, then one row per submission, every cell
text. The five columns are named in the admin user's language (Dutch or English: PRESETS),
so the standard export needs no mapping file. "Ingezonden op" is ISO 8601 in UTC
(`2024-12-20T15:44:00Z`, `...T15:44:00.123Z`, `...T15:44:00.123456+00:00`); it is stored as
local Europe/Amsterdam time, as every stored time is. The export names no resident: these
requests have no citizen_key, so they count in no repeat contact.

Reading is the Excel (or CSV) reader's with the preset's header names; this module then
makes the times UTC and refuses the rows of pruned submissions (reference `-unknown-`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import polars as pl

from pipelines import dialect
from pipelines.dialect import OPENFORMS, FileError, MappingFile, RawFile
from pipelines.schema import Column, SourceSchema
from pipelines.store import contacts_frame

# The export's headers (statistics.py's gettext ids, and the nl translation in
# src/openforms/conf/locale/nl/LC_MESSAGES/django.po), by canonical column
PRESETS = {
    "nl": {
        "contact_id": "Publieke referentie",
        "form_name_public": "Formuliernaam (publiek)",
        "form_name": "Formuliernaam (intern)",
        "submitted_at": "Ingezonden op",
        "registered_at": "Geregistreerd op",
    },
    "en": {
        "contact_id": "Public reference",
        "form_name_public": "Form name (public)",
        "form_name": "Form name (internal)",
        "submitted_at": "Submitted on",
        "registered_at": "Registered on",
    },
}
# What the export writes for the reference of a submission pruned before it was logged
PRUNED = "-unknown-"
CHANNEL = "web"  # its submissions are web requests (stored with source openforms)
# The only times read: ISO 8601 with an offset (Z is UTC); one without gets UTC's (below)
UTC_TIMESTAMPS = (
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%d %H:%M%#z",
)
_WITHOUT_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
# How tablib makes a sheet title (src/tablib/formats/_xlsx.py, safe_xlsx_sheet_title)
_NOT_IN_TITLES = re.compile(r"[\\*?:/\[\]]")
TITLE_LENGTH = 31

SCHEMA = SourceSchema(
    name=OPENFORMS,
    table="contacts",
    description="Submissions in the export of Open Forms' admin page \"form submission "
    'statistics" (inzendingstatistieken), one .xlsx sheet of text cells with the headers of '
    "the admin user's language, Dutch or English (no mapping file needed); stored as "
    "completed web requests without resident. A mapping file's [products] names each form's "
    "product. A row whose reference is -unknown- (a pruned submission) is a missing_id reject.",
    key=("contact_id",),
    columns=(
        Column(
            name="contact_id",
            kind="id",
            description="Publieke referentie (Public reference): the submission's reference.",
        ),
        Column(
            name="submitted_at",
            kind="timestamp",
            description="Ingezonden op (Submitted on): ISO 8601 in UTC (Z or +00:00; one without "
            "offset is taken as UTC), stored as local time. Any other form is invalid_date.",
        ),
        Column(
            name="form_name",
            kind="text",
            optional=True,
            nullable=True,
            description="Formuliernaam (intern) (Form name (internal)): gives the product, by "
            "the mapping's [products], else by a product's name_nl or name_en (any case); "
            "none found: no product. Empty (Open Forms does not require it): the public name.",
        ),
        Column(
            name="form_name_public",
            kind="text",
            optional=True,
            nullable=True,
            description="Formuliernaam (publiek) (Form name (public)): the product's name when "
            "the internal name is empty.",
        ),
        Column(
            name="registered_at",
            kind="text",
            optional=True,
            nullable=True,
            description="Geregistreerd op (Registered on): read, not stored; may be empty.",
        ),
    ),
)


def read_batches(
    path: Path,
    schema: SourceSchema = SCHEMA,
    mapping: MappingFile | None = None,
    batch_bytes: int | None = dialect.BATCH_BYTES,
) -> Iterator[RawFile]:
    """Read an export (the admin's .xlsx, or a CSV saved from it) into strings.

    Without [columns] in the mapping, the headers are the export's own, Dutch or English;
    a sheet named by its whole title is found by the title Excel kept (31 characters).
    Header problems raise FileError before the first batch.
    """
    mapping = mapping or MappingFile(source=OPENFORMS)
    if isinstance(mapping.dialect.sheet, str):
        dialect_ = mapping.dialect.model_copy(update={"sheet": sheet_title(mapping.dialect.sheet)})
        mapping = mapping.model_copy(update={"dialect": dialect_})
    if mapping.columns:
        batches = dialect.read_batches(path, schema, mapping, batch_bytes)
    else:
        batches = _preset_batches(path, schema, mapping, batch_bytes)
    return (_utc(raw) for raw in batches)


def sheet_title(title: str) -> str:
    """Return the title Excel keeps of a sheet title, as the export writes it (31 characters)."""
    return _NOT_IN_TITLES.sub("-", title)[:TITLE_LENGTH]


def _preset_batches(
    path: Path, schema: SourceSchema, mapping: MappingFile, batch_bytes: int | None
) -> Iterable[RawFile]:
    """Read with the Dutch headers, else the English; neither: the Dutch attempt's problem."""
    problems = []
    for columns in PRESETS.values():
        preset = mapping.model_copy(update={"columns": columns})
        try:
            return dialect.read_batches(path, schema, preset, batch_bytes)
        except FileError as exc:
            problems.append(exc)
            if "required column(s) missing" not in exc.problem and "not in the file" not in (
                exc.problem
            ):
                raise  # not a question of the headers' language
    found = re.search(r"the file has: .*", problems[0].problem)
    expected = ", ".join(PRESETS["nl"].values())
    raise FileError(
        path,
        f"not Open Forms' submission statistics export: its header is not {expected} (or "
        "the same in English)" + (f"; {found.group()}" if found else "") + "; a mapping "
        "file's [columns] can name other headers",
    )


def _utc(raw: RawFile) -> RawFile:
    """Give every submission time UTC's offset unless it has one, and refuse pruned rows.

    The export's times are UTC: one written without offset (a CSV re-saved, a cell retyped as
    a date) is UTC too, so it is read as text with the offset, never as local time.
    """
    header = {name: h for h, name in raw.rename.items()}
    frame, cells = raw.frame, raw.cells
    when = header["submitted_at"]
    text = pl.col(when).str.strip_chars()
    frame = frame.with_columns(
        pl.when(text.str.contains(_WITHOUT_OFFSET))
        .then(text + "+00:00")
        .otherwise(pl.col(when))
        .alias(when)
    )
    if cells is not None and when in cells.columns:
        kind = pl.col(when)
        cells = cells.with_columns(
            pl.when(kind == "value").then(pl.lit("text")).otherwise(kind).alias(when)
        )
    pruned = frame.filter(pl.col(header["contact_id"]).str.strip_chars() == PRUNED)
    refused = pruned.select("_line", pl.lit("missing_id").alias("reason"))
    if raw.refused is not None:
        refused = pl.concat([raw.refused, refused])
    return dataclasses.replace(
        raw,
        frame=frame,
        cells=cells,
        refused=refused,
        dialect=raw.dialect.model_copy(update={"timestamp_formats": UTC_TIMESTAMPS}),
    )


def stage_context(con: duckdb.DuckDBPyConnection, mapping: MappingFile | None) -> dict:
    """Return stage()'s products: form name (lower case) -> product_id, read once per file.

    The mapping's [products] come first; then the catalogue's names, Dutch and English. A
    name that two products share gives neither.
    """
    names = pl.DataFrame(
        con.sql(
            "select lower(trim(name_nl)) as name, product_id from products "
            "where name_nl is not null union all "
            "select lower(trim(name_en)), product_id from products where name_en is not null"
        )
    )
    catalogue = (
        names.unique().filter(pl.col("name").is_unique()).select("name", "product_id").iter_rows()
    )
    given = (
        (k.strip().lower(), v.strip()) for k, v in ((mapping and mapping.products) or {}).items()
    )
    return {"products": dict(catalogue) | dict(given)}


def stage(typed: pl.DataFrame, products: dict[str, str] | None = None) -> pl.DataFrame:
    """Return contacts rows: every submission is a completed, handled web request."""
    name = pl.coalesce(pl.col("form_name"), pl.col("form_name_public"))
    product = (
        name.str.strip_chars()
        .str.to_lowercase()
        .replace_strict(products or {}, default=None, return_dtype=pl.String)
    )
    return typed.select(
        contacts_frame(
            CHANNEL,
            contact_id="contact_id",
            occurred_at="submitted_at",
            product_id=product,
            is_handled=pl.lit(True),
            is_completed=pl.lit(True),
        )
    )
