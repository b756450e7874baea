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


def test_wards_add_up_to_the_city(engine: Engine) -> None:
    table = engine.by_ward("total_recorded_crime", YEAR_2022)
    city = engine.result("total_recorded_crime", selection.city(), YEAR_2022)
    assert table["value"].sum() == city.current.value
    assert sorted(table["rank"]) == list(range(1, 21)) or table["rank"].max() <= 20
