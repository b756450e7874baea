"""The demo store: deterministic, complete, and calibrated to the partnership's own figures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from swp_data import demo
from swp_data.demo import calibration
from swp_data.sources import SOURCES


def _fy(column: str = "month") -> str:
    return f"case when month({column}) >= 4 then year({column}) else year({column}) - 1 end"


@pytest.fixture(scope="module")
def db(demo_db: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def test_every_source_has_rows_over_the_fixed_range(db: duckdb.DuckDBPyConnection) -> None:
    for source in SOURCES.values():
        assert db.execute(f"select count(*) from {source.table}").fetchall()[0][0] > 0, source.table
    assert db.execute("select min(month), max(month) from crime").fetchall() == [
        (calibration.FIRST_MONTH, calibration.LAST_MONTH)
    ]
    assert demo.is_demo(db)


def test_violence_with_injury_matches_seed_002(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        f"""
        select {_fy()} as fy, count(*),
               count(*) filter (where victim_age_band in ('0-17', '18-24')),
               count(*) filter (where victim_age_band not in ('0-17', '18-24'))
        from crime where offence_subgroup = 'violence with injury' and {_fy()} in (2021, 2022)
        group by fy order by fy
        """
    ).fetchall()
    assert rows == [(2021, 3964, 1119, 2690), (2022, 3950, 1011, 2882)]


def test_keyword_shares_near_seed_002(db: duckdb.DuckDBPyConnection) -> None:
    alcohol, drugs = db.execute(
        """
        select avg(alcohol_related::int), avg(drug_related::int)
        from crime where month between date '2021-10-01' and date '2022-09-01'
        """
    ).fetchall()[0]
    assert alcohol == pytest.approx(0.116, abs=0.0015)
    assert drugs == pytest.approx(0.033, abs=0.0015)


def test_services_near_seed_003(db: duckdb.DuckDBPyConnection) -> None:
    tests_per_year, positive = db.execute(
        f"select count(*) / 7.0, avg((result <> 'negative')::int) from drug_test where {_fy()} between 2019 and 2025"
    ).fetchall()[0]
    assert 950 < tests_per_year < 1_080
    assert positive == pytest.approx(0.47, abs=0.02)
    completion = db.execute(
        "select avg(completed::int) from probation_termination "
        "where order_type in ('community order', 'suspended sentence order')"
    ).fetchall()[0][0]
    assert completion == pytest.approx(0.76, abs=0.02)
    spend = db.execute("select sum(actual_spend) from commissioned_spend where financial_year = '2013/14'").fetchall()
    assert spend == [(571_024.0,)]


def test_women_and_girls_survey_matches_seed_002(db: duckdb.DuckDBPyConnection) -> None:
    count, not_safe = db.execute(
        """
        select count(*), count(*) filter (where feels_safe_night in ('fairly unsafe', 'very unsafe'))
        from survey_response where survey_name = 'Safety of Women and Girls' and year(fieldwork_date) = 2022
        """
    ).fetchall()[0]
    assert (count, not_safe) == (2_216, 1_064)  # 48%


def test_west_midlands_ranks_match_seed_002(db: duckdb.DuckDBPyConnection) -> None:
    ranks = {
        group: position
        for group, position, _area in db.execute(
            """
            with rates as (
                select area, offence_group, sum(count) * 1000.0 / any_value(population) as rate
                from comparator_area where month between date '2022-04-01' and date '2023-03-01'
                group by all
            ), with_total as (
                select * from rates
                union all
                select area, 'neighbourhood crime', sum(rate) from rates group by area
            )
            select offence_group, rank() over (partition by offence_group order by rate) as position, area
            from with_total qualify area = 'Wolverhampton'
            """
        ).fetchall()
    }
    assert ranks == {
        "vehicle crime": 2,
        "robbery": 5,
        "burglary": 5,
        "neighbourhood crime": 2,
        "theft from the person": 5,
    }


def test_spread_follows_deprivation_and_real_pattern(db: duckdb.DuckDBPyConnection) -> None:
    # St Peters (the city centre) had the most crime in June 2018; Tettenhall and Penn the least.
    busiest = db.execute("select ward_code from crime group by all order by count(*) desc limit 1").fetchall()
    quietest = {
        r[0] for r in db.execute("select ward_code from crime group by all order by count(*) limit 3").fetchall()
    }
    assert busiest == [("E05014853",)]
    assert "E05014852" in quietest  # Penn


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = demo.generate_files(tmp_path / "a")
    second = demo.generate_files(tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest(), a.name
