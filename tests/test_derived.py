"""Tables built at import (``swp_data.derived``): grid rows, breakdown rows, repeat incidents per person.

Repeat figures are answered by SQL over that table for analysts and partners alike; a store whose
table was not built from the loads it holds now is answered from its records, with the same figures.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from swp_data import derived, geography, selection, store
from swp_data.calc.engine import Engine
from swp_data.grid import GridCache
from swp_data.importing import import_paths
from swp_data.kinds.base import MeasureKind
from swp_data.kpis.catalogue import catalogue
from swp_data.periods import Period
from swp_data.sources import SOURCES

PARK, PENN = "E05014851", "E05014852"
Q1_2023 = Period.parse("2023/24Q1")


def _lsoa_in(ward: str) -> str:
    lsoa = geography.reference_tables().lsoa
    return str(lsoa[(lsoa["ward_code"] == ward) & (lsoa["vintage"] != "2011")]["lsoa_code"].iloc[0])


def _crimes(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """(crime id, ward, recorded date, victim id) rows of violence with injury, as the crime template."""
    header = [c.name for c in SOURCES["crime"].columns]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for crime_id, ward, day, victim in rows:
            writer.writerow(
                {
                    "crime_id": crime_id,
                    "recorded_date": day,
                    "lsoa_code": _lsoa_in(ward),
                    "offence_subgroup": "violence with injury",
                    "victim_id": victim,
                }
            )
    return path


# V1 twice in Park in April and once in Penn in June; V2 once in Park in May; V3 in Penn in July 2022.
FIRST = [
    ("C1", PARK, "2023-04-03", "V1"),
    ("C2", PARK, "2023-04-20", "V1"),
    ("C3", PARK, "2023-05-11", "V2"),
    ("C4", PENN, "2023-06-15", "V1"),
    ("C5", PENN, "2022-07-15", "V3"),
]


@pytest.fixture()
def loaded(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = store.memory_store()
    import_paths([_crimes(tmp_path / "crime.csv", FIRST)], connection=connection)
    return connection


def test_an_import_builds_the_incident_table_in_its_own_transaction(loaded: duckdb.DuckDBPyConnection) -> None:
    rows = loaded.execute(
        "select person, ward_code, month, incidents from repeat_incident where kpi_key = 'repeat_victimisation' "
        "order by month, ward_code, person"
    ).fetchall()
    # People are numbered in order of their ids (V1 = 1, V2 = 2, V3 = 3); a month's incidents are one row.
    assert [(p, w, m.isoformat(), n) for p, w, m, n in rows] == [
        (3, PENN, "2022-07-01", 1),
        (1, PARK, "2023-04-01", 2),
        (2, PARK, "2023-05-01", 1),
        (1, PENN, "2023-06-01", 1),
    ]
    engine = Engine(loaded)
    assert derived.current(engine.connection, engine.version, engine.cache)


@pytest.mark.parametrize("partner", [False, True])
def test_repeat_figures_from_the_table_are_the_hand_counted_ones(
    loaded: duckdb.DuckDBPyConnection, partner: bool
) -> None:
    """12 months to June 2023: V1 (3 crimes), V2 (1), V3 (1): 1 repeat of 3 victims.

    Park alone: V1 has 2 crimes there (April), V2 one: 1 of 2. Penn alone: V1 once, V3 once: 0 of 2.
    """
    engine = Engine(loaded, GridCache(), aggregates_only=partner)
    assert derived.current(engine.connection, engine.version, engine.cache)
    city = engine.result("repeat_victimisation", selection.city(), Q1_2023)
    assert (city.current.numerator, city.current.denominator) == (1, 3)
    park = engine.result("repeat_victimisation", selection.resolve("Park"), Q1_2023)
    assert (park.current.numerator, park.current.denominator) == (1, 2)
    penn = engine.result("repeat_victimisation", selection.resolve("Penn"), Q1_2023)
    assert (penn.current.numerator, penn.current.denominator) == (0, 2)
    by_ward = engine.by_ward("repeat_victimisation", Q1_2023).set_index("ward_code")
    assert (by_ward.loc[PARK, "numerator"], by_ward.loc[PARK, "denominator"]) == (1, 2)


def test_a_table_not_built_from_the_current_loads_is_not_read(
    loaded: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A load written without rebuilding the table (as by hand): the figures come from the records."""
    loaded.execute("update meta set value = 'an earlier load' where key = 'derived_for'")
    engine = Engine(loaded, GridCache())
    assert not derived.current(engine.connection, engine.version, engine.cache)
    loaded.execute("delete from repeat_incident")  # would give 0 of 0 if it were read
    city = engine.result("repeat_victimisation", selection.city(), Q1_2023)
    assert (city.current.numerator, city.current.denominator) == (1, 3)


