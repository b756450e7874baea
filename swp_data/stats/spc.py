"""Statistical process control (XmR charts) in the NHS "Making Data Count" style.

Limits are the mean plus or minus 2.66 times the mean moving range (moving
ranges above 3.267 times their mean are screened out first, as MDC does).
Special causes:
- ``outside limits``: a point above the upper or below the lower limit;
- ``shift``: a run of 7 or more consecutive points on one side of the mean;
- ``trend``: 6 or more consecutive points each rising, or each falling.
The latest point decides the variation signal, read against the KPI's desired
direction: improvement, concern, special cause with no preferred direction,
or common cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

SHIFT_RUN = 7
TREND_RUN = 6
MINIMUM_POINTS = 12
LIMIT_FACTOR = 2.66
RANGE_SCREEN = 3.267

Direction = Literal["up", "down", "neutral"]
Variation = Literal["improvement", "concern", "special cause", "common cause", "not applicable"]


@dataclass(frozen=True)
class SpcResult:
    """Limits, special-cause points and the variation signal of one series."""

    mean: float | None
    lower: float | None
    upper: float | None
    high: list[bool] = field(default_factory=list)  # point is part of a special cause above / rising
    low: list[bool] = field(default_factory=list)  # point is part of a special cause below / falling
    rules: list[list[str]] = field(default_factory=list)  # which rules each point triggers
    variation: Variation = "not applicable"
    reason: str = ""


def xmr(values: list[float] | np.ndarray, direction: Direction, floor: float | None = 0.0) -> SpcResult:
    """XmR limits, special causes and the variation signal for ``values`` (oldest first)."""
    x = np.asarray(values, dtype=float)
    if len(x) < MINIMUM_POINTS or np.isnan(x).any():
        return SpcResult(None, None, None, reason=f"SPC needs at least {MINIMUM_POINTS} consecutive periods with data")
    mean = float(x.mean())
    ranges = np.abs(np.diff(x))
    mean_range = float(ranges.mean())
    screened = ranges[ranges <= RANGE_SCREEN * mean_range]
    if len(screened):
        mean_range = float(screened.mean())
    upper = mean + LIMIT_FACTOR * mean_range
    lower = mean - LIMIT_FACTOR * mean_range
    if floor is not None:
        lower = max(lower, floor)
    n = len(x)
    high = [False] * n
    low = [False] * n
    rules: list[list[str]] = [[] for _ in range(n)]
    for i in range(n):
        if x[i] > upper:
            high[i] = True
            rules[i].append("outside limits")
        elif x[i] < lower:
            low[i] = True
            rules[i].append("outside limits")
    _mark_runs(np.sign(x - mean), 1, SHIFT_RUN, high, rules, "shift")
    _mark_runs(np.sign(x - mean), -1, SHIFT_RUN, low, rules, "shift")
    steps = np.sign(np.diff(x))
    _mark_runs(np.r_[0, steps], 1, TREND_RUN - 1, high, rules, "trend", include_previous=True)
    _mark_runs(np.r_[0, steps], -1, TREND_RUN - 1, low, rules, "trend", include_previous=True)
    return SpcResult(mean, lower, upper, high, low, rules, _variation(high[-1], low[-1], direction))


def _mark_runs(
    signs: np.ndarray,
    wanted: int,
    length: int,
    flags: list[bool],
    rules: list[list[str]],
    name: str,
    include_previous: bool = False,
) -> None:
    """Flag every point in a run of at least ``length`` consecutive ``wanted`` signs.

    For trends the signs are of the steps between points, so a run of 5 rising
    steps covers 6 points: the point before the first step is flagged too.
    """
    run_start = None
    for i in range(len(signs) + 1):
        inside = i < len(signs) and signs[i] == wanted
        if inside and run_start is None:
            run_start = i
        if not inside and run_start is not None:
            if i - run_start >= length:
                first = run_start - 1 if include_previous else run_start
                for j in range(max(first, 0), i):
                    flags[j] = True
                    if name not in rules[j]:
                        rules[j].append(name)
            run_start = None


def _variation(high: bool, low: bool, direction: Direction) -> Variation:
    if not high and not low:
        return "common cause"
    if direction == "neutral" or (high and low):
        return "special cause"
    return "improvement" if (high and direction == "up") or (low and direction == "down") else "concern"
