"""Every KPI computes on the demo store, for the city and for every ward, with its calibrated figures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from swp_data import selection
from swp_data.calc.engine import Engine
from swp_data.kpis.catalogue import catalogue
from swp_data.periods import Period

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
