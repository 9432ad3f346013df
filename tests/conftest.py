"""Shared fixtures: a fresh store per test and the tiny hand-made export files."""

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from channelshift import main as pipelines_main
from pipelines.load import SOURCES, load_files
from pipelines.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2024, 6, 1, 12, 0)  # the tests' "today", naive local time


def write_csv(path: Path, text: str) -> Path:
    """Write an inline CSV (header first, indented lines) to path and return it."""
    lines = [line.strip() for line in text.strip().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    return path


def approx_rows(rows: list[tuple]) -> list:
    """Return rows whose floats compare with pytest.approx (dates, text and None exactly)."""
    return [pytest.approx(row) for row in rows]


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
def fixture_store(db: Path, load) -> Path:
    """The store with the catalogue, web, desk and phone fixture files loaded (2024)."""
    load("products", "products.csv")
    load("web", "web_canonical.csv")
    load("desk", "desk_dutch.csv")
    load("phone", "phone_acd.csv", mapping="phone_mapping.toml")
    return db


@pytest.fixture
def store(load, tmp_path):
    """Load inline CSV texts, one keyword per source, with default settings unless given."""

    def _store(settings: Settings | None = None, **texts: str) -> None:
        assert set(texts) <= set(SOURCES), set(texts) - set(SOURCES)
        for source in SOURCES:
            if source in texts:
                # a fresh name per call: the same file loaded twice would be skipped
                path = tmp_path / f"{len(list(tmp_path.glob('*.csv')))}-{source}.csv"
                (run,) = load(
                    source, write_csv(path, texts[source]), settings=settings or Settings()
                )
                assert (run.status, run.rows_rejected) == ("ok", 0), run.summary()

    return _store


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short demo municipality (2008-2012), built once for the test session."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    code = pipelines_main(
        ["demo", "--db", str(db), "--until", "2012-12-31", "--exports", str(folder / "exports")]
    )
    assert code == 0
    return db
