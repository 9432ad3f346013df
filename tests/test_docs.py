"""The docs describe the code: generated tables are current, everything user-facing is documented.

The reference tables in docs/ are written by docs/generate.py; the first test fails when the
code changed and the generator was not run. The others check what the tables must hold, so
a generator that left something out fails too.
"""

import argparse
import importlib.util
import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from channelshift import parser
from metrics import forecast
from metrics.catalog import METRICS
from metrics.norms import NORMS
from metrics.texts import TEXTS
from pipelines import marts, store
from pipelines.load import SOURCES
from pipelines.schema import REJECT_REASONS
from pipelines.settings import Settings

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()
DOCS = {path.name: path.read_text() for path in sorted((ROOT / "docs").glob("*.md"))}
README_LIMIT = 12 * 1024  # bytes: the README says what it is and points to the rest


def _generator():
    """Import docs/generate.py (docs/ is a folder of documents, not a package)."""
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()


def _block(doc: str, name: str) -> str:
    """Return the generated block `name` of a docs file."""
    match = re.search(rf"<!-- generated:{name}\b.*?-->\n(.*?)<!-- /generated:{name} -->", doc, re.S)
    assert match, f"no generated block {name}"
    return match.group(1)


def _section(doc: str, heading: str) -> str:
    """Return the text under a `### heading` up to the next heading or block end."""
    match = re.search(rf"^### {re.escape(heading)}$(.*?)(?=^#|^<!--|\Z)", doc, re.M | re.S)
    assert match, f"no section {heading}"
    return match.group(1)


@pytest.mark.parametrize("name", sorted({file for file, _ in GENERATE.BLOCKS.values()}))
def test_docs_are_what_the_generator_writes(name):
    assert DOCS[name] == GENERATE.render(name, DOCS[name]), (
        f"docs/{name} is stale: run `python docs/generate.py` and commit the result"
    )


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_source_column_is_documented(source):
    section = _section(_block(DOCS["data-contract.md"], "sources"), f"Source `{source}`")
    for column in SOURCES[source].SCHEMA.columns:
        assert f"| `{column.name}` | {column.kind} |" in section, column.name


@pytest.mark.parametrize("table", [t.name for t in store.TABLES])
def test_every_stored_column_is_documented(table):
    section = _section(_block(DOCS["data-contract.md"], "tables"), f"Table `{table}`")
    for column in store.TABLE[table].columns:
        assert f"| `{column.name}` | {column.type} |" in section, column.name


@pytest.mark.parametrize("reason", REJECT_REASONS)
def test_every_reject_reason_is_documented_in_both_languages(reason):
    texts = TEXTS[f"reason.{reason}"]
    row = f"| `{reason}` | {texts['en']} | {texts['nl']} |"
    assert row in _block(DOCS["data-contract.md"], "reject-reasons")


@pytest.mark.parametrize("key", [k for k in TEXTS if k.startswith("quality.")])
def test_every_data_quality_finding_is_documented(key):
    row = f"| `{key.removeprefix('quality.')}` | {TEXTS[key]['en']} | {TEXTS[key]['nl']} |"
    assert row in _block(DOCS["data-contract.md"], "quality-findings")


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.id)
def test_every_metric_is_in_the_metrics_table(metric):
    row = f"| `{metric.id}` | {metric.label['nl']} | {metric.label['en']} | {metric.unit} | "
    block = _block(DOCS["metrics.md"], "metrics")
    assert row + f"`{metric.mart}` |" in block
    assert f"| {metric.definition['en']} | {metric.definition['nl']} |" in block


@pytest.mark.parametrize("norm", NORMS, ids=lambda n: n.id)
def test_every_reference_norm_is_documented_with_its_source_and_year(norm):
    row = f"| `{norm.metric_id}` | {norm.shown('en')} | {norm.shown('nl')} | "
    lines = [line for line in _block(DOCS["metrics.md"], "norms").splitlines() if row in line]
    assert len(lines) == 1, norm.id
    assert f"| {norm.source} | {norm.period} |" in lines[0]


@pytest.mark.parametrize("mart", marts.ORDER)
def test_every_mart_is_documented_with_its_grain(mart):
    assert f"| `{mart}` | {marts.grain(mart)} |" in _block(DOCS["metrics.md"], "marts")


@pytest.mark.parametrize("name", ["WINDOW", "BACKTEST_YEARS", "HORIZON", "MIN_MISSES"])
def test_the_look_ahead_is_documented_with_the_codes_numbers(name):
    section = DOCS["metrics.md"].split("## Looking ahead")[1].split("\n## ")[0]
    value = getattr(forecast, name)
    value = {3: "three", 4: "four", 5: "five"}[value] if name == "MIN_MISSES" else str(value)
    assert re.search(rf"\b{value}\b[^.]*\(`{name}`\)", section), f"{name} = {value}"


