"""Every KPI computes on the demo store, for the city and for every ward, with its calibrated figures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from swp_data import selection
from swp_data.calc.engine import Engine
from swp_data.calc.render import describe, flat
from swp_data.kpis.catalogue import catalogue
from swp_data.periods import Period
from swp_data.stats.dispersion import dispersion_factor
from swp_data.stats.tests_of_change import count_change_test, poisson_e_test

YEAR_2022 = Period.parse("2022/23Q1", "2022/23Q4")


@pytest.fixture(scope="module")
def engine(demo_db: Path) -> Engine:
    return Engine(duckdb.connect(str(demo_db), read_only=True))


@pytest.mark.parametrize("key", list(catalogue()))
def test_every_kpi_for_the_city_and_every_ward(engine: Engine, key: str) -> None:
    city = engine.result(key, selection.city(), YEAR_2022)
    assert city.availability in ("available", "partial"), city.notes
    assert city.current.value is not None
    for code in selection.ward_names():
        ward = engine.result(key, selection.from_codes([code]), YEAR_2022)
        if ward.availability == "city only":
            assert ward.current.value is None
        else:
            assert ward.availability in ("available", "partial", "no data"), (code, ward.notes)


def test_seed_figures_through_the_engine(engine: Engine) -> None:
    vwi = engine.result("violence_with_injury", selection.city(), YEAR_2022)
    assert vwi.current.value == 3950
    assert vwi.comparison is not None and vwi.comparison.figure.value == 3964
    assert vwi.comparison.label == "no significant change"
    ages = engine.breakdown("violence_with_injury", "victim_age", selection.city(), YEAR_2022).set_index("category")
    assert ages.loc["under 25", "numerator"] == 1011 and ages.loc["25 and over", "numerator"] == 2882
    women = engine.result("women_feel_safe_night", selection.city(), Period.parse("2022/23Q3"))
    assert women.current.value == pytest.approx(100 * (2216 - 1064) / 2216)
    assert women.current.denominator == 2216
    rank = engine.result("wm_safety_rank", selection.city(), YEAR_2022)
    assert rank.current.value == 2


def hand_ranks(scores: dict[str, float], direction: str) -> dict[str, int]:
    """1 = the best ward for the KPI's direction (highest when it should go up, else lowest);
    tied wards share the better rank and the next rank is skipped."""
    better = (lambda a, b: a > b) if direction == "up" else (lambda a, b: a < b)
    return {ward: 1 + sum(better(other, score) for other in scores.values()) for ward, score in scores.items()}


def test_wards_add_up_to_the_city_and_rank_by_their_rate(engine: Engine) -> None:
    table = engine.by_ward("total_recorded_crime", YEAR_2022).set_index("ward_code")
    city = engine.result("total_recorded_crime", selection.city(), YEAR_2022)
    assert table["value"].sum() == city.current.value
    # Hand-computed from the records: crimes per ward in the year, per 1,000 residents (Census 2021).
    counts = dict(
        engine.connection.execute(
            "select ward_code, count(*) from crime where month between ? and ? group by ward_code",
            [YEAR_2022.start, YEAR_2022.months[-1]],
        ).fetchall()
    )
    population = dict(engine.connection.execute("select ward_code, population from ward").fetchall())
    assert sorted(table.index) == sorted(population) == sorted(counts)  # all 20 wards, once each
    rates = {ward: counts[ward] * 1000 / population[ward] for ward in population}
    assert table["value"].to_dict() == counts
    assert table["rate_per_1000"].to_dict() == pytest.approx(rates)
    expected = hand_ranks(rates, catalogue()["total_recorded_crime"].direction)  # down: lowest rate is 1
    assert table["rank"].to_dict() == expected
    assert hand_ranks(counts, "down") != expected  # ranked by the rate, not the count: the two differ here
    assert list(table["rank"]) == sorted(table["rank"])  # listed best first


def test_a_kpi_that_should_rise_ranks_its_highest_ward_first_and_ties_share_a_rank(engine: Engine) -> None:
    kpi = catalogue()["community_order_completion"]
    assert kpi.direction == "up" and not kpi.per_1000
    table = engine.by_ward(kpi.key, YEAR_2022).set_index("ward_code")
    values = table["value"].to_dict()
    assert len(values) == 20 and all(v is not None and 0 <= v <= 100 for v in values.values())
    expected = hand_ranks(values, "up")
    assert table["rank"].to_dict() == expected
    assert len(set(expected.values())) < len(expected)  # the demo has a tie, so the tie rule is checked
    assert list(table["rank"]) == sorted(table["rank"])


def test_a_change_the_spc_chart_calls_common_cause_is_tested_allowing_for_the_charts_variation(
    engine: Engine,
) -> None:
    """City total recorded crime, 2025/26 Q3 to 2026/27 Q2 against a year earlier: 2.1% down. As Poisson
    counts the E-test called that 'improved' (p = 0.0067) beside an SPC chart saying common cause. The
    chart's own 36 monthly counts vary 4.3 times as much as Poisson counts would, and with that allowed
    for, p = 0.19: no significant change, and the test's name says what it allowed for."""
    period = Period.parse("2025/26Q3", "2026/27Q2")
    result = engine.result("total_recorded_crime", selection.city(), period)
    comparison = result.comparison
    assert comparison is not None and result.spc is not None and result.spc.variation == "common cause"
    now, then = round(result.current.value or 0), round(comparison.figure.value or 0)
    assert comparison.change_percent == pytest.approx(-2.1, abs=0.05)
    assert poisson_e_test(now, then) < 0.01  # what the card used to call 'improved'
    chart = engine.series("total_recorded_crime", selection.city(), period)  # the points of the SPC chart
    phi, points, _ = dispersion_factor([(float(y), 1.0) for y in chart["numerator"]])
    assert points == 36 and phi == pytest.approx(4.31, abs=0.005)
    dispersion = engine.dispersion(catalogue()["total_recorded_crime"], selection.city(), period)
    assert dispersion is not None and dispersion.phi == pytest.approx(phi)
    assert (comparison.p_value, comparison.test) == (
        pytest.approx(count_change_test(now, then, dispersion=dispersion)[0]),
        "Poisson E-test, allowing for overdispersion (phi = 4.31 from 36 monthly counts)",
    )
    assert comparison.p_value == pytest.approx(0.19, abs=0.005) and comparison.label == "no significant change"
    # The command line and CSV name the test beside the p-value.
    assert f"no significant change (p = {comparison.p_value:.3f}, {comparison.test})" in describe(result)
    assert flat(result)["test"] == comparison.test


