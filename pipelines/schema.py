"""The canonical input schema of every source, declared once as pydantic models.

The loader, the mapping-file check, the data contract (docs/data-contract.md) and its tests all read
`SOURCES`; a source module (web.py, phone.py, ...) declares its own `SCHEMA`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

Kind = Literal[
    "id",
    "text",
    "date",
    "timestamp",
    "date_or_timestamp",
    "duration",
    "bool",
    "channel",
    "month",
    "count",
]
SourceName = Literal[
    "products",
    "releases",
    "web",
    "phone",
    "desk",
    "corrections",
    "queue-log",
    "volumes",
    "openforms",
    "openklant",
]
CHANNELS = ("web", "phone", "desk")

# Why a row is quarantined in load_rejects: one code per rule (explained in metrics.texts,
# keys reason.<code>, for the audit).
REJECT_REASONS = (
    "missing_id",
    "missing_timestamp",
    "missing_value",
    "invalid_date",
    "future_timestamp",
    "implausible_date",
    "invalid_number",
    "negative_duration",
    "implausible_duration",
    "invalid_boolean",
    "unknown_channel",
    "wrong_field_count",
    "formula_error",
    "duplicate_key",
    "incomplete_call",
    "negative_count",
    "fractional_count",
    "handled_exceeds_offered",
    "invalid_json",
    "not_an_object",
)


class Column(BaseModel):
    """One canonical column of a source file."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: Kind
    optional: bool = False  # the file may leave the column out altogether
    nullable: bool = False  # a cell may be empty
    minutes: bool = False  # a duration in minutes rather than seconds
    description: str


class SourceSchema(BaseModel):
    """The canonical columns of one source and the key that identifies a record."""

    model_config = ConfigDict(frozen=True)

    name: SourceName
    description: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # (a, b): a record whose a exceeds its b is a reject "a_exceeds_b" (when both are given)
    at_most: tuple[tuple[str, str], ...] = ()
    nullable_key: tuple[str, ...] = ()  # key columns that may be empty: null is a value

    @model_validator(mode="after")
    def _key_is_required(self) -> SourceSchema:
        bad = [
            k
            for k in self.key
            if k not in self.nullable_key and (k not in self.required or self.column(k).nullable)
        ]
        if bad:
            raise ValueError(f"key column(s) {bad} of {self.name} must be required and non-empty")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.optional)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)
