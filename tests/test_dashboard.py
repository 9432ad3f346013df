"""The dashboard, run with Streamlit's AppTest against a small store."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import status

APP = str(Path(__file__).parents[1] / "dashboard.py")


@pytest.fixture
def loaded(db, load, monkeypatch):
    """A store with the fixture files loaded, named in CHANNELSHIFT_DB."""
    load("products", "products.csv")
    load("desk", "desk_dutch.csv")
    load("phone", "phone_bad.csv")
    monkeypatch.setenv("CHANNELSHIFT_DB", str(db))
    return db


def test_dashboard_shows_the_row_counts_of_the_store(loaded):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    expected = status.counts(loaded)
    assert shown["Contacten"] == str(expected["contacts"])
    assert shown["Producten"] == str(expected["products"])
    assert shown["Laadruns"] == str(expected["load_runs"])
    assert at.dataframe[0].value.shape[0] == expected["load_runs"]
