"""Every measure kind against hand-computed values: figure, interval, test, labels, disclosure.

The hand values: the exact Poisson interval for 9 is chi2(0.025, 18)/2 to chi2(0.975, 20)/2
(4.1154 to 17.0848, Garwood); Wilson for 12 of 40 at z = 1.96 is 18.07% to 45.43%; Kish's
effective n for weights summing to 50 with squares 60 is 2500/60 = 41.67, so a weighted 60%
has Wilson 44.90% to 73.41%; the pooled z for 12/40 against 6/40 is 0.15 / sqrt(0.225 x
0.775 x 2/40) = 1.6064, p = 0.1082.
"""

from __future__ import annotations

import pandas as pd
import pytest

from swp_data.disclosure.cells import primary_only
from swp_data.kinds import KINDS, Parts, kind
from swp_data.kpis.catalogue import catalogue, get
from swp_data.periods import Period
from swp_data.results import Comparison, Figure
from swp_data.stats.dispersion import estimate
from swp_data.stats.tests_of_change import poisson_e_test

TESTED: set[str] = set()


def hand_computed(name: str):
    """Mark a test as the hand-computed test of a kind (the meta-test checks every kind has one)."""
    TESTED.add(name)
    return lambda function: function


def comparison(change: float | None, change_percent: float | None = None) -> Comparison:
    return Comparison(
        period_label="then",
        figure=Figure(value=1.0),
        change=change,
        change_percent=change_percent,
        p_value=0.01,
        significant=True,
        test="",
        label="improved",
    )


@hand_computed("count")
def test_count() -> None:
    count, kpi = kind("count"), get("violence_with_injury")  # declared per 1,000 residents
    shown = count.figure(kpi, Parts(9, 0, population=2_000))
    assert (shown.value, shown.numerator, shown.rate_per_1000) == (9, 9, 4.5)  # 12 months: 9 / 2,000 x 1,000
    quarter = count.figure(kpi, Parts(9, 0, population=2_000, months=3))
    assert quarter.rate_per_1000 == 18.0  # a quarter annualised: 9 / 2,000 x 1,000 x 12 / 3
    assert shown.low == pytest.approx(4.1154, abs=1e-4) and shown.high == pytest.approx(17.0848, abs=1e-4)
    p_value, test = count.change_test(kpi, Parts(9, 0), Parts(9, 0))
    assert test == "Poisson E-test" and p_value == pytest.approx(1.0)
    # 12 against 4 (E-test p = 0.0460, tests/test_stats.py) is 'worsened' as Poisson counts; with the
    # monthly series 8, 12, 4, 14, 10, 12 (phi = 200 / (2 x 5 x 10) = 2.0) the effective counts are 6
    # and 2, p = 0.1749: no significant change, and the comparison names the test and its phi.
    plain = count.compare(kpi, Parts(12, 0), Parts(4, 0), "then")
    assert (plain.label, plain.test) == ("worsened", "Poisson E-test")
    series = estimate([(y, 1.0) for y in (8, 12, 4, 14, 10, 12)], "monthly")
    assert count.dispersion_point(Parts(8, 0)) == (8, 1.0) and count.allows_for_overdispersion
    allowed = count.compare(kpi, Parts(12, 0), Parts(4, 0), "then", series)
    assert allowed.label == "no significant change" and allowed.p_value == pytest.approx(0.17487, abs=1e-5)
    assert allowed.test == "Poisson E-test, allowing for overdispersion (phi = 2.00 from 6 monthly counts)"
    assert count.format(1234.4) == "1,234"
    assert count.format_change(comparison(-2.0, -6.66)) == "-6.7%"
    assert count.format_change(comparison(3.0, 50.0)) == "+50.0%"
    assert count.format_change_amount(12.0) == "+12"
    assert count.map_field(kpi) == "rate_per_1000" and count.map_title(kpi) == "Per 1,000 residents a year"
    assert count.map_field(get("knife_crime")) == "value"
    # Ranked per resident whether or not the KPI shows its rate: 10 of 5,000 (0.002) above 20 of 20,000 (0.001).
    frame = pd.DataFrame({"value": [10.0, 20.0], "population": [5_000.0, 20_000.0]})
    assert list(count.ranking_score(get("knife_crime"), frame)) == [0.002, 0.001]
    assert count.publishes_count and count.breakdowns_add_up()


