"""Benchmark: the scrutiny pack for the city, one quarter (goal < 10 s), on the demo store.

Usage: python3 -m benchmarks.report [--db FILE] [--trials 3] [--wards 0]

Each trial opens the store afresh (as ``python -m swp_data report`` does), gathers the pack
(``build_pack``: every KPI, trend, ward table and funnel) and writes the PDF and the Word
document; the figure is the whole time, with its parts. ``--wards N`` also times N ward packs
(PDF) one after another on one connection, the way ``--each-ward`` writes them (goal: 20 in
under 2 minutes).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from swp_data.demo import build_demo_store
from swp_data.filters import Filters
from swp_data.periods import Period
from swp_data.report.docx import write_docx
from swp_data.report.pack import build_pack
from swp_data.report.pdf import write_pdf
from swp_data.selection import city, from_codes, ward_options
from swp_data.views import Dashboard

GOAL_CITY, GOAL_WARDS = 10.0, 120.0


def city_pack(db: Path, out: Path, access: str) -> dict[str, float]:
    """One city pack for the latest quarter from a fresh connection: seconds per step."""
    started = time.perf_counter()
    connection = duckdb.connect(str(db), read_only=True)
    board = Dashboard(connection, access=access)  # type: ignore[arg-type]
    filters = Filters(city(), Period.parse(board.default_quarter()))
    opened = time.perf_counter()
    pack = build_pack(board, filters)
    gathered = time.perf_counter()
    write_pdf(pack, out / f"city-{access}.pdf")
    printed = time.perf_counter()
    write_docx(pack, out / f"city-{access}.docx")
    done = time.perf_counter()
    connection.close()
    return {
        "open": opened - started,
        "gather": gathered - opened,
        "pdf": printed - gathered,
        "docx": done - printed,
        "total": done - started,
    }


def ward_packs(db: Path, out: Path, count: int) -> float:
    """``count`` ward packs (PDF, partner) for the latest quarter on one connection: total seconds."""
    started = time.perf_counter()
    connection = duckdb.connect(str(db), read_only=True)
    board = Dashboard(connection)
    period = Period.parse(board.default_quarter())
    for code in list(ward_options())[:count]:
        pack = build_pack(board, Filters(from_codes([code]), period))
        write_pdf(pack, out / f"ward-{code}.pdf")
    connection.close()
    return time.perf_counter() - started


def main() -> None:
    """Print the city pack's time per step (median of the trials) and, if asked, the ward packs' total."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="a store to use (default: a fresh demo store)")
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--wards", type=int, default=0, help="also time this many ward packs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        db = args.db
        if db is None:
            db = out / "swp.duckdb"
            print(build_demo_store(db))
        for access in ("partner", "analyst"):
            trials = [city_pack(db, out, access) for _ in range(args.trials)]
            median = {step: statistics.median(t[step] for t in trials) for step in trials[0]}
            parts = ", ".join(f"{step} {seconds:.2f}s" for step, seconds in median.items() if step != "total")
            verdict = "meets" if median["total"] < GOAL_CITY else "MISSES"
            print(
                f"city pack, one quarter, {access}: {median['total']:.2f}s median of {args.trials} "
                f"({parts}); {verdict} the goal of < {GOAL_CITY:.0f} s"
            )
        if args.wards:
            seconds = ward_packs(db, out, args.wards)
            scaled = seconds * 20 / args.wards
            print(
                f"{args.wards} ward packs (PDF, partner): {seconds:.1f}s, {seconds / args.wards:.2f}s each; "
                f"20 would take {scaled:.0f}s (goal < {GOAL_WARDS:.0f} s)"
            )


if __name__ == "__main__":
    main()
