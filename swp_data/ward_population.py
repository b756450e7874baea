"""Census 2021 residents of the May 2023 ward polygons: LSOA counts apportioned by area.

Census 2021 usual residents (TS001) are published for LSOAs, and LSOAs do not nest
in the May 2023 wards. Records are placed by their point in the ward polygons, so a
rate needs the residents of those polygons, not of the best-fit LSOAs. Each LSOA's
residents are shared between the wards its polygon overlaps in proportion to the
area inside each (areal weighting: residents assumed spread evenly over the LSOA),
and the ward totals are rounded so the city total is exactly the Census total.

The area shares are shipped as ``data/reference/lookups/wolverhampton_lsoa21_ward25_area_shares.csv``
(so a store is built without geometry work) and regenerated from the boundaries with::

    python3 -m swp_data.ward_population

A test rebuilds them and checks they match the shipped file.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from swp_data.settings import REFERENCE_DIR

SHARES_FILE = REFERENCE_DIR / "lookups" / "wolverhampton_lsoa21_ward25_area_shares.csv"
CENSUS_FILE = REFERENCE_DIR / "population" / "census2021_ts001_usual_residents_lsoa21_wolverhampton.csv"
BEST_FIT_FILE = REFERENCE_DIR / "lookups" / "wolverhampton_lsoa21_to_ward25_centroid_bestfit.csv"
SHARE_DECIMALS = 6
STRADDLE_SHARE = 0.01  # an LSOA with more than 1% of its area outside its main ward straddles a boundary
SOURCE_NOTE = "Census 2021 TS001, LSOAs apportioned to May 2023 ward polygons by area"

Shares = dict[str, dict[str, float]]  # LSOA 2021 -> ward -> share of the LSOA's area


@dataclass(frozen=True)
class WardPopulation:
    """One ward's residents: areal-weighted (used), best-fit LSOA sum (for comparison), and the uncertain part."""

    ward_code: str
    ward_name: str
    population: int
    population_lsoa_best_fit: int
    from_minority_parts: float  # residents given by area from LSOAs lying mostly in another ward


def derive_shares() -> Shares:
    """For each LSOA 2021, the share of its area inside each ward it overlaps, from the boundaries (shapely)."""
    import shapely

    from swp_data.points import to_metres

    def polygons(name: str, code: str) -> dict[str, shapely.Geometry]:
        raw = json.loads((REFERENCE_DIR / "boundaries" / name).read_text())
        return {
            f["properties"][code]: shapely.transform(shapely.geometry.shape(f["geometry"]), to_metres)
            for f in raw["features"]
        }

    wards = polygons("wolverhampton_wards_2025.geojson", "WD25CD")
    shares: Shares = {}
    for lsoa, polygon in sorted(polygons("wolverhampton_lsoa_2021.geojson", "LSOA21CD").items()):
        inside = {ward: polygon.intersection(shape).area for ward, shape in sorted(wards.items())}
        # The two boundary sets are generalised differently, so up to 1.4% of an LSOA's area lies
        # outside every ward: share its residents over the parts inside the city.
        total = sum(inside.values())
        rounded = {ward: round(area / total, SHARE_DECIMALS) for ward, area in inside.items()}
        shares[lsoa] = {ward: share for ward, share in rounded.items() if share > 0}
    return shares