@hand_computed("share")
def test_share() -> None:
    share, kpi = kind("share"), get("alcohol_related_share")
    shown = share.figure(kpi, Parts(12, 40))
    assert shown.value == pytest.approx(30.0)
    assert shown.low == pytest.approx(18.0748, abs=1e-3) and shown.high == pytest.approx(45.4300, abs=1e-3)
    assert share.figure(kpi, Parts(0, 0)).value is None
    assert share.nothing_to_divide(Parts(0, 0)) and not share.nothing_to_divide(Parts(0, 3))
    p_value, test = share.change_test(kpi, Parts(12, 40), Parts(6, 40))  # smallest expected 40 x 0.225 = 9
    assert test == "two-proportion z-test" and p_value == pytest.approx(0.10818, abs=1e-4)
    # 0 of 10 against 4 of 10 (expected cells of 2): the z-test's p = 0.025 called it 'worsened'; Fisher's
    # exact test gives p = 16,016 / 184,756 = 0.0867 (hypergeometric sum in tests/test_stats.py).
    small = share.compare(kpi, Parts(4, 10), Parts(0, 10), "then")
    assert small.test == "Fisher's exact test" and small.p_value == pytest.approx(0.086687, abs=1e-6)
    assert small.label == "no significant change" and small.change == pytest.approx(40.0)
    assert not share.allows_for_overdispersion
    assert share.format(30.0) == "30.0%" and share.format_change_amount(1.25) == "+1.2 pts"
    assert share.disclosure_tables == ("numerator", "complement") and not share.publishes_count


@hand_computed("survey")
def test_survey() -> None:
    survey, kpi = kind("survey"), get("women_feel_safe_night")
    shown = survey.figure(kpi, Parts(30, 50, weight_sq=60))
    assert shown.value == pytest.approx(60.0)
    assert shown.low == pytest.approx(44.897, abs=1e-2) and shown.high == pytest.approx(73.414, abs=1e-2)
    assert survey.figure(kpi, Parts(30, 50, weight_sq=0)).value is None
    assert survey.change_test(kpi, Parts(30, 50, weight_sq=60), Parts(0, 0))[0] is None
    # 3 of 10 weighted (sum w^2 12.5) against 0 of 10: effective n = 100 / 12.5 = 8 each, effective
    # counts 2.4 and 0; the smallest expected is 8 x 2.4/16 = 1.2, so Fisher's on 2 of 8 against 0 of 8:
    # P(X = x) = C(2, x) C(14, 8 - x) / C(16, 8) = 3003, 6864, 3003 (x = 0, 1, 2) / 12,870; p = 6006 / 12870.
    p_value, test = survey.change_test(kpi, Parts(3, 10, weight_sq=12.5), Parts(0, 10, weight_sq=12.5))
    assert test == "Fisher's exact test (effective sample sizes, rounded)"
    assert p_value == pytest.approx(6006 / 12870)
    # Large samples keep the z-test on effective sizes: 60% of n 41.67 against 40% of 41.67, pooled 0.5,
    # z = 0.2 / sqrt(0.25 x 2 / 41.667) = 1.8257, p = 0.06789.
    p_value, test = survey.change_test(kpi, Parts(30, 50, weight_sq=60), Parts(20, 50, weight_sq=60))
    assert test == "two-proportion z-test (effective sample sizes)" and p_value == pytest.approx(0.06789, abs=1e-4)
    assert "respondents" in survey.columns and "weight_sq" in survey.columns


@hand_computed("ratio")
def test_ratio() -> None:
    ratio, kpi = kind("ratio"), get("reoffences_per_reoffender")
    shown = ratio.figure(kpi, Parts(30, 12))
    assert shown.value == pytest.approx(2.5) and shown.low is None
    assert ratio.format(2.5) == "2.50" and ratio.axis_title(kpi) == "Reoffences per reoffender"
    assert ratio.change_test(kpi, Parts(30, 12), Parts(30, 0)) == (None, "Poisson E-test")
    # Reoffences over reoffenders: the cohort is the exposure of each point (phi 1.47517 for the series
    # 6/3, 9/3, 4/2, 12/4, 5/5, 10/5 in tests/test_stats.py); a point with no reoffenders is a gap.
    assert ratio.dispersion_point(Parts(6, 3)) == (6, 3) and ratio.dispersion_point(Parts(0, 0)) is None
    series = estimate(
        [ratio.dispersion_point(Parts(n, d)) for n, d in ((6, 3), (9, 3), (4, 2), (12, 4), (5, 5), (10, 5))],
        "quarterly",
    )
    p_value, test = ratio.change_test(kpi, Parts(30, 12), Parts(20, 10), series)
    assert p_value == pytest.approx(poisson_e_test(30 / 1.4751690821, 20 / 1.4751690821, 12, 10), rel=1e-6)
    assert (
        test
        == "Poisson E-test (rates per reoffender), allowing for overdispersion (phi = 1.48 from 6 quarterly counts)"
    )
    assert ratio.disclosure_tables == ("numerator", "denominator")


