"""Statistical process control (XmR charts) as NHS "Making Data Count" draws them.

The rules follow NHSRplotthedots 0.2.x (nhs-r-community/NHSRplotthedots: ``ptd_spc_standard``,
``ptd_calculate_point_type``, ``ptd_calculate_assurance_type``), point for point:

- limits: the mean plus or minus 2.66 times the mean moving range, after moving ranges of
  3.267 times their mean or more are screened out (``screen_outliers = TRUE``); the two-sigma
  lines sit at the mean plus or minus two thirds of that;
- a fixed baseline (``fix_after_n_points``): the mean and moving ranges come from the first
  points only, and the limits are extended forward;
- rebasing: each segment (from a rebase date to the next) has its own limits and rules;
- special causes, each point given the first that applies:
  1. ``outside limits``: above the upper or below the lower limit (high or low by side);
  2. ``trend``: part of 7 points each rising, or each falling (a tie breaks a trend); high for
     a rising trend, low for a falling one, whichever side of the mean;
  3. ``two of three``: one of at least 2 of 3 consecutive points beyond a two-sigma line, all
     3 on the same side of the mean (only the points beyond the line are flagged);
  4. ``shift``: part of 7 points in a row on one side of the mean (a point on the mean breaks it).
  A point's side (high or low) read against the KPI's direction makes it improvement or
  concern, or special cause of neither kind for a KPI with no better direction.
- the variation signal is the latest point's; assurance compares a target with the latest
  limits: beyond the limits on the good side, the process always meets it; beyond them on the
  bad side, never; between them, it may or may not (inconsistent).

Two choices are ours: a segment needs at least 12 points to set limits (NHSRplotthedots draws
"trial limits" from fewer, with a warning), and a series with no variation at all (every
moving range zero) gets limits at its mean rather than no limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

SHIFT_RUN = 7  # points on one side of the mean (ptd_seven_point_one_side_mean)
TREND_RUN = 7  # points each rising or each falling (ptd_seven_point_trend)
MINIMUM_POINTS = 12
LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2 * LIMIT_FACTOR / 3  # the two-sigma lines (NHSRplotthedots' limitclose)
RANGE_SCREEN = 3.267
RULES = ("outside limits", "trend", "two of three", "shift")  # in order of precedence

Direction = Literal["up", "down", "neutral"]
Signal = Literal["improvement", "concern", "neither", "common cause"]
Side = Literal["high", "low"]
Variation = Literal["improvement", "concern", "neither", "common cause", "not applicable"]
Assurance = Literal["always meets", "never meets", "may meet"]


@dataclass(frozen=True)
class SpcResult:
    """Per point: the limits of its segment, its signal and rules; and the latest point's signal."""

    segment: list[int] = field(default_factory=list)  # 0 for the first segment, +1 at each rebase
    baseline: list[bool] = field(default_factory=list)  # the point is one the limits are computed from
    means: list[float | None] = field(default_factory=list)
    lowers: list[float | None] = field(default_factory=list)  # floored (a count cannot go below 0)
    uppers: list[float | None] = field(default_factory=list)
    near_lowers: list[float | None] = field(default_factory=list)  # two-sigma lines
    near_uppers: list[float | None] = field(default_factory=list)
    signals: list[Signal | None] = field(default_factory=list)  # None: no limits for this point
    sides: list[Side | None] = field(default_factory=list)
    rules: list[list[str]] = field(default_factory=list)  # every rule the point is part of, by precedence
    variation: Variation = "not applicable"
    side: Side | None = None
    assurance: Assurance | None = None
    reason: str = ""

    @property
    def mean(self) -> float | None:
        """The latest segment's mean."""
        return self.means[-1] if self.means else None

    @property
    def lower(self) -> float | None:
        """The latest segment's lower limit."""
        return self.lowers[-1] if self.lowers else None

    @property
    def upper(self) -> float | None:
        """The latest segment's upper limit."""
        return self.uppers[-1] if self.uppers else None

    @property
    def high(self) -> list[bool]:
        """Special-cause points on the high side (above the mean or in a rising trend)."""
        return self._special("high")

    @property
    def low(self) -> list[bool]:
        """Special-cause points on the low side."""
        return self._special("low")

    def _special(self, side: Side) -> list[bool]:
        pairs = zip(self.signals, self.sides, strict=True)
        return [s is not None and s != "common cause" and d == side for s, d in pairs]