def test_every_metric_reads_a_mart_that_exists():
    assert {m.mart for m in METRICS} <= set(marts.MARTS)


def _setting_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Return every key of the settings models, nested keys as `parent.child`."""
    paths = []
    for name, field in model.model_fields.items():
        paths.append(prefix + name)
        for kind in (field.annotation, *typing.get_args(field.annotation)):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                paths += _setting_paths(kind, f"{prefix}{name}.")
    return paths


@pytest.mark.parametrize("path", _setting_paths(Settings))
def test_every_setting_is_documented(path):
    block = _block(DOCS["settings.md"], "settings")
    rows = re.findall(r"^\| `([^`]+)` \|.*\| ([^|]*) \|$", block, re.M)
    words = r"\W+.*?".join(re.escape(part) for part in path.split("."))
    documented = [meaning for key, meaning in rows if re.match(rf"{words}\b", key)]
    assert documented, f"no row for {path}"
    assert all(m.strip() not in ("", "-") for m in documented), f"{path} has no meaning"


def test_readme_has_exactly_the_two_setup_commands():
    commands = re.findall(r"```bash\n(python3 -m venv[^\n]*)\n```", README)
    assert len(commands) == 2
    assert commands[0].endswith("streamlit run dashboard.py")
    assert commands[1].endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_readme_is_short():
    size = len(README.encode())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail into docs/"


def test_readme_names_the_fast_test_lane():
    assert 'python -m pytest -m "not browser"' in README


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    top = parser()
    action = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


@pytest.mark.parametrize("command", list(_subcommands()))
def test_every_command_and_option_is_in_the_readme(command):
    lines = [line for line in README.splitlines() if line.startswith(f"channelshift {command} ")]
    assert len(lines) == 1, f"README shows `channelshift {command}` {len(lines)} times"
    for action in _subcommands()[command]._actions:
        long = [s for s in action.option_strings if s.startswith("--") and s != "--help"]
        for option in long:
            assert option in re.findall(r"--[a-z-]+", lines[0]), f"{option} of {command}"


@pytest.mark.parametrize("name", sorted(DOCS))
def test_every_docs_file_is_linked_from_the_readme(name):
    assert f"](docs/{name})" in README


def _anchors(text: str) -> set[str]:
    """Return the anchors GitHub gives the headings of a Markdown text."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


LINKED = {
    "README.md": README,
    "BENCHMARKS.md": (ROOT / "BENCHMARKS.md").read_text(),
    **{f"docs/{name}": text for name, text in DOCS.items()},
}


@pytest.mark.parametrize("name", sorted(LINKED))
def test_every_relative_link_points_to_something_that_exists(name):
    here = (ROOT / name).parent
    for target in re.findall(r"\]\(([^)\s]+)\)", LINKED[name]):
        if re.match(r"[a-z]+:", target):
            continue  # an address on the web
        path, _, anchor = target.partition("#")
        file = (here / path).resolve() if path else ROOT / name
        assert file.exists(), f"{name}: {target} does not exist"
        if anchor:
            assert anchor in _anchors(file.read_text()), f"{name}: no heading for {target}"


def _auth_keys() -> list[str]:
    """The keys of `[auth]` in .streamlit/secrets.example.toml, the copy to fill in."""
    import tomllib

    example = (ROOT / ".streamlit" / "secrets.example.toml").read_text()
    return sorted(tomllib.loads(example)["auth"])


@pytest.mark.parametrize("key", _auth_keys())
def test_every_login_secret_is_documented(key):
    rows = re.findall(r"^\| `([a-z_]+)` \| (yes|no) \| (.+) \|$", DOCS["access.md"], re.M)
    assert key in {name for name, _, _ in rows}, f"docs/access.md has no row for [auth] {key}"


def test_the_login_secrets_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".streamlit/secrets.toml" in ignored
    example = (ROOT / ".streamlit" / "secrets.example.toml").read_text()
    secrets = re.findall(r'^(?:cookie_secret|client_secret) = "(.*)"$', example, re.M)
    assert len(secrets) == 2 and all(s.startswith("REPLACE") for s in secrets)


def test_streamlits_required_login_keys_are_in_the_example():
    """The keys st.login refuses to start without (streamlit.auth_util), as of this Streamlit."""
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret"} <= set(_auth_keys())
    assert "server_metadata_url" in _auth_keys()
