"""Benchmark: every page's server run after a filter change (AppTest; goal p95 < 1 s) and the browser
time from navigation to the last chart drawn (Debian's chromium; goal < 3 s), on the demo store.

Usage: python3 -m benchmarks.pages [--changes 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from swp_data.demo import build_demo_store
from swp_data.settings import get_settings
from swp_data.site import PAGES
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, REPO, start_app, wait_for_app

CHARTS_DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = [...document.querySelectorAll('.vega-embed')];
    return app.getAttribute('data-test-script-state') === 'notRunning' &&
        charts.every(c => c.querySelector('svg, canvas'));
}"""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def server_runs(changes: int) -> None:
    """Time AppTest reruns of each page after random ward and period changes.

    AppTest runs the app exactly as served: app.py leaves Streamlit's legacy pages/ mode
    itself (``swp_app.legacy_pages``), so nothing is patched here.
    """
    from streamlit.testing.v1 import AppTest

    rng = random.Random(3)
    for spec in PAGES:
        page = spec.key
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
        if not spec.default:
            app.switch_page(spec.module).run()
        wards = app.sidebar.multiselect(key="wards").options
        quarters = app.sidebar.selectbox(key="from").options
        timings = []
        for _ in range(changes):
            app.sidebar.multiselect(key="wards").set_value(rng.sample(wards, rng.randint(0, 3)))
            last = rng.randrange(4, len(quarters))
            app.sidebar.selectbox(key="from").set_value(quarters[max(0, last - rng.randint(0, 3))])
            app.sidebar.selectbox(key="to").set_value(quarters[last])
            started = time.perf_counter()
            app.run()
            timings.append(time.perf_counter() - started)
            assert not app.exception, app.exception
        print(
            f"server run after a filter change, {page:22s}: p50 {percentile(timings, 0.5) * 1000:5.0f} ms, "
            f"p95 {percentile(timings, 0.95) * 1000:5.0f} ms (goal p95 < 1,000 ms)"
        )


def browser_times(db: Path, visits: int = 5) -> None:
    """Time navigation to the last chart drawn for each page in Debian's chromium."""
    from playwright.sync_api import sync_playwright

    process, url = start_app(db, Path(tempfile.gettempdir()) / "swp-bench-streamlit.log")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 720})
            tab.goto(url)
            wait_for_app(tab)  # warm the server's caches once, as after any first visitor
            for spec in PAGES:
                page = spec.key
                timings = []
                for visit in range(visits):
                    started = time.perf_counter()
                    tab.goto(f"{url}/{spec.url_path}?from=2025/26+Q{1 + visit % 4}")
                    wait_for_app(tab)
                    tab.wait_for_function(CHARTS_DRAWN, timeout=30_000)
                    timings.append(time.perf_counter() - started)
                print(
                    f"browser, navigation to last chart drawn, {page:22s}: median {statistics.median(timings):.2f} s, "
                    f"worst {max(timings):.2f} s (goal < 3 s)"
                )
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    """Build a demo store, then time server runs and browser renders."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "swp.duckdb"
        build_demo_store(db)
        os.environ["SWP_DB_PATH"] = str(db)
        get_settings.cache_clear()
        server_runs(args.changes)
        browser_times(db)


if __name__ == "__main__":
    main()
