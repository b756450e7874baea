"""Real Wolverhampton geography from ``data/reference``: wards, LSOAs, population, placement.

Every figure is reported on the 20 current (May 2023) wards. Records carry an
LSOA (2011 or 2021 code) and are placed on a current ward through the lookup
built here; points without an LSOA are placed by their coordinates.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from swp_data.settings import REFERENCE_DIR

CURRENT_WARD_PATTERN = re.compile(r"^E050148(3[89]|4\d|5[0-7])$")

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

    ward: pd.DataFrame  # ward_code, ward_name, population
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
    current = lsoa[lsoa["vintage"] != "2011"]
    ward_population = current.groupby("ward_code")["population"].sum()
    ward = pd.DataFrame(
        {
            "ward_code": sorted(names),
            "ward_name": [names[c] for c in sorted(names)],
            "population": [int(ward_population[c]) for c in sorted(names)],
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
    raw = json.loads((REFERENCE_DIR / "boundaries" / "wolverhampton_wards_2025.geojson").read_text())
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


class PointLocator:
    """Places longitude/latitude points in LSOA 2021 polygons (shapely, vectorised).

    Geometry is compared in a local flat projection in metres (equirectangular about
    Wolverhampton's latitude, accurate to well under a metre across the city), so the
    edge tolerance means the same distance in every direction.
    """

    def __init__(self, boundary_file: Path | None = None, tolerance_metres: float = 150.0) -> None:
        import shapely  # imported here: only coordinate placement needs it

        path = boundary_file or REFERENCE_DIR / "boundaries" / "wolverhampton_lsoa_2021.geojson"
        raw = json.loads(path.read_text())
        self._codes = np.array([f["properties"]["LSOA21CD"] for f in raw["features"]])
        polygons = [shapely.geometry.shape(f["geometry"]) for f in raw["features"]]
        self._polygons = shapely.transform(np.array(polygons), _to_metres)
        self._tree = shapely.STRtree(self._polygons)
        # Boundaries are generalised, so points on the city edge may fall in a sliver just
        # outside: take the nearest LSOA within the tolerance; beyond it, outside Wolverhampton.
        self._tolerance = tolerance_metres
        self._shapely = shapely

    def locate(self, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
        """LSOA 2021 code for each point, or None where it lies outside the city."""
        shapely = self._shapely
        xy = _to_metres(np.column_stack([np.asarray(longitude, dtype=float), np.asarray(latitude, dtype=float)]))
        points = shapely.points(xy)
        result = np.full(len(points), None, dtype=object)
        point_index, polygon_index = self._tree.query(points, predicate="within")
        # A point on a shared edge can match two polygons: keep the first.
        first = np.unique(point_index, return_index=True)[1]
        result[point_index[first]] = self._codes[polygon_index[first]]
        missing = np.flatnonzero(result == None)  # noqa: E711 (element-wise on an object array)
        if len(missing):
            nearest_point, nearest_polygon = self._tree.query_nearest(
                points[missing], max_distance=self._tolerance, return_distance=False
            )
            _, keep = np.unique(nearest_point, return_index=True)
            result[missing[nearest_point[keep]]] = self._codes[nearest_polygon[keep]]
        return result


_METRES_PER_DEGREE_LATITUDE = 111_279.0  # WGS84 ellipsoid at 52.585 degrees north (the city centre)
_METRES_PER_DEGREE_LONGITUDE = 67_779.0  # likewise, east-west


def _to_metres(coordinates: np.ndarray) -> np.ndarray:
    """Longitude/latitude pairs to metres east and north (local equirectangular projection)."""
    out = np.array(coordinates, dtype=float, copy=True)
    out[:, 0] *= _METRES_PER_DEGREE_LONGITUDE
    out[:, 1] *= _METRES_PER_DEGREE_LATITUDE
    return out
