"""The layers import in one direction: store -> marts -> metrics -> documents and pages.

Every module's imports are read with ast (also those inside functions) and checked against
the layer it belongs to. `__main__.py` files are entry points: they only hand their
arguments to channelshift.py, the one command line, which sits above every layer.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OWN = ("pipelines", "metrics", "documents", "demo", "app_pages", "dashboard", "channelshift")
# layer -> the project packages its modules may import (besides third-party libraries)
ALLOWED = {
    "pipelines": {"pipelines"},
    "metrics": {"pipelines", "metrics"},
    "documents": {"pipelines", "metrics", "documents"},
    "demo": {"pipelines", "demo"},
    "app_pages": {"metrics", "documents", "app_pages"},
    "app_pages.common": {"pipelines", "metrics", "app_pages"},  # the store's version, settings
    # the one page that writes: it hands uploads to pipelines.upload, the command line's loader
    "app_pages.load": {"pipelines", "metrics", "app_pages"},
    "dashboard": {"metrics", "demo", "app_pages"},
}
# libraries of the screen: only pages and the dashboard draw with Streamlit
SCREEN_ONLY = {"streamlit"}
SQL = re.compile(
    r"\b(select|with)\b[\s\S]*\bfrom\b|\b(insert\s+into|create\s+(or\s+replace\s+)?"
    r"(table|view))\b",
    re.IGNORECASE,
)


def layer(module: str) -> str | None:
    """Return the layer a module belongs to (None: an entry point or not ours)."""
    if module.endswith("__main__") or module == "channelshift":
        return None
    if module in ("app_pages.common", "app_pages.load"):
        return module
    return module.split(".")[0] if module.split(".")[0] in ALLOWED else None


def modules(root: Path = REPO) -> dict[str, Path]:
    """Every module of the project's layers, by dotted name."""
    found = {"dashboard": root / "dashboard.py"}
    for package in ("pipelines", "metrics", "documents", "demo", "app_pages"):
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(p for p in parts if p != "__init__") or package] = path
    return found


def imports(path: Path) -> set[str]:
    """Return every module a file imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(module: str, path: Path) -> list[str]:
    """Return what a module imports beyond its layer, and SQL in a page."""
    own = layer(module)
    if own is None:
        return []
    found = []
    for name in sorted(imports(path)):
        top = name.split(".")[0]
        if top in OWN and top not in ALLOWED[own]:
            found.append(f"{module} ({own}) imports {name}")
        if top in SCREEN_ONLY and not (own.startswith("app_pages") or own == "dashboard"):
            found.append(f"{module} ({own}) imports {name}: only pages draw")
    if own.startswith("app_pages") or own == "dashboard":
        strings = [
            n.value
            for n in ast.walk(ast.parse(path.read_text()))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        found += [f"{module} holds SQL: {s[:60]!r}" for s in strings if SQL.search(s)]
    return found


@pytest.mark.parametrize(("module", "path"), sorted(modules().items()))
def test_module_imports_only_its_own_layer_and_below(module, path):
    assert violations(module, path) == []


def test_every_module_belongs_to_a_layer():
    unplaced = [m for m in modules() if layer(m) is None and not m.endswith("__main__")]
    assert unplaced == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "pipelines.load",
            "from metrics import marts\n",
            "pipelines.load (pipelines) imports metrics",
        ),
        ("pipelines.store", "def f():\n    import app_pages\n", "imports app_pages"),
        ("metrics.views", "from documents import briefing\n", "imports documents"),
        ("metrics.views", "import streamlit as st\n", "only pages draw"),
        ("app_pages.overview", "from pipelines import store\n", "imports pipelines"),
        ("app_pages.overview", "x = 'select count(*) from contacts'\n", "holds SQL"),
        ("demo.municipality", "from metrics import pages\n", "imports metrics"),
    ],
)
def test_the_check_finds_what_the_layers_forbid(tmp_path, module, source, expected):
    path = tmp_path / "module.py"
    path.write_text(source)
    assert any(expected in found for found in violations(module, path))
