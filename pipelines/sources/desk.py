"""Desk: one row per visit to the service desk (face)."""

import polars as pl

from pipelines.schema import Column, SourceSchema
from pipelines.store import contacts_frame

SCHEMA = SourceSchema(
    name="desk",
    table="contacts",
    description="Visits to the service desk, from the queue or appointment system.",
    key=("contact_id",),
    columns=(
        Column(name="contact_id", kind="id", description="Identifier of the visit."),
        Column(name="arrived_at", kind="timestamp", description="When the visitor checked in."),
        Column(name="product_id", kind="text", nullable=True, description="Product served."),
        Column(name="team", kind="text", description="Team that served the visitor."),
        Column(name="wait_seconds", kind="duration", description="Seconds until called."),
        Column(name="service_seconds", kind="duration", description="Seconds at the desk."),
        Column(
            name="by_appointment",
            kind="bool",
            optional=True,
            nullable=True,
            description="true = the visit was booked in advance.",
        ),
        Column(
            name="citizen_ref",
            kind="text",
            optional=True,
            nullable=True,
            description="Visitor's BSN; pseudonymised on load.",
        ),
    ),
)


def stage(typed: pl.DataFrame) -> pl.DataFrame:
    """Return contacts rows: every desk visit is handled."""
    return typed.select(
        contacts_frame(
            "desk",
            contact_id="contact_id",
            occurred_at="arrived_at",
            product_id="product_id",
            team="team",
            wait_seconds="wait_seconds",
            handle_seconds="service_seconds",
            is_handled=pl.lit(True),
            is_by_appointment="by_appointment",
            citizen_key="citizen_key",
        )
    )
