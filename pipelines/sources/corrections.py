"""Corrections: one row per mistake corrected by hand (the error-correction log)."""

import polars as pl

from pipelines.schema import Column, SourceSchema

SCHEMA = SourceSchema(
    name="corrections",
    table="corrections",
    description="The error-correction log: mistakes in requests that staff corrected by hand.",
    key=("correction_id",),
    columns=(
        Column(name="correction_id", kind="id", description="Identifier of the correction."),
        Column(
            name="detected_at",
            kind="date_or_timestamp",
            description="When the mistake was found (a date means midnight, local time).",
        ),
        Column(
            name="product_id",
            kind="text",
            nullable=True,
            description="Product of the request that held the mistake.",
        ),
        Column(
            name="origin_channel",
            kind="channel",
            description="Channel the faulty request came in by: web, phone or desk.",
        ),
        Column(
            name="contact_id",
            kind="text",
            optional=True,
            nullable=True,
            description="The contact that caused the correction, when known.",
        ),
        Column(
            name="minutes_spent",
            kind="duration",
            minutes=True,
            description="Staff minutes spent correcting (decimals allowed).",
        ),
        Column(name="error_type", kind="text", description="Kind of mistake."),
    ),
)


def stage(typed: pl.DataFrame) -> pl.DataFrame:
    """Return correction rows as stored."""
    return typed.select(SCHEMA.names)
