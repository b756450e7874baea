"""Tables of a KPI by ward, quarter or month: what the CLI prints and downloads contain."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from swp_data.calc.engine import Engine
from swp_data.calc.selection import WardSelection
from swp_data.kpis import catalogue
from swp_data.periods import Period, Quarter

By = Literal["ward", "quarter", "month"]


def kpi_table(engine: Engine, key: str, selection: WardSelection, period: Period, by: By) -> pd.DataFrame:
    """The KPI broken down by ward (for the period), by quarter or by month (within the period)."""
    if by == "ward":
        frame = engine.by_ward(key, period)
        return frame.assign(period=period.label)
    rows = []
    if by == "quarter":
        spans = [(q.label, Period(q, q)) for q in period.quarters]
        for label, span in spans:
            result = engine.result(key, selection, span)
            rows.append(
                _row(
                    label,
                    result.current.model_dump(),
                    result.comparison.label if result.comparison else None,
                    result.availability,
                )
            )
        return pd.DataFrame(rows)
    kpi = catalogue.get(key)
    if kpi.frequency == "quarter" or kpi.measure in ("repeat", "rank"):
        raise ValueError(f"{key} is reported by quarter (or over rolling 12 months), not by month: use --by quarter")
    months = period.months
    series = engine.series(key, selection, period, points=len(months))
    first = months[0]
    series = series[pd.to_datetime(series["period_start"]).dt.date >= first]
    return series.rename(columns={"period": "month"})[
        ["month", "numerator", "denominator", "value", "mean", "lower", "upper", "special_high", "special_low", "rules"]
    ]


def _row(label: str, figure: dict[str, object], change: str | None, availability: str) -> dict[str, object]:
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
    }


def default_period(engine: Engine) -> Period:
    """The latest quarter with data."""
    latest: Quarter = engine.latest_quarter
    return Period(latest, latest)


def as_of_label(engine: Engine) -> str:
    """'Data as of 30 Sep 2026'."""
    return f"Data as of {engine.as_of:%d %b %Y}"


__all__ = ["By", "as_of_label", "default_period", "kpi_table"]
