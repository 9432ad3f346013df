"""Dashboard entry point: for now the loaded row counts and the last loads of the store.

Run with `streamlit run dashboard.py`. The store is opened read-only and picked up anew
after every load (loads publish a new file; see pipelines/store.py).
"""

from __future__ import annotations

import streamlit as st

from pipelines import status, store
from pipelines.__main__ import main as pipelines_main

TABLE_LABELS = {
    "products": "Producten",
    "releases": "Releases",
    "contacts": "Contacten",
    "corrections": "Herstelacties",
    "load_runs": "Laadruns",
    "load_rejects": "Geweigerde cellen",
}


@st.cache_data(max_entries=8)
def _counts(db: str, version: tuple[int, int]) -> dict[str, int]:
    return status.counts(store.db_path(db))


@st.cache_data(max_entries=8)
def _last_runs(db: str, version: tuple[int, int]):
    with store.read_only(store.db_path(db)) as con:
        return con.sql(
            "select run_id, finished_at, source, file, status, rows_read, rows_loaded, "
            "rows_rejected from load_runs order by run_id desc limit 20"
        ).pl()


def main() -> None:
    """Render the page."""
    st.set_page_config(page_title="Klik-bel-balie", layout="wide")
    st.title("Klik, bel, balie: kanaalsturing")
    db = store.db_path()
    if not db.exists():
        with st.spinner("Eerste start: de demogemeente wordt opgebouwd (minder dan een minuut)"):
            pipelines_main(["demo", "--db", str(db)])
    stat = db.stat()
    version = (stat.st_ino, stat.st_mtime_ns)
    st.caption(f"Database: {db}")
    counts = _counts(str(db), version)
    columns = st.columns(len(counts))
    for column, (table, rows) in zip(columns, counts.items(), strict=True):
        column.metric(TABLE_LABELS[table], f"{rows:,}".replace(",", "."))
    st.subheader("Laatste laadruns")
    st.dataframe(_last_runs(str(db), version), hide_index=True)


main()
