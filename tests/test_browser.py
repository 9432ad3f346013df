"""End to end: the dashboard as a person uses it, in real headless Chromium.

The session's short demo store (2008-2012, tests/conftest.py) is served by `streamlit run`
on a free port. Every page is opened in Dutch and English; the figures the tests look for are
computed from the store with the project's own functions, never typed in. Screenshots of every
page land in test-artifacts/screenshots/ (gitignored) for a person to look at.

Needs Debian's `chromium` (/usr/bin/chromium); without it these tests fail, never skip.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bench.pages import free_port, healthy
from metrics import charts, formatting, pages, query, status, views
from metrics.catalog import METRIC
from metrics.texts import text
from pipelines import store
from pipelines.settings import DEFAULT_FILE
from pipelines.settings import load as load_settings
from tests.conftest import DEMO_UNTIL, copy_store

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Browser locale per app language: the other one, on purpose. A civil servant's browser is
# often English; every number and date must follow the app's language, not the browser's.
BROWSER_LOCALE = {"nl": "en-US", "en": "nl-NL"}
VIEWPORT = {"width": 1400, "height": 900}

APP = '[data-testid="stApp"]'
DONE = f'{APP}[data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
SKELETON = '[data-testid="stSkeleton"]'
CHART = '[data-testid="stVegaLiteChart"]'

# (URL path, screenshot name, title key in metrics.texts.TEXTS)
PAGES = (
    ("", "overzicht", "overview.title"),
    ("kanaalmix", "kanaalmix", "channel_mix.title"),
    ("digitalisering", "digitalisering", "digitisation.title"),
    ("herstelwerk", "herstelwerk", "corrections.title"),
    ("teams", "teams", "teams.title"),
    ("audit", "audit", "audit.title"),
)
LANGS = ("nl", "en")
YEAR, OTHER_YEAR = 2012, 2011  # the demo store runs from 2008 to the end of 2012

START_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 60_000  # a first, cold run of a page may read a lot from DuckDB
SETTLE_MS = 1_000
# Assertions retry for this long: a rerun on a busy 2-core CI box can take several seconds.
expect.set_options(timeout=20_000)


# --- Chromium, store and app -----------------------------------------------------------------


def chromium_path() -> str:
    """Return Debian's chromium; fail (never skip) when it is missing."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"Chromium not found (looked for `chromium` on PATH and {path}). The browser tests "
            "need Debian's chromium: apt-get install -y chromium. Never `playwright install`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def db(demo_store: Path) -> Path:
    """The session's short demo store (2008 to 2012); read only."""
    assert date(YEAR, 12, 31) == DEMO_UNTIL
    return demo_store


