"""The canonical input schema of every source, declared once as pydantic models.

The loader, the mapping-file check, the README's data contract and its tests all read
`SOURCES`; a source module (web.py, phone.py, ...) declares its own `SCHEMA`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

Kind = Literal[
    "id", "text", "date", "timestamp", "date_or_timestamp", "duration", "bool", "channel"
]
SourceName = Literal["products", "releases", "web", "phone", "desk", "corrections"]
CHANNELS = ("web", "phone", "desk")

# Why a row is quarantined in load_rejects; one code per rule, explained for the audit.
REJECT_REASONS: dict[str, dict[str, str]] = {
    "missing_id": {
        "nl": "Verplichte sleutel (id) ontbreekt",
        "en": "Required key (id) is missing",
    },
    "missing_timestamp": {
        "nl": "Verplichte datum/tijd ontbreekt",
        "en": "Required date or timestamp is missing",
    },
    "missing_value": {
        "nl": "Verplichte waarde ontbreekt",
        "en": "Required value is missing",
    },
    "invalid_date": {
        "nl": "Datum/tijd onleesbaar of onmogelijk (bijv. 31-02-2024)",
        "en": "Date or timestamp unparseable or impossible (e.g. 31-02-2024)",
    },
    "future_timestamp": {
        "nl": "Datum/tijd ligt meer dan een dag in de toekomst",
        "en": "Date or timestamp more than a day in the future",
    },
    "invalid_number": {
        "nl": "Duur is geen getal",
        "en": "Duration is not a number",
    },
    "negative_duration": {
        "nl": "Duur is negatief",
        "en": "Duration is negative",
    },
    "invalid_boolean": {
        "nl": "Ja/nee-waarde onbekend",
        "en": "Boolean value not recognised",
    },
    "unknown_channel": {
        "nl": "Kanaal is niet web, phone of desk",
        "en": "Channel is not web, phone or desk",
    },
    "wrong_field_count": {
        "nl": "Regel heeft meer of minder velden dan de kopregel",
        "en": "Line has more or fewer fields than the header",
    },
    "duplicate_key": {
        "nl": "Zelfde sleutel komt later in hetzelfde bestand met andere inhoud terug; "
        "de laatste regel telt",
        "en": "Same key appears later in the same file with other content; the last line wins",
    },
}


class Column(BaseModel):
    """One canonical column of a source file."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: Kind
    optional: bool = False  # the file may leave the column out altogether
    nullable: bool = False  # a cell may be empty
    description: str


class SourceSchema(BaseModel):
    """The canonical columns of one source and the key that identifies a record."""

    model_config = ConfigDict(frozen=True)

    name: SourceName
    description: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @model_validator(mode="after")
    def _key_is_required(self) -> SourceSchema:
        bad = [k for k in self.key if k not in self.required or self.column(k).nullable]
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
