"""Shared fixtures: small in-memory stores, files built in tmp_path, and the demo store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from support import build_wolverhampton_street_csv, load_baseline

from swp_data import store
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
def modern_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run AppTest as the served app runs once app.py's ``st.navigation`` has taken over.

    Streamlit treats a folder named ``pages/`` as its legacy multipage layout until
    ``st.navigation`` is first called, and AppTest resets that before every run, so each
    test run would start in legacy mode (sidebar widgets then drop out of the element tree
    on reruns). The served app leaves legacy mode on its first run (see
    ``swp_app._leave_legacy_pages_mode``; a browser test covers a cold deep link).
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class ModernPagesManager(PagesManager):
        def __init__(self, *args: object, **kwargs: object) -> None:
            PagesManager.uses_pages_directory = False
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app_test, "PagesManager", ModernPagesManager)
