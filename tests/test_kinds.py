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
    p_value, test = share.change_test(kpi, Parts(12, 40), Parts(6, 40))
    assert test == "two-proportion z-test" and p_value == pytest.approx(0.10818, abs=1e-4)
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
    assert "respondents" in survey.columns and "weight_sq" in survey.columns


@hand_computed("ratio")
def test_ratio() -> None:
    ratio, kpi = kind("ratio"), get("reoffences_per_reoffender")
    shown = ratio.figure(kpi, Parts(30, 12))
    assert shown.value == pytest.approx(2.5) and shown.low is None
    assert ratio.format(2.5) == "2.50" and ratio.axis_title(kpi) == "Reoffences per reoffender"
    assert ratio.change_test(kpi, Parts(30, 12), Parts(30, 0)) == (None, "Poisson E-test")
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


@hand_computed("resident_rate")
def test_resident_rate() -> None:
    rate, kpi = kind("resident_rate"), get("knife_crime_rate")
    shown = rate.figure(kpi, Parts(29, 0, population=263_730))
    assert shown.value == pytest.approx(29 / 263.730)  # 0.10996 per 1,000
    assert rate.format(shown.value) == "0.11 per 1,000 a year" and rate.unit == "rate per 1,000"
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


def test_every_registered_kind_has_a_hand_computed_test() -> None:
    assert set(KINDS) == TESTED


def test_every_kind_is_used_by_the_catalogue_and_every_kpi_has_a_registered_kind() -> None:
    used = {kpi.measure for kpi in catalogue().values()}
    assert used == set(KINDS)
    assert all(kpi.kind is KINDS[kpi.measure] and kpi.unit == kpi.kind.unit for kpi in catalogue().values())
