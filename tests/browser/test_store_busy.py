"""A first visit during an import, in a real browser: a plain message, then the figures with no reload."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from swp_app import unavailable
from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import start_app, wait_for_app


def test_a_visit_while_an_import_holds_the_store_reads_a_message_then_the_figures(
    demo_db: Path, tmp_path: Path, browser: object
) -> None:
    store = tmp_path / "busy" / "swp.duckdb"
    store.parent.mkdir()
    shutil.copy(demo_db, store)
    # Another process writes the store, as `python3 -m swp_data import` does, until told to stop.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.readline()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    app, url = start_app(store, ARTIFACTS / "streamlit-store-busy.log")
    context = browser.new_context(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        tab.goto(url)
        wait_for_app(tab)
        tab.get_by_text("The figures are being updated.").wait_for(timeout=30_000)
        text = tab.locator("body").inner_text()
        for leak in ("Traceback", str(store), "PID", "IO Error", "Conflicting lock"):
            assert leak not in text
        assert tab.locator('[data-testid="stException"]').count() == 0
        tab.screenshot(path=str(ARTIFACTS / "store_busy.png"))
        holder.communicate("\n", timeout=30)  # the import ends
        # No reload: the page's timer tries the store again and draws the figures.
        busy = unavailable.RETRY_SECONDS["busy"]
        tab.locator("h1").filter(has_text="Overview: Wolverhampton").wait_for(timeout=(3 * busy + 20) * 1000)
        wait_for_app(tab)
        assert tab.get_by_text("The figures are being updated.").count() == 0
        assert tab.get_by_text("Demo data.").count() == 1
    finally:
        context.close()
        if holder.poll() is None:
            holder.kill()
        app.terminate()
        app.wait(timeout=20)
