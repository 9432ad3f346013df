"""What every page shares: language, the page models (cached), filters in the URL, downloads.

Pages only lay out what the page models in metrics/pages.py hand them. Every cache key holds
the store's version (inode and modification time) and the settings file's, so a page shows
new data right after a load, without a restart.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Literal, TypeVar

import altair as alt
import polars as pl
import streamlit as st
import vl_convert
from streamlit.delta_generator import DeltaGenerator

from metrics import charts, exports, formatting, narrative, pages
from metrics.catalog import METRIC
from metrics.forecast import Forecast
from metrics.texts import LANGUAGES, text
from pipelines import actions, store
from pipelines.settings import DEFAULT_FILE, Settings
from pipelines.settings import load as load_settings

Version = tuple[str, int, int]
Model = TypeVar("Model")


def lang() -> str:
    """Return the chosen language: the query parameter lang, kept across pages; Dutch default."""
    chosen = st.query_params.get("lang") or st.session_state.get("lang") or "nl"
    return chosen if chosen in LANGUAGES else "nl"


KEPT = "kept_choices"  # session state: query parameter -> the value last chosen (None: default)


def keep_choices() -> None:
    """Keep the language and the filters for the session, on every page.

    Moving to another page through the menu starts with an empty URL: the choices made before
    go back into it, so a period or product chosen on one page is still chosen on the next and
    when coming back. A filter set back to its default is forgotten, not put back.
    """
    st.session_state["lang"] = lang()
    for key, value in st.session_state.get(KEPT, {}).items():
        if value and key not in st.query_params:
            st.query_params[key] = value
    if st.query_params.get("lang") != lang():
        st.query_params["lang"] = lang()


def _remember(key: str, value: str | list[str] | None) -> None:
    st.session_state.setdefault(KEPT, {})[key] = value


def t(key: str, **values: object) -> str:
    """Return an interface text in the chosen language."""
    return text(key, lang(), **values)


def named(prefix: str) -> Callable[[object], str]:
    """Name a widget's options by their texts `<prefix>.<option>` in the chosen language.

    The language is read now: a widget may name its options after the run (AppTest does, on
    the next run), when the query parameters no longer say the language.
    """
    chosen = lang()
    return lambda option: text(f"{prefix}.{option}", chosen)


def version() -> Version | None:
    """Return the live store's identity, or None when there is no store yet."""
    db = store.db_path()
    try:
        stat = db.stat()
    except FileNotFoundError:
        return None
    return (str(db), stat.st_ino, stat.st_mtime_ns)


def db() -> Path:
    """Return the live store's path."""
    return store.db_path()


def demo_wanted() -> bool:
    """Whether a missing store may be built as the demo: only where no store is configured.

    A configured path that is missing is a mistake to report, never a place for fake data.
    """
    return version() is None and store.db_path() == store.DEFAULT_DB


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _settings(path: str, mtime: int | None) -> Settings:
    return load_settings(Path(path))


def _settings_key() -> tuple[str, int | None]:
    path = os.environ.get("CHANNELSHIFT_SETTINGS") or str(DEFAULT_FILE)
    return path, (Path(path).stat().st_mtime_ns if Path(path).exists() else None)


def settings() -> Settings:
    """Return the municipality settings (reloaded when the file changes)."""
    return _settings(*_settings_key())


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _model(name: str, choices: tuple, key: Version, settings_key: tuple):
    with store.read_only(Path(key[0])) as con:
        return getattr(pages, name)(con, _settings(*settings_key), **dict(choices))


def model(page: Callable[..., Model], **choices: object) -> Model:
    """Return a page model of metrics.pages for the current store and settings (cached)."""
    return _model(page.__name__, tuple(sorted(choices.items())), version(), _settings_key())


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _found(key: Version) -> pages.Frame | None:
    with store.read_only(Path(key[0])) as con:
        return pages.frame(con)


def require_data() -> pages.Frame:
    """Return the years and options every page needs; stop kindly when there is no data."""
    current = version()
    found = _found(current) if current else None
    if found is None:
        st.info(t("app.no_data"))
        st.stop()
    return found


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$])")


def plain(text: str) -> str:
    """Escape Markdown, so that a name from a file or the settings shows as the text it is."""
    return _MARKDOWN.sub(r"\\\1", text)


def product_names() -> dict[str, str]:
    """Return every product's name in the chosen language, by id."""
    chosen = lang()
    return {pid: names[chosen] for pid, names in require_data().names.items()}


def product_labels() -> Callable[[str | None], str]:
    """Return a function naming a product in the chosen language (its id when unknown).

    The names are looked up once: a select box formats each of its hundreds of options, and
    looking them up per option made the channel mix page take a second more.
    """
    names = product_names()
    return lambda product_id: "–" if product_id is None else names.get(product_id, product_id)


