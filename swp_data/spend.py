"""Commissioned spend: allocation against actual spend per priority and service, for a financial year.

Spend is not sensitive (budget lines, not people), so partners and analysts see the same.
Each priority's headline outcomes (its first KPIs, as the Overview shows them) sit beside it,
so a panel can ask what the money bought; the figures are not claimed to be its effect.
"""

from __future__ import annotations

from typing import Protocol

import duckdb
import pandas as pd

from swp_data.filters import Filters
from swp_data.kpis import catalogue
from swp_data.periods import Period
from swp_data.results import KpiResult, shown_value, state
from swp_data.site import PRIORITIES


class Board(Protocol):
    """What spend needs of a Dashboard: its store and a KPI's result at its access level."""

    @property
    def engine(self) -> object:
        """The calculation engine (its ``connection`` is the store)."""

    def result(self, key: str, filters: Filters, with_spc: bool = True) -> KpiResult:
        """One KPI for the filters."""


SPEND_SQL = """
with lines as (
    select priority, service, allocation, actual_spend
    from commissioned_spend
    where financial_year = ?
)
select priority, service, allocation, actual_spend,
       actual_spend - allocation as difference
from lines
order by priority, service
"""


def financial_year(period: Period) -> str:
    """The financial year of a period's last quarter, as the spend returns name it ('2025/26')."""
    fy = period.last.fy_start
    return f"{fy}/{(fy + 1) % 100:02d}"


def spend_lines(connection: duckdb.DuckDBPyConnection, year: str) -> pd.DataFrame:
    """Every budget line of ``year``: priority, service, allocation (None if not given), spend, difference."""
    return connection.execute(SPEND_SQL, [year]).df()


def spend_by_priority(lines: pd.DataFrame) -> pd.DataFrame:
    """Allocation and spend summed per priority (an allocation is summed only where every line gives one)."""
    if lines.empty:
        return pd.DataFrame(columns=["priority", "services", "allocation", "actual_spend", "difference"])
    grouped = lines.groupby("priority", sort=True)
    out = pd.DataFrame(
        {
            "services": grouped["service"].count(),
            "allocation": grouped["allocation"].apply(lambda a: None if a.isna().any() else float(a.sum())),
            "actual_spend": grouped["actual_spend"].sum(),
        }
    ).reset_index()
    out["difference"] = [
        None if a is None or pd.isna(a) else s - a for a, s in zip(out["allocation"], out["actual_spend"], strict=True)
    ]
    return out


def spend_view(board: Board, filters: Filters) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """The year, its budget lines, and per priority with the priority's headline outcome beside it.

    The headline is the priority's first KPI as this viewer sees it (a partner's, disclosure-controlled).
    """
    year = financial_year(filters.period)
    lines = spend_lines(board.engine.connection, year)  # type: ignore[attr-defined]
    summary = spend_by_priority(lines)
    pages = {title: key for key, title in PRIORITIES.items()}
    columns: dict[str, list[object]] = {
        "headline": [],
        "headline_value": [],
        "headline_measure": [],
        "headline_state": [],
        "headline_change": [],
    }
    for priority in summary["priority"]:
        kpis = catalogue.for_priority(pages[priority]) if priority in pages else []
        result = board.result(kpis[0].key, filters, with_spc=False) if kpis else None
        columns["headline"].append(kpis[0].label if kpis else None)
        columns["headline_value"].append(shown_value(result) if result else None)
        columns["headline_measure"].append(result.measure if result else None)
        columns["headline_state"].append(
            (result.shown_as if result.suppressed else state(result)) if result is not None else None
        )
        columns["headline_change"].append(result.comparison.label if result and result.comparison else None)
    for column, values in columns.items():
        summary[column] = values
    return year, lines, summary