@contextmanager
def running_app(db: Path, log: Path, secrets: Path | None = None) -> Iterator[str]:
    """Serve the dashboard on the store `db` with `streamlit run`; yield its base URL.

    `secrets` is the app's secrets file (a login: `[auth]`); without it none is read, not even
    a `.streamlit/secrets.toml` someone keeps in the checkout: the app is the open demo.
    """
    env = {**os.environ, "CHANNELSHIFT_DB": str(db)}
    secrets = secrets or log.with_name("no-secrets.toml")
    proc = None
    for _attempt in range(3):  # another process may take the free port before streamlit does
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [
            *(sys.executable, "-m", "streamlit", "run", "dashboard.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            # Others edit the app while the tests run: no file watcher, no surprise reruns.
            "--server.fileWatcherType=none",
            f"--secrets.files={secrets}",
        ]
        with open(log, "a") as out:
            proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=out)
        deadline = time.monotonic() + START_TIMEOUT_S
        while proc.poll() is None and not healthy(base):
            if time.monotonic() > deadline:
                stop(proc)
                pytest.fail(
                    f"streamlit did not answer 'ok' on /_stcore/health in {START_TIMEOUT_S} s:\n"
                    + log.read_text()[-3000:],
                    pytrace=False,
                )
            time.sleep(0.25)
        if proc.poll() is None:
            break
    else:
        pytest.fail(f"streamlit exited at start:\n{log.read_text()[-3000:]}", pytrace=False)
    try:
        yield base
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def app(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the dashboard serving the module's store."""
    with running_app(db, tmp_path_factory.mktemp("browser_app") / "streamlit.log") as url:
        yield url


@contextmanager
def browser_page(browser: Browser, lang: str) -> Iterator[Page]:
    """A fresh browser (own Streamlit session) with the reader's locale."""
    context = browser.new_context(
        viewport=VIEWPORT, locale=BROWSER_LOCALE[lang], timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- Expected figures, from the store ---------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    web_share: dict[int, float | None]
    untagged: float | None  # share of the audit period's calls
    unknown: int


def expected(db: Path) -> Expected:
    with store.read_only(db) as con:
        shares = {
            y: query.value(con, "web_share", date(y, 1, 1), date(y, 12, 1))
            for y in (YEAR, OTHER_YEAR)
        }
        found = views.quality(con)
        audit = pages.audit(con, load_settings(DEFAULT_FILE))
    return Expected(shares, audit.untagged_share, found["unknown"])


# --- What a person sees -----------------------------------------------------------------------


def url(base: str, path: str, **params: object) -> str:
    return f"{base}/{path}?{urlencode(params)}"


def settle(page: Page) -> None:
    """Wait until the script has run and the charts have had a moment to draw."""
    page.locator(DONE).wait_for(timeout=PAGE_TIMEOUT_MS)
    expect(page.locator(SKELETON)).to_have_count(0, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)
    page.locator(DONE).wait_for(timeout=PAGE_TIMEOUT_MS)  # still (or again) done


def open_page(page: Page, base: str, path: str, **params: object) -> None:
    page.goto(url(base, path, **params))
    settle(page)


def assert_no_errors(page: Page) -> None:
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        pytest.fail(f"exception on {page.url}:\n{exceptions.first.inner_text()}", pytrace=False)
    expect(page.locator(ERROR_ALERT), f"error alert on {page.url}").to_have_count(0)


def assert_title(page: Page, key: str, lang: str) -> None:
    expect(page.locator("h1")).to_have_text(text(key, lang))


def metric_value(page: Page, label: str):
    """The value of the st.metric card with this label."""
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return card.locator('[data-testid="stMetricValue"]')


def assert_chart(page: Page) -> None:
    drawn = page.locator(f"{CHART} canvas, {CHART} svg").first
    expect(drawn).to_be_visible()
    box = drawn.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50, f"chart not drawn on {page.url}"


def screenshot(page: Page, name: str, width: int = VIEWPORT["width"]) -> None:
    """Save the whole page; Streamlit scrolls inside its main area, so grow the viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stAppViewContainer', 'stSidebar']"
        '.map(id => document.querySelector(`[data-testid="${id}"]`))'
        ".filter(e => e).map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": width, "height": max(VIEWPORT["height"], height)})
    page.wait_for_timeout(500)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    page.set_viewport_size(VIEWPORT)


# --- Tests ------------------------------------------------------------------------------------


def test_chromium_is_installed():
    """CI must not pass without a browser: a missing chromium is a failure, not a skip."""
    chromium_path()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "name", "title"), PAGES, ids=[p[1] for p in PAGES])
def test_page_shows_its_title_and_figures(browser, app, db, path, name, title, lang):
    want = expected(db)
    with browser_page(browser, lang) as page:
        if name == "overzicht":
            open_page(page, app, path, lang=lang, year=YEAR)
        else:
            open_page(page, app, path, lang=lang)
        assert_no_errors(page)
        assert_title(page, title, lang)
        if name == "overzicht":
            shown = formatting.share(want.web_share[YEAR], lang)
            expect(metric_value(page, METRIC["web_share"].label[lang])).to_have_text(shown)
        elif name == "audit":
            shown = formatting.share(want.untagged, lang, 1)
            expect(metric_value(page, text("quality.untagged_share", lang))).to_have_text(shown)
        else:
            assert_chart(page)
        assert page.evaluate(CLIPPED) == []
        assert page.evaluate(SQUEEZED) == []
        screenshot(page, f"{name}_{lang}")


@pytest.mark.parametrize("lang", LANGS)
def test_channel_mix_per_quarter_by_click(browser, app, lang):
    with browser_page(browser, lang) as page:
        open_page(page, app, "kanaalmix", lang=lang)
        assert "per=" not in page.url  # the default, per year, stays out of the URL
        group = page.get_by_role("radiogroup", name=text("filter.grain", lang))
        group.get_by_text(text("grain.quarter", lang), exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]per=quarter(&|$)"))
        settle(page)
        assert_no_errors(page)
        expect(group.get_by_role("radio", name=text("grain.quarter", lang))).to_be_checked()
        assert_chart(page)


def test_filters_survive_moving_between_pages(browser, app):
    """Choices were lost on moving to another page through the menu and back."""
    with browser_page(browser, "nl") as page:
        open_page(page, app, "kanaalmix", lang="nl")
        group = page.get_by_role("radiogroup", name=text("filter.grain", "nl"))
        group.get_by_text(text("grain.quarter", "nl"), exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]per=quarter(&|$)"))
        settle(page)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("link", name=text("page.overview", "nl")).click()
        settle(page)
        page.get_by_role("combobox", name=text("filter.year", "nl")).click()
        page.get_by_role("option", name=str(OTHER_YEAR), exact=True).click()
        expect(page).to_have_url(re.compile(rf"[?&]year={OTHER_YEAR}(&|$)"))
        settle(page)
        sidebar.get_by_role("link", name=text("page.channel_mix", "nl")).click()
        expect(page).to_have_url(re.compile(r"/kanaalmix\?(.*&)?per=quarter(&|$)"))
        settle(page)
        assert_no_errors(page)
        expect(group.get_by_role("radio", name=text("grain.quarter", "nl"))).to_be_checked()
        sidebar.get_by_role("link", name=text("page.overview", "nl")).click()
        settle(page)
        combobox = page.get_by_role("combobox", name=text("filter.year", "nl"))
        expect(combobox).to_have_value(str(OTHER_YEAR))
        # set back to its default, a choice is forgotten, not put back
        sidebar.get_by_role("link", name=text("page.channel_mix", "nl")).click()
        settle(page)
        group.get_by_text(text("grain.year", "nl"), exact=True).click()
        settle(page)
        expect(page).not_to_have_url(re.compile(r"per="))
        sidebar.get_by_role("link", name=text("page.teams", "nl")).click()
        settle(page)
        sidebar.get_by_role("link", name=text("page.channel_mix", "nl")).click()
        settle(page)
        expect(page).not_to_have_url(re.compile(r"per="))
        expect(group.get_by_role("radio", name=text("grain.year", "nl"))).to_be_checked()


def test_overview_year_from_the_selectbox(browser, app, db):
    want = expected(db)
    before = formatting.share(want.web_share[YEAR], "nl")
    after = formatting.share(want.web_share[OTHER_YEAR], "nl")
    assert before != after, "the demo's web share should differ between the two years"
    with browser_page(browser, "nl") as page:
        open_page(page, app, "", lang="nl", year=YEAR)
        card = metric_value(page, METRIC["web_share"].label["nl"])
        expect(card).to_have_text(before)
        page.get_by_role("combobox", name=text("filter.year", "nl")).click()
        page.get_by_role("option", name=str(OTHER_YEAR), exact=True).click()
        expect(page).to_have_url(re.compile(rf"[?&]year={OTHER_YEAR}(&|$)"))
        settle(page)
        assert_no_errors(page)
        expect(card).to_have_text(after)
        cards = text("overview.cards", "nl", year=OTHER_YEAR)
        expect(page.get_by_role("heading", name=cards, exact=True)).to_be_visible()


def test_language_switch_in_the_sidebar(browser, app):
    with browser_page(browser, "nl") as page:
        open_page(page, app, "", lang="nl")
        assert_title(page, "overview.title", "nl")
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_role("radio", name="EN", exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"))
        settle(page)
        assert_no_errors(page)
        assert_title(page, "overview.title", "en")
        # The choice stays when the reader moves on through the menu.
        sidebar.get_by_role("link", name=text("page.channel_mix", "en")).click()
        expect(page).to_have_url(re.compile(r"/kanaalmix\?(.*&)?lang=en(&|$)"))
        settle(page)
        assert_title(page, "channel_mix.title", "en")


def write_web_export(path: Path, db: Path, rows: int = 50, unknown: int = 5) -> None:
    """A small web export in December of the last year: new ids, some unknown products."""
    with store.read_only(db) as con:
        products = [
            r[0]
            for r in con.execute(
                "select product_id from products where digital_since is not null "
                "order by product_id limit 10"
            ).fetchall()
        ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["contact_id", "submitted_at", "product_id", "completed"])
        for i in range(rows):
            product = "e2e_onbekend_product" if i < unknown else products[i % len(products)]
            out.writerow(
                [
                    f"E2E-{YEAR}-{i:05d}",
                    f"{YEAR}-12-{1 + i % 28:02d}T{8 + i % 9:02d}:{i % 60:02d}:00",
                    product,
                    "true" if i % 4 else "false",
                ]
            )


def test_pages_keep_working_while_a_load_publishes_new_data(browser, db, tmp_path):
    """A load in another process while the app serves pages; new data without a restart."""
    own = copy_store(db, tmp_path / "store.duckdb")  # the other tests keep the store as built
    export = tmp_path / "web_e2e.csv"
    write_web_export(export, own)
    runs_before = status.counts(own)["load_runs"]
    unknown_before = expected(own).unknown
    lineage = text("audit.lineage", "nl")

    with (
        running_app(own, tmp_path / "streamlit.log") as base,
        browser_page(browser, "nl") as overview,
    ):
        audit = overview.context.new_page()
        open_page(overview, base, "", lang="nl")
        open_page(audit, base, "audit", lang="nl")

        command = [sys.executable, "-m", "pipelines", "load", "--db", str(own)]
        command += ["--source", "web", str(export)]
        env = {**os.environ, "CHANNELSHIFT_DB": str(own)}
        log = tmp_path / "load.log"
        with open(log, "w") as out:
            load = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=out)
        during = after = 0  # page loads started while the load ran / after it ended
        deadline = time.monotonic() + 90
        try:
            # Two sessions reload at once while the load runs, and once more after it.
            while time.monotonic() < deadline:
                loading = load.poll() is None
                for page, path in ((overview, ""), (audit, "audit")):
                    page.goto(url(base, path, lang="nl"), wait_until="commit")
                for page in (overview, audit):
                    settle(page)
                    assert_no_errors(page)
                    assert_title(page, "audit.title" if page is audit else "overview.title", "nl")
                if loading:
                    during += 2
                else:
                    after += 2
                    break
            code = load.wait(timeout=60)
        finally:
            if load.poll() is None:
                stop(load)
        assert code == 0, f"the load failed:\n{log.read_text()}"
        assert during >= 2 and after >= 2, f"{during} page loads during the load, {after} after"

        runs_after = status.counts(own)["load_runs"]
        assert runs_after == runs_before + 1
        unknown_after = expected(own).unknown
        assert unknown_after > unknown_before

        # A fresh page load, same app process: the new run and the new contacts are there.
        open_page(audit, base, "audit", lang="nl")
        assert_no_errors(audit)
        runs_grid = audit.locator(
            f'[data-testid="stElementContainer"]:has(h3:has-text("{lineage}"))'
            ' ~ [data-testid="stElementContainer"]:has([data-testid="stDataFrame"])'
        ).first.locator('table[role="grid"]')
        expect(runs_grid).to_have_attribute("aria-rowcount", str(runs_after + 1))  # + header
        expect(runs_grid).to_contain_text(export.name)
        unknown = metric_value(audit, text("card.unknown", "nl"))
        expect(unknown).to_have_text(formatting.number(unknown_after, "nl"))


CLIPPED = """() => [
    ...[...document.querySelectorAll(
        '[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, '
        + '[data-testid="stMetricValue"], '
        + '[data-testid="stMetricDelta"] div'
    )].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText),
    // a button label cut short ("Download …")
    ...[...document.querySelectorAll('[data-testid="stDownloadButton"] button p')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText),
    // Vega writes a title or legend label it has to cut with an ellipsis
    ...[...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text')]
        .map(e => e.textContent).filter(t => t.endsWith("…")),
    // and lets a legend or title run off the chart's edge
    ...[...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')].flatMap(svg => {
        const edge = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('.role-legend, .role-title')]
            .filter(e => e.getBoundingClientRect().right > edge.right + 1)
            .map(e => e.textContent);
    }),
]"""

# A chart whose plot is squeezed by its own title and legend: fitted into 300 px as a whole, a
# stacked bar chart with a legend of three rows in half a page kept a plot 29 px high.
SQUEEZED = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg')]
    .flatMap(svg => [...svg.querySelectorAll('g.role-axis')]
        .filter(axis => (axis.getAttribute('aria-label') || '').startsWith('Y-axis'))
        .filter(axis => axis.getBoundingClientRect().height < PLOT_PX)
        .map(axis => `${axis.getAttribute('aria-label')}: ${axis.getBoundingClientRect().height}`))
""".replace("PLOT_PX", str(charts.PLOT_HEIGHT - 10))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "name", "title"), PAGES, ids=[p[1] for p in PAGES])
def test_nothing_is_cut_off_on_a_laptop(browser, app, lang, path, name, title):
    """At 1024 px the cards read "54,9..." and "Aandeel w...", chart titles "Gemiddelde
    wachttijd telefoon …": cards wrap, titles wrap, legend labels are never cut. The same check
    runs at 1400 px on every page in test_page_shows_its_title_and_figures."""
    with browser_page(browser, lang) as page:
        page.set_viewport_size({"width": 1024, "height": 800})
        open_page(page, app, path, lang=lang, year=YEAR)
        assert_no_errors(page)
        expect(page.get_by_role("heading", name=text(title, lang), exact=True)).to_be_visible()
        assert page.locator(f'[data-testid="stMetric"], {CHART}').count() >= 1
        assert page.evaluate(CLIPPED) == []
        assert page.evaluate(SQUEEZED) == []
        screenshot(page, f"{name}_{lang}_1024", width=1024)