# --- Filters that live in the URL -------------------------------------------------------------
# A widget's change is written to the URL in its callback, before the page runs again, so the
# URL always holds the choices a run computes with.


def url_value(key: str, parse: Callable[[str], object] = str) -> object | None:
    """Return the query parameter `key` parsed, or None when absent or unreadable."""
    raw = st.query_params.get(key)
    try:
        return None if raw is None else parse(raw)
    except ValueError:
        return None


def url_select(
    label: str, options: list, key: str, default=None, format_func=str, container=st
) -> object:
    """A select box whose value is the query parameter `key`."""
    return _url_choice(container.selectbox, label, options, key, default, format_func)


def url_radio(
    label: str, options: list, key: str, default=None, format_func=str, container=st
) -> object:
    """A horizontal radio whose value is the query parameter `key`."""
    return _url_choice(container.radio, label, options, key, default, format_func, horizontal=True)


def _url_choice(widget, label: str, options: list, key: str, default, format_func, **kw):
    fallback = default if default in options else options[0]
    current = {str(o): o for o in options}.get(st.query_params.get(key), fallback)

    def remember() -> None:
        _set_param(key, str(st.session_state[f"w_{key}"]), str(fallback))

    chosen = widget(
        label,
        options,
        index=options.index(current),
        format_func=format_func,
        key=f"w_{key}",
        on_change=remember,
        **kw,
    )
    _set_param(key, str(chosen), str(fallback))
    return chosen


def url_grain(default: str, container=st) -> str:
    """Month, quarter or year, kept in the query parameter `per`."""
    return url_radio(
        t("filter.grain"),
        ["month", "quarter", "year"],
        "per",
        default=default,
        format_func=named("grain"),
        container=container,
    )


def url_multiselect(
    label: str, options: list[str], key: str, format_func=str, container=st
) -> list[str]:
    """A multiselect whose values are the repeated query parameter `key`."""
    wanted = [v for v in st.query_params.get_all(key) if v in options]
    chosen = container.multiselect(
        label,
        options,
        default=wanted,
        format_func=format_func,
        key=f"w_{key}",
        placeholder=t("filter.all"),  # nothing chosen means all; not Streamlit's English
    )
    if chosen:
        st.query_params[key] = chosen
    elif key in st.query_params:
        del st.query_params[key]
    _remember(key, chosen or None)
    return chosen


def url_year_range(label: str, years: list[int], key: str, container=st) -> tuple[int, int]:
    """A year-range slider kept in the query parameter `key` as 'first-last'."""
    first, last = years[0], years[-1]
    wanted = st.query_params.get(key, "")
    try:
        low, high = (int(part) for part in wanted.split("-"))
        low, high = max(first, low), min(last, high)
    except ValueError:
        low, high = first, last
    if first == last:
        return first, last
    low, high = container.slider(label, first, last, (low, high), key=f"w_{key}")
    _set_param(key, f"{low}-{high}", f"{first}-{last}")
    return low, high


def _set_param(key: str, value: str, default: str) -> None:
    _remember(key, None if value == default else value)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


# --- The record of actions ----------------------------------------------------------------------
ACTOR = "actor"  # session state: whom this session's actions are recorded for


def act_as(subject: str, name: str) -> actions.Actor:
    """Record this session's actions for this reader (the dashboard calls it on every run)."""
    st.session_state[ACTOR] = actions.Actor(subject, name)
    return st.session_state[ACTOR]


def actor() -> actions.Actor:
    """Return whom this session's actions are recorded for ("local" without a login)."""
    return st.session_state.get(ACTOR, actions.LOCAL)


def actions_log() -> Path:
    """Return the record of actions of the live store."""
    return actions.path_for(db())


def record(action: str, what: str, run_id: int | None = None) -> None:
    """Record an action of this session's reader, now (during a script run)."""
    actions.record(actions_log(), actor(), action, what, run_id=run_id)


def record_login(who: actions.Actor, roles: str, token: str) -> None:
    """Record a login, unless this login (its ID token) is in the record already."""
    log = actions_log()
    if not token or not actions.logged_in(log, who, token):
        actions.record(log, who, "login", roles, token=token or None)


def recorded_actions(start: date, end: date) -> pl.DataFrame:
    """Return the actions from start to end; read anew on every run (the log only grows)."""
    return actions.read(actions_log(), start, end)


# --- Output -----------------------------------------------------------------------------------


def source(*filters: tuple[str, object]) -> str:
    """Say where a page's figures come from: municipality, data until, (label, value) filters."""
    found = require_data()
    pairs = [(label, str(value)) for label, value in filters]
    return exports.source_line(settings().municipality, found.until, lang(), pairs)


