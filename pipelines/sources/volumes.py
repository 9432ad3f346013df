"""Volumes: monthly totals per channel (and product, team) for months without a contact log.

A municipality that kept no contact log for some years, or reports only monthly counts, loads
them here. The marts count a channel-month from totals only when no source before `volumes`
in the settings' `sources` order holds contacts for it (mart_source_months); figures that need
single contacts (service level, waits, repeat contacts, first-contact resolution) are not made
from totals: those months say "not available from monthly totals".
"""

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from pipelines import dialect
from pipelines.dialect import MappingFile, RawFile
from pipelines.schema import Column, SourceSchema
from pipelines.sources.openklant import CHANNELS as KANALEN

SCHEMA = SourceSchema(
    name="volumes",
    table="volumes",
    description="Monthly totals: contacts handled (and offered) per month and channel, "
    "optionally per product and team. A repeated month, channel, product and team: the last "
    "line wins.",
    key=("month", "channel", "product_id", "team"),
    nullable_key=("product_id", "team"),
    at_most=(("handled", "offered"),),
    columns=(
        Column(
            name="month",
            kind="month",
            description="The month counted: `YYYY-MM`, or any date in it. A month after the "
            "current one is a reject (future_timestamp).",
        ),
        Column(
            name="channel",
            kind="channel",
            description="web, phone or desk, or a word for one: the mapping's [channels] "
            '(Telefoon = "phone"), else built in: telefoon, balie, website, internet, '
            "digitaal, webformulier, e-mail (any case). Any other word is unknown_channel.",
        ),
        Column(
            name="product_id",
            kind="text",
            optional=True,
            nullable=True,
            description="Product counted; empty = the totals are not split by product.",
        ),
        Column(
            name="team",
            kind="text",
            optional=True,
            nullable=True,
            description="Team counted; empty = the totals are not split by team.",
        ),
        Column(
            name="handled",
            kind="count",
            description="Contacts handled: web requests completed, calls answered, visits "
            "served. A whole number, 0 or more (else negative_count, fractional_count).",
        ),
        Column(
            name="offered",
            kind="count",
            optional=True,
            nullable=True,
            description="Contacts offered, including abandoned calls and unfinished web "
            "requests; at least handled (else handled_exceeds_offered). Empty = not known "
            "(not taken to equal handled).",
        ),
    ),
)


# words a report may use for a channel (lower case): Open Klant's kanalen and a few more
WORDS = KANALEN | {"website": "web", "internet": "web", "digitaal": "web", "online": "web"}


def read_batches(
    path: Path,
    schema: SourceSchema = SCHEMA,
    mapping: MappingFile | None = None,
    batch_bytes: int | None = dialect.BATCH_BYTES,
) -> Iterator[RawFile]:
    """Read a report as any export, with its words for channels turned into channels."""
    given = {k.strip().lower(): v for k, v in ((mapping and mapping.channels) or {}).items()}
    words = WORDS | given
    for raw in dialect.read_batches(path, schema, mapping, batch_bytes):
        header = next((h for h, name in raw.rename.items() if name == "channel"), None)
        if header is not None:
            word = pl.col(header).str.strip_chars().str.to_lowercase()
            named = word.replace_strict(words, default=None, return_dtype=pl.String)
            frame = raw.frame.with_columns(pl.coalesce(named, pl.col(header)).alias(header))
            raw = dataclasses.replace(raw, frame=frame)
        yield raw


def stage(typed: pl.DataFrame) -> pl.DataFrame:
    """Return volumes rows."""
    return typed.select(
        pl.col("month").alias("period_month"),
        "channel",
        pl.col("product_id").cast(pl.String),
        pl.col("team").cast(pl.String),
        pl.col("handled").cast(pl.Int64),
        pl.col("offered").cast(pl.Int64),
    )