@hand_computed("population_rate")
def test_population_rate() -> None:
    rate, kpi = kind("population_rate"), get("first_time_entrants")
    shown = rate.figure(kpi, Parts(7, 0, population=20_000))
    assert shown.value == pytest.approx(35.0) and shown.denominator == 20_000
    # A quarter is annualised: 7 / 20,000 x 100,000 x 12 / 3 = 140 a year.
    assert rate.figure(kpi, Parts(7, 0, population=20_000, months=3)).value == pytest.approx(140.0)
    # The interval is the exact Poisson interval of 7 (2.81436 to 14.42268), scaled to 100,000.
    assert shown.low == pytest.approx(2.81436 * 5, abs=1e-3) and shown.high == pytest.approx(14.42268 * 5, abs=1e-3)
    assert rate.figure(kpi, Parts(7, 0, population=None)).value is None
    assert "No population aged 10-17" in (rate.empty_note(kpi, Parts(7, 0)) or "")
    assert rate.format(35.0) == "35.0 per 100,000 a year" and rate.axis_title(kpi) == "Per 100,000 aged 10-17 a year"
    assert rate.card_value(35.0) == ("35.0", "per 100,000 a year")  # a card's headline, its unit beneath
    assert rate.excel_number_format() == "#,##0.0" and KINDS["share"].excel_number_format() == '#,##0.0"%"'
    assert KINDS["count"].excel_number_format() == "#,##0" and KINDS["ratio"].excel_number_format() == "#,##0.00"
    # The same population in both periods: the test is a count's, overdispersion included (12 vs 4, phi 2).
    series = estimate([(y, 1.0) for y in (8, 12, 4, 14, 10, 12)], "monthly")
    allowed = rate.change_test(kpi, Parts(12, 0, population=20_000), Parts(4, 0, population=20_000), series)
    assert allowed[0] == pytest.approx(0.17487, abs=1e-5) and "phi = 2.00" in allowed[1]


@hand_computed("resident_rate")
def test_resident_rate() -> None:
    rate, kpi = kind("resident_rate"), get("knife_crime_rate")
    shown = rate.figure(kpi, Parts(29, 0, population=263_730))
    assert shown.value == pytest.approx(29 / 263.730)  # 0.10996 per 1,000
    assert rate.format(shown.value) == "0.11 per 1,000 a year" and rate.unit == "rate per 1,000"
    assert rate.card_value(shown.value) == ("0.11", "per 1,000 a year")
    assert rate.axis_title(kpi) == "Per 1,000 residents a year" and kpi.population_band == "all ages"
    # One month of 29 in the city, annualised: 29 / 263,730 x 1,000 x 12 = 1.3195 a year.
    assert rate.figure(kpi, Parts(29, 0, population=263_730, months=1)).value == pytest.approx(1.31953, abs=1e-4)
    assert rate.figure(kpi, Parts(29, 0, population=None)).value is None
    assert rate.empty_note(kpi, Parts(29, 0)) == "No population is loaded for these wards, so only the count is shown."


@hand_computed("repeat")
def test_repeat() -> None:
    repeat, kpi = kind("repeat"), get("repeat_ppv")
    shown = repeat.figure(kpi, Parts(12, 40))
    assert shown.value == pytest.approx(30.0) and shown.low == pytest.approx(18.0748, abs=1e-3)
    assert not repeat.gridded and not repeat.spc_applies and not repeat.monthly
    assert repeat.period_shown(Period.parse("2025/26Q1")) == "12 months to Jun 2025"
    # Partners: the primary rule on repeats (3 is small), the others and everyone.
    assert primary_only(Figure(value=30.0, numerator=3, denominator=40), 4)[0].suppressed
    assert primary_only(Figure(value=90.0, numerator=36, denominator=40), 4)[0].suppressed  # 4 non-repeats
    kept = primary_only(Figure(value=30.0, numerator=12, denominator=40), 4)[0]
    assert (kept.value, kept.numerator, kept.suppressed) == (30.0, None, False)