def write_shares(shares: Shares, path: Path = SHARES_FILE) -> Path:
    """Write the area shares as CSV (one row per LSOA and ward it overlaps)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["LSOA21CD", "WD25CD", "area_share"])
        for lsoa, wards in shares.items():
            for ward, share in wards.items():
                writer.writerow([lsoa, ward, f"{share:.{SHARE_DECIMALS}f}"])
    return path


@cache
def shipped_shares() -> Shares:
    """The shipped area shares (read without any geometry library)."""
    shares: Shares = {}
    for row in _rows(SHARES_FILE):
        shares.setdefault(row["LSOA21CD"], {})[row["WD25CD"]] = float(row["area_share"])
    return shares


def _largest_remainder(values: dict[str, float], total: int) -> dict[str, int]:
    """Round to whole numbers that sum to ``total`` (largest remainders round up; ties by code)."""
    floors = {key: math.floor(value) for key, value in values.items()}
    short = total - sum(floors.values())
    by_remainder = sorted(values, key=lambda key: (-(values[key] - floors[key]), key))
    for key in by_remainder[:short]:
        floors[key] += 1
    return floors


def ward_populations(shares: Shares | None = None) -> tuple[WardPopulation, ...]:
    """Each current ward's Census 2021 residents, apportioned by area (the shipped shares by default)."""
    shares = shipped_shares() if shares is None else shares
    population = {row["mnemonic"]: int(row["total"]) for row in _rows(CENSUS_FILE)}
    best_fit_rows = _rows(BEST_FIT_FILE)
    names = {row["WD25CD"]: row["WD25NM"] for row in best_fit_rows}
    best_fit = dict.fromkeys(names, 0)
    for row in best_fit_rows:
        best_fit[row["WD25CD"]] += population[row["LSOA21CD"]]
    weighted = dict.fromkeys(names, 0.0)
    minority = dict.fromkeys(names, 0.0)
    for lsoa, wards in sorted(shares.items()):
        total = sum(wards.values())  # 1 up to the shipped rounding
        main = max(sorted(wards), key=wards.__getitem__)
        for ward, share in sorted(wards.items()):
            weighted[ward] += population[lsoa] * share / total
            if ward != main:
                minority[ward] += population[lsoa] * share / total
    rounded = _largest_remainder(weighted, sum(population.values()))
    return tuple(
        WardPopulation(code, names[code], rounded[code], best_fit[code], minority[code]) for code in sorted(names)
    )


def straddling_lsoas(shares: Shares | None = None) -> int:
    """How many LSOAs straddle a ward boundary (more than 1% of their area outside their main ward)."""
    shares = shipped_shares() if shares is None else shares
    return sum(max(w.values()) < (1 - STRADDLE_SHARE) * sum(w.values()) for w in shares.values())


def method_note() -> str:
    """How ward populations were derived and how far they may be out (About the Data)."""
    wards = ward_populations()
    city = sum(w.population for w in wards)
    moved = sum(w.from_minority_parts for w in wards)
    differences = [(abs(w.population - w.population_lsoa_best_fit), w) for w in wards]
    largest, worst = max(differences, key=lambda pair: (pair[0], pair[1].ward_code))
    mean = sum(d for d, _ in differences) / len(differences)
    most = max(wards, key=lambda w: (w.from_minority_parts / w.population, w.ward_code))
    return (
        "**Ward populations** (the denominators of every rate) are Census 2021 usual residents of the May 2023 "
        "ward polygons, the areas records are placed in. The Census counts LSOAs, which do not fit inside these "
        f"wards: {straddling_lsoas()} of the {len(shipped_shares())} LSOAs have more than 1% of their area in a "
        "second ward. Each LSOA's residents are shared between the wards its polygon overlaps in proportion to "
        "area (areal weighting), and the ward totals are rounded so the city total stays exactly "
        f"{city:,}. This moves {moved:,.0f} residents ({moved / city:.1%} of the city) into a ward other than "
        f"the one holding most of their LSOA; in {most.ward_name} they are {most.from_minority_parts:,.0f} "
        f"({most.from_minority_parts / most.population:.0%}) of its residents. Areal weighting assumes residents "
        "are spread evenly over each LSOA, so these figures are out where they are not (a park or an industrial "
        "estate on one side of a boundary); the size of that error cannot be measured from the Census counts "
        "shipped (nothing finer than LSOAs). Against the sum of best-fit LSOAs (each LSOA wholly in the ward "
        f"holding its centre) ward populations differ by {mean:,.0f} on average and at most {largest:,} "
        f"({largest / worst.population_lsoa_best_fit:.0%} of {worst.ward_name}'s best-fit figure)."
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


if __name__ == "__main__":
    print(f"wrote {write_shares(derive_shares())}")
