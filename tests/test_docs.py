"""The README documents every source column, stored column and reject reason."""

import re
from pathlib import Path

import pytest

from metrics.catalog import METRICS
from pipelines import marts, store
from pipelines.load import SOURCES
from pipelines.schema import REJECT_REASONS

README = (Path(__file__).parents[1] / "README.md").read_text()


def _section(heading: str) -> str:
    """Return the README text under a `#### heading` up to the next heading."""
    match = re.search(rf"^#### {re.escape(heading)}.*?$(.*?)(?=^#)", README, re.M | re.S)
    assert match, f"README has no section {heading}"
    return match.group(1)


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_source_column_is_documented(source):
    section = _section(f"Source `{source}`")
    for column in SOURCES[source].SCHEMA.columns:
        assert f"| `{column.name}` | {column.kind} |" in section, column.name


@pytest.mark.parametrize("table", [t.name for t in store.TABLES])
def test_every_stored_column_is_documented(table):
    section = _section(f"Table `{table}`")
    for column in store.TABLE[table].columns:
        assert f"| `{column.name}` | {column.type} |" in section, column.name


@pytest.mark.parametrize("reason", list(REJECT_REASONS))
def test_every_reject_reason_is_documented(reason):
    assert f"| `{reason}` |" in README


def test_readme_has_exactly_the_two_setup_commands():
    commands = re.findall(r"```bash\n(python3 -m venv[^\n]*)\n```", README)
    assert len(commands) == 2
    assert commands[0].endswith("streamlit run dashboard.py")
    assert commands[1].endswith("python -m pytest")
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert commands[1] in ci


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.id)
def test_every_metric_is_in_the_readme_table(metric):
    row = f"| `{metric.id}` | {metric.label['nl']} | {metric.label['en']} | {metric.unit} | "
    assert row + f"`{metric.mart}` |" in README


@pytest.mark.parametrize("mart", marts.ORDER)
def test_every_mart_is_in_the_readme_with_its_grain(mart):
    assert f"| `{mart}` | {marts.grain(mart)} |" in README


def test_every_metric_reads_a_mart_that_exists():
    assert {m.mart for m in METRICS} <= set(marts.MARTS)
