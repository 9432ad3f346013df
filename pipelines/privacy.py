"""Pseudonymisation: citizen references become keyed hashes (HMAC-SHA256) on load.

The hash lets repeat contacts of one resident be counted without storing who it is. The key
comes from CHANNELSHIFT_PSEUDONYM_KEY, else from the key file CHANNELSHIFT_KEY_FILE names,
else from a key file beside the database (fine for the demo, not for a deployment: `status`
warns), created on first use with owner-only permissions and kept out of git.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

import duckdb
import polars as pl

from pipelines import store

KEY_ENV = "CHANNELSHIFT_PSEUDONYM_KEY"
KEY_FILE_ENV = "CHANNELSHIFT_KEY_FILE"  # where the key file lies (default: beside the store)
DEMO_EXPORTS = "demo-exports"  # the folder `channelshift demo` loads from
BLOCK = 64  # SHA-256 block size in bytes (RFC 2104)
MASK = "***"
# What a citizen reference looks like where it cannot be told by its column: an e-mail
# address, a Dutch phone number (06-12345678, 020 123 4567, +31 6 1234 5678) or nine digits
# passing the BSN eleven-test.
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)31[\s-]?(?:\(0\)[\s-]?)?|0)[1-9](?:[\s-]?\d){8}(?!\d)")
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


def is_bsn(digits: str) -> bool:
    """Whether nine digits pass the BSN eleven-test (9*d1 + 8*d2 + ... + 2*d8 - d9 = 0 mod 11)."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return (
        len(digits) == 9 and sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0
    )


def mask_text(text: str | None) -> str | None:
    """Replace everything in a text that looks like a citizen reference by ***."""
    if not text:
        return text
    text = _EMAIL.sub(MASK, text)
    text = _PHONE.sub(MASK, text)
    return _NINE_DIGITS.sub(lambda m: MASK if is_bsn(m.group()) else m.group(), text)


def masked(column: str | pl.Expr) -> pl.Expr:
    """mask_text over a column (for the few rows of rejects and messages, not for loads)."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.map_elements(mask_text, return_dtype=pl.String, skip_nulls=True)


MIN_KEY_BYTES = 32


class KeyProblem(Exception):
    """The pseudonymisation key cannot be used; the message says what to do."""


def key_for(db: Path, create: bool = True) -> bytes:
    """Return the pseudonymisation key for a database, creating its key file for a new store.

    With `create` False (a dry run on a new store) a missing key file is not written: a key
    for this process only is returned, and its pseudonyms are thrown away with the run.

    A key shorter than MIN_KEY_BYTES is refused (pseudonyms made with an empty key reverse by
    trying every possible BSN), as is a key file others may read. A store that already holds
    pseudonyms never gets a new key: its pseudonyms would no longer link repeat contacts.
    """
    if os.environ.get(KEY_ENV) is not None:
        return _checked(os.environ[KEY_ENV].encode(), f"${KEY_ENV}")
    path = key_path(db)
    if path.is_dir():
        raise KeyProblem(f"{path} is a folder, not a key file")
    if not path.exists():
        if _holds_pseudonyms(db):
            raise KeyProblem(
                f"{path} is missing, but {db} holds pseudonyms made with it: restore the key "
                f"file from the backup (or set {KEY_ENV}); to start over with a new key, "
                "rebuild the store from the exports"
            )
        if not create:
            return secrets.token_hex(32).encode()
        _create(path)
    if path.stat().st_mode & 0o077:
        raise KeyProblem(f"{path} may be read by others: run `chmod 600 {path}`")
    return _checked(path.read_text().strip().encode(), str(path))


def key_path(db: Path) -> Path:
    """Return where the store's key file lies: CHANNELSHIFT_KEY_FILE, else beside the store."""
    named = os.environ.get(KEY_FILE_ENV)
    return Path(named) if named else db.with_name(db.name + ".key")


def key_warnings(db: Path, demo: bool) -> list[str]:
    """Return what is wrong with where the key is kept, for `channelshift status`.

    A key file others may read, and (outside the demo) one in the database's folder: a copy of
    that folder, a backup, carries both the pseudonyms and the key that links them to
    references a reader can hash.
    """
    if os.environ.get(KEY_ENV) is not None:
        return []
    path = key_path(db)
    if not path.is_file():
        return []
    found = []
    if path.stat().st_mode & 0o077:
        found.append(f"{path} may be read by others: run `chmod 600 {path}`")
    if not demo and path.resolve().parent == db.resolve().parent:
        found.append(
            f"{path} lies in the database's folder, so a copy of the folder carries the key "
            f"with the pseudonyms: move it elsewhere (readable only by the loading account) and "
            f"set {KEY_FILE_ENV} to its path, or give the key in {KEY_ENV}"
        )
    return found


