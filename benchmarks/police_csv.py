"""Benchmark: import a generated 1,000,000-row data.police.uk street CSV (goal: >= 300,000 rows/s).

Usage: python3 -m benchmarks.police_csv [--rows N]
The file follows the published format exactly (CRLF, unquoted, 12 columns) with
Wolverhampton LSOAs, ASB rows without a Crime ID, 'No location' rows, rows
outside the city and repeated Crime IDs, in realistic proportions.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    """Generate, import into a fresh store file, print rows/s."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
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
        timings = []
        for attempt in range(args.repeat):
            db = Path(folder) / f"bench{attempt}.duckdb"
            store.create_store(db)
            started = time.perf_counter()
            report = import_paths([csv_path], db, progress=False)
            seconds = time.perf_counter() - started
            timings.append(seconds)
            file_report = report.files[0]
            print(
                f"run {attempt + 1}: {seconds:.2f}s = {args.rows / seconds:,.0f} rows/s "
                f"(loaded {file_report.rows_loaded:,}, skipped {file_report.rows_skipped:,})"
            )
        best, median = min(timings), sorted(timings)[len(timings) // 2]
        print(
            f"police.uk street CSV import: median {args.rows / median:,.0f} rows/s, best {args.rows / best:,.0f} "
            f"rows/s (goal >= 300,000 rows/s)"
        )


if __name__ == "__main__":
    main()
