"""Tables of a KPI by ward, quarter or month: what the CLI prints and downloads contain."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from swp_data.calc.engine import Engine
from swp_data.calc.render import coverage_text
from swp_data.filters import Filters
from swp_data.kpis import catalogue
from swp_data.periods import Period, Quarter
from swp_data.views import Dashboard

By = Literal["ward", "quarter", "month"]


def kpi_table(board: Dashboard, key: str, filters: Filters, by: By) -> pd.DataFrame:
    """The KPI broken down by ward (for the period), by quarter or by month (within the period).

    Everything goes through the dashboard, so partners get exactly the disclosure-controlled
    figures the app shows them.
    """
    if by == "ward":
        frame = board.by_ward(key, filters)
        return frame.assign(period=filters.period.label)
    if by == "quarter":
        rows = []
        for q in filters.period.quarters:
            result = board.result(key, Filters(filters.selection, Period(q, q), filters.comparison))
            rows.append(
                _row(
                    q.label,
                    result.current.model_dump(),
                    result.comparison.label if result.comparison else None,
                    result.availability,
                    result.shown_as if result.suppressed else "",
                    coverage_text(result.coverage),
                )
            )
        return pd.DataFrame(rows)
    kpi = catalogue.get(key)
    if kpi.frequency == "quarter" or not kpi.kind.monthly:
        raise ValueError(f"{key} is reported by quarter (or over rolling 12 months), not by month: use --by quarter")
    if board.partner and kpi.sensitive:
        raise ValueError(f"monthly figures of {key} are not published for partners (small numbers): use --by quarter")
    months = filters.period.months
    series = board.engine.series(key, filters.selection, filters.period, points=len(months))
    series = series[pd.to_datetime(series["period_start"]).dt.date >= months[0]]
    return series.rename(columns={"period": "month"})[
        ["month", "numerator", "denominator", "value", "mean", "lower", "upper", "special_high", "special_low", "rules"]
    ]


def _row(
    label: str,
    figure: dict[str, object],
    change: str | None,
    availability: str,
    shown_as: str | None,
    coverage: str = "",
) -> dict[str, object]:
    return {
        "quarter": label,
        "value": figure["value"],
        "numerator": figure["numerator"],
        "denominator": figure["denominator"],
        "low": figure["low"],
        "high": figure["high"],
        "rate_per_1000": figure["rate_per_1000"],
        "change_vs_year_earlier": change,
        "availability": availability,
        "coverage": coverage,
        "withheld": shown_as,
    }


def default_period(engine: Engine) -> Period:
    """The latest complete quarter (every month loaded), else the latest with any data."""
    latest: Quarter = engine.default_quarter
    return Period(latest, latest)


__all__ = ["By", "default_period", "kpi_table"]
