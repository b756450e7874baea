"""Benchmark: store size and import time at the scale of one CSP, a region of seven, and England and Wales.

Usage: python3 -m benchmarks.scale [--years 3] [--only csp,force,region,ew] [--ew-fraction 1]

It writes data.police.uk street CSVs (one per month, the published format: CRLF, 12 columns,
ASB rows without a Crime ID, about 8% 'No location' rows) at each volume, imports them into a
fresh store one month at a time (as the monthly job does), and prints the store's size, the
time of the whole load, of the first and last month's import (the last one runs against the
full store), and of copying the finished store file (what an import that builds a new snapshot
and swaps it in would add to every monthly import).

Volumes (street-file rows a year: police-recorded crimes plus ASB incidents):

- ``csp``: one CSP, Wolverhampton: 34,000 crimes and 10,000 ASB incidents a year (the demo
  store's recent years, which are calibrated on the partnership's published figures).
- ``force``: the same CSP's store, loaded the way a CSP gets data.police.uk data: its force's
  monthly file, which covers seven CSPs (West Midlands Police), so six rows in seven are outside
  the city and skipped (counted). This is the parse-and-validate cost each CSP pays.
- ``region``: seven CSPs' volume (7x the CSP) in one store.
- ``ew``: England and Wales, 6.5 million crimes and 1.0 million ASB incidents a year (the
  police-recorded totals, rounded), in one store. ``--ew-fraction 0.25`` measures a quarter of
  it and scales the size and times up linearly, saying so.

The product places crimes on Wolverhampton's 20 wards only: rows outside are skipped, not
stored. So ``region`` and ``ew`` put every row inside the city (Wolverhampton LSOAs and
coordinates): that is the stored volume a store serving those areas would hold (rows are the
same width whichever ward they name; ward codes are dictionary-compressed either way), and the
total disk of one store per CSP across the region or the country. The import time of
``region``/``ew`` is that of one import holding that many stored rows; a deployment with one
store per CSP instead imports, per CSP, its force's file (``force``) into its own small store.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.police_csv import OUTCOMES
from swp_data import geography, store, vocab
from swp_data.importing import import_paths
from swp_data.importing.police_uk import STREET_COLUMNS

CSP_CRIMES, CSP_ASB = 34_000, 10_000
EW_CRIMES, EW_ASB = 6_500_000, 1_000_000


@dataclass(frozen=True)
class Scale:
    """One volume: street-file rows a year, the share of them inside the city, and its name."""

    key: str
    name: str
    crimes: int
    asb: int
    inside: float = 1.0

    @property
    def rows_a_year(self) -> int:
        """Street-file rows a year (crimes and ASB)."""
        return self.crimes + self.asb


SCALES = {
    "csp": Scale("csp", "one CSP (Wolverhampton)", CSP_CRIMES, CSP_ASB),
    "force": Scale(
        "force", "one CSP from its force's file (7 CSPs, 1 in 7 rows kept)", 7 * CSP_CRIMES, 7 * CSP_ASB, 1 / 7
    ),
    "region": Scale("region", "a region of seven CSPs, one store", 7 * CSP_CRIMES, 7 * CSP_ASB),
    "ew": Scale("ew", "England and Wales, one store", EW_CRIMES, EW_ASB),
}


def write_month(path: Path, month: str, crimes: int, asb: int, inside: float, seed: int) -> int:
    """One month's street CSV: ``crimes`` + ``asb`` rows, a share ``inside`` of them in the city; its row count."""
    rng = np.random.default_rng(seed)
    rows = crimes + asb
    lsoa = geography.reference_tables().lsoa
    lsoa = lsoa[lsoa["vintage"] != "2011"]
    codes, names = lsoa["lsoa_code"].to_numpy(dtype=object), lsoa["lsoa_name"].to_numpy(dtype=object)
    pick = rng.integers(0, len(codes), rows)
    lsoa_codes, lsoa_names = codes[pick], names[pick]
    outside = rng.random(rows) >= inside
    # Outside: LSOAs of the neighbouring districts (valid codes the city's lookup does not hold).
    lsoa_codes[outside] = np.char.add("E0100", rng.integers(6000, 9999, int(outside.sum())).astype(str)).astype(object)
    lsoa_names[outside] = "Walsall 001A"
    crime_types = [t for t in vocab.POLICE_CRIME_TYPES if t != vocab.ASB_CRIME_TYPE]
    types = np.array(crime_types, dtype=object)[rng.integers(0, len(crime_types), rows)]
    is_asb = np.zeros(rows, dtype=bool)
    is_asb[rng.choice(rows, asb, replace=False)] = True
    types[is_asb] = vocab.ASB_CRIME_TYPE
    ids = np.array([f"{v:064x}" for v in rng.integers(0, 2**62, rows)], dtype=object)
    repeat = rng.random(rows) < 0.01  # one crime at several places: data.police.uk repeats its Crime ID
    ids[1:][repeat[1:]] = ids[:-1][repeat[1:]]
    ids[is_asb] = ""
    no_location = rng.random(rows) < 0.08
    centre = np.where(outside, -1.98, -2.13), np.where(outside, 52.58, 52.585)
    lon = np.round(centre[0] + rng.normal(0, 0.03, rows), 6).astype(str).astype(object)
    lat = np.round(centre[1] + rng.normal(0, 0.02, rows), 6).astype(str).astype(object)
    for column in (lon, lat, lsoa_codes, lsoa_names):
        column[no_location] = ""
    location = np.where(no_location, "No location", "On or near High Street").astype(object)
    outcome = np.array(OUTCOMES, dtype=object)[rng.integers(0, len(OUTCOMES), rows)]
    outcome[is_asb] = ""
    force = ",West Midlands Police,West Midlands Police,"
    lines = ids + f",{month}" + force + lon + "," + lat + "," + location + "," + lsoa_codes + ","
    lines = lines + lsoa_names + "," + types + "," + outcome + ",\r\n"
    with path.open("w", newline="") as handle:
        handle.write(",".join(STREET_COLUMNS) + "\r\n")
        handle.writelines(lines.tolist())
    return rows


