"""SPC golden tests: hand-built series with known signals, as NHSRplotthedots 0.2.x reads them.

Every series is worked by hand in its docstring: mean, moving ranges (mR), their mean (mR-bar)
after screening ranges of 3.267 mR-bar or more, limits mean +/- 2.66 mR-bar, two-sigma lines
mean +/- 1.7733 mR-bar. Tests marked "ported" restate a case of NHSRplotthedots' own tests
(nhs-r-community/NHSRplotthedots, tests/testthat/), cited by file.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from swp_data.kpis.model import Rebase, SpcPlan
from swp_data.periods import add_months
from swp_data.stats import spc
from swp_data.stats.spc_columns import add_spc, summary

BASE = [14, 8] * 4  # 8 points: mR 6 each, no special cause on its own


def test_limits_and_screening_by_hand() -> None:
    """10, 11 alternating for 14 points, then 30.

    Mean 177 / 15 = 11.8. mR: 13 of 1 and one of 19: mR-bar 32 / 14 = 2.2857; 19 >= 3.267 x 2.2857
    = 7.467 is screened out, leaving mR-bar 13 / 13 = 1.0. Limits 11.8 -/+ 2.66 = 9.14 and 14.46;
    two-sigma lines 11.8 -/+ 1.7733 = 10.027 and 13.573. The 30 is above the upper limit.
    """
    chart = spc.xmr([10, 11] * 7 + [30], "down")
    assert chart.mean == pytest.approx(11.8)
    assert (chart.lower, chart.upper) == pytest.approx((9.14, 14.46))
    assert (chart.near_lowers[-1], chart.near_uppers[-1]) == pytest.approx((11.8 - 2 * 2.66 / 3, 11.8 + 2 * 2.66 / 3))
    assert chart.rules[-1] == ["outside limits"] and chart.high[-1]
    assert chart.variation == "concern" and chart.side == "high"  # higher is worse for a KPI that should fall
    assert spc.xmr([10, 11] * 7 + [30], "up").variation == "improvement"
    assert spc.xmr([10, 11] * 7 + [30], "neutral").variation == "neither"
    # The first 14 points are all below the mean (a shift), and each 10 is below the lower two-sigma
    # line 10.027 with its neighbours on the same side: two of three.
    assert chart.rules[0] == ["two of three", "shift"] and chart.rules[1] == ["shift"]
    assert chart.signals[0] == "improvement" and chart.sides[0] == "low"


def test_a_range_exactly_at_the_screen_is_screened() -> None:
    """NHSRplotthedots keeps a moving range only if it is strictly below 3.267 mR-bar.

    0 x 11 then 1: mR ten 0s and one 1, mR-bar 1/11 = 0.0909; 1 >= 3.267 x 0.0909 = 0.297 is screened,
    leaving ten 0s: mR-bar 0, so the limits sit on the mean 1/12 and the 1 is above them.
    """
    chart = spc.xmr([0.0] * 11 + [1.0], "up")
    assert chart.upper == pytest.approx(1 / 12) and chart.lower == pytest.approx(1 / 12)
    assert chart.rules[-1] == ["outside limits"]


def test_a_shift_of_seven_is_flagged_and_six_is_not() -> None:
    """14, 8 x 4 then 12, 13, 12, 13, 12, 13, 12.

    Mean 175 / 15 = 11.667. mR: seven 6s, |8 - 12| = 4, six 1s: mR-bar 52 / 14 = 3.714 (none
    screened: 3.267 x 3.714 = 12.1). Limits 11.667 -/+ 9.880 = 1.787 and 21.547; two-sigma lines
    5.080 and 18.253: nothing near them. The 8 before the run is below the mean; the last 7 points
    are above it: a shift of 7, each point of it improvement (high) for a KPI that should rise.
    With only 6 points above (drop the last 12): mean 163 / 14 = 11.643, no rule at all.
    """
    chart = spc.xmr([*BASE, 12, 13, 12, 13, 12, 13, 12], "up")
    assert chart.mean == pytest.approx(175 / 15)
    assert chart.upper == pytest.approx(175 / 15 + 2.66 * 52 / 14)
    assert chart.lower == pytest.approx(175 / 15 - 2.66 * 52 / 14)
    assert [r for r in chart.rules] == [[]] * 8 + [["shift"]] * 7
    assert chart.variation == "improvement" and chart.side == "high"
    six = spc.xmr([*BASE, 12, 13, 12, 13, 12, 13], "up")
    assert six.mean == pytest.approx(163 / 14)
    assert all(r == [] for r in six.rules) and six.variation == "common cause"


def test_a_trend_of_seven_is_flagged_and_six_is_not_whichever_side_of_the_mean() -> None:
    """14, 8 x 4 then 6, 8, 10, 12, 14, 16, 18 (each rising).

    Mean 172 / 15 = 11.467. mR: seven 6s, |8 - 6| = 2, six 2s: mR-bar 56 / 14 = 4.0. Limits
    11.467 -/+ 10.64 = 0.827 and 22.107; two-sigma lines 4.373 and 18.560: nothing beyond them.
    The 7 rising points are a trend: high, so concern for a KPI that should fall, even the 6, 8
    and 10 below the mean (NHSRplotthedots 0.2 colours a trend by its direction, issue #171).
    With 8, 8, 10 ... 18 the tie between the 8s breaks it: 6 rising points, no rule.
    """
    chart = spc.xmr([*BASE, 6, 8, 10, 12, 14, 16, 18], "down")
    assert chart.mean == pytest.approx(172 / 15)
    assert chart.upper == pytest.approx(172 / 15 + 2.66 * 4.0)
    assert [r for r in chart.rules] == [[]] * 8 + [["trend"]] * 7
    assert chart.signals[8:] == ["concern"] * 7 and chart.sides[8:] == ["high"] * 7
    assert chart.variation == "concern"
    six = spc.xmr([*BASE, 8, 10, 12, 14, 16, 18], "down")
    assert all(r == [] for r in six.rules) and six.variation == "common cause"


def test_two_of_three_beyond_two_sigma_on_the_same_side() -> None:
    """10, 12 x 10 then 16, 12, 16.

    Mean (220 + 44) / 23 = 11.478. mR: nineteen 2s and three 4s: mR-bar 50 / 22 = 2.2727. Upper
    limit 11.478 + 6.045 = 17.524, upper two-sigma line 11.478 + 4.030 = 15.508: both 16s lie
    between them, and the 12 between them is above the mean too: two of three, high. Only the
    two 16s are flagged. With 16, 11, 16 (mean 263 / 23 = 11.435, mR-bar 52 / 22 = 2.364, line
    15.626) the 11 is below the mean: the three are not on one side, no special cause (issue #143).
    """
    chart = spc.xmr([10, 12] * 10 + [16, 12, 16], "up")
    assert chart.mean == pytest.approx(264 / 23)
    assert chart.near_uppers[-1] == pytest.approx(264 / 23 + 2 * 2.66 / 3 * 50 / 22)
    assert chart.rules[-3:] == [["two of three"], [], ["two of three"]]
    assert all(r == [] for r in chart.rules[:20])
    assert chart.variation == "improvement" and chart.side == "high"
    apart = spc.xmr([10, 12] * 10 + [16, 11, 16], "up")
    assert apart.near_uppers[-1] == pytest.approx(263 / 23 + 2 * 2.66 / 3 * 52 / 22)
    assert all(r == [] for r in apart.rules) and apart.variation == "common cause"


def test_ported_two_of_three_on_opposite_sides_is_common_cause() -> None:
    """Ported: test-ptd_spc_standard.R, 'it only reports special cause for 2 of 3 points close to
    limits when they are on the same side of the mean'.

    1, -1 x 8 with the 15th point 5.5 and the 16th -5.5. Mean 0. mR: thirteen 2s, |-1 - 5.5| = 6.5,
    11: mR-bar 43.5 / 15 = 2.9; 11 >= 3.267 x 2.9 = 9.47 is screened: mR-bar 32.5 / 14 = 2.3214.
    Two-sigma lines -/+ 4.117, limits -/+ 6.175: 5.5 and -5.5 are both near a limit, on opposite
    sides: both common cause.
    """
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    chart = spc.xmr(values, "up", floor=None)
    assert chart.mean == pytest.approx(0.0)
    assert chart.upper == pytest.approx(2.66 * 32.5 / 14)
    assert chart.signals[-2:] == ["common cause", "common cause"]


def test_ported_run_helpers() -> None:
    """Ported: test-ptd_calculate_point_type.R (ptd_seven_point_one_side_mean, ptd_seven_point_trend,
    ptd_two_in_three with every point on one side of the mean)."""
    assert list(spc.one_side_ends(np.array([1] * 6))) == [False] * 6
    assert list(spc.one_side_ends(np.array([1] * 6 + [-1]))) == [False] * 7
    assert list(spc.one_side_ends(np.array([1] * 8 + [-1]))) == [False] * 6 + [True, True, False]
    assert list(spc.one_side_ends(np.array([-1] * 8 + [1]))) == [False] * 6 + [True, True, False]
    assert list(spc.one_side_ends(np.array([-1] + [1] * 8 + [-1]))) == [False] * 7 + [True, True, False]
    assert list(spc.trend_ends(np.arange(1, 7))) == [0] * 6
    assert list(spc.trend_ends(np.array([1, 2, 3, 3, 4, 5, 6]))) == [0] * 7  # a tie breaks a trend
    assert list(spc.trend_ends(np.arange(1, 8))) == [0] * 6 + [1]
    assert list(spc.trend_ends(np.array([2, *range(1, 8), 3]))) == [0] * 7 + [1, 0]
    assert list(spc.trend_ends(np.arange(7, 0, -1))) == [0] * 6 + [-1]
    assert list(spc.trend_ends(np.array([2, *range(7, 0, -1), 3]))) == [0] * 7 + [-1, 0]
    same_side = np.ones(7)
    assert list(spc.two_in_three(np.array([1, 0, 1]), np.ones(3))) == [True] * 3
    assert list(spc.two_in_three(np.array([0, 1, 1]), np.ones(3))) == [True] * 3
    assert list(spc.two_in_three(np.array([0, 0, 1, 0, 1, 0, 0]), same_side)) == [0, 0, 1, 1, 1, 0, 0]
    assert list(spc.two_in_three(np.array([0, 0, 1, 1, 0, 0, 0]), same_side)) == [0, 1, 1, 1, 1, 0, 0]
    assert list(spc.two_in_three(np.array([1, 0, 0, 1]), np.ones(4))) == [False] * 4
    assert list(spc.part_of_run(np.array([0] * 6 + [1, 0]), 7)) == [True] * 7 + [False]


def test_a_high_point_that_ends_a_falling_trend_is_resolved_as_nhsrplotthedots() -> None:
    """10, 12 x 7 then 40, 39, 38, 37, 36, 35, 34, for a KPI that should fall.

    Mean 413 / 21 = 19.667. mR: thirteen 2s, 28, six 1s: mR-bar 60 / 20 = 3.0; 28 >= 9.8 is
    screened: mR-bar 32 / 19 = 1.6842. Limits 19.667 -/+ 4.480 = 15.187 and 24.147. The last 7
    points are above the upper limit AND a falling trend (and a shift). Outside the limits comes
    first, so each is high: concern. (Before, a point both high and falling was called neutral
    'special cause'.) The first 14 are below the lower limit: improvement, low.
    """
    chart = spc.xmr([10, 12] * 7 + [40, 39, 38, 37, 36, 35, 34], "down")
    assert chart.mean == pytest.approx(413 / 21)
    assert chart.upper == pytest.approx(413 / 21 + 2.66 * 32 / 19)
    assert chart.rules[-1] == ["outside limits", "trend", "shift"]
    assert chart.signals[-7:] == ["concern"] * 7 and chart.sides[-7:] == ["high"] * 7
    assert chart.signals[:14] == ["improvement"] * 14 and chart.sides[:14] == ["low"] * 14
    assert chart.variation == "concern" and chart.side == "high"


def test_a_falling_trend_above_the_mean_is_low_though_it_is_a_shift_above() -> None:
    """14, 8 x 4 then 20, 19, 18, 17, 16, 15, 14, for a KPI that should rise.

    Mean 207 / 15 = 13.8. mR: seven 6s, 12, six 1s: mR-bar 60 / 14 = 4.286 (none screened).
    Limits 13.8 -/+ 11.4 = 2.4 and 25.2; two-sigma lines 6.2 and 21.4. The last 7 are above the
    mean (a shift: high) and falling (a trend: low). A trend comes before a shift: low, concern.
    """
    chart = spc.xmr([*BASE, 20, 19, 18, 17, 16, 15, 14], "up")
    assert chart.mean == pytest.approx(13.8)
    assert (chart.lower, chart.upper) == pytest.approx((2.4, 25.2))
    assert chart.rules[-7:] == [["trend", "shift"]] * 7
    assert chart.signals[-7:] == ["concern"] * 7 and chart.sides[-7:] == ["low"] * 7


def test_a_rebased_series_has_separate_limits() -> None:
    """9, 11 x 6 then 19, 21 x 6, rebased at the 13th point.

    Each segment: mR eleven 2s, mR-bar 2. First: mean 10, limits 4.68 and 15.32; second: mean 20,
    limits 14.68 and 25.32. Every point is common cause. Without the rebase: mean 15; mR eleven 2s,
    8, eleven 2s: mR-bar 52 / 23 = 2.261, and 8 >= 7.39 is screened: mR-bar 2, limits 9.68 and
    20.32. Every point is then special: 12 in a row below the mean, then 12 above it.
    """
    values = [9, 11] * 6 + [19, 21] * 6
    chart = spc.xmr(values, "up", breaks=[12])
    assert chart.segment == [0] * 12 + [1] * 12
    assert chart.means[0] == 10 and chart.means[-1] == 20
    assert (chart.lowers[0], chart.uppers[0]) == pytest.approx((4.68, 15.32))
    assert (chart.lower, chart.upper) == pytest.approx((14.68, 25.32))
    assert all(r == [] for r in chart.rules) and chart.variation == "common cause"
    whole = spc.xmr(values, "up")
    assert whole.mean == 15 and (whole.lower, whole.upper) == pytest.approx((9.68, 20.32))
    assert all("shift" in r for r in whole.rules)


def test_a_segment_too_short_for_limits_has_none() -> None:
    """A rebase 6 points from the end: the new segment has 6 points, fewer than 12: no verdict."""
    chart = spc.xmr([9, 11] * 9, "up", breaks=[12])
    assert chart.means[:12] == [10] * 12 and chart.means[12:] == [None] * 6
    assert chart.variation == "not applicable" and "since the latest rebase" in chart.reason


def test_a_fixed_baseline_extends_its_limits_forward() -> None:
    """9, 11 x 6 then 16, 17, 16, limits fixed on the first 12.

    Baseline: mean 10, mR-bar 2, limits 4.68 and 15.32: all three later points are above.
    Not fixed: mean 169 / 15 = 11.267, mR-bar (22 + 5 + 1 + 1) / 14 = 2.071, upper limit 16.776:
    only the 17 is above.
    """
    values = [9, 11] * 6 + [16, 17, 16]
    fixed = spc.xmr(values, "up", baseline=12)
    assert fixed.mean == 10 and fixed.upper == pytest.approx(15.32)
    assert fixed.baseline == [True] * 12 + [False] * 3
    assert [("outside limits" in r) for r in fixed.rules[-3:]] == [True, True, True]
    free = spc.xmr(values, "up")
    assert free.upper == pytest.approx(169 / 15 + 2.66 * 29 / 14)
    assert [("outside limits" in r) for r in free.rules[-3:]] == [False, True, False]


def test_assurance_always_never_may() -> None:
    """9, 11 x 6: mean 10, limits 4.68 and 15.32.

    Target 20 is above the upper limit: never met when higher is better, always when lower is.
    Target 2 is below the lower limit: the reverse. Target 10 lies between: may or may not.
    No better direction, or no target: no assurance.
    """
    values = [9, 11] * 6
    assert spc.xmr(values, "up", target=20).assurance == "never meets"
    assert spc.xmr(values, "down", target=20).assurance == "always meets"
    assert spc.xmr(values, "up", target=2).assurance == "always meets"
    assert spc.xmr(values, "down", target=2).assurance == "never meets"
    assert spc.xmr(values, "up", target=10).assurance == "may meet"
    assert spc.xmr(values, "neutral", target=20).assurance is None
    assert spc.xmr(values, "up").assurance is None


def test_ported_assurance_table() -> None:
    """Ported: test-ptd_calculate_assurance_type.R. Target 4 against limits (1, 3), (5, 7), (1, 5):
    increase -> fail, pass, inconsistent; decrease -> pass, fail, inconsistent."""
    limits = [(1, 3), (5, 7), (1, 5)]
    assert [spc.assurance(4, lo, hi, "up") for lo, hi in limits] == ["never meets", "always meets", "may meet"]
    assert [spc.assurance(4, lo, hi, "down") for lo, hi in limits] == ["always meets", "never meets", "may meet"]
    assert [spc.assurance(4, lo, hi, "neutral") for lo, hi in limits] == [None, None, None]


def test_too_few_points_or_a_gap() -> None:
    steady = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 12, 10, 11]
    assert spc.xmr(steady, "up").variation == "common cause"
    short = spc.xmr(steady[:11], "up")
    assert short.variation == "not applicable" and "12" in short.reason
    assert spc.xmr([*steady, float("nan")], "up").variation == "not applicable"


def _monthly(values: list[float], first: date = date(2022, 4, 1)) -> pd.DataFrame:
    starts = [add_months(first, i) for i in range(len(values))]
    return pd.DataFrame({"period_start": starts, "period": [f"{s:%b %Y}" for s in starts], "value": values})


def test_series_columns_and_summary_with_a_rebase_date_and_a_target() -> None:
    """The rebased series above, monthly from Apr 2022, rebased at 1 Apr 2023 (the 13th month).

    A per-month target of 24 lies inside the second segment's limits (14.68 to 25.32): may meet.
    """
    frame = _monthly([9, 11] * 6 + [19, 21] * 6)
    frame = add_spc(frame, "up", rebase_at=[date(2023, 4, 1)], target=24.0)
    assert list(frame["segment"]) == [0] * 12 + [1] * 12
    assert frame["upper"].iloc[0] == pytest.approx(15.32) and frame["upper"].iloc[-1] == pytest.approx(25.32)
    result = summary(frame, "up", [(date(2023, 4, 1), "new recording system")])
    assert result.variation == "common cause" and result.side is None
    assert result.mean == 20 and result.upper == pytest.approx(25.32)
    assert result.assurance == "may meet" and result.target == 24
    assert [(r.period, r.reason) for r in result.rebases] == [("Apr 2023", "new recording system")]
    assert (result.limits_from, result.limits_to, result.limits_fixed) == ("Apr 2023", "Mar 2024", False)


def test_summary_of_a_fixed_baseline_and_of_no_spc() -> None:
    frame = _monthly([9, 11] * 6 + [16, 17, 16])
    frame = add_spc(frame, "up", baseline_points=12)
    result = summary(frame, "up")
    assert (result.limits_from, result.limits_to, result.limits_fixed) == ("Apr 2022", "Mar 2023", True)
    assert result.variation == "improvement" and result.latest_rules == ["outside limits"]
    short = _monthly([9, 11] * 5)
    short = add_spc(short, "up")
    assert summary(short, "up").variation == "not applicable"
    assert short["signal"].tolist() == [""] * 10


def test_the_lower_limit_is_floored_for_the_chart_but_assurance_uses_the_limit_itself() -> None:
    """0, 4 x 6: mean 2, mR-bar 4, limits 2 -/+ 10.64 = -8.64 (shown as 0) and 12.64.

    A target of 0 for a KPI that should fall is above -8.64: may meet (not 'never': 0 is not below 0).
    """
    frame = _monthly([0, 4] * 6)
    frame = add_spc(frame, "down", target=0.0)
    assert frame["lower"].iloc[-1] == 0.0
    assert summary(frame, "down").assurance == "may meet"
    assert spc.xmr([0, 4] * 6, "down", target=-9).assurance == "never meets"


def test_a_rebase_must_start_a_month_and_come_in_order() -> None:
    with pytest.raises(ValueError, match="2023-04-15 is not the first day"):
        Rebase(at=date(2023, 4, 15), reason="x")
    with pytest.raises(ValueError, match="in order"):
        SpcPlan(rebase=(Rebase(at=date(2024, 1, 1), reason="b"), Rebase(at=date(2023, 1, 1), reason="a")))
    with pytest.raises(ValueError, match="greater than or equal to 12"):
        SpcPlan(baseline_months=6)
    plan = SpcPlan(baseline_months=24, rebase=(Rebase(at=date(2023, 4, 1), reason="a"),))
    assert plan.baseline_points(1) == 24 and plan.baseline_points(3) == 8 and plan.baseline_points(12) == 2
    assert plan.segment_start(date(2024, 1, 1)) == date(2023, 4, 1) and plan.segment_start(date(2022, 1, 1)) is None