def test_a_view_asks_nothing_of_any_other_server(browser, app):
    """The favicon, a material icon, came from fonts.gstatic.com on every view: readers'
    addresses went to Google, and offline it failed. Nothing may be fetched from elsewhere."""
    from urllib.parse import urlparse

    hosts = set()
    with browser_page(browser, "nl") as page:
        page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
        for path in ("", "kanaalmix", "teams"):
            open_page(page, app, path, lang="nl")
            assert_no_errors(page)
    assert hosts - {None} == {"127.0.0.1"}, hosts


# --- Login and roles, against a real OpenID Connect provider (docs/access.md) -----------------
# The provider is oidc-provider-mock on 127.0.0.1 with one reader per role; the app logs in
# through it with Streamlit's st.login, as it would through the municipality's own provider.
# The groups are those of the demo settings' [access]; the menus are written out by hand.


@dataclass(frozen=True)
class Reader:
    sub: str
    name: str
    groups: tuple[str, ...]
    role: str | None
    menu: tuple[str, ...]  # URL paths of the menu's pages, in order; the first opens at /


READING = ("overzicht", "kanaalmix", "digitalisering", "herstelwerk", "teams", "audit")
EVERY_PAGE = (*READING, "laden")
MENU_TITLE = {  # URL path -> the menu's title key
    "overzicht": "page.overview",
    "kanaalmix": "page.channel_mix",
    "digitalisering": "page.digitisation",
    "herstelwerk": "page.corrections",
    "teams": "page.teams",
    "audit": "page.audit",
    "laden": "page.load",
}
PAGE_TITLE = {path or "overzicht": title for path, _, title in PAGES} | {"laden": "load.title"}
READERS = (
    Reader(
        "wethouder@demogemeente.nl",
        "Wethouder Jansen",
        ("kcc-bestuur", "alle-medewerkers"),
        "bestuurder",
        ("overzicht", "kanaalmix", "digitalisering", "herstelwerk"),
    ),
    Reader(
        "secretaris@demogemeente.nl",
        "Secretaris Bakker",
        ("kcc-secretaris",),
        "secretaris",
        READING,
    ),
    Reader(
        "teamleider@demogemeente.nl",
        "Teamleider de Vries",
        ("kcc-teamleiders", "kcc-tl-burgerzaken"),
        "teamleider",
        ("kanaalmix", "herstelwerk", "teams"),
    ),
    Reader("beheerder@demogemeente.nl", "Beheerder Smit", ("kcc-beheer",), "beheerder", EVERY_PAGE),
    Reader("medewerker@demogemeente.nl", "Medewerker Visser", ("alle-medewerkers",), None, ()),
)
# Each role in one language, so that both are covered without logging in ten times.
ROLE_LANG = {"bestuurder": "nl", "secretaris": "en", "teamleider": "nl", "beheerder": "en"}
OWN_TEAM, OTHER_TEAM = "Burgerzaken", "Vergunningen"  # [access.teams] "kcc-tl-burgerzaken"
DATA = f'[data-testid="stMetric"], {CHART}, [data-testid="stDataFrame"]'


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on 127.0.0.1 that knows the READERS; its base URL."""
    import threading

    from oidc_provider_mock import User
    from oidc_provider_mock import app as provider_app
    from werkzeug.serving import make_server

    users = [
        User(sub=r.sub, claims={"name": r.name, "email": r.sub, "groups": list(r.groups)})
        for r in READERS
    ]
    # the nonce the app sends must come back in the ID token
    server = make_server(
        "127.0.0.1", 0, provider_app(user_claims=users, require_nonce=True), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def login_app(db: Path, provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the dashboard with a login through `provider` (a secrets file of its own)."""
    from secrets import token_urlsafe

    folder = tmp_path_factory.mktemp("login_app")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'  # Streamlit fills in {port}
        f'cookie_secret = "{token_urlsafe(32)}"\n'
        'client_id = "klik-bel-balie"\n'
        'client_secret = "only-for-the-tests"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    with running_app(db, folder / "streamlit.log", secrets) as url:
        yield url