def xmr(
    values: Sequence[float] | np.ndarray,
    direction: Direction,
    floor: float | None = 0.0,
    *,
    breaks: Sequence[int] = (),
    baseline: int | None = None,
    target: float | None = None,
) -> SpcResult:
    """XmR limits, special causes, variation and assurance for ``values`` (oldest first).

    ``breaks``: indices where a rebased segment starts; ``baseline``: limits fixed on the first
    this many points of each segment; ``target``: in the unit of the values.
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n == 0 or np.isnan(y).any():
        return SpcResult(reason=f"SPC needs at least {MINIMUM_POINTS} consecutive periods with data")
    starts = sorted({0, *(int(b) for b in breaks if 0 < b < n)})
    stops = [*starts[1:], n]
    out: dict[str, list] = {k: [] for k in ("segment", "baseline", "means", "lowers", "uppers", "near_lowers")}
    out.update({k: [] for k in ("near_uppers", "signals", "sides", "rules")})
    lpl = upl = None
    for number, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        part = y[start:stop]
        fixed = len(part) if baseline is None else min(baseline, len(part))
        out["segment"] += [number] * len(part)
        out["baseline"] += [i < fixed for i in range(len(part))]
        limits = _limits(part[:fixed]) if fixed >= MINIMUM_POINTS else None
        if limits is None:
            lpl = upl = None
            for key in ("means", "lowers", "uppers", "near_lowers", "near_uppers", "signals", "sides"):
                out[key] += [None] * len(part)
            out["rules"] += [[] for _ in part]
            continue
        mean, lpl, upl, nlpl, nupl = limits
        signals, sides, rules = _classify(part, mean, lpl, upl, nlpl, nupl, direction)
        out["means"] += [mean] * len(part)
        out["lowers"] += [lpl if floor is None else max(lpl, floor)] * len(part)
        out["uppers"] += [upl] * len(part)
        out["near_lowers"] += [nlpl] * len(part)
        out["near_uppers"] += [nupl] * len(part)
        out["signals"] += signals
        out["sides"] += sides
        out["rules"] += rules
    if lpl is None or upl is None:
        since = "" if len(starts) == 1 else " since the latest rebase"
        return SpcResult(**out, reason=f"SPC needs at least {MINIMUM_POINTS} periods with data{since} to set limits")
    return SpcResult(
        **out,
        variation=out["signals"][-1],
        side=out["sides"][-1],
        assurance=assurance(target, lpl, upl, direction),
    )


def _limits(fixed: np.ndarray) -> tuple[float, float, float, float, float]:
    """Mean, lower and upper limits and two-sigma lines from the baseline points."""
    mean = float(fixed.mean())
    ranges = np.abs(np.diff(fixed))
    mean_range = float(ranges.mean())
    kept = ranges[ranges < RANGE_SCREEN * mean_range]  # NHSRplotthedots keeps only ranges strictly below
    if len(kept):
        mean_range = float(kept.mean())  # else every range is 0: limits at the mean
    return (
        mean,
        mean - LIMIT_FACTOR * mean_range,
        mean + LIMIT_FACTOR * mean_range,
        mean - NEAR_FACTOR * mean_range,
        mean + NEAR_FACTOR * mean_range,
    )


def _classify(
    y: np.ndarray, mean: float, lpl: float, upl: float, nlpl: float, nupl: float, direction: Direction
) -> tuple[list[Signal | None], list[Side | None], list[list[str]]]:
    """Each point's signal, side and rules within one segment (ptd_special_cause_type, ptd_point_type)."""
    relative = np.sign(y - mean)
    outside = (y > upl) | (y < lpl)
    close = ~outside & ((y < nlpl) | (y > nupl))
    trend = part_of_run(trend_ends(y), TREND_RUN)
    two_of_three = two_in_three(close, relative) & close
    shift = part_of_run(one_side_ends(relative), SHIFT_RUN)
    steps = np.sign(np.diff(y))
    # A trend point takes the direction of the step to its right when the next point is in a
    # trend too, else of the step from its left (as NHSRplotthedots; a flat step reads as falling).
    right = np.r_[steps, steps[-1:]] if len(steps) else np.zeros(len(y))
    left = np.r_[0, steps]
    next_in_trend = np.r_[trend[1:], False]
    trend_step = np.where(next_in_trend & trend, right, left)
    signals: list[Signal | None] = []
    sides: list[Side | None] = []
    rules: list[list[str]] = []
    for i in range(len(y)):
        flags = {"outside limits": outside[i], "trend": trend[i], "two of three": two_of_three[i], "shift": shift[i]}
        point_rules = [rule for rule in RULES if flags[rule]]
        rules.append(point_rules)
        if not point_rules:
            signals.append("common cause")
            sides.append(None)
            continue
        high = trend_step[i] == 1 if point_rules[0] == "trend" else relative[i] > 0
        sides.append("high" if high else "low")
        signals.append(_signal(high, direction))
    return signals, sides, rules