def test_a_second_import_rebuilds_the_table_from_every_record(
    loaded: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """V2 again in May 2023 (a second file): V1 and V2 are repeats, 2 of 3."""
    import_paths([_crimes(tmp_path / "more.csv", [("C6", PARK, "2023-05-30", "V2")])], connection=loaded)
    engine = Engine(loaded, GridCache())
    assert derived.current(engine.connection, engine.version, engine.cache)
    city = engine.result("repeat_victimisation", selection.city(), Q1_2023)
    assert (city.current.numerator, city.current.denominator) == (2, 3)


def test_a_refused_import_leaves_the_table_as_it_was(loaded: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    before = loaded.execute("select * from repeat_incident order by all").fetchall()
    signature = loaded.execute("select value from meta where key = 'derived_for'").fetchall()
    bad = _crimes(tmp_path / "bad.csv", [("C7", PARK, "2023-13-01", "V9")])
    with pytest.raises(Exception, match="2023-13-01"):
        import_paths([bad], connection=loaded)
    assert loaded.execute("select * from repeat_incident order by all").fetchall() == before
    assert loaded.execute("select value from meta where key = 'derived_for'").fetchall() == signature


def test_every_gridded_kpi_reads_from_the_grid_table_exactly_what_its_query_returns(demo_db: Path) -> None:
    """The demo store (built through the real import path): each gridded KPI's rows, one by one."""
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        gridded = [kpi for kpi in catalogue().values() if kpi.kind.gridded]
        assert len(gridded) >= 45
        for kpi in gridded:
            columns = ["ward_code", "month", *derived.grid_columns(connection, kpi)]
            expected = connection.execute(f"select {', '.join(columns)} from ({kpi.sql})").df()
            stored = derived.grid_frame(connection, kpi)
            order = ["ward_code", "month"]
            expected = expected.sort_values(order, na_position="first").reset_index(drop=True)
            stored = stored.sort_values(order, na_position="first").reset_index(drop=True)
            assert len(stored) == len(expected) > 0, kpi.key
            for column in columns[2:]:
                assert stored[column].astype(float).fillna(-1).tolist() == pytest.approx(
                    expected[column].astype(float).fillna(-1).tolist()
                ), (kpi.key, column)
            assert stored["ward_code"].fillna("city").tolist() == expected["ward_code"].fillna("city").tolist()


def test_every_breakdown_reads_from_its_table_the_grids_its_query_gives(demo_db: Path) -> None:
    """The demo store: each of the 15 breakdowns' grids, category by category, from the table and from the query."""
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        from_table = Engine(connection, GridCache())
        from_records = Engine(connection, GridCache())
        assert derived.current(connection, from_table.version, from_table.cache)
        # The second engine's cache says the table is not current, so it reads the records.
        from_records.cache.get((from_records.version, "derived tables current"), lambda: False)
        breakdowns = [(kpi, b) for kpi in catalogue().values() for b in kpi.breakdowns]
        assert len(breakdowns) == 15
        for kpi, breakdown in breakdowns:
            stored = from_table.breakdown_grids(kpi, breakdown.key)
            queried = from_records.breakdown_grids(kpi, breakdown.key)
            assert list(stored) == list(queried), (kpi.key, breakdown.key)
            for category, grid in queried.items():
                assert stored[category].arrays.keys() == grid.arrays.keys()
                for measure, array in grid.arrays.items():
                    assert (stored[category].arrays[measure] == array).all(), (kpi.key, breakdown.key, category)
                assert (stored[category].present == grid.present).all()
                assert stored[category].has_denominator == grid.has_denominator
        total = sum(g.arrays["numerator"].sum() for g in stored.values())
        assert total > 0


def test_the_breakdown_table_holds_each_record_once(loaded: duckdb.DuckDBPyConnection) -> None:
    """The five violence-with-injury crimes, split by victim age, sum to five in Park (3) and Penn (2)."""
    spec = next(b for b in catalogue()["violence_with_injury"].breakdowns if b.key == "victim_age")
    frame = derived.breakdown_frame(loaded, "violence_with_injury", spec)
    assert frame.groupby("ward_code")["numerator"].sum().to_dict() == {PARK: 3, PENN: 2}


def test_a_stale_grid_table_is_not_read(loaded: duckdb.DuckDBPyConnection) -> None:
    """Park's violence with injury in 2023/24 Q1 (C1, C2, C3) is 3, whether or not the table is current."""
    assert Engine(loaded).result("violence_with_injury", selection.resolve("Park"), Q1_2023).current.value == 3
    loaded.execute("update meta set value = 'an earlier load' where key = 'derived_for'")
    loaded.execute("delete from kpi_grid")  # would give no data if it were read
    engine = Engine(loaded, GridCache())
    assert engine.result("violence_with_injury", selection.resolve("Park"), Q1_2023).current.value == 3


def test_a_store_without_one_of_the_tables_reads_the_records(loaded: duckdb.DuckDBPyConnection) -> None:
    """A store built by an earlier release (no breakdown table): the same figures, from the records, no error."""
    engine = Engine(loaded, GridCache())
    park = selection.resolve("Park")
    expected = engine.breakdown("violence_with_injury", "victim_age", park, Q1_2023)
    loaded.execute("drop table breakdown_grid")
    older = Engine(loaded, GridCache())
    assert not derived.current(loaded, older.version, older.cache)
    found = older.breakdown("violence_with_injury", "victim_age", park, Q1_2023)
    assert found.equals(expected)
    assert found["numerator"].sum() == 3  # C1, C2, C3
    assert older.result("violence_with_injury", park, Q1_2023).current.value == 3


def test_a_scaled_benchmark_store_rebuilds_what_an_import_builds(tmp_path: Path) -> None:
    """``benchmarks.kpis.scale_store``: three copies of the five crimes give Park's 2023/24 Q1 9, not 3."""
    from benchmarks.kpis import scale_store

    path = store.create_store(tmp_path / "swp.duckdb")
    with store.opened(path) as connection:
        import_paths([_crimes(tmp_path / "crime.csv", FIRST)], connection=connection)
    scale_store(path, 3)
    with duckdb.connect(str(path), read_only=True) as connection:
        engine = Engine(connection, GridCache())
        assert derived.current(connection, engine.version, engine.cache)
        stored = connection.execute(
            "select sum(numerator) from kpi_grid where kpi_key = 'violence_with_injury'"
        ).fetchone()
        assert stored == (15.0,)
        assert engine.result("violence_with_injury", selection.resolve("Park"), Q1_2023).current.value == 9


def test_what_each_kind_derives_and_an_empty_store_derives_empty_tables() -> None:
    """Gridded kinds their grid rows (the base class), repeat measures their incidents, ranks nothing."""
    overriding = {
        type(k.kind).__name__ for k in catalogue().values() if type(k.kind).derivation is not MeasureKind.derivation
    }
    assert overriding == {"Repeat"}
    assert {type(k.kind).__name__ for k in catalogue().values() if not k.kind.gridded} == {"Repeat", "Rank"}
    connection = store.memory_store()
    derived.build(connection, catalogue().values())
    assert connection.execute("select count(*) from repeat_incident").fetchone() == (0,)
    assert connection.execute("select count(*) from kpi_grid").fetchone() == (0,)
    assert connection.execute("select count(*) from breakdown_grid").fetchone() == (0,)
    assert derived.current(connection, Engine(connection).version, GridCache())