def chosen(values: list, format_func: Callable[[object], str] = str) -> str:
    """A multiselect's choice in words: the values, or 'all' when none is chosen."""
    return ", ".join(format_func(v) for v in values) or t("filter.all")


def chart(figure: partial[alt.TopLevelMixin], data: pl.DataFrame, name: str, source: str) -> None:
    """Show a chart with its data as CSV and the chart itself as PNG to download.

    `figure` is a function of metrics.charts with its arguments (functools.partial): the chart
    is made once per arguments and kept (`vega_lite`), and as PNG only when clicked.
    """
    st.vega_lite_chart(vega_lite(figure), width="stretch")
    with st.container(horizontal=True, wrap=True, gap="small"):  # a narrow column stacks them
        download(data, name, source)
        offer(
            t("app.download_png"),
            lambda: png(figure(), source),
            f"{name}.png",
            "image/png",
            "image",
            action="png",
        )


def vega_lite(figure: partial[alt.TopLevelMixin]) -> dict:
    """Return the chart's Vega-Lite spec as st.altair_chart would send it, made once.

    Building an Altair chart (its tooltips' texts in the chosen language) and checking its
    spec took 30 to 60 ms a chart on every view; the spec is kept per chart function and
    arguments (frames are hashed by their rows).
    """
    key = (figure.func.__module__, figure.func.__qualname__, figure.args, figure.keywords)
    return _vega_lite(figure, key)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _vega_lite(_figure: partial[alt.TopLevelMixin], key: tuple) -> dict:
    # The chart fits the page's width; its height is the plot's own (charts.PLOT_HEIGHT), with
    # the title, legend and axes on top, as in its PNG. Fitted in both directions (Streamlit's
    # default), a legend of three rows in half a page left a stacked bar chart 40 px of 300.
    return {**spec(_figure()), "autosize": {"type": "fit-x", "contains": "padding"}}


def spec(figure: alt.TopLevelMixin) -> dict:
    """Return a chart's Vega-Lite spec with its frames as named datasets, as Streamlit sends
    them (Arrow, not JSON), and without Altair's default theme (Streamlit's own applies)."""
    datasets: dict[str, pl.DataFrame] = {}
    named: dict[int, alt.NamedData] = {}

    def name_data(part: object) -> None:
        data = getattr(part, "data", None)
        if isinstance(data, pl.DataFrame):
            if id(data) not in named:
                digest = hashlib.sha256(data.write_ipc_stream(None).getvalue()).hexdigest()
                named[id(data)] = alt.NamedData(name=digest[:32])
                datasets[digest[:32]] = data
            part.data = named[id(data)]
        for parts in ("layer", "concat", "hconcat", "vconcat"):
            inner = getattr(part, parts, None)
            for each in inner if isinstance(inner, list) else ():
                name_data(each)

    name_data(figure)
    made = figure.to_dict()
    theme = alt.theme.get()
    if theme is not None and made.get("config") == theme().get("config"):
        del made["config"]
    made["datasets"] = datasets
    return made


def png(figure: alt.TopLevelMixin, source: str) -> bytes:
    """Render a chart with its source line to PNG offline (vl-convert bundles Vega and fonts)."""
    return vl_convert.vegalite_to_png(charts.with_source(figure, source).to_json(), scale=2)


def download(data: pl.DataFrame, name: str, source: str) -> None:
    """Offer a frame as a CSV file as Excel in the chosen language opens it, source line first.

    The file is made when clicked, not on every view of the page.
    """
    chosen = lang()  # read now: the download runs outside this script run
    offer(
        t("app.download_csv"),
        lambda: exports.csv_bytes(data, chosen, source),
        f"{name}.csv",
        "text/csv",
        action="csv",
    )


def offer(
    label: str,
    data: bytes | Callable[[], bytes],
    file_name: str,
    mime: str,
    icon: str = "download",
    *,
    action: str,
) -> None:
    """A download button; `data` as a function is made only when clicked, outside this run.

    The download is recorded (actions.ACTIONS: `action`, the file's name) when it is made.
    Who downloads and where the record is are read now: the click is served outside this
    script run, where st.* knows no session.
    """
    who, log = actor(), actions_log()

    def made() -> bytes:
        content = data() if callable(data) else data
        actions.record(log, who, action, file_name)
        return content

    st.download_button(
        label,
        data=made,
        file_name=file_name,
        mime=mime,
        key=f"download_{file_name}",
        on_click="ignore",
        icon=f":material/{icon}:",
    )


def footer(found: pages.Frame) -> None:
    """Say how fresh the data are."""
    st.caption(t("app.data_until", day=formatting.day(found.until, lang())))