def months(count: int, last: str = "2026-09") -> list[str]:
    """``count`` consecutive months ending at ``last`` (YYYY-MM)."""
    year, month = (int(part) for part in last.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


@dataclass
class Outcome:
    """What one scale's load measured."""

    scale: Scale
    fraction: float
    rows: int
    stored: int
    csv_bytes: int
    generate_s: float
    load_s: float
    load_cpu: float
    first_s: float
    first_cpu: float
    last_s: float
    last_cpu: float
    store_bytes: int
    empty_bytes: int
    copy_s: float


def measure(scale: Scale, years: int, fraction: float, folder: Path) -> Outcome:
    """Generate, import month by month into a fresh store, copy the store; clean up the CSVs as it goes."""
    db = folder / f"{scale.key}.duckdb"
    store.create_store(db)
    empty = db.stat().st_size
    crimes, asb = round(scale.crimes * fraction / 12), round(scale.asb * fraction / 12)
    rows = stored = csv_bytes = 0
    generate = load = 0.0
    timings, cpu = [], []
    for number, month in enumerate(months(12 * years)):
        csv = folder / f"{month}-west-midlands-street.csv"
        started = time.perf_counter()
        rows += write_month(csv, month, crimes, asb, scale.inside, seed=1000 * number + len(scale.key))
        generate += time.perf_counter() - started
        csv_bytes += csv.stat().st_size
        started, cpu_before = time.perf_counter(), time.process_time()  # CPU of every thread (DuckDB's too)
        report = import_paths([csv], db, progress=False)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_before)
        stored += report.files[0].rows_loaded
        csv.unlink()
    load = sum(timings)
    started = time.perf_counter()
    with db.open("rb") as source, (folder / "copy.duckdb").open("wb") as target:
        shutil.copyfileobj(source, target, 16 * 2**20)
        target.flush()
        os.fsync(target.fileno())  # on the disk, as a snapshot must be before it is swapped in
    copy = time.perf_counter() - started
    (folder / "copy.duckdb").unlink()
    size = db.stat().st_size
    db.unlink()
    return Outcome(
        scale,
        fraction,
        rows,
        stored,
        csv_bytes,
        generate,
        load,
        sum(cpu),
        timings[0],
        cpu[0],
        timings[-1],
        cpu[-1],
        size,
        empty,
        copy,
    )


def describe(outcome: Outcome, years: int) -> str:
    """The lines printed for one scale (scaled up to the whole volume when a fraction was measured)."""
    up = 1 / outcome.fraction
    scale = outcome.scale
    head = (
        f"{scale.name}: {scale.rows_a_year:,} street rows a year ({scale.crimes:,} crimes, {scale.asb:,} ASB), "
        f"{years} years"
    )
    measured = (
        f"  measured{f' ({outcome.fraction:.0%} of the volume)' if outcome.fraction < 1 else ''}: "
        f"{outcome.rows:,} rows in {12 * years} monthly files ({outcome.csv_bytes / 1e6:,.0f} MB of CSV), "
        f"{outcome.stored:,} stored; store {outcome.store_bytes / 1e6:,.1f} MB "
        f"(empty: {outcome.empty_bytes / 1e6:.1f} MB); "
        f"load {outcome.load_s:,.1f} s ({outcome.rows / outcome.load_s:,.0f} rows/s, {outcome.load_cpu:,.1f} CPU s); "
        f"first month {outcome.first_s:.2f} s ({outcome.first_cpu:.2f} CPU s), "
        f"last month {outcome.last_s:.2f} s ({outcome.last_cpu:.2f} CPU s); "
        f"copying the store {outcome.copy_s:.2f} s"
    )
    lines = [head, measured]
    if outcome.fraction < 1:
        lines.append(
            f"  scaled up x{up:.0f} (linear, an estimate): store "
            f"{(outcome.empty_bytes + (outcome.store_bytes - outcome.empty_bytes) * up) / 1e9:,.2f} GB; "
            f"load {outcome.load_s * up / 60:,.1f} min ({outcome.load_cpu * up / 60:,.1f} CPU min); "
            f"a month's import about {outcome.last_s * up:,.0f} s ({outcome.last_cpu * up:,.0f} CPU s); "
            f"copying the store about {outcome.copy_s * up:.0f} s"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the chosen scales and print what each measured."""
    started_load = Path("/proc/loadavg").read_text().split()[0]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--only", default="csp,force,region,ew", help="which scales, a list")
    parser.add_argument("--ew-fraction", type=float, default=1.0, help="the share of England and Wales to measure")
    parser.add_argument("--folder", type=Path, help="work here (default: a temp folder; needs ~2 GB free for ew)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="swp-scale-", dir=args.folder) as work:
        for key in args.only.split(","):
            fraction = args.ew_fraction if key == "ew" else 1.0
            outcome = measure(SCALES[key], args.years, fraction, Path(work))
            print(describe(outcome, args.years), flush=True)
    print(f"load average {started_load} at the start, {Path('/proc/loadavg').read_text().split()[0]} at the end")
    print(
        "Stored rows: only rows placed in the city's 20 wards are stored (the product's rule); 'region' and 'ew'\n"
        "place every row in the city to hold that scale's volume in one store (see the module docstring)."
    )


if __name__ == "__main__":
    main()
