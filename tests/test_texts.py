"""The one text registry: every key in Dutch and English, and no texts chosen anywhere else."""

import ast
import string
from pathlib import Path

import pytest

from metrics.texts import LANGUAGES, TEXTS, text

REPO = Path(__file__).parents[1]
PACKAGES = ("metrics", "documents", "app_pages")

# Comparisons with a language that choose something other than a text (path, line).
NOT_TEXTS = {
    # Dutch digit grouping in a Vega label expression: a number format
    ("metrics/charts.py", 'if lang != "nl":'),
}


def placeholders(template: str) -> set[str]:
    """Return the names of a template's {placeholders}, without attributes or formats."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def is_language(node: ast.expr) -> bool:
    """Whether an expression is the chosen language: `lang`, `x.lang` or `lang()`."""
    if isinstance(node, ast.Call):
        node = node.func
    return (isinstance(node, ast.Name) and node.id == "lang") or (
        isinstance(node, ast.Attribute) and node.attr == "lang"
    )


def language_choices(path: Path) -> list[tuple[int, str]]:
    """Return (line, source line) of each comparison of the language with "nl" or "en"."""
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        if not isinstance(node.ops[0], ast.Eq | ast.NotEq):
            continue
        sides = (node.left, node.comparators[0])
        literal = any(isinstance(s, ast.Constant) and s.value in LANGUAGES for s in sides)
        if literal and any(is_language(s) for s in sides):
            found.append((node.lineno, lines[node.lineno - 1].strip()))
    return found


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_is_in_dutch_and_english(key):
    assert set(TEXTS[key]) == set(LANGUAGES)
    assert all(isinstance(t, str) and t.strip() for t in TEXTS[key].values())


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_both_languages_have_the_same_placeholders(key):
    nl, en = (placeholders(TEXTS[key][lang]) for lang in LANGUAGES)
    assert nl == en


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_no_placeholder_is_named_like_an_argument_of_text(key):
    # text(key, lang, **values) cannot fill in a {key} or a {lang}
    assert not placeholders(TEXTS[key]["nl"]) & {"key", "lang"}


def test_text_fills_in_the_placeholders():
    assert text("overview.cards", "nl", year=2024) == "Kerncijfers 2024"
    assert text("overview.cards", "en", year=2024) == "Key figures 2024"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_chooses_texts_by_language(path):
    relative = path.relative_to(REPO).as_posix()
    choices = [(n, line) for n, line in language_choices(path) if (relative, line) not in NOT_TEXTS]
    assert not choices, f"texts belong in metrics.texts.TEXTS, not in {relative}: {choices}"


def test_the_check_finds_a_language_conditional(tmp_path):
    module = tmp_path / "module.py"
    module.write_text('def f(lang):\n    nl = lang == "nl"\n    return "Ja" if nl else "Yes"\n')
    assert language_choices(module) == [(2, 'nl = lang == "nl"')]
