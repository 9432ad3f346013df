"""Write the reference tables in docs/ from the code they mirror: `python docs/generate.py`.

Each table sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in a file of
docs/; the prose around the markers is written by hand and kept as it is. tests/test_docs.py
fails when a file differs from what this script writes, so a change to a schema, a table, a
reject reason, a metric, a mart or a setting is documented in the same commit.
`python docs/generate.py --check` only reports the stale files (exit code 1).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
import types
import typing
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts docs/ first on the path, and an installed copy of the project
# would be imported instead of this checkout: the tables must describe the code beside them.
sys.path.insert(0, str(ROOT))

from app_pages import access  # noqa: E402
from metrics.catalog import METRICS  # noqa: E402
from metrics.narrative import ahead_method  # noqa: E402
from metrics.norms import NORMS  # noqa: E402
from metrics.texts import TEXTS  # noqa: E402
from pipelines import dialect, store  # noqa: E402
from pipelines import marts as mart_sql  # noqa: E402
from pipelines import settings as settings_module  # noqa: E402
from pipelines.load import SOURCES  # noqa: E402
from pipelines.schema import REJECT_REASONS  # noqa: E402

DOCS = ROOT / "docs"
BLOCK = re.compile(
    r"(?P<start><!-- generated:(?P<name>[a-z-]+)[^>]*-->\n)(?P<body>.*?)"
    r"(?P<end><!-- /generated:(?P=name) -->)",
    re.S,
)
START_HINT = " (python docs/generate.py writes this block; edit the code, not the block)"


def _cell(value: object) -> str:
    """Return a value fit for a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _code(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def sources() -> str:
    """Every source's canonical columns (pipelines.load.SOURCES, pipelines.schema)."""
    parts = []
    for name, module in SOURCES.items():
        schema = module.SCHEMA
        rows = [
            (f"`{c.name}`", c.kind, _yes(c.optional), _yes(c.nullable), c.description)
            for c in schema.columns
        ]
        parts.append(
            f"### Source `{name}`\n\n{schema.description} Key: {_code(schema.key)}; stored in "
            f"[`{schema.table}`](#table-{schema.table}).\n\n"
            + _table(("column", "kind", "optional column", "empty allowed", "meaning"), rows)
        )
    return "\n".join(parts)


def tables() -> str:
    """Every stored table and its columns (pipelines.store.TABLES)."""
    parts = []
    for table in store.TABLES:
        key = f" Key: {_code(table.key)}." if table.key else ""
        rows = [(f"`{c.name}`", c.type, c.description) for c in table.columns]
        parts.append(
            f"### Table `{table.name}`\n\n{table.description}{key}\n\n"
            + _table(("column", "type", "meaning"), rows)
        )
    return "\n".join(parts)


def _texts(prefix: str, codes: typing.Iterable[str]) -> list[tuple[str, str, str]]:
    """Return (code, English text, Dutch text) rows from the text registry."""
    rows = []
    for code in codes:
        if f"{prefix}.{code}" not in TEXTS:
            raise KeyError(f"metrics/texts.py has no {prefix}.{code}: give it an nl and en text")
        texts = TEXTS[f"{prefix}.{code}"]
        rows.append((f"`{code}`", texts["en"], texts["nl"]))
    return rows


def reject_reasons() -> str:
    """Every reject reason with its texts (pipelines.schema.REJECT_REASONS, metrics.texts)."""
    return _table(("reason", "meaning (en)", "betekenis (nl)"), _texts("reason", REJECT_REASONS))


def quality_findings() -> str:
    """Every data-quality finding with its texts (metrics.texts, keys quality.<finding>)."""
    findings = [k.removeprefix("quality.") for k in TEXTS if k.startswith("quality.")]
    return _table(("finding", "meaning (en)", "betekenis (nl)"), _texts("quality", findings))


def metrics() -> str:
    """The metric catalogue (metrics.catalog.METRICS)."""
    better = {True: "higher", False: "lower", None: "-"}
    rows = [
        (
            f"`{m.id}`",
            m.label["nl"],
            m.label["en"],
            m.unit,
            f"`{m.mart}`",
            better[m.higher_is_better],
            f"`{m.target}`" if m.target else "-",
            m.definition["en"],
            m.definition["nl"],
        )
        for m in METRICS
    ]
    header = (
        "metric",
        "label (nl)",
        "label (en)",
        "unit",
        "mart",
        "better",
        "target key",
        "definition",
        "definitie",
    )
    return _table(header, rows)


def norms() -> str:
    """The reference norms and the metric each stands beside (metrics.norms.NORMS)."""
    words = {"at_least": "at least", "at_most": "at most"}
    rows = [
        (
            f"`{n.metric_id}`",
            n.shown("en"),
            n.shown("nl"),
            words[n.comparison],
            n.source,
            n.period,
            f"when `norms.phone_answer_seconds` is {n.within_seconds:g}"
            if n.within_seconds is not None
            else ("indication only" if n.is_indicative else "yes"),
            n.note("en"),
            n.note("nl"),
        )
        for n in NORMS
    ]
    header = (
        "beside",
        "norm (en)",
        "norm (nl)",
        "bound",
        "source",
        "year",
        "comparable",
        "note",
        "toelichting",
    )
    return _table(header, rows)


def marts() -> str:
    """Every mart in build order with the grain its SQL file states (pipelines.marts)."""
    rows = [(f"`{name}`", mart_sql.grain(name)) for name in mart_sql.ORDER]
    return _table(("mart", "grain and definition"), rows)


def forecast_method() -> str:
    """The look ahead's method as the dashboard and the briefing explain it (metrics.narrative)."""
    return "\n".join(f"> **{lang}** {ahead_method(lang)}\n" for lang in ("en", "nl"))


def _type(annotation: object) -> str:
    """Return a field's type in words."""
    if isinstance(annotation, types.UnionType):
        return " or ".join(_type(a) for a in typing.get_args(annotation) if a is not type(None))
    names = {str: "text", int: "whole number", float: "number", typing.Any: "any"}
    if annotation in names:
        return names[annotation]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin is tuple and args[1:] == (Ellipsis,):
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"table: {_type(args[0])} = {_type(args[1])}"
    return getattr(annotation, "__name__", str(annotation))


def _allowed(field) -> str:
    """Return a field's bounds in words, e.g. `> 0` or `0 to 1`."""
    signs = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    bounds = {a: getattr(m, a) for m in field.metadata for a in signs if hasattr(m, a)}
    if set(bounds) == {"ge", "le"}:
        return f"{bounds['ge']} to {bounds['le']}"
    return ", ".join(f"{signs[a]} {v}" for a, v in bounds.items()) or "-"


def _default(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple) and all(hasattr(v, "name") for v in value):
        return ", ".join(v.name for v in value) if value else "none"
    if isinstance(value, dict) and not value:
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _metric_for(target: str) -> str:
    """Return which metrics a target key applies to."""
    ids = [m for m in METRICS if m.target == target]
    if not ids:
        return "No metric reads this target."
    words = {True: "at least", False: "at most", None: "about"}
    return "; ".join(
        f"Target for `{m.id}` ({m.label['en']}): {words[m.higher_is_better]} this value."
        for m in ids
    )


def setting_rows() -> list[tuple[str, str, str, str, str]]:
    """Return one row per settings key (key, type, default, allowed, meaning)."""
    rows = []
    for name, field in settings_module.Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        annotation = field.annotation
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            subfields = annotation.model_fields
            if all(f.description for f in subfields.values()):
                for sub, subfield in subfields.items():
                    rows.append(
                        (
                            f"{name}.{sub}",
                            _type(subfield.annotation),
                            _default(getattr(default, sub)),
                            _allowed(subfield),
                            subfield.description,
                        )
                    )
            else:  # a small table of like values, e.g. one per channel: one row
                keys = ", ".join(subfields)
                rows.append(
                    (
                        f"{name}.{{{keys}}}",
                        ", ".join(sorted({_type(f.annotation) for f in subfields.values()})),
                        ", ".join(f"{k} {_default(getattr(default, k))}" for k in subfields),
                        ", ".join(sorted({_allowed(f) for f in subfields.values()})),
                        field.description or (annotation.__doc__ or "").strip(),
                    )
                )
        elif origin is tuple and issubclass(args[0], BaseModel):
            rows.append((name, "list of tables", _default(default), "-", field.description or ""))
            for sub, subfield in args[0].model_fields.items():
                key = f"{name}[].{sub}"
                meaning = subfield.description or ""
                rows.append((key, _type(subfield.annotation), "-", _allowed(subfield), meaning))
        elif origin is dict and issubclass(args[1], BaseModel):
            meaning = field.description or (args[1].__doc__ or "").strip()
            rows.append((f"{name}.YEAR", "table per year", _default(default), "-", meaning))
            for sub, subfield in args[1].model_fields.items():
                rows.append(
                    (
                        f"{name}.YEAR.{sub}",
                        _type(subfield.annotation),
                        _default(subfield.default),
                        _allowed(subfield),
                        subfield.description or _metric_for(sub),
                    )
                )
        else:
            meaning = field.description or ""
            rows.append((name, _type(annotation), _default(default), _allowed(field), meaning))
    return rows


def settings() -> str:
    """Every key of the settings file (the pydantic models in pipelines.settings)."""
    rows = [(f"`{key}`", *rest) for key, *rest in setting_rows()]
    return _table(("key", "type", "default", "allowed", "meaning"), rows)


def presets() -> str:
    """Every preset (pipelines/presets): its name, source and what it is for (its comment)."""
    rows = []
    for name, path in dialect.presets().items():
        text = path.read_text("utf-8")
        comment = " ".join(
            line.removeprefix("#").strip() for line in text.splitlines() if line.startswith("#")
        )
        source = tomllib.loads(text)["source"]
        rows.append(
            (
                f"`{name}`",
                f"`{source}`",
                f"[{path.name}](../pipelines/presets/{path.name})",
                comment,
            )
        )
    return _table(("preset", "source", "file", "what it reads"), rows)


def roles() -> str:
    """Every role with the pages it opens and the teams it sees (app_pages.access)."""
    rows = [
        (
            f"`{role}`",
            f"{TEXTS[f'role.{role}']['nl']} / {TEXTS[f'role.{role}']['en']}",
            ", ".join(TEXTS[f"page.{page}"]["nl"] for page in access.PAGES_OF_ROLE[role]),
            "all"
            if role in access.EVERY_TEAM
            else "own (Teams page only)"
            if "teams" in access.PAGES_OF_ROLE[role]
            else "-",
        )
        for role in access.ROLES
    ]
    return _table(("role", "nl / en", "pages", "teams"), rows)


# block name -> (docs file, renderer)
BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "sources": ("data-contract.md", sources),
    "tables": ("data-contract.md", tables),
    "reject-reasons": ("data-contract.md", reject_reasons),
    "quality-findings": ("data-contract.md", quality_findings),
    "metrics": ("metrics.md", metrics),
    "norms": ("metrics.md", norms),
    "marts": ("metrics.md", marts),
    "forecast-method": ("metrics.md", forecast_method),
    "settings": ("settings.md", settings),
    "presets": ("loading.md", presets),
    "roles": ("access.md", roles),
}


