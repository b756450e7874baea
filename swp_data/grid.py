"""A KPI's monthly figures for every ward, held as dense arrays so any selection is a sum.

Rows are the 20 current wards in code order plus one row for city-wide
figures (partner returns reported for the whole city, ward NULL). Columns
are the months of the store's history. Grids are fetched once per store
version and shared by every session (the cache is thread-safe).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import duckdb
import numpy as np
import pandas as pd

from swp_data import sql
from swp_data.periods import add_months

MEASURES = ("numerator", "denominator", "unknown", "respondents", "weight_sq")


@dataclass(frozen=True)
class Axis:
    """The wards and months every grid of one store shares."""

    wards: tuple[str, ...]  # 20 current ward codes; row 20 is city-wide
    months: tuple[date, ...]

    @property
    def city_row(self) -> int:
        """Row of the city-wide figures."""
        return len(self.wards)

    def month_index(self, month: date) -> int:
        """Column of a month (may fall outside the axis)."""
        first = self.months[0]
        return (month.year - first.year) * 12 + month.month - first.month

    @cached_property
    def _position(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.wards)}

    def ward_rows(self, codes: tuple[str, ...]) -> np.ndarray:
        """Rows of the given wards."""
        position = self._position
        return np.array([position[c] for c in codes], dtype=int)


def store_axis(connection: duckdb.DuckDBPyConnection) -> Axis:
    """Wards from the store; months from the earliest to the latest month the stored data covers.

    Coverage, not the load log: every import keeps coverage to the records the store holds
    (``importing.write.prune_coverage``), so once a corrected file replaces a record with a
    wrong month, the axis, "data as of" and the default quarter forget that month. The load
    log keeps what each file once said. Coverage also reaches past a record's own month
    where a record spans months (a quarterly return).
    """
    wards = tuple(r[0] for r in connection.execute("select ward_code from ward order by ward_code").fetchall())
    first, last = sql.one(connection, "select min(month), max(month) from coverage") or (None, None)
    if first is None or last is None:
        first = last = date(2019, 4, 1)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return Axis(wards, tuple(add_months(first, i) for i in range(count)))


@dataclass(frozen=True)
class Cells:
    """A KPI's rows placed on an axis: each row's ward row and month column, and its measures (0 for none)."""

    rows: np.ndarray
    columns: np.ndarray
    measures: dict[str, np.ndarray]
    has_denominator: bool


class Grid:
    """Dense arrays [ward row, month] for each measure a KPI query returns."""

    def __init__(self, frame: pd.DataFrame, axis: Axis) -> None:
        rows = frame["ward_code"].map({code: i for i, code in enumerate(axis.wards)})
        rows = rows.fillna(axis.city_row).astype(int).to_numpy()
        months = pd.to_datetime(frame["month"])
        columns = ((months.dt.year - axis.months[0].year) * 12 + months.dt.month - axis.months[0].month).to_numpy()
        measures = {
            measure: pd.to_numeric(frame[measure], errors="coerce").fillna(0).to_numpy(dtype=float)
            for measure in MEASURES
            if measure in frame.columns
        }
        has_denominator = bool(frame["denominator"].notna().any()) if "denominator" in frame else False
        self._fill(Cells(rows, columns, measures, has_denominator), axis)

    @classmethod
    def from_cells(cls, cells: Cells, axis: Axis) -> Grid:
        """A grid from rows already placed on the axis (``derived.stored_grid_cells``)."""
        grid = cls.__new__(cls)
        grid._fill(cells, axis)
        return grid

    def _fill(self, cells: Cells, axis: Axis) -> None:
        self.axis = axis
        shape = (len(axis.wards) + 1, len(axis.months))
        rows, columns = cells.rows, cells.columns
        inside = (columns >= 0) & (columns < shape[1])
        self.arrays: dict[str, np.ndarray] = {}
        for measure, values in cells.measures.items():
            array = np.zeros(shape)
            np.add.at(array, (rows[inside], columns[inside]), values[inside])
            self.arrays[measure] = array
        self.has_denominator = cells.has_denominator
        # Months with any record, per row: "no data" differs from "zero".
        present = np.zeros(shape, dtype=bool)
        present[rows[inside], columns[inside]] = True
        self.present = present

    def vectors(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Each measure summed over the given rows: one value per month (plus 'present': any record)."""
        out = {measure: array[rows].sum(axis=0) for measure, array in self.arrays.items()}
        out["present"] = self.present[rows].any(axis=0).astype(float)
        return out

    def total(self, measure: str, rows: np.ndarray, first: int, last: int) -> float:
        """Sum of a measure over ward rows and months first..last (inclusive, clipped to the axis)."""
        array = self.arrays.get(measure)
        if array is None:
            return 0.0
        lo, hi = max(first, 0), min(last, array.shape[1] - 1)
        if hi < lo:
            return 0.0
        return float(array[np.ix_(rows, np.arange(lo, hi + 1))].sum())


class GridCache:
    """Grids and breakdown grids by (store version, KPI, breakdown), shared across threads.

    ``results`` holds finished answers (a KPI's result, a ward table...) for every session of a
    process, by what was asked: bounded, least recently used first out, since the filters a
    process meets have no limit while the grids do.
    """

    def __init__(self, max_results: int = 4096) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[object, ...], object] = {}
        self.results = ResultCache(max_results)

    def get(self, key: tuple[object, ...], build: Callable[[], object]) -> object:
        """The cached item, built once (the build runs outside the lock)."""
        with self._lock:
            if key in self._items:
                return self._items[key]
        item = build()
        with self._lock:
            return self._items.setdefault(key, item)

    def clear(self) -> None:
        """Forget everything (after an import)."""
        with self._lock:
            self._items.clear()
        self.results.clear()


class ResultCache:
    """A bounded, thread-safe memo: the least recently used answer goes first when it is full."""

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[object, ...], build: Callable[[], object]) -> object:
        """The answer for ``key``, built once while it stays in the cache (the build runs outside the lock)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        item = build()
        with self._lock:
            item = self._items.setdefault(key, item)
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return item

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget every answer."""
        with self._lock:
            self._items.clear()
