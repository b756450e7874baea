"""First start in a real browser: the first visitor watches the demo store being built, never a blank page."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import start_app, wait_for_app


def test_first_visitor_sees_progress_then_the_overview(tmp_path: Path, browser: object) -> None:
    store = tmp_path / "fresh" / "swp.duckdb"
    process, url = start_app(store, ARTIFACTS / "streamlit-first-start.log")
    context = browser.new_context(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        tab.goto(url)
        progress = tab.get_by_text("First start: building the demo data store")
        # How soon it appears is a benchmark (benchmarks/pages.py), not a timed test: here, that the
        # progress is what the first visitor sees while the store is built, before any figure.
        progress.wait_for(timeout=60_000)
        assert tab.locator("h1").filter(has_text="Overview").count() == 0
        tab.screenshot(path=str(ARTIFACTS / "first_start_progress.png"))
        wait_for_app(tab, timeout_ms=90_000)
        assert tab.locator("h1").first.inner_text().startswith("Overview")
        assert tab.get_by_text("Demo data.").count() == 1
        assert progress.count() == 0
        assert store.exists()
    finally:
        context.close()
        process.terminate()
        process.wait(timeout=20)
