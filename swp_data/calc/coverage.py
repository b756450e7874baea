"""Which months each KPI's sources were loaded for, and whether a period is complete.

The store records, per source and month, whether a load covered it (the ``coverage``
table, written by every import). A KPI's month is covered when every source it reads
covers it; for partner returns, where each figure is returned on its own, a month is
covered for a KPI only where that figure has a row. A period is complete when all its
months are covered (for snapshot sources such as surveys, when any is).
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np

from swp_data.grid import Axis
from swp_data.kpis.model import Kpi
from swp_data.periods import Quarter, add_months
from swp_data.results import Coverage
from swp_data.sources import SOURCES


def table_coverage(connection: duckdb.DuckDBPyConnection, axis: Axis) -> dict[str, np.ndarray]:
    """For each source table: a boolean per axis month, true where a load covered it."""
    out: dict[str, np.ndarray] = {}
    for table, month in connection.execute("select table_name, month from coverage").fetchall():
        column = axis.month_index(month)
        if 0 <= column < len(axis.months):
            out.setdefault(table, np.zeros(len(axis.months), dtype=bool))[column] = True
    return out


def kpi_months(kpi: Kpi, loaded: dict[str, np.ndarray], rows_present: np.ndarray | None, axis: Axis) -> np.ndarray:
    """A boolean per axis month: every source the KPI reads covers it.

    ``rows_present`` marks the months in which the KPI's own query has a row anywhere (None for
    kinds that are not gridded); it decides coverage for sources covered by rows.
    """
    covered = np.ones(len(axis.months), dtype=bool)
    for table in kpi.tables:
        if SOURCES[table].coverage_by == "rows" and rows_present is not None:
            months = rows_present.astype(bool)
            if kpi.frequency == "quarter":  # a quarterly return's row, at its first month, covers three
                spread = months.copy()
                spread[1:] |= months[:-1]
                spread[2:] |= months[:-2]
                months = spread
            covered &= months
        else:
            covered &= loaded.get(table, np.zeros(len(axis.months), dtype=bool))
    return covered


def period_coverage(kpi: Kpi, covered: np.ndarray, axis: Axis, first: date, last: date) -> Coverage:
    """How many months from ``first`` to ``last`` are covered, and whether that makes the period complete."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    inside = [axis.month_index(m) for m in months]
    flags = [0 <= i < len(covered) and bool(covered[i]) for i in inside]
    count = sum(flags)
    snapshot = bool(kpi.tables) and all(not SOURCES[t].flows_monthly for t in kpi.tables)
    return Coverage(
        months=len(months),
        covered=count,
        complete=count > 0 if snapshot else count == len(months),
        missing=[f"{m:%b %Y}" for m, ok in zip(months, flags, strict=True) if not ok],
    )


def latest_complete(covered_any: np.ndarray, axis: Axis) -> Quarter | None:
    """The latest financial-year quarter whose three months all hold some loaded data."""
    if not covered_any.any():
        return None
    quarter = Quarter.containing(axis.months[int(np.flatnonzero(covered_any).max())])
    while quarter.start >= axis.months[0]:
        columns = [axis.month_index(m) for m in quarter.months]
        if all(0 <= c < len(covered_any) and covered_any[c] for c in columns):
            return quarter
        quarter = quarter.shift(-1)
    return None


__all__ = ["kpi_months", "latest_complete", "period_coverage", "table_coverage"]