@contextmanager
def reader_page(browser: Browser, lang: str) -> Iterator[Page]:
    """A fresh browser (no cookies) that reaches nothing but 127.0.0.1.

    The provider's pages link a stylesheet on a CDN: blocked, so nothing is downloaded.
    """
    with browser_page(browser, lang) as page:
        page.context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda r: r.abort())
        yield page


def menu(page: Page) -> list[str]:
    """The titles in the sidebar's menu (none when there is no menu)."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    return [label.splitlines()[-1] for label in links.all_inner_texts()]


def log_in(page: Page, app: str, provider: str, reader: Reader, lang: str) -> None:
    """Log in from the login page, at the provider, as `reader`; back on the app."""
    assert_title(page, "access.login_title", lang)
    page.get_by_role("button", name=text("access.login", lang)).click()
    page.wait_for_url(f"{provider}/oauth2/authorize?*")
    page.get_by_role("button", name=reader.sub, exact=True).click()  # the provider's form
    page.wait_for_url(f"{app}/**")
    settle(page)
    assert_no_errors(page)
    if lang != "nl":  # the login returns to the home address, which speaks Dutch
        page.get_by_test_id("stSidebar").get_by_role("radio", name=lang.upper()).click()
        expect(page).to_have_url(re.compile(rf"[?&]lang={lang}(&|$)"))
        settle(page)


def log_out(page: Page, app: str, provider: str, lang: str) -> None:
    """Log out in the app, end the session at the provider, and be back at the login page
    (at the home address, in Dutch)."""
    page.get_by_role("button", name=text("access.logout", lang)).click()
    page.wait_for_url(f"{provider}/oauth2/end_session?*")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{app}/**")
    settle(page)
    assert_login_page(page, "nl")


def assert_login_page(page: Page, lang: str) -> None:
    assert_title(page, "access.login_title", lang)
    expect(page.get_by_role("button", name=text("access.login", lang))).to_be_visible()
    assert menu(page) == []
    expect(page.locator(DATA)).to_have_count(0)


@pytest.mark.parametrize("reader", [r for r in READERS if r.role], ids=lambda r: r.role)
def test_each_role_logs_in_sees_its_menu_and_no_other_page(browser, login_app, provider, reader):
    lang = ROLE_LANG[reader.role]
    with reader_page(browser, lang) as page:
        open_page(page, login_app, "audit", lang=lang)  # a link to a page, before logging in
        assert_login_page(page, lang)
        screenshot(page, f"login_{lang}")
        log_in(page, login_app, provider, reader, lang)

        assert menu(page) == [text(MENU_TITLE[path], lang) for path in reader.menu]
        assert_title(page, PAGE_TITLE[reader.menu[0]], lang)  # the menu's first page opens
        role = text(f"role.{reader.role}", lang)
        said = text("access.logged_in", lang, name=reader.name, roles=role)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text(said, exact=True)).to_be_visible()
        expect(sidebar.get_by_text(text("access.no_login", lang))).to_have_count(0)

        for path in EVERY_PAGE:
            open_page(page, login_app, path, lang=lang)
            assert_no_errors(page)
            if path in reader.menu:
                assert_title(page, PAGE_TITLE[path], lang)
            else:  # by its address: a page of another role is not shown
                assert_title(page, "access.not_yours_title", lang)
                expect(page.locator(DATA)).to_have_count(0)
                screenshot(page, f"not_yours_{reader.role}_{path}_{lang}")
            assert menu(page) == [text(MENU_TITLE[p], lang) for p in reader.menu]

        log_out(page, login_app, provider, lang)
        open_page(page, login_app, reader.menu[-1], lang=lang)  # logged out: no page opens
        assert_login_page(page, lang)


def test_a_team_lead_sees_only_their_own_team(browser, login_app, provider, db):
    reader = next(r for r in READERS if r.role == "teamleider")
    with store.read_only(db) as con:
        assert {OWN_TEAM, OTHER_TEAM} <= set(pages.frame(con).options["teams"])
    with reader_page(browser, "nl") as page:
        open_page(page, login_app, "", lang="nl")
        log_in(page, login_app, provider, reader, "nl")
        open_page(page, login_app, "teams", lang="nl", team=OTHER_TEAM)  # another team's link
        assert_no_errors(page)
        team = page.get_by_role("combobox", name=text("filter.team", "nl"))
        expect(team).to_have_value(OWN_TEAM)
        team.click()
        expect(page.get_by_role("option")).to_have_text([OWN_TEAM])
        page.keyboard.press("Escape")
        own = text("access.own_teams", "nl", teams=OWN_TEAM)
        expect(page.get_by_test_id("stSidebar").get_by_text(own, exact=True)).to_be_visible()
        assert_chart(page)
        screenshot(page, "teams_teamleider_nl")


@pytest.mark.parametrize("lang", LANGS)
def test_a_reader_without_a_role_sees_no_access_and_no_data(browser, login_app, provider, lang):
    reader = next(r for r in READERS if r.role is None)
    with reader_page(browser, lang) as page:
        open_page(page, login_app, "", lang=lang)
        log_in(page, login_app, provider, reader, lang)
        for path in EVERY_PAGE:
            if path:
                open_page(page, login_app, path, lang=lang)
            assert_title(page, "access.no_access_title", lang)
            warning = text("access.no_access", lang, name=reader.name)
            expect(page.get_by_text(warning, exact=True)).to_be_visible()
            expect(page.locator(DATA)).to_have_count(0)
            assert menu(page) == []
        screenshot(page, f"no_access_{lang}")
        log_out(page, login_app, provider, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_without_a_login_the_sidebar_says_every_page_is_open(browser, app, lang):
    with browser_page(browser, lang) as page:
        open_page(page, app, "audit", lang=lang)
        note = page.get_by_test_id("stSidebar").get_by_text(text("access.no_login", lang))
        expect(note).to_be_visible()
        assert menu(page) == [text(MENU_TITLE[path], lang) for path in EVERY_PAGE]
        screenshot(page, f"no_login_{lang}")


# --- Loading from the browser (docs/loading.md#from-the-browser) ------------------------------

UPLOADER = '[data-testid="stFileUploaderDropzoneInput"]'


def click(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    settle(page)


def runs_grid(page: Page, lang: str):
    """The audit page's table of load runs."""
    return page.locator(
        f'[data-testid="stElementContainer"]:has(h3:has-text("{text("audit.lineage", lang)}"))'
        ' ~ [data-testid="stElementContainer"]:has([data-testid="stDataFrame"])'
    ).first.locator('table[role="grid"]')


