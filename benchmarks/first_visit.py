"""Benchmark: what a visitor waits for on a page, first visit in a fresh process and then new filters.

Usage:
    python3 -m benchmarks.first_visit                        # a demo store, every page, partner and analyst, 5 runs
    python3 -m benchmarks.first_visit --db big.duckdb --runs 7 --pages overview,victimisation

Each run is a fresh Python process (``--child``) on the store, as after a restart or an import's
new snapshot: it opens one page through ``streamlit.testing.v1.AppTest`` (the app exactly as
served, sign-in included for analysts) and times that first run, then changes the wards and the
period and times the rerun (warm, with new filters). Interpreter start and imports are not in
the first-visit figure; they are the same for every page (printed once as "start").

Each figure is printed as min / median / max over the runs, with the ratio of the median to a
plain DuckDB query on the same store in the same run (one full-scan GROUP BY of the crimes by
ward and month: the least any page could cost), and the child's peak RSS. Last, ``python -m
swp_data overview --partner --json`` is timed as a fresh process, interpreter start included
(the issue's goal: within 30x of the plain query).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
PLAIN_QUERY = "select ward_code, month, count(*) from crime group by all"


def child(page_key: str, access: str) -> None:
    """One fresh process: the page's first run, then one rerun with new wards and period (prints JSON)."""
    started = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    from swp_data.site import page

    sys.path.insert(0, str(REPO / "tests"))
    from test_pages import ANALYST_EMAIL, SIGN_IN, signed_in  # the tests' sign-in harness

    imported = time.perf_counter() - started
    spec = page(page_key)
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    if access == "analyst":
        app.secrets = SIGN_IN
        app.user = signed_in(ANALYST_EMAIL)
    if not spec.default:
        app.switch_page(spec.module)  # opened directly, as by its link: no Overview drawn first
    first = time.perf_counter()
    app.run()
    first_visit = time.perf_counter() - first
    problems = [str(e.value) for e in app.exception]
    quarters = app.sidebar.selectbox(key="from").options
    if page_key == "ward_profile":
        ward = app.selectbox(key="ward")
        ward.set_value(ward.options[3])
    else:
        wards = app.sidebar.multiselect(key="wards")
        wards.set_value(wards.options[2:4])
    app.sidebar.selectbox(key="from").set_value(quarters[-8])
    app.sidebar.selectbox(key="to").set_value(quarters[-5])
    changed = time.perf_counter()
    app.run()
    new_filters = time.perf_counter() - changed
    problems += [str(e.value) for e in app.exception]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps({"start": imported, "first": first_visit, "new": new_filters, "rss": peak_mb, "problems": problems})
    )


def plain_query_seconds(db: Path, runs: int) -> float:
    """The median of ``runs`` timings of the plain full-scan GROUP BY (after one warm-up)."""
    with duckdb.connect(str(db), read_only=True) as connection:
        connection.execute(PLAIN_QUERY).fetchall()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute(PLAIN_QUERY).fetchall()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _spread(values: list[float]) -> str:
    return f"{min(values):6.2f} {statistics.median(values):6.2f} {max(values):6.2f}"


def measure(db: Path, pages: list[str], accesses: list[str], runs: int) -> None:
    """Run the children and print the table."""
    environment = {**os.environ, "SWP_DB_PATH": str(db)}
    plain = plain_query_seconds(db, runs)
    crimes = duckdb.connect(str(db), read_only=True).execute("select count(*) from crime").fetchone()[0]
    print(f"store {db} ({crimes:,} crimes); plain query ({PLAIN_QUERY}): median {plain * 1000:.1f} ms of {runs}")
    print(
        f"{'page':22s} {'access':8s} {'first visit s (min med max)':>28s} {'x plain':>8s} "
        f"{'new filters s (min med max)':>28s} {'x plain':>8s} {'peak RSS MB':>12s}"
    )
    starts = []
    for page_key in pages:
        for access in accesses:
            results = []
            for _ in range(runs):
                done = subprocess.run(
                    [sys.executable, "-m", "benchmarks.first_visit", "--child", page_key, access],
                    cwd=REPO,
                    env=environment,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            problems = sorted({p for r in results for p in r["problems"]})
            first = [r["first"] for r in results]
            new = [r["new"] for r in results]
            starts += [r["start"] for r in results]
            print(
                f"{page_key:22s} {access:8s} {_spread(first):>28s} {statistics.median(first) / plain:8.0f} "
                f"{_spread(new):>28s} {statistics.median(new) / plain:8.0f} {max(r['rss'] for r in results):12.0f}"
                + (f"  PROBLEMS: {problems}" if problems else "")
            )
    print(f"start (interpreter imports, not in the figures): median {statistics.median(starts):.2f} s")
    cli_overview(db, runs, plain)


def cli_overview(db: Path, runs: int, plain: float) -> None:
    """``python -m swp_data overview --partner --json`` as a fresh process, interpreter start included."""
    command = [sys.executable, "-m", "swp_data", "--db", str(db), "overview", "--partner", "--json"]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
        timings.append(time.perf_counter() - started)
        rows = len(json.loads(done.stdout))
    print(
        f"python -m swp_data overview --partner --json ({rows} KPIs), fresh process: "
        f"{_spread(timings)} s (min med max), {statistics.median(timings) / plain:.0f} x plain"
    )


def main() -> None:
    """Parse the arguments; build a demo store unless ``--db`` is given."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default="")
    parser.add_argument("--access", default="partner,analyst")
    parser.add_argument("--child", nargs=2, metavar=("PAGE", "ACCESS"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from swp_data.site import PAGES

    pages = args.pages.split(",") if args.pages else [p.key for p in PAGES if p.reports_kpis or p.key == "ward_profile"]
    accesses = args.access.split(",")
    if args.db:
        measure(args.db, pages, accesses, args.runs)
        return
    from swp_data.demo import build_demo_store

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "swp.duckdb"
        build_demo_store(db)
        measure(db, pages, accesses, args.runs)


if __name__ == "__main__":
    main()
