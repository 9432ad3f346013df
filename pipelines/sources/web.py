"""Web: one row per online request started on the website (click)."""

import polars as pl

from pipelines.schema import Column, SourceSchema
from pipelines.store import contacts_frame

SCHEMA = SourceSchema(
    name="web",
    table="contacts",
    description="Online requests from the website or e-services platform.",
    key=("contact_id",),
    columns=(
        Column(name="contact_id", kind="id", description="Identifier of the request."),
        Column(
            name="submitted_at",
            kind="timestamp",
            description="When the request was submitted or abandoned.",
        ),
        Column(name="product_id", kind="text", nullable=True, description="Product requested."),
        Column(
            name="completed",
            kind="bool",
            description="true = the request was submitted, false = abandoned.",
        ),
        Column(
            name="citizen_ref",
            kind="text",
            optional=True,
            nullable=True,
            description="BSN, e-mail or phone number; pseudonymised on load.",
        ),
    ),
)


def stage(typed: pl.DataFrame) -> pl.DataFrame:
    """Return contacts rows: a web request is handled when it was completed."""
    return typed.select(
        contacts_frame(
            "web",
            contact_id="contact_id",
            occurred_at="submitted_at",
            product_id="product_id",
            is_handled="completed",
            is_completed="completed",
            citizen_key="citizen_key",
        )
    )