def render(name: str, text: str) -> str:
    """Return a docs file's text with every generated block written anew."""
    found = [m["name"] for m in BLOCK.finditer(text)]
    unknown = sorted(set(found) - set(BLOCKS))
    if unknown:
        raise ValueError(f"docs/{name}: unknown generated block(s) {unknown}")
    wanted = [block for block, (file, _) in BLOCKS.items() if file == name]
    missing = [block for block in wanted if found.count(block) != 1]
    if missing:
        raise ValueError(f"docs/{name}: needs each of these blocks exactly once: {missing}")

    def block(match: re.Match) -> str:
        start = f"<!-- generated:{match['name']}{START_HINT} -->\n"
        # blank lines around the block keep Markdown from reading the markers into a table
        return start + "\n" + BLOCKS[match["name"]][1]() + "\n" + match["end"]

    return BLOCK.sub(block, text)


def expected() -> dict[Path, str]:
    """Return every docs file that holds generated blocks, as this script would write it."""
    return {
        DOCS / name: render(name, (DOCS / name).read_text())
        for name in sorted({file for file, _ in BLOCKS.values()})
    }


def main(argv: list[str] | None = None) -> int:
    """Rewrite the stale docs files (or, with --check, only list them)."""
    parser = argparse.ArgumentParser(prog="python docs/generate.py", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    options = parser.parse_args(argv)
    stale = {path: text for path, text in expected().items() if path.read_text() != text}
    for path, text in stale.items():
        if not options.check:
            path.write_text(text)
        print(f"{'stale' if options.check else 'wrote'} {path.relative_to(ROOT)}")
    return 1 if options.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