@dataclass(frozen=True)
class Col:
    """A table column: its heading and how its values read (see `table`)."""

    label: str
    kind: Literal["text", "number", "day", "moment", "share"] = "text"
    decimals: int = 0
    pinned: bool = False  # stays in view when a narrow screen scrolls the table sideways


def table(frame: pl.DataFrame, columns: dict[str, Col]) -> None:
    """Show the given columns of a frame with numbers and dates in the chosen language.

    Streamlit's own number and date formats follow the browser's locale (an English browser
    shows "43,810" in the Dutch interface); the display values of a pandas Styler do not, and
    the values beneath them still sort as numbers and moments. Shares are bars with a whole
    percentage, which reads the same in both languages. Days are text ("3 april 2006", "–"):
    the grid writes an empty date as "None", whatever its display value.
    """
    chosen = lang()
    read = {
        "number": lambda c: lambda x: formatting.number(x, chosen, c.decimals),
        "share": lambda c: lambda x: formatting.number(x, chosen),  # the bar writes its own
        "moment": lambda c: lambda d: formatting.moment(d.to_pydatetime(), chosen),
    }
    shown = frame.select(
        (100 * pl.col(name)).round(0).cast(pl.Int64).alias(name)
        if col.kind == "share"
        else dates_as_text(name)  # the grid would write an empty date as "None"
        if col.kind == "day"
        else pl.col(name)
        for name, col in columns.items()
    )
    styled = shown.to_pandas().style.format(
        {name: read[col.kind](col) for name, col in columns.items() if col.kind in read},
        na_rep=formatting.MISSING,
    )
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        column_config={
            name: st.column_config.ProgressColumn(
                col.label, format="%d%%", min_value=0, max_value=100, pinned=col.pinned
            )
            if col.kind == "share"
            else st.column_config.Column(col.label, pinned=col.pinned)
            for name, col in columns.items()
        },
    )


def dates_as_text(column: str) -> pl.Expr:
    """Show a date column as '1 maart 2013' (and '–' when empty) in the chosen language."""
    chosen = lang()  # read here: Polars runs the function on its own threads
    return pl.col(column).map_elements(
        lambda d: formatting.day(d, chosen), return_dtype=pl.String, skip_nulls=False
    )


CARD_WIDTH = 260  # pixels: the longest label, value and change of a card fit on one line


def cards() -> DeltaGenerator:
    """A row of cards that wraps onto more rows on a narrow screen, so nothing is cut off."""
    return st.container(horizontal=True, wrap=True, gap="small")


def card(row: DeltaGenerator) -> DeltaGenerator:
    """One card's place in a row of cards: its metric and the caption beneath it."""
    return row.container(width=CARD_WIDTH)


def no_rows() -> None:
    """Say kindly that a selection has no data."""
    st.info(t("app.no_rows"))


def looking_ahead(forecasts: dict[str, Forecast]) -> None:
    """Say when each target is reached at this pace; the method and past misses beneath."""
    chosen = lang()
    for metric_id, found in forecasts.items():
        st.markdown(f"- {plain(narrative.ahead(METRIC[metric_id], found, chosen))}")
    with st.expander(t("forecast.how"), icon=":material/insights:"):
        st.markdown(plain(narrative.ahead_method(chosen)))
        details = [narrative.ahead_detail(METRIC[m], f, chosen) for m, f in forecasts.items()]
        for detail in filter(None, details):
            st.markdown(f"- {plain(detail)}")
        misses = misses_table(forecasts, chosen)
        if not misses.is_empty():
            st.dataframe(misses, hide_index=True, width="stretch")


def misses_table(forecasts: dict[str, Forecast], chosen: str) -> pl.DataFrame:
    """Every back-test prediction: the metric, the line's years, the year, predicted, actual."""

    def written(x: float, unit: str) -> str:
        return (
            formatting.share(x, chosen, 1) if unit == "share" else formatting.number(x, chosen, 1)
        )

    def miss(x: float, unit: str) -> str:
        return formatting.points(x, chosen) if unit == "share" else formatting.number(x, chosen, 1)

    rows = [
        (
            METRIC[metric_id].label[chosen],
            f"{m.first}–{m.origin}",
            str(m.year),
            written(m.predicted, METRIC[metric_id].unit),
            written(m.actual, METRIC[metric_id].unit),
            miss(m.error, METRIC[metric_id].unit),
        )
        for metric_id, found in forecasts.items()
        for m in found.misses
    ]
    columns = ("label.metric", "forecast.fitted", "label.year", "forecast.predicted")
    columns += ("forecast.actual", "forecast.miss")
    return pl.DataFrame(rows, schema=[text(c, chosen) for c in columns], orient="row")
