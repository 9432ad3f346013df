"""Council briefing: one A4 PDF for a year, from the same catalogue and charts as the dashboard.

The PDF is laid out by Typst (its fonts are embedded, its text is real text); the charts are
the dashboard's Altair charts rendered to PNG offline by vl-convert. Small counts are
suppressed, as Dutch public bodies do in publications (Woo, AVG).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import typst
import vl_convert

from metrics import charts, formatting, narrative, pages, query
from metrics.catalog import METRIC
from metrics.headlines import Headline, headlines, verdict
from metrics.texts import text
from pipelines import store
from pipelines.settings import Settings, local_now

TEMPLATE = Path(__file__).parent / "templates" / "briefing.typ"
FIGURES = (
    "web_share",
    "products_digital",
    "phone_service_level",
    "correction_hours",
    "hours_freed_by_web",
    "repeat_share",
)
CONTEXT = ("products_total",)


def suppress(
    con: duckdb.DuckDBPyConnection, figures: dict[str, Headline], year: int, threshold: int
) -> dict[str, str]:
    """Return '<N' for each figure resting on a count below the threshold (and hide its value)."""
    hidden = {}
    for metric_id, figure in figures.items():
        metric = figure.metric
        if metric.unit not in ("count", "share"):
            continue
        parts = query.series(con, metric_id, date(year, 1, 1), date(year, 12, 1), "year")
        if parts.is_empty():
            continue
        counts = [parts["numerator"][0]]
        if metric.unit == "share":
            counts.append(parts["denominator"][0])
        small = [c for c in counts if c is not None and 0 < c < threshold]
        if small:
            hidden[metric_id] = formatting.suppressed(min(small), threshold, "nl") or ""
    return hidden


def content(con: duckdb.DuckDBPyConnection, year: int, lang: str, settings: Settings) -> dict:
    """Return everything the briefing shows, as plain values (also used by the tests)."""
    figures = headlines(con, (*FIGURES, *CONTEXT), year, settings)
    hidden = suppress(con, figures, year, settings.small_number_threshold)
    # a suppressed figure is not told in words either
    told = {k: replace(v, value=None) if k in hidden else v for k, v in figures.items()}
    until = figures[FIGURES[0]].data_until
    norms = {m: [b.caption(lang) for b in shown] for m, shown in pages.beside(con, FIGURES).items()}
    rows = []
    for metric_id in FIGURES:
        figure, metric = figures[metric_id], METRIC[metric_id]
        written = pages.shown(figures, metric_id, lang)
        shown = hidden.get(metric_id) or written.value
        previous = written.previous
        change = written.change if written.change and metric_id not in hidden else "–"
        target = written.target
        rows.append(
            [
                metric.label[lang],
                shown,
                previous,
                change,
                target,
                text(f"verdict.{'none' if metric_id in hidden else verdict(figure)}", lang),
            ]
        )
    # each target at this pace, from the complete years up to the briefing's year
    found = pages.frame(con)
    years = pages.forecast_years(found, year) if found else []
    ahead = pages.forecasts(con, settings, years)
    return {
        "lang": lang,
        "municipality": settings.municipality,
        "year": year,
        "until": until,
        "rows": rows,
        "hidden": hidden,
        "sentences": narrative.sentences(told, lang, settings.municipality),
        "ahead": [narrative.ahead(METRIC[m], f, lang) for m, f in ahead.items() if m not in hidden],
        "ahead_method": narrative.ahead_method(lang),
        "norms": norms,
        # a norm beside a figure follows its definition: context, not a target
        "definitions": [
            " ".join([f"{METRIC[m].label[lang]}: {METRIC[m].definition[lang]}", *norms.get(m, [])])
            for m in FIGURES
        ],
    }


def chart_images(
    con: duckdb.DuckDBPyConnection, year: int, lang: str, settings: Settings
) -> dict[str, bytes]:
    """Render the two charts: channel mix over the years, and digitisation against target."""
    # the channel mix of the last ten years up to the briefing's year, as the page draws it
    mix = pages.channel_mix(con, settings, first=year - 9, last=year)
    digital = pages.digitisation(con, settings, until_year=year)
    figures = {
        "channel_mix": charts.channel_mix(mix.mix, lang, "share", "year", mix.targets),
        "digitisation": charts.digitisation(digital.progress, digital.targets, lang),
    }
    return {
        name: vl_convert.vegalite_to_png(
            figure.properties(width=330, height=190).to_json(), scale=3
        )
        for name, figure in figures.items()
    }


def render(
    con: duckdb.DuckDBPyConnection,
    year: int,
    lang: str,
    settings: Settings,
    made_at: datetime,
    source: str,
) -> bytes:
    """Return the briefing as PDF bytes."""
    facts = content(con, year, lang, settings)
    runs = con.execute("select count(*), max(run_id) from load_runs").fetchall()[0]
    until = formatting.day(facts["until"], lang)
    data = {
        "lang": lang,
        "municipality": facts["municipality"],
        "kicker": text("briefing.kicker", lang),
        "title": text("briefing.title", lang, year=year),
        "subtitle": text("briefing.subtitle", lang, year=year, until=until),
        "header": [
            text("label.metric", lang),
            str(year),
            str(year - 1),
            text("briefing.change", lang),
            text("label.target", lang),
            text("label.met", lang),
        ],
        "rows": facts["rows"],
        "story_title": text("overview.story", lang),
        "sentences": facts["sentences"],
        "ahead_title": text("forecast.title", lang),
        "ahead": facts["ahead"],
        "ahead_method": facts["ahead_method"],
        "definitions_title": text("briefing.definitions", lang),
        "definitions": facts["definitions"],
        "suppression_note": text(
            "briefing.suppression", lang, threshold=settings.small_number_threshold
        ),
        "footer": text(
            "briefing.footer",
            lang,
            day=formatting.day(made_at.date(), lang),
            time=f"{made_at:%H:%M}",
            source=source,
            runs=runs[0],
            last_run=runs[1],
        ),
    }
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "briefing.typ").write_text(TEMPLATE.read_text())
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False))
        for name, png in chart_images(con, year, lang, settings).items():
            (root / f"{name}.png").write_bytes(png)
        return typst.compile(str(root / "briefing.typ"), root=str(root), ignore_system_fonts=True)


def pdf(db: Path, year: int, lang: str, settings: Settings) -> bytes:
    """Return the council briefing for a year from the store at `db`, made now."""
    with store.read_only(db) as con:
        return render(con, year, lang, settings, local_now(), db.name)


def write(db: Path, year: int, lang: str, settings: Settings, out: Path) -> None:
    """Write the council briefing for a year to `out` (PDF)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf(db, year, lang, settings))
