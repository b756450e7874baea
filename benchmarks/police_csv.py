"""Benchmark: import a generated 1,000,000-row data.police.uk street CSV (goal: >= 300,000 rows/s).

Usage: python3 -m benchmarks.police_csv [--rows N] [--repeat 5] [--into big.duckdb]

Each run also times DuckDB's own read_csv of the same file, so the import is given as a ratio to
it from the same run; ``--into`` imports into a copy of a store (a 10M store from
``benchmarks.build_store``) instead of an empty one.
The file follows the published format exactly (CRLF, unquoted, 12 columns) with
Wolverhampton LSOAs, ASB rows without a Crime ID, 'No location' rows, rows
outside the city and repeated Crime IDs, in realistic proportions.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np

from swp_data import geography, store, vocab
from swp_data.importing import import_paths
from swp_data.importing.police_uk import STREET_COLUMNS

OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Status update unavailable",
    "Under investigation",
    "Local resolution",
]


def write_file(path: Path, rows: int, seed: int = 1) -> None:
    """A street CSV of ``rows`` rows (vectorised; about 200 bytes a row)."""
    rng = np.random.default_rng(seed)
    lsoa = geography.reference_tables().lsoa
    lsoa = lsoa[lsoa["vintage"] != "2011"]
    codes = np.concatenate([lsoa["lsoa_code"].to_numpy(), ["E01009999", "E01029000"]])
    names = np.concatenate([lsoa["lsoa_name"].to_numpy(), ["Walsall 001A", "Dudley 010B"]])
    pick = rng.integers(0, len(codes), rows)
    types = np.array(vocab.POLICE_CRIME_TYPES, dtype=object)[rng.integers(0, len(vocab.POLICE_CRIME_TYPES), rows)]
    asb = types == vocab.ASB_CRIME_TYPE
    ids = np.array([f"{v:064x}" for v in rng.integers(0, 2**62, rows)], dtype=object)
    repeat = rng.random(rows) < 0.01
    ids[1:][repeat[1:]] = ids[:-1][repeat[1:]]
    ids[asb] = ""
    no_location = rng.random(rows) < 0.08
    lon = np.round(-2.13 + rng.normal(0, 0.03, rows), 6).astype(str)
    lat = np.round(52.58 + rng.normal(0, 0.02, rows), 6).astype(str)
    lsoa_codes, lsoa_names = codes[pick].astype(object), names[pick].astype(object)
    for column in (lon, lat):
        column[no_location] = ""
    lsoa_codes[no_location] = ""
    lsoa_names[no_location] = ""
    location = np.where(no_location, "No location", "On or near High Street")
    outcome = np.array(OUTCOMES, dtype=object)[rng.integers(0, len(OUTCOMES), rows)]
    outcome[asb] = ""
    months = np.array(["2024-01", "2024-02", "2024-03"], dtype=object)[rng.integers(0, 3, rows)]
    lines = (
        ids
        + ","
        + months
        + ",West Midlands Police,West Midlands Police,"
        + lon
        + ","
        + lat
        + ","
        + location
        + ","
        + lsoa_codes
        + ","
        + lsoa_names
        + ","
        + types
        + ","
        + outcome
        + ",\r\n"
    )
    header = ",".join(STREET_COLUMNS)
    with path.open("w", newline="") as handle:
        handle.write(header + "\r\n")
        handle.writelines(lines.tolist())


def read_csv_seconds(csv_path: Path) -> float:
    """DuckDB's own parse of the same file into a table (in memory): the least an import could cost."""
    with duckdb.connect() as connection:
        started = time.perf_counter()
        connection.execute("create table parsed as select * from read_csv(?)", [str(csv_path)])
        return time.perf_counter() - started


def _spread(values: list[float]) -> str:
    return f"{min(values):6.2f} {statistics.median(values):6.2f} {max(values):6.2f}"


def main() -> None:
    """Generate, then per run: DuckDB's read_csv of the file and its import (empty store, or a copy of ``--into``)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--into", type=Path, help="import into a copy of this store, not an empty one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # Named for its last month: its rows fall in January to March 2024, and an import refuses
        # rows dated after the month a data.police.uk file is named for.
        csv_path = Path(folder) / "2024-03-west-midlands-street.csv"
        started = time.perf_counter()
        write_file(csv_path, args.rows)
        print(
            f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - started:.1f}s"
        )
        into = "an empty store"
        if args.into:
            with duckdb.connect(str(args.into), read_only=True) as connection:
                crimes = int(connection.execute("select count(*) from crime").fetchone()[0])  # type: ignore[index]
            into = f"a copy of {args.into} ({crimes:,} crimes)"
        parses, imports = [], []
        for attempt in range(args.repeat):
            db = Path(folder) / f"bench{attempt}.duckdb"
            if args.into:
                shutil.copyfile(args.into.resolve(), db)  # the store's current snapshot, as a plain file
            else:
                store.create_store(db)
            parses.append(read_csv_seconds(csv_path))
            started = time.perf_counter()
            report = import_paths([csv_path], db, progress=False)
            imports.append(time.perf_counter() - started)
            file_report = report.files[0]
            print(
                f"run {attempt + 1}: read_csv {parses[-1]:.2f}s, import {imports[-1]:.2f}s = "
                f"{args.rows / imports[-1]:,.0f} rows/s, {imports[-1] / parses[-1]:.1f}x read_csv "
                f"(loaded {file_report.rows_loaded:,}, skipped {file_report.rows_skipped:,})"
            )
            for path in Path(folder).glob(f"bench{attempt}.duckdb*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        ratio = statistics.median(i / p for i, p in zip(imports, parses, strict=True))
        print(f"police.uk street CSV, {args.rows:,} rows, into {into}; seconds min / median / max of {args.repeat}:")
        print(f"  DuckDB read_csv of the file: {_spread(parses)}")
        print(
            f"  import (a new snapshot, built tables and protections included): {_spread(imports)} "
            f"= {args.rows / statistics.median(imports):,.0f} rows/s median"
        )
        print(f"  import / read_csv in the same run: median {ratio:.1f}x (issue 14's goal: within 2x)")


if __name__ == "__main__":
    main()
