"""Dashboard entry point: language, navigation and the first-start demo build. No SQL here.

Run with `streamlit run dashboard.py`. The store is opened read-only and picked up anew after
every load (loads publish a new file; see pipelines/store.py).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.common import db, demo_wanted, keep_choices, lang, t, version
from metrics.texts import LANGUAGES

ICON = Path(__file__).parent / "app_pages" / "icon.png"

PAGES = (
    ("app_pages/overview.py", "page.overview", "overzicht", ":material/dashboard:"),
    ("app_pages/channel_mix.py", "page.channel_mix", "kanaalmix", ":material/stacked_bar_chart:"),
    ("app_pages/digitisation.py", "page.digitisation", "digitalisering", ":material/devices:"),
    ("app_pages/corrections.py", "page.corrections", "herstelwerk", ":material/build:"),
    ("app_pages/teams.py", "page.teams", "teams", ":material/groups:"),
    ("app_pages/audit.py", "page.audit", "audit", ":material/fact_check:"),
)


def main() -> None:
    """Render the chosen page."""
    # a local icon: a material-icon favicon is fetched from fonts.gstatic.com on every view
    st.set_page_config(page_title=t("app.title"), page_icon=str(ICON), layout="wide")
    if demo_wanted():
        import demo  # numpy-heavy: only the first start needs it

        with st.spinner(t("app.building")):
            demo.build(db())
    elif version() is None:
        st.error(t("app.no_store", path=str(db())))
        st.stop()
    keep_choices()
    chosen = st.sidebar.segmented_control(
        t("app.language"), LANGUAGES, default=lang(), format_func=str.upper, key="w_lang"
    )
    if chosen and chosen != lang():
        st.session_state["lang"] = st.query_params["lang"] = chosen
        st.rerun()
    pages = [
        st.Page(path, title=t(title), url_path=url, icon=icon, default=i == 0)
        for i, (path, title, url, icon) in enumerate(PAGES)
    ]
    st.navigation(pages).run()


main()