def _signal(high: bool, direction: Direction) -> Signal:
    if direction == "neutral":
        return "neither"
    return "improvement" if high == (direction == "up") else "concern"


def one_side_ends(relative: np.ndarray, run: int = SHIFT_RUN) -> np.ndarray:
    """True where a point ends ``run`` points in a row on one side of the mean (ptd_seven_point_one_side_mean)."""
    r = np.asarray(relative, dtype=float)
    ends = np.zeros(len(r), dtype=bool)
    for i in range(run - 1, len(r)):
        window = r[i - run + 1 : i + 1]
        ends[i] = window[-1] != 0 and bool((window == window[-1]).all())
    return ends


def trend_ends(y: np.ndarray, run: int = TREND_RUN) -> np.ndarray:
    """+1 where a point ends ``run`` points each rising, -1 each falling, 0 otherwise (ptd_seven_point_trend)."""
    values = np.asarray(y, dtype=float)
    ends = np.zeros(len(values))
    for i in range(run - 1, len(values)):
        steps = np.sign(np.diff(values[i - run + 1 : i + 1]))
        ends[i] = 1 if (steps == 1).all() else -1 if (steps == -1).all() else 0
    return ends


def part_of_run(ends: np.ndarray, run: int) -> np.ndarray:
    """True for every point of a run: it ends there or in the next ``run - 1`` points (ptd_part_of_seven_trend)."""
    flags = np.asarray(ends) != 0
    padded = np.r_[flags, np.zeros(run - 1, dtype=bool)]
    return np.array([padded[i : i + run].any() for i in range(len(flags))], dtype=bool)


def two_in_three(close: np.ndarray, relative: np.ndarray) -> np.ndarray:
    """True where a point is in 3 in a row, all one side of the mean, 2 or more close to a limit (ptd_two_in_three)."""
    c = np.r_[0, 0, np.asarray(close, dtype=float), 0, 0]
    r = np.r_[0, 0, np.asarray(relative, dtype=float), 0, 0]
    out = np.zeros(len(close), dtype=bool)
    for i in range(len(close)):
        out[i] = any(c[j : j + 3].sum() >= 2 and abs(r[j : j + 3].sum()) == 3 for j in (i, i + 1, i + 2))
    return out


def assurance(target: float | None, lower: float, upper: float, direction: Direction) -> Assurance | None:
    """Whether the process will meet the target (ptd_calculate_assurance_type); None without a target or direction.

    A target above the upper limit is never met when higher is better (always met when lower
    is better); below the lower limit, the reverse; between the limits, it may or may not be.
    """
    if target is None or direction == "neutral":
        return None
    if target > upper:
        return "never meets" if direction == "up" else "always meets"
    if target < lower:
        return "always meets" if direction == "up" else "never meets"
    return "may meet"
