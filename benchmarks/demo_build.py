"""Benchmark: build the demo store (goal < 30 s) and render the app's first page (goal < 5 s).

Usage: python3 -m benchmarks.demo_build
The first-page figure is measured in Debian's chromium against ``streamlit run``:
from starting the server on an existing store to the first page fully drawn
(a fresh clone after the store exists), and again for a second visitor.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from swp_data.demo import build_demo_store
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, start_app, wait_for_app


def main() -> None:
    """Print the demo build time and first-page render times."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "swp.duckdb"
        started = time.perf_counter()
        print(build_demo_store(db))
        print(f"demo store build: {time.perf_counter() - started:.1f}s (goal < 30 s)")

        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            started = time.perf_counter()
            process, url = start_app(db, Path(folder) / "streamlit.log")
            server_ready = time.perf_counter() - started
            try:
                for visitor in ("first visitor (cold server)", "second visitor"):
                    tab = browser.new_page(viewport={"width": 1280, "height": 720})
                    opened = time.perf_counter()
                    tab.goto(url)
                    wait_for_app(tab)
                    rendered = time.perf_counter()
                    total = rendered - started if visitor.startswith("first") else rendered - opened
                    label = (
                        "server start to first page drawn"
                        if visitor.startswith("first")
                        else "navigation to page drawn"
                    )
                    print(
                        f"{visitor}: {label} {total:.2f}s (server ready after {server_ready:.2f}s; "
                        f"browser {rendered - opened:.2f}s) (goal < 5 s)"
                    )
                    tab.close()
            finally:
                process.terminate()
                process.wait(timeout=20)
                browser.close()


if __name__ == "__main__":
    main()
