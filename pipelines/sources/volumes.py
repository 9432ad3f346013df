"""Volumes: monthly totals per channel (and product, team) for months without a contact log.

A municipality that kept no contact log for some years, or reports only monthly counts, loads
them here. The marts count a channel-month from totals only when no source before `volumes`
in the settings' `sources` order holds contacts for it (mart_source_months); figures that need
single contacts (service level, waits, repeat contacts, first-contact resolution) are not made
from totals: those months say "not available from monthly totals".
"""

import polars as pl

from pipelines.schema import Column, SourceSchema

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
        Column(name="channel", kind="channel", description="web, phone or desk."),
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
