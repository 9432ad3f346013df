"""Shared fixtures: fresh stores per test, stores built once per session, the fixture files.

A store built once per session is read only: a test that loads more into one works on a
copy (`copy_store`). Under pytest-xdist the workers share one build of each (a file lock
makes the first worker build it and the others wait).
"""

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

import demo
from pipelines import privacy
from pipelines.load import SOURCES, Delivery, load_deliveries, load_files
from pipelines.settings import DEFAULT_FILE, Settings
from pipelines.settings import load as load_settings

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2024, 6, 1, 12, 0)  # the tests' "today", naive local time
DEMO_UNTIL = date(2012, 12, 31)  # the demo store runs from 2008 to the end of 2012
DEMO_SEED = 52  # the CLI's default seed
# The catalogue, web, desk and phone fixture files: the fixture store (2024).
FIXTURE_DELIVERIES = (
    Delivery("products", (FIXTURES / "products.csv",)),
    Delivery("web", (FIXTURES / "web_canonical.csv",)),
    Delivery("desk", (FIXTURES / "desk_dutch.csv",)),
    Delivery("phone", (FIXTURES / "phone_acd.csv",), FIXTURES / "phone_mapping.toml"),
)


def write_csv(path: Path, text: str) -> Path:
    """Write an inline CSV (header first, indented lines) to path and return it."""
    lines = [line.strip() for line in text.strip().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    return path


def approx_rows(rows: list[tuple]) -> list:
    """Return rows whose floats compare with pytest.approx (dates, text and None exactly)."""
    return [pytest.approx(row) for row in rows]


def copy_store(db: Path, to: Path) -> Path:
    """Copy a store and its pseudonymisation key (`<db>.key`, owner-only) to `to`; return `to`.

    Loads into the copy pseudonymise with the same key, so its residents stay the same.
    """
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, to)
    key = db.with_name(db.name + ".key")
    if key.exists():  # none when CHANNELSHIFT_PSEUDONYM_KEY gives the key
        shutil.copy(key, to.with_name(to.name + ".key"))  # with its mode: owner-only
    return to


def _signature(db: Path) -> str:
    """Return what changes when a store or its key is written to or replaced."""
    files = [f for f in (db, db.with_name(db.name + ".key")) if f.exists()]
    return " ".join(f"{s.st_ino}:{s.st_mtime_ns}:{s.st_size}" for s in map(os.stat, files))


@contextmanager
def built_once(
    factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Iterator[Path]:
    """Build the store `name` once for the test session (shared by xdist workers); read only.

    At the end of the session the store must be as built: a test that wrote to it, instead of
    to a copy, fails the session (root ignores a read-only folder, so it is checked after).
    """
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the folder all workers of this session share
    folder = base / f"session-{name}"
    db, built = folder / "store.duckdb", folder / "built"
    with FileLock(base / f"session-{name}.lock"):
        if not built.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            build(db)
            built.write_text(_signature(db))
    yield db
    assert _signature(db) == built.read_text(), (
        f"a test changed the session's {name} store {db}: load into a copy (copy_store)"
    )


def stored_texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every value of every text column of every table: where a leaked reference would be."""
    columns = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where data_type = 'VARCHAR' and not internal"
    ).fetchall()
    return [
        value
        for table, column in columns
        for (value,) in con.execute(f'select "{column}" from "{table}"').fetchall()
        if value is not None
    ]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo municipality from 2008 to DEMO_UNTIL, as `channelshift demo` builds it; read only.

    Built once per session with the CLI's defaults (seed 52, data/municipality.toml); its raw
    exports are in the folder `demo-exports` beside it, as the CLI writes them.
    """

    def build(db: Path) -> None:
        runs = demo.build(
            db,
            until=DEMO_UNTIL,
            seed=DEMO_SEED,
            exports=db.with_name(privacy.DEMO_EXPORTS),
            settings=load_settings(DEFAULT_FILE),
        )
        assert {r.status for r in runs} == {"ok"}, [r.summary() for r in runs]

    with built_once(tmp_path_factory, "demo", build) as db:
        yield db


@pytest.fixture(scope="session")
def fixture_store_read_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture store (see `fixture_store`), built once per session; read only."""

    def build(db: Path) -> None:
        runs = load_deliveries(db, FIXTURE_DELIVERIES, now=NOW)
        assert [(r.status, r.rows_rejected) for r in runs] == [("ok", 0)] * len(runs)

    with built_once(tmp_path_factory, "fixtures", build) as db:
        yield db


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a store that does not exist yet, in its own folder."""
    return tmp_path / "store.duckdb"


@pytest.fixture
def load(db: Path):
    """Load files into the test store as if today were NOW; return the runs."""

    def _load(source: str, *files: str | Path, mapping: str | Path | None = None, **kw):
        paths = [f if isinstance(f, Path) else FIXTURES / f for f in files]
        if isinstance(mapping, str):
            mapping = FIXTURES / mapping
        return load_files(db, source, paths, mapping, now=NOW, **kw)

    return _load


@pytest.fixture
def query(db: Path):
    """Run a query read-only on the test store and return all rows."""

    def _query(sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    return _query


@pytest.fixture
def fixture_store(db: Path, fixture_store_read_only: Path) -> Path:
    """The store with the catalogue, web, desk and phone fixture files loaded (2024).

    A copy of the session's build at `db`, loaded as if today were NOW: free to change.
    """
    return copy_store(fixture_store_read_only, db)


@pytest.fixture
def store(db: Path, tmp_path: Path):
    """Load inline CSV texts, one keyword per source, with default settings unless given.

    All given sources go in one load (in the order of SOURCES), as if today were NOW.
    """

    def _store(settings: Settings | None = None, **texts: str) -> None:
        assert set(texts) <= set(SOURCES), set(texts) - set(SOURCES)
        deliveries = []
        for source in SOURCES:
            if source in texts:
                # a fresh name per call: the same file loaded twice would be skipped
                path = tmp_path / f"{len(list(tmp_path.glob('*.csv')))}-{source}.csv"
                deliveries.append(Delivery(source, (write_csv(path, texts[source]),)))
        runs = load_deliveries(db, deliveries, now=NOW, settings=settings or Settings())
        assert len(runs) == len(deliveries)
        for run in runs:
            assert (run.status, run.rows_rejected) == ("ok", 0), run.summary()

    return _store