def test_many_spans_at_once_give_the_figures_of_one_span_at_a_time(engine: Engine) -> None:
    """``parts_over`` sums short spans (a series, a dispersion) for all spans in a few array steps.

    Its figures must equal, to the last bit (``==``, not approximately), one ``parts`` per span:
    survey weights are not whole numbers, so an addition in another order would show. Spans of
    one, three and seven months at every month of the axis, and spans partly or wholly off it.
    """
    from swp_data.periods import add_months

    months = engine.axis.months
    first, last = months[0], months[-1]
    shapes = [
        [(m, m) for m in months],
        [(add_months(m, -2), m) for m in months],
        [(add_months(m, -6), m) for m in months],
        [
            (add_months(first, -5), add_months(first, -3)),
            (add_months(last, 1), add_months(last, 2)),
            (add_months(first, -1), months[1]),
        ],
    ]
    wards = list(engine.axis.wards)
    selections = [selection.city(), selection.from_codes(wards[:1]), selection.from_codes(wards[2:5])]
    compared = weighted = 0
    for kpi in catalogue().values():
        if not kpi.kind.gridded:
            continue
        for chosen in selections:
            for spans in shapes:
                together = engine.parts_over(kpi, chosen, spans)
                if together is None:
                    continue
                one_by_one = [engine.parts(kpi, chosen, *span) for span in spans]
                assert together == one_by_one, (kpi.key, chosen.label, spans[0])
                compared += len(spans)
                weighted += sum(p.weight_sq % 1 != 0 for p in together)
    assert compared > 10_000 and weighted > 100  # surveys' weights among them
    # Off the axis: no data, annualised over the span's own length (one month where none is left).
    before, after, straddling = (
        engine.parts_over(catalogue()["total_recorded_crime"], selection.city(), shapes[3]) or []
    )
    assert (before.has_data, before.months, before.numerator) == (False, 1, 0.0)
    assert (after.has_data, after.months) == (False, 1)
    assert straddling.has_data and straddling.months == 2
