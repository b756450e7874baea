"""Real Wolverhampton geography from ``data/reference``: wards, LSOAs, population, placement.

Every figure is reported on the 20 current (May 2023) wards. A record that
carries coordinates is placed by its point in the May 2023 ward polygons (the
wards the maps draw); one with only an LSOA (2011 or 2021 code) is placed through
the LSOA best-fit lookup built here. Ward populations are the Census 2021 LSOA
counts apportioned to the ward polygons (``swp_data.ward_population``).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from swp_data.points import PointLocator
from swp_data.settings import REFERENCE_DIR
from swp_data.ward_population import ward_populations

__all__ = ["PointLocator", "lsoa_locator", "reference_tables", "ward_boundaries", "ward_locator"]

CURRENT_WARD_PATTERN = re.compile(r"^E050148(3[89]|4\d|5[0-7])$")
LSOA_BOUNDARIES = REFERENCE_DIR / "boundaries" / "wolverhampton_lsoa_2021.geojson"
WARD_BOUNDARIES = REFERENCE_DIR / "boundaries" / "wolverhampton_wards_2025.geojson"
TOLERANCE_METRES = 150.0  # points this close to the city's (generalised) edge are placed in the nearest polygon

# LSOA 2011 codes split in 2021, each to its two children (SOURCES.md).
SPLIT_LSOA11: dict[str, tuple[str, str]] = {
    "E01010435": ("E01034310", "E01034311"),
    "E01010521": ("E01034312", "E01034313"),
    "E01010453": ("E01034314", "E01034315"),
}


def _read_csv(relative: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / relative).open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class ReferenceTables:
    """The reference tables a new store starts with."""

    ward: pd.DataFrame  # ward_code, ward_name, population (of the ward polygon, apportioned by area)
    ward_2004: pd.DataFrame  # ward_code, ward_name
    lsoa: pd.DataFrame  # lsoa_code, lsoa_name, vintage, ward_code, ward19_code, population, imd_score
    ward_alias: pd.DataFrame  # alias (lower-case), ward_code


@cache
def reference_tables() -> ReferenceTables:
    """Build the ward and LSOA tables from the shipped public files."""
    to_ward25 = {
        row["LSOA21CD"]: row for row in _read_csv("lookups/wolverhampton_lsoa21_to_ward25_centroid_bestfit.csv")
    }
    to_ward19 = {row["LSOA11CD"]: row for row in _read_csv("lookups/wolverhampton_lsoa11_to_ward19.csv")}
    population = {
        row["mnemonic"]: int(row["total"])
        for row in _read_csv("population/census2021_ts001_usual_residents_lsoa21_wolverhampton.csv")
    }
    imd = {
        row["LSOA code"]: float(row["LSOA IMD Score"])
        for row in _read_csv("context/imd2019_score_lsoa11_wolverhampton.csv")
    }
    parent_of = {child: parent for parent, children in SPLIT_LSOA11.items() for child in children}

    rows: list[dict[str, Any]] = []
    for code, row in to_ward25.items():
        parent = parent_of.get(code, code)
        rows.append(
            {
                "lsoa_code": code,
                "lsoa_name": row["LSOA21NM"],
                "vintage": "2021" if code in parent_of else "2011 and 2021",
                "ward_code": row["WD25CD"],
                "ward19_code": to_ward19[parent]["WD19CD"],
                "population": population[code],
                "imd_score": imd[parent],
            }
        )
    for parent, children in SPLIT_LSOA11.items():
        # A split 2011 LSOA goes to the ward of its more populous 2021 child.
        biggest = max(children, key=lambda child: population[child])
        rows.append(
            {
                "lsoa_code": parent,
                "lsoa_name": to_ward19[parent]["LSOA11NM"],
                "vintage": "2011",
                "ward_code": to_ward25[biggest]["WD25CD"],
                "ward19_code": to_ward19[parent]["WD19CD"],
                "population": None,
                "imd_score": imd[parent],
            }
        )
    lsoa = pd.DataFrame(rows).sort_values("lsoa_code", ignore_index=True)

    names = {row["WD25CD"]: row["WD25NM"] for row in to_ward25.values()}
    # Residents of the ward polygons (records are placed by point in them), not of the best-fit LSOAs.
    ward_population = {w.ward_code: w.population for w in ward_populations()}
    ward = pd.DataFrame(
        {
            "ward_code": sorted(names),
            "ward_name": [names[c] for c in sorted(names)],
            "population": [ward_population[c] for c in sorted(names)],
        }
    )
    old = {row["WD19CD"]: row["WD19NM"] for row in to_ward19.values()}
    ward_2004 = pd.DataFrame({"ward_code": sorted(old), "ward_name": [old[c] for c in sorted(old)]})
    aliases: dict[str, str] = {}
    for code, name in names.items():
        for alias in (code, name, name.replace("&", "and"), name.replace(" & ", " and "), name.replace("St ", "St. ")):
            aliases[normalise_ward_text(alias)] = code
    aliases[normalise_ward_text("St Peter's")] = "E05014853"  # the pre-2023 spelling
    ward_alias = pd.DataFrame({"alias": list(aliases), "ward_code": list(aliases.values())})
    return ReferenceTables(ward=ward, ward_2004=ward_2004, lsoa=lsoa, ward_alias=ward_alias)


def normalise_ward_text(text: str) -> str:
    """Lower-case, '&' as 'and', apostrophes and full stops dropped, spaces folded."""
    text = text.lower().replace("&", "and").replace("'", "").replace("\u2019", "").replace(".", "")
    return re.sub(r"\s+", " ", text).strip()


@cache
def ward_boundaries() -> dict[str, Any]:
    """GeoJSON FeatureCollection of the current wards, with ``ward_code`` and ``ward_name`` properties."""
    raw = json.loads(WARD_BOUNDARIES.read_text())
    features = []
    for feature in raw["features"]:
        props = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {"ward_code": props["WD25CD"], "ward_name": props["WD25NM"]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


@cache
def ward_label_points() -> dict[str, tuple[float, float]]:
    """Where a map writes a ward's label: (longitude, latitude) of a point well inside each ward.

    The pole of inaccessibility (shapely's polylabel), not the centroid: a crescent-shaped ward's
    centroid can fall outside it, and a label there would name its neighbour.
    """
    from shapely.geometry import shape
    from shapely.ops import polylabel

    points = {}
    for feature in ward_boundaries()["features"]:
        polygon = shape(feature["geometry"])
        if polygon.geom_type == "MultiPolygon":
            polygon = max(polygon.geoms, key=lambda part: part.area)  # the label goes on the main part
        point = polylabel(polygon, tolerance=1e-5)
        points[feature["properties"]["ward_code"]] = (round(point.x, 5), round(point.y, 5))
    return points


@cache
def lsoa_locator() -> PointLocator:
    """The LSOA 2021 locator (built once per process)."""
    return PointLocator(LSOA_BOUNDARIES, "LSOA21CD", TOLERANCE_METRES)


@cache
def ward_locator() -> PointLocator:
    """The May 2023 ward locator (built once per process): the polygons every map draws."""
    return PointLocator(WARD_BOUNDARIES, "WD25CD", TOLERANCE_METRES)
