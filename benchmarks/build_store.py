"""Build a scaled store for the benchmarks: the demo store with every record-level source copied.

Usage: python3 -m benchmarks.build_store --crimes 10000000 --db /tmp/swp-10m.duckdb

The demo holds about 250,000 crimes over 7.5 years; each copy adds as many again, with ids made
distinct per copy (so repeat victims, callers and offenders stay within a copy) and aggregate
returns scaled to match. The crimes come out at the nearest whole number of copies at or above
the number asked for. Prints what it built: crimes, file size and seconds.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import duckdb

from benchmarks.kpis import scale_store
from swp_data.demo import build_demo_store


def build(crimes: int, path: Path) -> tuple[int, float]:
    """Build the store at ``path`` with at least ``crimes`` crimes; returns the crimes and seconds taken."""
    started = time.perf_counter()
    build_demo_store(path, replace=path.exists(), progress=False)
    with duckdb.connect(str(path), read_only=True) as connection:
        base = int(connection.execute("select count(*) from crime").fetchone()[0])  # type: ignore[index]
    copies = max(1, math.ceil(crimes / base))
    if copies > 1:
        scale_store(path.resolve(), copies)  # the snapshot file itself (the store path links to it)
    with duckdb.connect(str(path), read_only=True) as connection:
        built = int(connection.execute("select count(*) from crime").fetchone()[0])  # type: ignore[index]
    return built, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crimes", type=int, required=True, help="at least this many crimes")
    parser.add_argument("--db", type=Path, required=True, help="the store to write (replaced if it exists)")
    args = parser.parse_args()
    built, seconds = build(args.crimes, args.db)
    size = args.db.resolve().stat().st_size
    print(f"built {args.db}: {built:,} crimes, {size / 1e9:.2f} GB, in {seconds:.1f} s")


if __name__ == "__main__":
    main()
