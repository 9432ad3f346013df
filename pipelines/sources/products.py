"""Products: one row per product in the municipality's catalogue (UPL names and URIs)."""

import polars as pl

from pipelines.schema import Column, SourceSchema

SCHEMA = SourceSchema(
    name="products",
    table="products",
    description="The product catalogue: what residents can request or report.",
    key=("product_id",),
    columns=(
        Column(name="product_id", kind="id", description="The municipality's product code."),
        Column(name="name_nl", kind="text", description="Product name in Dutch."),
        Column(
            name="name_en",
            kind="text",
            optional=True,
            nullable=True,
            description="Product name in English.",
        ),
        Column(name="category", kind="text", description="Product group, e.g. Burgerzaken."),
        Column(
            name="owner_team",
            kind="text",
            optional=True,
            nullable=True,
            description="Team that owns the product.",
        ),
        Column(
            name="upl_uri",
            kind="text",
            optional=True,
            nullable=True,
            description="URI in the national product list (UPL).",
        ),
        Column(
            name="digital_since",
            kind="date",
            optional=True,
            nullable=True,
            description="First day the product can be requested fully online; empty = not digital.",
        ),
        Column(
            name="introduced_on",
            kind="date",
            optional=True,
            nullable=True,
            description="First day the product exists; empty = always existed.",
        ),
        Column(
            name="retired_on",
            kind="date",
            optional=True,
            nullable=True,
            description="First day the product no longer exists; empty = still offered.",
        ),
    ),
)


def stage(typed: pl.DataFrame) -> pl.DataFrame:
    """Return catalogue rows as stored."""
    return typed.select(SCHEMA.names)
