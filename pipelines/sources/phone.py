"""Phone: one row per call from the telephony (ACD) export (call)."""

import polars as pl

from pipelines.schema import Column, SourceSchema
from pipelines.store import contacts_frame

SCHEMA = SourceSchema(
    name="phone",
    table="contacts",
    description="Calls offered to the contact centre, answered or abandoned.",
    key=("contact_id",),
    columns=(
        Column(name="contact_id", kind="id", description="Identifier of the call."),
        Column(name="started_at", kind="timestamp", description="When the call came in."),
        Column(
            name="product_id",
            kind="text",
            optional=True,
            nullable=True,
            description="Product the call was about; empty = the call was not tagged.",
        ),
        Column(name="team", kind="text", description="Team that took (or queued) the call."),
        Column(name="wait_seconds", kind="duration", description="Seconds in the queue."),
        Column(name="talk_seconds", kind="duration", description="Seconds of conversation."),
        Column(
            name="abandoned",
            kind="bool",
            description="true = the caller hung up before being answered.",
        ),
        Column(
            name="resolved_first_contact",
            kind="bool",
            optional=True,
            nullable=True,
            description="true = the question was resolved in this call.",
        ),
        Column(
            name="citizen_ref",
            kind="text",
            optional=True,
            nullable=True,
            description="Caller's BSN or phone number; pseudonymised on load.",
        ),
    ),
)


def stage(typed: pl.DataFrame) -> pl.DataFrame:
    """Return contacts rows: a call is handled when it was not abandoned."""
    return typed.select(
        contacts_frame(
            "phone",
            contact_id="contact_id",
            occurred_at="started_at",
            product_id="product_id",
            team="team",
            wait_seconds="wait_seconds",
            handle_seconds="talk_seconds",
            is_handled=pl.col("abandoned").not_(),
            is_abandoned="abandoned",
            is_resolved_first_contact="resolved_first_contact",
            citizen_key="citizen_key",
        )
    )
