"""Synthetic raw exports of any size, for benchmarks: `channelshift generate`.

Writes the files the pipeline reads, in the same layouts as the demo municipality
(demo/municipality.py): web as canonical CSV (UTF-8 with BOM, times in UTC), phone as the ACD
export in the Dutch dialect (cp1252, ';', decimal comma, ja/nee) with its mapping file, desk
in the Dutch spreadsheet dialect, corrections as Parquet, and the product catalogue and
releases as canonical CSV.

Row counts: `rows` is the number of contacts. By default they are split over web, phone
and desk in the demo's proportions over the whole period (the demo's expected contacts per
channel, month and product, so volumes follow its seasons, trends and products);
`phone_only` gives the phone file all of them (the ingest benchmark). The corrections log
comes on top (about 1% of the contacts), as do the ~300 products and ~15 releases.

Residents: each makes CONTACTS_PER_RESIDENT contacts on average, a few of them many more.
`distinct_refs` gives every contact a resident of its own instead (the worst case for
pseudonymisation: no reference repeats, in a file or across the channels); the other
columns are the same bytes as without it.

Memory does not depend on `rows`: contacts are made in chunks of whole months, about
`chunk_rows` rows each, and appended to the files. Rows are sorted by time within a chunk
and chunks follow the months, so a file is in time order as real exports are; only a month
of more than `chunk_rows` rows (from about 40 million contacts on) is cut into several
chunks and is then in order per chunk. Every chunk draws from its own generator seeded with
(seed, channel, chunk), so the bytes depend only on (rows, seed, phone_only, distinct_refs,
chunk_rows).
The data contain no glitches: every row loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from demo import municipality as demo
from pipelines.load import Delivery

UNTIL = date(2025, 12, 31)  # fixed, so that a seed gives the same bytes on any day
CHUNK_ROWS = 200_000
CONTACTS_PER_RESIDENT = 20  # over the whole period; sets how many distinct citizen_refs
MIN_RESIDENTS = 1_000
ID_WIDTH = 10
# Assumptions for synthetic data, in the spirit of the demo's constants.
UNTAGGED_PHONE = 0.15
WEB_ERROR_RATE, ASSISTED_ERROR_RATE = 0.025, 0.01  # corrections per handled contact
KNOWN_CONTACT = 0.7  # corrections that name the contact


@dataclass(frozen=True)
class Model:
    """What every chunk draws from: the demo's calendar, catalogue and expected volumes."""

    calendar: demo.Calendar
    products: pl.DataFrame
    expected: np.ndarray  # channel x month x product, the demo's expected contacts
    residents: int

    @property
    def shares(self) -> np.ndarray:
        """Return each channel's share of all contacts over the period (web, phone, desk)."""
        per_channel = self.expected.sum(axis=(1, 2))
        return per_channel / per_channel.sum()


