"""SPC columns on a series frame (mean, limits, two-sigma lines, signals, segments), and the summary of one.

``add_spc`` puts them on a frame with ``period_start`` and ``value`` columns; ``summary`` reads
them back into the typed ``Spc`` result, so a chart and its verdict always come from one frame
(for partners, one built only from published cells).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import pandas as pd

from swp_data.results import Spc, SpcRebase
from swp_data.stats import spc

SPC_COLUMNS = (
    "mean",
    "lower",
    "upper",
    "near_lower",
    "near_upper",
    "special_high",
    "special_low",
    "signal",
    "rules",
    "segment",
    "baseline",
    "limits_from",
    "limits_to",
    "target",
)


def segment_breaks(starts: Sequence[date], rebase_at: Sequence[date]) -> list[int]:
    """The index of the first period starting on or after each rebase date (none at the first point)."""
    breaks = []
    for when in rebase_at:
        index = next((i for i, start in enumerate(starts) if start >= when), None)
        if index:
            breaks.append(index)
    return breaks


def add_spc(
    frame: pd.DataFrame,
    direction: spc.Direction,
    *,
    rebase_at: Sequence[date] = (),
    baseline_points: int | None = None,
    target: float | None = None,
) -> pd.DataFrame:
    """A copy of the frame with XmR columns for its ``value`` column (blank where SPC cannot apply).

    ``rebase_at``: dates from which new limits start (a segment begins at the first period
    starting on or after each); ``baseline_points``: limits fixed on each segment's first
    points; ``target``: in the unit of one point (per month, per quarter ...), for assurance.
    """
    starts = list(frame["period_start"]) if "period_start" in frame else []
    chart = spc.xmr(
        frame["value"].astype(float).to_numpy(),
        direction,
        breaks=segment_breaks(starts, rebase_at),
        baseline=baseline_points,
        target=target,
    )
    n = len(frame)
    segments = chart.segment or [0] * n
    baseline = chart.baseline or [False] * n
    labels = [str(p) for p in frame["period"]] if "period" in frame else [str(s) for s in starts]
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for label, segment, fixed in zip(labels, segments, baseline, strict=True):
        if fixed:
            first.setdefault(segment, label)
            last[segment] = label
    columns = {
        "mean": chart.means or [None] * n,
        "lower": chart.lowers or [None] * n,
        "upper": chart.uppers or [None] * n,
        "near_lower": chart.near_lowers or [None] * n,
        "near_upper": chart.near_uppers or [None] * n,
        "special_high": chart.high or [False] * n,
        "special_low": chart.low or [False] * n,
        "signal": [s or "" for s in chart.signals] or [""] * n,
        "rules": [", ".join(r) for r in chart.rules] or [""] * n,
        "segment": segments,
        "baseline": baseline,
        "limits_from": [first.get(s, "") for s in segments],
        "limits_to": [last.get(s, "") for s in segments],
        "target": [target] * n,
    }
    return _with_columns(frame, columns)


def _with_columns(frame: pd.DataFrame, columns: dict[str, list[object]]) -> pd.DataFrame:
    """``frame`` with every column added (or replaced) in one step: a column at a time costs far more."""
    # One construction: the kept columns as their arrays (no index to align), then the new ones.
    data: dict[str, object] = {c: frame[c].array for c in frame.columns if c not in columns}
    data.update(columns)
    return pd.DataFrame(data, index=frame.index)


def no_spc(frame: pd.DataFrame) -> pd.DataFrame:
    """The same columns, empty: for rolling measures and ranks, where SPC does not apply."""
    for column in ("mean", "lower", "upper", "near_lower", "near_upper", "target"):
        frame[column] = None
    frame["special_high"] = False
    frame["special_low"] = False
    frame["signal"] = ""
    frame["rules"] = ""
    frame["segment"] = 0
    frame["baseline"] = False
    frame["limits_from"] = ""
    frame["limits_to"] = ""
    return frame


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def summary(frame: pd.DataFrame, direction: spc.Direction, reasons: Sequence[tuple[date, str]] = ()) -> Spc:
    """The ``Spc`` verdict of a frame carrying ``add_spc`` columns: the latest point's signal and limits.

    ``reasons``: the rebase dates and why (from the KPI's declaration), named where a segment starts.
    """
    points = len(frame)
    if points == 0 or "signal" not in frame or not frame["signal"].iloc[-1]:
        gaps = points and frame["value"].isna().any()
        rebased = points and "segment" in frame and frame["segment"].iloc[-1] > 0
        reason = (
            f"SPC needs at least {spc.MINIMUM_POINTS} consecutive periods with data"
            if gaps or not points
            else f"SPC needs at least {spc.MINIMUM_POINTS} periods with data"
            + (" since the latest rebase" if rebased else "")
            + " to set limits"
        )
        return Spc(variation="not applicable", points=points, reason=reason)
    last = frame.iloc[-1]
    starts = list(frame["period_start"])
    segments = list(frame["segment"])
    rebases = []
    for i in range(1, points):
        if segments[i] != segments[i - 1]:
            why = next((r for when, r in sorted(reasons, reverse=True) if when <= starts[i]), "")
            rebases.append(SpcRebase(period=str(frame["period"].iloc[i]), reason=why))
    target = _number(last.get("target"))
    lower, upper = _number(last["lower"]), _number(last["upper"])
    assurance = None
    if target is not None and lower is not None and upper is not None:
        # The unfloored lower limit: the floor only tidies the chart (a count cannot go below 0).
        mean = _number(last["mean"]) or 0.0
        unfloored = mean - (upper - mean)
        assurance = spc.assurance(target, unfloored, upper, direction)
    return Spc(
        variation=last["signal"],
        side="high" if bool(last["special_high"]) else "low" if bool(last["special_low"]) else None,
        mean=_number(last["mean"]),
        lower=lower,
        upper=upper,
        points=points,
        latest_rules=[r for r in str(last["rules"]).split(", ") if r],
        assurance=assurance,
        target=target,
        rebases=rebases,
        limits_from=str(last["limits_from"]) or None,
        limits_to=str(last["limits_to"]) or None,
        limits_fixed=not bool(last["baseline"]),
    )
