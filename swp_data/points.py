"""Placing longitude/latitude points in polygons (wards or LSOAs), fast enough for a million rows.

A coarse grid answers most points with one array look-up: a cell wholly inside one
polygon gives that polygon, a cell farther than the tolerance from every polygon
gives "outside". Only points in the cells a boundary crosses go to the exact test
(shapely: inside a polygon, else the nearest polygon within the tolerance). The grid
only skips work whose answer it already knows, so the result is the exact test's.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from swp_data.settings import REFERENCE_DIR

_METRES_PER_DEGREE_LATITUDE = 111_279.0  # WGS84 ellipsoid at 52.585 degrees north (the city centre)
_METRES_PER_DEGREE_LONGITUDE = 67_779.0  # likewise, east-west
_CELL_METRES = 100.0
_EXACT = -2  # grid value: a boundary crosses the cell, test its points exactly
_OUTSIDE = -1  # grid value: every point of the cell is beyond the tolerance


def to_metres(coordinates: np.ndarray) -> np.ndarray:
    """Longitude/latitude pairs to metres east and north (local equirectangular projection)."""
    out = np.array(coordinates, dtype=float, copy=True)
    out[:, 0] *= _METRES_PER_DEGREE_LONGITUDE
    out[:, 1] *= _METRES_PER_DEGREE_LATITUDE
    return out


class PointLocator:
    """Places longitude/latitude points in the polygons of a GeoJSON file (shapely, vectorised).

    With no arguments it places points in the LSOA 2021 polygons. Geometry is compared in a
    local flat projection in metres (equirectangular about Wolverhampton's latitude, accurate
    to well under a metre across the city), so the edge tolerance means the same distance in
    every direction. Boundaries are generalised,
    so a point on the city edge may fall in a sliver just outside: it takes the nearest
    polygon within the tolerance; beyond it, it is outside (None).
    """

    def __init__(
        self,
        boundary_file: Path | None = None,
        code_property: str = "LSOA21CD",
        tolerance_metres: float = 150.0,
    ) -> None:
        import shapely  # imported here: only coordinate placement needs it

        path = boundary_file or REFERENCE_DIR / "boundaries" / "wolverhampton_lsoa_2021.geojson"
        raw = json.loads(path.read_text())
        self._codes = np.array([f["properties"][code_property] for f in raw["features"]], dtype=object)
        polygons = [shapely.geometry.shape(f["geometry"]) for f in raw["features"]]
        self._polygons = shapely.transform(np.array(polygons), to_metres)
        shapely.prepare(self._polygons)
        self._tree = shapely.STRtree(self._polygons)
        self._tolerance = tolerance_metres
        self._shapely = shapely
        self._build_grid()

    @property
    def codes(self) -> tuple[str, ...]:
        """The polygons' codes, in file order."""
        return tuple(self._codes)

    def _build_grid(self) -> None:
        shapely = self._shapely
        x0, y0, x1, y1 = shapely.total_bounds(self._polygons)
        margin = self._tolerance + _CELL_METRES
        self._origin = (x0 - margin, y0 - margin)
        columns = int(np.ceil((x1 - x0 + 2 * margin) / _CELL_METRES))
        rows = int(np.ceil((y1 - y0 + 2 * margin) / _CELL_METRES))
        left = self._origin[0] + np.arange(columns) * _CELL_METRES
        bottom = self._origin[1] + np.arange(rows) * _CELL_METRES
        xs, ys = np.meshgrid(left, bottom)  # rows x columns
        boxes = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + _CELL_METRES, ys.ravel() + _CELL_METRES)
        grid = np.full(len(boxes), _OUTSIDE, dtype=np.int32)
        near_box, _ = self._tree.query(boxes, predicate="dwithin", distance=self._tolerance)
        grid[near_box] = _EXACT
        # A closed cell within a polygon: every point in it (edges too) is in that polygon.
        inside_box, inside_polygon = self._tree.query(boxes, predicate="within")
        grid[inside_box] = inside_polygon
        self._grid = grid.reshape(rows, columns)

    def cells(self) -> dict[str, np.ndarray]:
        """The grid's cells not wholly outside: ``cell_row``, ``cell_column`` and ``code`` (None: test exactly).

        With ``cell_sql`` this lets a database answer most points itself (a join on the cell),
        sending only the points in boundary cells to ``locate``.
        """
        rows, columns = np.nonzero(self._grid != _OUTSIDE)
        values = self._grid[rows, columns]
        codes = np.full(len(values), None, dtype=object)
        codes[values >= 0] = self._codes[values[values >= 0]]
        return {"cell_row": rows.astype(np.int64), "cell_column": columns.astype(np.int64), "code": codes}

    def cell_sql(self, longitude: str, latitude: str) -> tuple[str, str]:
        """SQL for the grid row and column of a point, the same arithmetic as ``locate`` (finite degrees only)."""

        def number(value: float) -> str:
            return f"'{float(value)!r}'::double"  # the shortest text that reads back as the same double

        def index(value: str, scale: float, origin: float) -> str:
            return f"floor(({value} * {number(scale)} - {number(origin)}) / {number(_CELL_METRES)})::bigint"

        return (
            index(latitude, _METRES_PER_DEGREE_LATITUDE, self._origin[1]),
            index(longitude, _METRES_PER_DEGREE_LONGITUDE, self._origin[0]),
        )

    def locate(self, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
        """The code of the polygon holding each point, or None where it lies outside (beyond the tolerance)."""
        xy = to_metres(np.column_stack([np.asarray(longitude, dtype=float), np.asarray(latitude, dtype=float)]))
        column = np.floor((xy[:, 0] - self._origin[0]) / _CELL_METRES)
        row = np.floor((xy[:, 1] - self._origin[1]) / _CELL_METRES)
        rows, columns = self._grid.shape
        on_grid = (column >= 0) & (column < columns) & (row >= 0) & (row < rows)  # NaN compares False
        polygon = np.full(len(xy), _OUTSIDE, dtype=np.int64)
        polygon[on_grid] = self._grid[row[on_grid].astype(np.int64), column[on_grid].astype(np.int64)]
        exact = np.flatnonzero(polygon == _EXACT)
        if len(exact):
            polygon[exact] = self._exact(xy[exact])
        result = np.full(len(xy), None, dtype=object)
        placed = polygon >= 0
        result[placed] = self._codes[polygon[placed]]
        return result

    def _exact(self, xy: np.ndarray) -> np.ndarray:
        """Polygon index for each point (metres): the polygon holding it, else the nearest within the tolerance."""
        shapely = self._shapely
        points = shapely.points(xy)
        found = np.full(len(points), _OUTSIDE, dtype=np.int64)
        point_index, polygon_index = self._tree.query(points, predicate="within")
        # A point on a shared edge can match two polygons: keep the first.
        first = np.unique(point_index, return_index=True)[1]
        found[point_index[first]] = polygon_index[first]
        missing = np.flatnonzero(found == _OUTSIDE)
        if len(missing):
            # The polygons within the tolerance, nearest first (faster than query_nearest for many points).
            near_point, near_polygon = self._tree.query(points[missing], predicate="dwithin", distance=self._tolerance)
            distance = shapely.distance(points[missing][near_point], self._polygons[near_polygon])
            order = np.lexsort((near_polygon, distance, near_point))
            near_point, near_polygon = near_point[order], near_polygon[order]
            _, nearest = np.unique(near_point, return_index=True)
            found[missing[near_point[nearest]]] = near_polygon[nearest]
        return found
