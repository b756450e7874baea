"""The app on first start: it builds the demo store itself and says the figures are demo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from swp_data import settings
from swp_data.sources import SOURCES

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def fresh_store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "first-start" / "swp.duckdb"
    monkeypatch.setenv("SWP_DB_PATH", str(path))
    settings.get_settings.cache_clear()
    yield path
    settings.get_settings.cache_clear()


def test_first_start_builds_the_demo_store_and_says_so(fresh_store_path: Path, modern_navigation: None) -> None:
    assert not fresh_store_path.exists()
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    assert fresh_store_path.exists()
    notices = [info.value for info in app.info]
    assert any(notice.startswith("**Demo data.**") for notice in notices)
    # The first page's figures come from the new store.
    app.switch_page("pages/about_data.py").run()
    sources = app.dataframe[0].value
    assert len(sources) == len(SOURCES)
    assert sorted(sources["table"]) == sorted(SOURCES)  # one row per declared source, none twice
    assert int(sources.loc[sources["table"] == "crime", "rows"].iloc[0]) > 200_000
