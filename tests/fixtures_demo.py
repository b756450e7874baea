"""Session fixtures shared by the demo, page and browser tests: one demo store per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from swp_data.demo import build_demo_store


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, built once per run through the real import path."""
    path = tmp_path_factory.mktemp("demo") / "swp.duckdb"
    build_demo_store(path)
    return path