def _checked(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise KeyProblem(
            f"{where}: the pseudonymisation key has {len(key)} bytes, at least "
            f"{MIN_KEY_BYTES} are needed (e.g. `python -c 'import secrets; "
            "print(secrets.token_hex(32))'`)"
        )
    return key


def _create(path: Path) -> None:
    """Write a new random key, owner-only; a load that made it first at the same moment wins.

    The key is written beside the path and linked into place, so no reader sees a half file.
    """
    draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise KeyProblem(f"{path}: cannot write the key file ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink()


def _holds_pseudonyms(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        con = store.read_only(db)
    except duckdb.Error as exc:
        raise store.StoreProblem(f"{db}: not a usable DuckDB store ({exc})") from exc
    with con:
        tables = {
            name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()
        }
        return "contacts" in tables and bool(
            con.execute("select count(citizen_key) from contacts").fetchall()[0][0]
        )


def pseudonymise(
    refs: pl.Series, key: bytes, con: duckdb.DuckDBPyConnection | None = None
) -> pl.Series:
    """Return HMAC-SHA256(key, ref), truncated to 128 bits (RFC 2104 section 5), as hex.

    Null stays null. 128 bits keep collisions out of reach for any municipality's residents
    and halve the largest column of the store. `con` is a connection to compute on (a load
    passes its own: opening one costs more than hashing a day's references).
    """
    if len(key) > BLOCK:
        raise ValueError("pseudonymisation key longer than 64 bytes")
    padded = key.ljust(BLOCK, b"\0")
    inner = bytes(b ^ 0x36 for b in padded)
    outer = bytes(b ^ 0x5C for b in padded)
    frame = store.Arrow(pl.DataFrame({"ref": refs.cast(pl.String)}))  # noqa: F841 (by name)
    # DuckDB's sha256 runs in C++ over the whole column; the frame never becomes a table.
    query = (
        "select left(sha256(?::blob || unhex(sha256(?::blob || encode(ref)))), 32) "
        "as citizen_key from frame"
    )
    with contextlib.nullcontext(con) if con else duckdb.connect() as on:
        return pl.DataFrame(on.sql(query, params=[outer, inner]))["citizen_key"]


class Pseudonyms:
    """Pseudonymises the batches of one file, hashing each distinct reference once.

    Residents contact us many times, so a file's references are remembered with their
    pseudonyms and only new ones are hashed. Up to MOVE_FROM references they are joined in
    Polars; beyond, in a temporary table of `con`: a Polars join builds a hash table of every
    reference met for each batch (0.95 s a batch at 14 million), DuckDB scans them (0.48 s),
    but below a few million the Polars join is the faster (BENCHMARKS.md). When references
    barely repeat (a file where nearly every caller is new), remembering costs more than
    hashing again: a batch whose references were mostly new, once DECIDE_FROM rows have come,
    ends the memory (it would grow with the file), and from then on each batch hashes its own
    distinct references, or every row's when they are distinct within the batch too. Hashing
    again gives the same pseudonym: the result is the same.
    """

    # below this share of a batch's references met before, remembering stops
    REMEMBER_FROM = 0.25
    # ... but only from this many rows on: early in a file most references are new anyway. The
    # second batch decided before; with 8 MB batches (80,000 rows) it stopped the memory of a
    # 10M export whose 1.4M callers repeat, and every row was hashed: 8.1 s instead of 0.7 s
    DECIDE_FROM = 600_000
    # above this share of distinct references among a batch's rows, rows are hashed directly
    DIRECT_FROM = 0.9

    # references remembered in Polars; beyond, in DuckDB
    MOVE_FROM = 2_000_000

    def __init__(self, key: bytes, con: duckdb.DuckDBPyConnection):
        self.key, self.con = key, con
        self.remember, self.met = True, 0  # references remembered so far
        self.rows = 0  # rows of the batches so far
        self.known: pl.DataFrame | None = pl.DataFrame(  # None: they are in met_refs
            schema={"citizen_ref": pl.String, "citizen_key": pl.String}
        )

    def apply(self, rows: pl.DataFrame) -> pl.DataFrame:
        """Replace citizen_ref by citizen_key."""
        if "citizen_ref" not in rows.columns:
            return rows
        refs = rows.select(pl.col("citizen_ref").unique().drop_nulls())
        self.rows += rows.height
        if not self.remember and refs.height > self.DIRECT_FROM * rows.height:
            keys = pseudonymise(normalised(rows["citizen_ref"]), self.key, self.con)
            return rows.with_columns(keys.alias("citizen_key")).drop("citizen_ref")
        if self.remember and self.known is not None:
            refs = refs.join(self.known, on="citizen_ref", how="left")
        elif self.remember:
            batch = store.Arrow(refs)  # noqa: F841 (DuckDB scans it by name)
            refs = pl.DataFrame(
                self.con.sql(
                    "select b.citizen_ref, m.citizen_key from batch b "
                    "left join met_refs m using (citizen_ref)"
                )
            )
        else:
            refs = refs.with_columns(pl.lit(None, pl.String).alias("citizen_key"))
        new = refs.filter(pl.col("citizen_key").is_null())["citizen_ref"]
        if new.len():
            new = pl.DataFrame([new, pseudonymise(normalised(new), self.key, self.con)])
            refs = pl.concat([refs.drop_nulls(), new])
            mostly_new = new.height > (1 - self.REMEMBER_FROM) * refs.height
            if self.remember and self.met and self.rows >= self.DECIDE_FROM and mostly_new:
                self.remember, self.known = False, None  # mostly new after the first batch
                self.con.execute("drop table if exists met_refs")
            elif self.remember:
                self._remember(new)
        # the rows join this batch's references, not all those met so far (a smaller table);
        # the order of the rows does not matter: each carries its line number
        return rows.join(refs, on="citizen_ref", how="left").drop("citizen_ref")

    def _remember(self, new: pl.DataFrame) -> None:
        self.met += new.height
        if self.known is not None:
            self.known = pl.concat([self.known, new])
            if self.met <= self.MOVE_FROM:
                return
            new, self.known = self.known, None  # too many for Polars: into DuckDB
            self.con.execute(
                "create or replace temp table met_refs (citizen_ref varchar, citizen_key varchar)"
            )
        met = store.Arrow(new)  # noqa: F841 (DuckDB scans it by name)
        self.con.execute("insert into met_refs from met")


def normalised(refs: pl.Series) -> pl.Series:
    """The same resident writes "06-1234 5678" one day and "0612345678" the next."""
    ref = refs.str.strip_chars().str.to_lowercase()
    return pl.select(
        pl.when(ref.str.contains("@", literal=True))
        .then(ref)
        .otherwise(ref.str.replace_all(r"[\s\-]", ""))
    ).to_series()
