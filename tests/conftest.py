"""Shared fixtures: small in-memory stores, files built in tmp_path, and the demo store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from support import build_wolverhampton_street_csv, load_baseline

from swp_data import store

# Every chart the app draws in the tests (AppTest and the browser's server) is checked against
# the Vega-Lite schema; the server skips that by default (swp_app.charts.draw).
os.environ.setdefault("SWP_VALIDATE_CHARTS", "1")
from swp_data.demo import build_demo_store
from swp_data.importing.template_files import write_templates


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty in-memory store (schema and reference geography only)."""
    connection = store.memory_store()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, built once per run through the real import path (pages, browser and KPI tests)."""
    path = tmp_path_factory.mktemp("demo") / "swp.duckdb"
    build_demo_store(path)
    return path


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blank templates, written once by ``write_templates``."""
    folder = tmp_path_factory.mktemp("templates")
    write_templates(folder)
    return folder


@pytest.fixture(scope="session")
def wolverhampton_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A street CSV in the exact published form, with Wolverhampton LSOAs (see support)."""
    return build_wolverhampton_street_csv(tmp_path_factory.mktemp("street") / "2024-01-west-midlands-street.csv")


@pytest.fixture
def loaded(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A store already holding a template load and a police load."""
    return load_baseline(con, tmp_path / "already_loaded")


@pytest.fixture
def modern_navigation() -> Iterator[None]:
    """AppTest runs as the served app runs: app.py leaves Streamlit's legacy pages/ mode itself.

    Nothing is patched: ``swp_app.legacy_pages`` is the app's own workaround, the same in
    AppTest, the server and the benchmarks. After the test the app has left legacy mode.
    """
    from swp_app import legacy_pages

    yield
    assert not legacy_pages.active(), "the app was left in Streamlit's legacy pages/ mode"


@pytest.fixture
def app_on_demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch, modern_navigation: None) -> Iterator[Path]:
    """The app under AppTest reads the demo store (``SWP_DB_PATH``); settings re-read before and after."""
    from swp_data import settings

    monkeypatch.setenv("SWP_DB_PATH", str(demo_db))
    settings.get_settings.cache_clear()
    yield demo_db
    settings.get_settings.cache_clear()
