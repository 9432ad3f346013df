"""Releases: one row per iteration of a product's digital service (a new or improved form)."""

import polars as pl

from pipelines.schema import Column, SourceSchema

SCHEMA = SourceSchema(
    name="releases",
    table="releases",
    description="Iterations of a product's digital service, e.g. a redesigned form.",
    key=("product_id", "released_on"),
    columns=(
        Column(name="product_id", kind="id", description="Product the release belongs to."),
        Column(name="released_on", kind="date", description="Day the release went live."),
        Column(name="title", kind="text", description="What changed, in a few words."),
    ),
)


def stage(typed: pl.DataFrame) -> pl.DataFrame:
    """Return release rows as stored."""
    return typed.select(SCHEMA.names)
