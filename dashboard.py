"""Dashboard entry point: language, login, navigation and the first-start demo build. No SQL.

Run with `streamlit run dashboard.py`. The store is opened read-only and picked up anew after
every load (loads publish a new file; see pipelines/store.py). With a login configured
(docs/access.md) the navigation holds only the pages of the reader's roles.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from app_pages import access
from app_pages.common import db, demo_wanted, keep_choices, lang, t, version
from metrics.texts import LANGUAGES

ICON = Path(__file__).parent / "app_pages" / "icon.png"

# page id (app_pages/<id>.py, title "page.<id>") -> URL path and icon, in menu order
PAGES = {
    "overview": ("overzicht", ":material/dashboard:"),
    "channel_mix": ("kanaalmix", ":material/stacked_bar_chart:"),
    "digitisation": ("digitalisering", ":material/devices:"),
    "corrections": ("herstelwerk", ":material/build:"),
    "teams": ("teams", ":material/groups:"),
    "audit": ("audit", ":material/fact_check:"),
    "load": ("laden", ":material/upload_file:"),
}


def main() -> None:
    """Render the chosen page of those the reader may open."""
    # a local icon: a material-icon favicon is fetched from fonts.gstatic.com on every view
    st.set_page_config(page_title=t("app.title"), page_icon=str(ICON), layout="wide")
    keep_choices()
    chosen = st.sidebar.segmented_control(
        t("app.language"), LANGUAGES, default=lang(), format_func=str.upper, key="w_lang"
    )
    if chosen and chosen != lang():
        st.session_state["lang"] = st.query_params["lang"] = chosen
        st.rerun()
    who = access.current()
    if who is None:  # a login is configured and the reader has not logged in
        only(access.login_page, t("access.login_title"))
        return
    access.note(who)  # the record of actions: whose they are, and the login itself
    if not who.pages:  # logged in without a role: no data, whatever the address
        only(lambda: access.no_access_page(who), t("access.no_access_title"))
        return
    access.sidebar(who)
    if demo_wanted():
        import demo  # numpy-heavy: only the first start needs it

        with st.spinner(t("app.building")):
            demo.build(db())
    elif version() is None:
        st.error(t("app.no_store", path=str(db())))
        st.stop()
    # A page of another role is not in the menu; its address shows that it is not the
    # reader's (access.not_yours), and its file never runs.
    pages = [
        st.Page(
            f"app_pages/{page}.py",
            title=t(f"page.{page}"),
            url_path=url,
            icon=icon,
            default=page == who.pages[0],  # the first page of the reader's menu opens at /
        )
        if page in who.pages
        else st.Page(access.not_yours, title=t(f"page.{page}"), url_path=url, visibility="hidden")
        for page, (url, icon) in PAGES.items()
    ]
    st.navigation(pages).run()


def only(page: Callable[[], None], title: str) -> None:
    """Show one page (login or no access) at every address of the dashboard, with no menu."""
    pages = [
        st.Page(page, title=title, url_path=url, default=i == 0)
        for i, (url, _) in enumerate(PAGES.values())
    ]
    st.navigation(pages, position="hidden").run()


main()