@hand_computed("rank")
def test_rank() -> None:
    rank, kpi = kind("rank"), get("wm_safety_rank")
    assert rank.format(2.0) == "2 of 7" and rank.axis_title(kpi) == "Rank of 7 (1 = safest)"
    assert rank.format_change(comparison(-1.0)) == "-1 of 7"
    assert not rank.by_ward_available and rank.league_table and not rank.spc_applies


def test_a_change_is_shown_in_the_unit_a_reader_expects_and_one_that_shows_as_zero_has_no_sign() -> None:
    """10.7% against 11.2% is -0.5 points (not -0.5%, which reads as a relative change of the share).

    A change that rounds to zero at the precision shown is written without a sign (a card shows no
    arrow for it): -0.04 points is '0.0 pts', -0.04% of a count is '0.0%', 0.4 records is '0'.
    """
    share, count, ratio, rank = kind("share"), kind("count"), kind("ratio"), kind("rank")
    assert share.format_change(comparison(-0.5)) == "-0.5 pts"
    assert share.format_change(comparison(0.26)) == "+0.3 pts"
    assert share.format_change_amount(-0.04) == "0.0 pts"
    assert count.format_change(comparison(-1.0, -0.04)) == "0.0%"
    assert count.format_change(comparison(-3.0)) == "-3"  # nothing to take a per cent of
    assert count.format_change_amount(0.4) == "0" and count.format_change_amount(-0.6) == "-1"
    assert ratio.format_change_amount(0.04) == "+0.04" and ratio.format_change(comparison(-0.3)) == "-0.30"
    assert rank.format_change(comparison(0.0)) == "0 of 7" and rank.format_change_amount(-2.0) == "-2"
    assert kind("population_rate").format_change_amount(-0.04) == "0.0"


def test_a_map_legend_shows_the_figures_decimals() -> None:
    """Rates per 1,000 one decimal, a count whole numbers, a ratio two, a percentage one."""
    count = kind("count")
    assert count.map_legend_format(get("violence_with_injury")) == ",.1f"  # coloured by its rate per 1,000
    assert count.map_legend_format(get("knife_crime")) == ",.0f"
    assert kind("ratio").map_legend_format(get("reoffences_per_reoffender")) == ",.2f"
    assert kind("share").map_legend_format(get("alcohol_related_share")) == ",.1f"


def test_every_registered_kind_has_a_hand_computed_test() -> None:
    assert set(KINDS) == TESTED


def test_every_kind_is_used_by_the_catalogue_and_every_kpi_has_a_registered_kind() -> None:
    used = {kpi.measure for kpi in catalogue().values()}
    assert used == set(KINDS)
    assert all(kpi.kind is KINDS[kpi.measure] and kpi.unit == kpi.kind.unit for kpi in catalogue().values())


def test_ranked_wards_ties_share_the_best_rank_and_unscored_wards_come_last() -> None:
    from swp_data.kinds.base import ranked_wards

    names = ["Penn", "Park", "Oxley", "Bilston", "Heath"]
    frame = pd.DataFrame({"ward_name": names, "value": [5.0, 2.0, None, 5.0, 9.0]})
    down = ranked_wards(frame, frame["value"], "down")  # lowest first: 2 -> 1, the two 5s -> 2, 9 -> 4
    assert down["ward_name"].tolist() == ["Park", "Bilston", "Penn", "Heath", "Oxley"]
    assert down["rank"].tolist()[:4] == [1, 2, 2, 4]
    assert pd.isna(down["rank"].iloc[4]) and str(down["rank"].dtype) == "Int64"
    up = ranked_wards(frame, frame["value"], "up")  # highest first: 9 -> 1, the two 5s -> 2, 2 -> 4
    assert up["ward_name"].tolist() == ["Heath", "Bilston", "Penn", "Park", "Oxley"]
    assert up["rank"].tolist()[:4] == [1, 2, 2, 4]
    neutral = ranked_wards(frame, frame["value"], "neutral")  # ordered as "down": rank 1 = lowest
    assert neutral["rank"].tolist()[:4] == [1, 2, 2, 4]
    # The same ranks and order as pandas' own min-rank and sort.
    expected = frame.assign(rank=frame["value"].rank(ascending=True, method="min").astype("Int64"))
    expected = expected.sort_values(["rank", "ward_name"], ignore_index=True)
    pd.testing.assert_frame_equal(down, expected)
