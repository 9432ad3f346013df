"""Queue log: one row per call from Asterisk's queue_log, the telephony's own event log (call).

The file has no header; each line is one event, `epoch|uniqueid|queuename|agent|EVENT|data...`,
with the data fields the event defines (asterisk/documentation,
docs/Operation/Logging/Queue-Logs.md). The reader turns the events of each call (one uniqueid)
into one record with the phone source's columns, numbered by the line of the call's last
event; validation, pseudonymisation and staging are then the phone source's own.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from pipelines import dialect
from pipelines.dialect import QUEUE_LOG, FileError, MappingFile, RawFile
from pipelines.schema import SourceSchema
from pipelines.sources import phone

ENTER, CONNECT = "ENTERQUEUE", "CONNECT"
# The events that end a call's stay in a queue: after talking to an agent (each with the
# calltime), or without (ABANDON: hung up; the others: sent on by the queue or a key).
COMPLETED = ("COMPLETECALLER", "COMPLETEAGENT")  # holdtime|calltime|origposition
TRANSFERRED = ("TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER")  # ...|holdtime|calltime|origpos
LEFT = ("ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY")
ENDS = (*COMPLETED, *TRANSFERRED, *LEFT)
READ = (ENTER, CONNECT, *ENDS)  # lines of every other event are read and ignored

_DERIVED = {
    "contact_id": "The call's uniqueid (second field), shared by the lines of its events.",
    "started_at": "Epoch of the call's first ENTERQUEUE, as local time (Europe/Amsterdam).",
    "product_id": "The mapping's [products] entry for the queue where the call ended; "
    "empty when the queue has none.",
    "team": "The mapping's [teams] entry for the queue where the call ended; the queue's own "
    "name when it has none (a data-quality finding: unmapped_queues).",
    "wait_seconds": "From the first ENTERQUEUE to the first CONNECT (answered) or to the "
    "ending event (abandoned), by their epochs.",
    "talk_seconds": "The calltime of the COMPLETECALLER, COMPLETEAGENT, TRANSFER, "
    "BLINDTRANSFER or ATTENDEDTRANSFER lines, added up; 0 when abandoned.",
    "abandoned": "true when no CONNECT came and the call ended on ABANDON, EXITWITHTIMEOUT, "
    "EXITEMPTY or EXITWITHKEY.",
    "resolved_first_contact": "Not in a queue log: always empty.",
    "citizen_ref": "Caller id of the first ENTERQUEUE; empty or withheld (anonymous, ...) is no "
    "reference. Pseudonymised on load.",
}
SCHEMA = SourceSchema(
    name=QUEUE_LOG,
    table="contacts",
    description="Calls in Asterisk's queue_log (`epoch|uniqueid|queuename|agent|EVENT|data`, no "
    "header), one per uniqueid, made from its events as the columns below say and stored as "
    "phone calls; a mapping file's [teams] and [products] name each queue's team and product. "
    "A call without its ENTERQUEUE or its ending event in the file is an incomplete_call reject.",
    key=phone.SCHEMA.key,
    columns=tuple(
        c.model_copy(update={"description": _DERIVED[c.name]}) for c in phone.SCHEMA.columns
    ),
)
stage = phone.stage

# the columns a call's record has (a queue log knows nothing of first-contact resolution)
COLUMNS = tuple(name for name in phone.SCHEMA.names if name != "resolved_first_contact")
DIALECT = dialect.CANONICAL.model_copy(update={"name": QUEUE_LOG, "delimiter": "|"})
# A call that ended waits this many lines before it is given: it may enter another queue
# (sent on by a timeout or a transfer: the next seconds), and is still one call.
HOLD_LINES = 100_000
HEAD_BYTES = 65_536  # of the file's start, to tell a queue log from another file
MAX_LINE_BYTES = 2**20  # a longer line is no event: the file is no queue log
LAST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z; a later one cannot be written as a date
_EVENT_LINE = re.compile(r"\s*\d+\|[^|]*\|[^|]*\|[^|]*\|[A-Z][A-Z0-9_]*\s*(\||$)")
# a line of an event read: its fifth field is one of READ
_READ_LINE = r"^(?:[^|]*\|){4}\s*(?:" + "|".join(READ) + r")\s*(?:\||$)"
_EVENTS = {
    "_line": pl.Int64,
    "uniqueid": pl.String,
    "queue": pl.String,
    "event": pl.String,
    "epoch": pl.String,
    "callerid": pl.String,
    "calltime": pl.String,
}


def read_batches(
    path: Path,
    schema: SourceSchema = SCHEMA,
    mapping: MappingFile | None = None,
    batch_bytes: int | None = dialect.BATCH_BYTES,
) -> Iterator[RawFile]:
    """Read a queue log in batches of call records (canonical columns, strings).

    A batch gives the calls whose events are all read: the lines are read in blocks of about
    `batch_bytes`, and the events of calls still open (or ended within HOLD_LINES lines) wait
    for the next block, so no call is cut between batches and memory holds one block plus
    those calls. At the end of the file a call still open is an incomplete_call reject.
    A file that is no queue log raises FileError before the first batch. (`schema` is there
    for the loader, which reads every source alike: a queue log's columns are its own.)
    """
    path = Path(path)
    encoding = _checked(path, mapping)
    return _batches(path, mapping or MappingFile(source=QUEUE_LOG), encoding, batch_bytes)


def findings(raw: RawFile) -> pl.DataFrame:
    """Return the batch's queues that the mapping's [teams] lacks, with their calls."""
    return (
        raw.frame.filter(pl.col("_unmapped_queue").is_not_null())
        .group_by(pl.col("_unmapped_queue").alias("value"))
        .agg(pl.len().cast(pl.Int64).alias("rows"))
        .select(pl.lit("unmapped_queue").alias("finding"), "value", "rows")
    )


def _checked(path: Path, mapping: MappingFile | None) -> str:
    """Return the file's encoding, raising FileError when it is no queue log at all."""
    if path.exists() and not path.is_file():  # a folder, a named pipe (would block), a device
        raise FileError(path, "not a regular file")
    head = dialect.head(path, HEAD_BYTES, "a queue log")
    lines = [
        line
        for line in head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace").splitlines()
        if line.strip()
    ]
    if len(head) == HEAD_BYTES:
        lines = lines[:-1] or lines  # its last line may be cut off
    if lines and not any(_EVENT_LINE.match(line) for line in lines):
        raise FileError(
            path,
            "not a queue log: no line at its start reads as "
            "epoch|uniqueid|queuename|agent|EVENT|data (an export of another source?)",
        )
    return dialect._encoding(path, mapping)


def _batches(
    path: Path, mapping: MappingFile, encoding: str, batch_bytes: int | None
) -> Iterator[RawFile]:
    """Yield a batch per block of lines, with the calls that ended in time; then the rest."""
    held = pl.DataFrame(schema=_EVENTS)  # the events of the calls not given yet
    line, offset = 1, 0
    with open(path, "rb") as handle:
        for block in _blocks(path, handle, batch_bytes):
            utf8 = dialect._utf8(path, block, encoding, offset)
            if offset == 0:
                utf8 = utf8.removeprefix(codecs.BOM_UTF8)
            offset += len(block)
            lines = _lines(utf8, line)
            line += lines.height
            events, short = _events(lines)
            held = pl.concat([held, events])
            done = _ended(held, before=line - HOLD_LINES)
            yield _raw(path, held.join(done, on="uniqueid", how="semi"), short, mapping)
            held = held.join(done, on="uniqueid", how="anti")
    # what is left: calls ended in the last lines, and those the file never ends
    yield _raw(path, held, pl.DataFrame(schema={"_line": pl.Int64, "text": pl.String}), mapping)


def _blocks(path: Path, handle, size: int | None) -> Iterator[bytes]:
    """Yield blocks of about `size` bytes (None: all) that end at a line end (LF, CR LF, CR)."""
    rest, offset = b"", 0
    while chunk := handle.read(-1 if size is None else size):
        data = dialect._lone_cr_as_lf(rest + chunk)
        cut = data.rfind(b"\n") + 1
        if cut:
            yield data[:cut]
        rest, offset = data[cut:], offset + cut
        if len(rest) > MAX_LINE_BYTES:
            raise FileError(
                path, f"not a queue log: a line of over 1 MiB (from byte {offset}) is no event"
            )
    if rest:
        yield dialect._lone_cr_as_lf(rest, final=True)


def _lines(utf8: bytes, first: int) -> pl.DataFrame:
    """Return a block's lines (without their line end) numbered from `first`.

    Polars' CSV reader, with a separator no text holds and no quotes, cuts the lines in a
    fifth of the memory of splitting one string (a blank line is a null); a block that does
    hold that separator is split as a string.
    """
    if b"\x1f" in utf8:
        lines = pl.Series("text", [utf8.decode()]).str.split("\n").explode()
        lines = lines.head(-1) if utf8.endswith(b"\n") else lines  # no line after the last
        lines = lines.str.strip_chars_end("\r")
    else:
        lines = pl.read_csv(
            utf8,
            has_header=False,
            separator="\x1f",
            quote_char=None,
            new_columns=["text"],
            infer_schema=False,
        )["text"]
    return pl.DataFrame(
        {
            "_line": pl.int_range(first, first + lines.len(), dtype=pl.Int64, eager=True),
            "text": lines,
        }
    )


def _events(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the lines of the events read (ENTERQUEUE, CONNECT, endings) and the lines that
    are no event at all (fewer than five fields); blank lines are neither.

    Only the lines of the events read are cut into fields: most lines of a busy log are of
    others (RINGNOANSWER, PAUSE, ...).
    """
    text = pl.col("text")
    short = lines.filter(
        (text.str.count_matches("|", literal=True) < 4) & (text.str.strip_chars() != "")
    )
    names = ["epoch", "uniqueid", "queue", "agent", "event", "data"]  # data keeps its `|`
    split = (
        lines.filter(text.str.contains(_READ_LINE))
        .select("_line", text.str.splitn("|", len(names)).struct.rename_fields(names))
        .unnest("text")
        .with_columns(pl.col("event").str.strip_chars())
    )
    event, data = pl.col("event"), pl.col("data").str.split("|")
    # the caller id is ENTERQUEUE's second field (url|callerid|origposition[|name]); the
    # calltime stands second after a completion, and second from the end after a transfer,
    # whose first fields are free text (LINK|a|b: a `|` there shifts the others)
    calltime = (
        pl.when(event.is_in(COMPLETED))
        .then(data.list.get(1, null_on_oob=True))
        .when(event.is_in(TRANSFERRED))
        .then(data.list.get(-2, null_on_oob=True))
    )
    events = split.select(
        "_line",
        "uniqueid",
        pl.col("queue").str.strip_chars(),
        "event",
        pl.col("epoch").str.strip_chars(),
        pl.when(event == ENTER).then(data.list.get(1, null_on_oob=True)).alias("callerid"),
        # a talk without its calltime: "" is no number, so the call's talk time is missing
        pl.when(event.is_in(COMPLETED + TRANSFERRED))
        .then(calltime.str.strip_chars().fill_null(""))
        .alias("calltime"),
    )
    return events, short


def _ended(held: pl.DataFrame, before: int) -> pl.DataFrame:
    """Return the uniqueids of the calls that ended on a line before `before`.

    A call has ended when its last ENTERQUEUE or ending event is an ending.
    """
    last = pl.col("event").filter(pl.col("event") != CONNECT).last()
    calls = held.group_by("uniqueid").agg(
        pl.col("_line").max().alias("last_line"), last.is_in(ENDS).alias("ended")
    )
    return calls.filter(pl.col("ended") & (pl.col("last_line") < before)).select("uniqueid")


def _raw(path: Path, events: pl.DataFrame, short: pl.DataFrame, mapping: MappingFile) -> RawFile:
    """Return one batch: a record per call, and a record per line that is no event."""
    calls = _calls(events, mapping)
    lines = short.select(
        "_line",
        *(pl.lit(None, pl.String).alias(c) for c in COLUMNS),
        pl.col("text").alias("_raw_line"),
        pl.lit(None, pl.String).alias("_unmapped_queue"),
    )
    refused = pl.concat(
        [
            calls.filter(~pl.col("_complete")).select(
                "_line", pl.lit("incomplete_call").alias("reason")
            ),
            lines.select("_line", pl.lit("wrong_field_count").alias("reason")),
        ]
    )
    frame = pl.concat([calls.drop("_complete"), lines]).sort("_line")
    return RawFile(
        path,
        QUEUE_LOG,
        DIALECT,
        frame,
        {c: c for c in COLUMNS},
        pl.Series("_line", [], dtype=pl.Int64),
        refused=refused,
    )


def _calls(events: pl.DataFrame, mapping: MappingFile) -> pl.DataFrame:
    """Return one record per call (uniqueid) from its events, in canonical columns as text.

    Values that cannot be worked out are passed on as written (an epoch that is no number),
    so that validation rejects the call with the value that is wrong.
    """
    event = pl.col("event")
    epoch = pl.col("epoch")
    calls = events.group_by("uniqueid", maintain_order=True).agg(
        pl.col("_line").max(),
        entered=epoch.filter(event == ENTER).first(),
        connected=epoch.filter(event == CONNECT).first(),
        ended=epoch.filter(event.is_in(ENDS)).last(),
        last=event.filter(event != CONNECT).last(),
        queue=pl.coalesce(pl.col("queue").filter(event != CONNECT).last(), pl.col("queue").last()),
        caller=pl.col("callerid").filter(event == ENTER).first(),
        calltimes=pl.col("calltime").filter(event.is_in(COMPLETED + TRANSFERRED)),
    )
    answered = pl.col("connected").is_not_null()
    abandoned = ~answered & pl.col("last").is_in(LEFT)
    complete = pl.col("entered").is_not_null() & pl.col("last").is_in(ENDS)
    teams, products = mapping.teams or {}, mapping.products or {}
    queue = pl.col("queue")
    return calls.select(
        "_line",
        pl.col("uniqueid").alias("contact_id"),
        _local_time("entered").alias("started_at"),
        queue.replace_strict(products, default=None, return_dtype=pl.String).alias("product_id"),
        queue.replace(teams).alias("team"),
        pl.when(answered)
        .then(_seconds_between("entered", "connected"))
        .when(abandoned)
        .then(_seconds_between("entered", "ended"))
        .alias("wait_seconds"),
        pl.when(abandoned).then(pl.lit("0")).when(answered).then(_talk()).alias("talk_seconds"),
        pl.when(abandoned)
        .then(pl.lit("true"))
        .when(answered | complete)
        .then(pl.lit("false"))
        .alias("abandoned"),  # not known of a call still waiting
        pl.col("caller").alias("citizen_ref"),
        pl.lit(None, pl.String).alias("_raw_line"),
        pl.when(~queue.is_in(list(teams)) & (queue != "")).then(queue).alias("_unmapped_queue"),
        complete.alias("_complete"),
    )


def _epoch(name: str) -> pl.Expr:
    """Seconds since 1970 of a whole-number epoch field (null when it is anything else)."""
    text = pl.col(name)
    return pl.when(text.str.contains(r"^\d{1,12}$")).then(text.cast(pl.Int64, strict=False))


def _local_time(name: str) -> pl.Expr:
    """An epoch as an ISO time in UTC, which validation turns into Europe/Amsterdam time.

    An epoch that is no whole number, or beyond the year 9999, stays as written: invalid_date.
    """
    seconds = _epoch(name)
    iso = pl.from_epoch(seconds, "s").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return pl.when(seconds <= LAST_EPOCH).then(iso).otherwise(pl.col(name))


def _seconds_between(start: str, end: str) -> pl.Expr:
    """The seconds from one epoch to another; the first that is no number, as written."""
    return (
        pl.when(_epoch(start).is_null())
        .then(pl.col(start))
        .when(_epoch(end).is_null())
        .then(pl.col(end))
        .otherwise((_epoch(end) - _epoch(start)).cast(pl.String))
    )


def _talk() -> pl.Expr:
    """The calltimes added up; the first that is no number, as written; null when none."""
    times = pl.col("calltimes")
    numbers = times.list.eval(pl.element().cast(pl.Int64, strict=False))
    bad = times.list.eval(
        pl.element().filter(pl.element().cast(pl.Int64, strict=False).is_null())
    ).list.first()
    return (
        pl.when(times.list.len() == 0)
        .then(pl.lit(None, pl.String))
        .when(bad.is_not_null())
        .then(bad)
        .otherwise(numbers.list.sum().cast(pl.String))
    )