def actions_grid(page: Page, lang: str):
    """The audit page's table of actions (the last table on the page)."""
    return page.locator('[data-testid="stDataFrame"]').last.locator('table[role="grid"]')


@pytest.mark.parametrize("lang", LANGS)
def test_an_upload_is_checked_then_loaded_and_the_figures_change(
    browser, db, tmp_path, monkeypatch, lang
):
    own = copy_store(db, tmp_path / "store.duckdb")  # the other tests keep the store as built
    settings = tmp_path / "municipality.toml"  # an audit period that holds today's actions
    settings.write_text(
        DEFAULT_FILE.read_text()
        + '\n[[audit_periods]]\nname = "2008-2099"\nstart = 2008-01-01\nend = 2099-12-31\n'
    )
    monkeypatch.setenv("CHANNELSHIFT_SETTINGS", str(settings))
    good = tmp_path / f"web upload {lang}.csv"
    write_web_export(good, own)
    with open(good, "a") as out:  # and two lines the loader rejects
        out.write(f"E2E-BAD-1,geen datum,{OWN_TEAM},true\nE2E-BAD-2,{YEAR}-12-01T10:00:00,x,nee?\n")
    wrong = tmp_path / "balie.csv"
    shutil.copy(REPO / "tests" / "fixtures" / "desk_dutch.csv", wrong)
    runs_before = status.counts(own)["load_runs"]
    unknown_before = expected(own).unknown

    with (
        running_app(own, tmp_path / "streamlit.log") as base,
        browser_page(browser, lang) as page,
    ):
        # A file of another source, loaded as web: the loader's own message, nothing stored.
        open_page(page, base, "laden", lang=lang)
        assert_title(page, "load.title", lang)
        page.locator(UPLOADER).set_input_files(wrong)
        settle(page)
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name="web", exact=True).click()
        settle(page)
        click(page, text("load.check", lang))
        expect(page.get_by_text("required column(s) missing").first).to_be_visible()
        expect(
            page.get_by_role("button", name=text("load.load", lang), exact=True)
        ).to_be_disabled()
        assert status.counts(own)["load_runs"] == runs_before

        # A good file with two bad lines: the check shows the rejects, stores nothing ...
        open_page(page, base, "laden", lang=lang)
        page.locator(UPLOADER).set_input_files(good)
        settle(page)
        guessed = text("load.guessed", lang, guesses="web")
        expect(page.get_by_text(guessed)).to_be_visible()
        click(page, text("load.check", lang))
        assert_no_errors(page)
        expect(metric_value(page, text("runs.rows_rejected", lang))).to_have_text("2")
        expect(metric_value(page, text("load.would_load", lang))).to_have_text("50")
        expect(page.get_by_text(text("load.rejects", lang))).to_be_visible()
        expect(page.locator('[data-testid="stDataFrame"]').last).to_contain_text("E2E-BAD-1")
        assert status.counts(own)["load_runs"] == runs_before
        screenshot(page, f"laden_check_{lang}")
        page.set_viewport_size({"width": 1024, "height": 800})
        assert page.evaluate(CLIPPED) == []
        screenshot(page, f"laden_check_{lang}_1024", width=1024)

        # ... until Load: the run, and the figures on the audit page without a restart
        click(page, text("load.load", lang))
        assert_no_errors(page)
        run_id = runs_before + 1
        done = text("load.done", lang, runs=run_id)
        expect(page.get_by_text(done)).to_be_visible()
        screenshot(page, f"laden_done_{lang}")
        assert status.counts(own)["load_runs"] == run_id
        unknown_after = expected(own).unknown
        assert unknown_after > unknown_before

        open_page(page, base, "audit", lang=lang, periode="2008-2099")
        assert_no_errors(page)
        expect(runs_grid(page, lang)).to_contain_text(good.name)
        unknown = metric_value(page, text("card.unknown", lang))
        expect(unknown).to_have_text(formatting.number(unknown_after, lang))
        listed = actions_grid(page, lang)
        expect(listed).to_contain_text(text("action.load", lang))
        expect(listed).to_contain_text(f"web {good.name}: ok")
        screenshot(page, f"audit_actions_{lang}")