def model(rows: int, seed: int) -> Model:
    """Return the model for `rows` contacts: the demo's catalogue and volumes up to UNTIL."""
    calendar = demo.build_calendar(UNTIL)
    products = demo.build_products(np.random.default_rng([seed, 0]), UNTIL)
    expected = demo.expected_contacts(calendar, products)
    residents = max(MIN_RESIDENTS, rows // CONTACTS_PER_RESIDENT)
    return Model(calendar, products, expected, residents)


def split(rows: int, shares: np.ndarray, phone_only: bool = False) -> tuple[int, int, int]:
    """Return the rows of web, phone and desk: the shares rounded, the rest to the phone."""
    if phone_only:
        return 0, rows, 0
    web, desk = (round(rows * shares[c]) for c in (demo.WEB, demo.DESK))
    return web, rows - web - desk, desk


def write_exports(
    out_dir: Path,
    rows: int,
    *,
    seed: int = 1,
    phone_only: bool = False,
    distinct_refs: bool = False,
    chunk_rows: int = CHUNK_ROWS,
) -> list[Delivery]:
    """Write synthetic exports of `rows` contacts into out_dir; deterministic for a seed."""
    if rows < 0:
        raise ValueError(f"rows must be 0 or more, got {rows}")
    out_dir.mkdir(parents=True, exist_ok=True)
    m = model(rows, seed)
    counts = split(rows, m.shares, phone_only)
    deliveries = [
        demo.write_products(out_dir, m.products),
        demo.write_releases(out_dir, m.products, UNTIL),
    ]
    corrections = _CorrectionsWriter(out_dir / "corrections.parquet")
    for channel, count in enumerate(counts):
        if phone_only and channel != demo.PHONE:
            continue
        chunks = (
            _month_chunk(m, seed, channel, months, chunk, first, distinct_refs)
            for chunk, (months, first) in enumerate(_plan(m, seed, channel, count, chunk_rows))
        )
        deliveries.append(_write_channel(out_dir, channel, chunks, corrections, seed))
    corrections.close()
    deliveries.append(Delivery("corrections", (corrections.path,)))
    return deliveries


def write_day(out_dir: Path, day: date, rows: int, *, seed: int = 1) -> list[Delivery]:
    """Write one day's exports (web, phone and desk, about `rows` contacts) after UNTIL.

    Contact ids carry the day, so days load beside the exports of write_exports.
    """
    if day <= UNTIL:
        raise ValueError(f"day must be after {UNTIL}, got {day}")
    out_dir.mkdir(parents=True, exist_ok=True)
    m = model(rows, seed)
    deliveries = []
    for channel, count in enumerate(split(rows, m.shares)):
        rng = np.random.default_rng([seed, channel, day.toordinal()])
        last_month = m.expected[channel, -1]
        product = rng.choice(len(last_month), count, p=last_month / last_month.sum())
        days = np.full(count, np.datetime64(day, "D"))
        chunk = _contacts(m, rng, channel, days, product, f"{day:%Y%m%d}-", 1)
        name = f"{demo.CHANNELS[channel]}_{day:%Y%m%d}"
        deliveries.append(_write_channel(out_dir, channel, iter([chunk]), None, seed, name))
    return deliveries


# --- Contacts -------------------------------------------------------------------------------


def _plan(
    m: Model, seed: int, channel: int, count: int, chunk_rows: int
) -> Iterator[tuple[np.ndarray, int]]:
    """Yield (month of each row, number of its first row) per chunk, months in order.

    A chunk holds whole months, at least chunk_rows rows unless it is the last one; only a
    month of more than chunk_rows rows is cut, into chunks of its own.
    """
    per_month = m.expected[channel].sum(axis=1)
    if count == 0 or per_month.sum() == 0:
        return
    rng = np.random.default_rng([seed, channel, 10**6])
    in_month = rng.multinomial(count, per_month / per_month.sum())
    pending: list[np.ndarray] = []
    size, first = 0, 1
    for month, n in enumerate(in_month.tolist()):
        if n > chunk_rows:
            if size:
                yield np.concatenate(pending), first
                first, pending, size = first + size, [], 0
            for cut in range(0, n, chunk_rows):
                piece = min(chunk_rows, n - cut)
                yield np.full(piece, month, dtype=np.int64), first
                first += piece
            continue
        pending.append(np.full(n, month, dtype=np.int64))
        size += n
        if size >= chunk_rows:
            yield np.concatenate(pending), first
            first, pending, size = first + size, [], 0
    if size:
        yield np.concatenate(pending), first


def _month_chunk(
    m: Model,
    seed: int,
    channel: int,
    months: np.ndarray,
    chunk: int,
    first: int,
    distinct_refs: bool = False,
) -> pl.DataFrame:
    """Return one chunk of contacts in the given months (their demo products and days)."""
    rng = np.random.default_rng([seed, channel, chunk])
    product = np.empty(len(months), dtype=np.int64)
    for month in np.unique(months):
        mask = months == month
        weights = m.expected[channel, month]
        product[mask] = rng.choice(len(weights), mask.sum(), p=weights / weights.sum())
    day = demo.place_days(rng, m.calendar, np.full(len(months), channel), months)
    return _contacts(m, rng, channel, m.calendar.days[day], product, "", first, distinct_refs)


def _contacts(
    m: Model,
    rng: np.random.Generator,
    channel: int,
    days: np.ndarray,
    product: np.ndarray,
    id_infix: str,
    first: int,
    distinct_refs: bool = False,
) -> pl.DataFrame:
    """Return contacts with time, product, resident and every channel's fields, time-sorted."""
    n = len(days)
    seconds = demo.seconds_of_day(rng, np.full(n, channel))
    at = days.astype("datetime64[s]") + seconds
    order = np.argsort(at, kind="stable")
    # A few residents contact the municipality often: squared uniforms skew the draw.
    resident = (m.residents * rng.random(n) ** 2).astype(np.int64)
    if distinct_refs:
        # drawn all the same, so that every other column keeps its bytes; the contact's own
        # number, interleaved by channel, so that no two contacts of any channel share one
        resident = np.arange(first, first + n, dtype=np.int64) * len(demo.CHANNELS) + channel
    number = pl.int_range(first, first + pl.len(), dtype=pl.Int64).cast(pl.String)
    frame = pl.DataFrame(
        {
            "at": at[order].astype("datetime64[us]"),
            "product_id": m.products["product_id"].gather(product[order]),
            "owner_team": m.products["owner_team"].gather(product[order]),
            "resident": resident,
        }
    ).with_columns(
        contact_id=pl.lit(demo.ID_PREFIX[channel] + id_infix)
        + number.str.zfill(ID_WIDTH - len(id_infix)),
        bsn=(pl.col("resident") + 100_000_000).cast(pl.String),
        phone=pl.lit("06-") + (pl.col("resident") + 10_000_000).cast(pl.String),
        email=pl.format("inwoner{}@example.nl", "resident"),
    )
    return {demo.WEB: _web, demo.PHONE: _phone, demo.DESK: _desk}[channel](rng, frame)


def _half_seconds(rng: np.random.Generator, median: float, sigma: float, n: int) -> pl.Series:
    return pl.Series(demo.half_seconds(median * np.exp(sigma * rng.standard_normal(n))))


def _web(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    n = frame.height
    completed = pl.Series(rng.random(n) < demo.WEB_COMPLETION)
    anonymous = pl.Series(rng.random(n) < 0.4) & ~completed
    digid = pl.Series(rng.random(n) < demo.DIGID_SHARE)
    return frame.with_columns(
        handled=completed,
        completed=completed,
        citizen_ref=pl.when(anonymous)
        .then(None)
        .when(digid)
        .then(pl.col("bsn"))
        .otherwise(pl.col("email")),
    )


def _phone(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    n = frame.height
    wait = demo.half_seconds(
        demo.PHONE_WAIT_MEDIAN * np.exp(demo.PHONE_WAIT_SIGMA * rng.standard_normal(n))
    )
    chance = demo.ABANDON_BASE + demo.ABANDON_MAX * (1 - np.exp(-wait / demo.ABANDON_PATIENCE))
    abandoned = rng.random(n) < chance
    talk = np.where(abandoned, 0.0, _half_seconds(rng, demo.PHONE_TALK_MEDIAN, 0.45, n))
    team = (
        pl.when((pl.col("owner_team") == "Belastingen") & pl.Series(rng.random(n) < 0.8))
        .then(pl.lit("Belastingen"))
        .otherwise(pl.lit("KCC"))
    )
    return frame.with_columns(team=team).with_columns(
        queue=pl.when(pl.col("team") == "Belastingen")
        .then(pl.lit(demo.QUEUES["Belastingen"]))
        .when(pl.col("owner_team") == "Sociaal Domein")
        .then(pl.lit(demo.QUEUES["Sociaal Domein"]))
        .otherwise(pl.lit(demo.DEFAULT_QUEUE)),
        product_code=pl.when(pl.Series(rng.random(n) < UNTAGGED_PHONE))
        .then(None)
        .otherwise(pl.col("product_id")),
        wait_seconds=pl.Series(wait),
        talk_seconds=pl.Series(talk),
        abandoned=pl.Series(abandoned),
        resolved_first_contact=pl.when(pl.Series(abandoned))
        .then(None)
        .otherwise(pl.Series(rng.random(n) < demo.RESOLVED)),
        handled=pl.Series(~abandoned),
        citizen_ref=pl.when(pl.Series(rng.random(n) < demo.HIDDEN_CALLER_SHARE))
        .then(None)
        .otherwise(pl.col("phone")),
    )


def _desk(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    n = frame.height
    by_appointment = rng.random(n) < 0.7
    median = np.where(by_appointment, demo.DESK_WAIT_MEDIAN[True], demo.DESK_WAIT_MEDIAN[False])
    owner = pl.col("owner_team")
    return frame.with_columns(
        team=pl.when(owner.is_in(["Vergunningen", "Sociaal Domein"]))
        .then(owner)
        .otherwise(pl.lit("Burgerzaken")),
        wait_seconds=pl.Series(demo.half_seconds(median * np.exp(0.6 * rng.standard_normal(n)))),
        service_seconds=_half_seconds(rng, demo.DESK_SERVICE_MEDIAN, 0.35, n),
        by_appointment=pl.Series(by_appointment),
        handled=pl.lit(True),
        citizen_ref=pl.when(pl.Series(rng.random(n) < demo.ANONYMOUS_DESK_SHARE))
        .then(None)
        .otherwise(pl.col("bsn")),
    )


# --- Writing --------------------------------------------------------------------------------


def _layout(channel: int) -> list[pl.Expr]:
    """Return the export columns of a channel, as the demo writes them."""
    if channel == demo.WEB:
        return [
            pl.col("contact_id"),
            pl.col("at").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").alias("submitted_at"),
            pl.col("product_id"),
            pl.col("completed"),
            pl.col("citizen_ref"),
        ]
    if channel == demo.PHONE:
        names = demo.PHONE_COLUMNS
        return [
            pl.col("contact_id").alias(names["contact_id"]),
            pl.col("at").dt.strftime("%d-%m-%Y %H:%M").alias(names["started_at"]),
            pl.col("queue").alias("Wachtrij"),
            pl.col("product_code").alias(names["product_id"]),
            pl.col("team").alias(names["team"]),
            demo.dutch_decimal("wait_seconds").alias(names["wait_seconds"]),
            demo.dutch_decimal("talk_seconds").alias(names["talk_seconds"]),
            demo.ja_nee("abandoned").alias(names["abandoned"]),
            demo.ja_nee("resolved_first_contact").alias(names["resolved_first_contact"]),
            pl.col("citizen_ref").alias(names["citizen_ref"]),
        ]
    return [
        pl.col("contact_id"),
        pl.col("at").dt.strftime("%d-%m-%Y %H:%M:%S").alias("arrived_at"),
        pl.col("product_id"),
        pl.col("team"),
        demo.dutch_decimal("wait_seconds").alias("wait_seconds"),
        demo.dutch_decimal("service_seconds").alias("service_seconds"),
        demo.ja_nee("by_appointment").alias("by_appointment"),
        pl.col("citizen_ref"),
    ]


def _write_channel(
    out_dir: Path,
    channel: int,
    chunks: Iterator[pl.DataFrame],
    corrections: _CorrectionsWriter | None,
    seed: int,
    name: str | None = None,
) -> Delivery:
    """Append the chunks to <channel>.csv in the channel's dialect; the first writes the header.

    Web times are written in UTC ('+00:00'): the draws are taken as UTC instants, so no
    local time falls in the hour skipped when clocks go forward.
    """
    source = demo.CHANNELS[channel]
    path = out_dir / f"{name or source}.csv"
    canonical = channel == demo.WEB
    encoding, separator = ("utf-8", ",") if canonical else ("cp1252", ";")
    with open(path, "wb") as handle:
        if canonical:
            handle.write(b"\xef\xbb\xbf")  # the BOM the web platform writes
        header = True
        for number, chunk in enumerate(chunks):
            text = chunk.select(_layout(channel)).write_csv(
                separator=separator, include_header=header
            )
            handle.write(text.encode(encoding))
            header = False
            if corrections is not None:
                corrections.add(chunk, channel, np.random.default_rng([seed, channel, number, 1]))
        if header:  # no rows at all: still a file with its header
            empty = pl.DataFrame(schema=_EMPTY_SCHEMA[channel])
            handle.write(empty.select(_layout(channel)).write_csv(separator=separator).encode())
    if channel != demo.PHONE:
        return Delivery(source, (path,))
    mapping = out_dir / "mapping.toml"
    columns = "".join(f'{key} = "{value}"\n' for key, value in demo.PHONE_COLUMNS.items())
    mapping.write_text(demo.PHONE_DIALECT + "[columns]\n" + columns, encoding="utf-8")
    return Delivery(source, (path,), mapping)


_COMMON = {"contact_id": pl.String, "at": pl.Datetime("us"), "product_id": pl.String}
_EMPTY_SCHEMA = {
    demo.WEB: _COMMON | {"completed": pl.Boolean, "citizen_ref": pl.String},
    demo.PHONE: _COMMON
    | {
        "queue": pl.String,
        "product_code": pl.String,
        "team": pl.String,
        "wait_seconds": pl.Float64,
        "talk_seconds": pl.Float64,
        "abandoned": pl.Boolean,
        "resolved_first_contact": pl.Boolean,
        "citizen_ref": pl.String,
    },
    demo.DESK: _COMMON
    | {
        "team": pl.String,
        "wait_seconds": pl.Float64,
        "service_seconds": pl.Float64,
        "by_appointment": pl.Boolean,
        "citizen_ref": pl.String,
    },
}


CORRECTIONS_SCHEMA = {
    "correction_id": pl.String,
    "detected_at": pl.Date,
    "product_id": pl.String,
    "origin_channel": pl.String,
    "contact_id": pl.String,
    "minutes_spent": pl.Float64,
    "error_type": pl.String,
}


class _CorrectionsWriter:
    """Appends corrections to one Parquet file, a row group per chunk of contacts."""

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        empty = pl.DataFrame(schema=CORRECTIONS_SCHEMA).to_arrow()
        self._writer = pq.ParquetWriter(path, empty.schema)

    def add(self, contacts: pl.DataFrame, channel: int, rng: np.random.Generator) -> None:
        """Add the corrections caused by some handled contacts of one chunk."""
        handled = contacts.filter("handled")
        rate = WEB_ERROR_RATE if channel == demo.WEB else ASSISTED_ERROR_RATE
        picked = handled.filter(pl.Series(rng.random(handled.height) < rate))
        n = picked.height
        if n == 0:
            return
        delay = rng.choice(len(demo.DETECTION_DELAY_SHARES), n, p=demo.DETECTION_DELAY_SHARES)
        minutes = np.clip(demo.half_seconds(15 * np.exp(0.6 * rng.standard_normal(n))), 5, 90)
        number = pl.int_range(self.count + 1, self.count + 1 + pl.len(), dtype=pl.Int64)
        detected = picked["at"].to_numpy().astype("datetime64[D]") + delay
        frame = picked.select(
            correction_id=pl.lit("C") + number.cast(pl.String).str.zfill(ID_WIDTH),
            detected_at=pl.Series(detected),
            product_id="product_id",
            origin_channel=pl.lit(demo.CHANNELS[channel]),
            contact_id=pl.when(pl.Series(rng.random(n) < KNOWN_CONTACT)).then("contact_id"),
            minutes_spent=pl.Series(minutes),
            error_type=pl.Series(rng.choice(demo.ERROR_TYPES, n), dtype=pl.String),
        ).cast(CORRECTIONS_SCHEMA)
        self._writer.write_table(frame.to_arrow())
        self.count += n

    def close(self) -> None:
        self._writer.close()


def days_after(count: int, first: date = UNTIL + timedelta(days=1)) -> list[date]:
    """Return the first `count` working days (Monday to Friday) from `first` on."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5 and (day.month, day.day) != (1, 1):
            days.append(day)
        day += timedelta(days=1)
    return days
