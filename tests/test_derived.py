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
from swp_data.grid import Grid, GridCache
from swp_data.importing import import_paths
from swp_data.kinds.base import MeasureKind
from swp_data.kpis.catalogue import catalogue
from swp_data.periods import Period, add_months
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
        "select person, ward_code, month, incidents, one_ward from repeat_incident "
        "where kpi_key = 'repeat_victimisation' order by month, ward_code, person"
    ).fetchall()
    # People are numbered in order of their ids (V1 = 1, V2 = 2, V3 = 3); a month's incidents are one
    # row; V1, with crimes in Park and Penn, is the one person not seen in one ward only.
    assert [(p, w, m.isoformat(), n, one) for p, w, m, n, one in rows] == [
        (3, PENN, "2022-07-01", 1, True),
        (1, PARK, "2023-04-01", 2, False),
        (2, PARK, "2023-05-01", 1, True),
        (1, PENN, "2023-06-01", 1, False),
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


def _window_rows(connection: duckdb.DuckDBPyConnection, ward: str | None, people: str = "") -> list[tuple]:
    """Repeat victimisation's ``repeat_window`` rows for a ward (None: the city): (month, numerator, denominator)."""
    rows = connection.execute(
        f"select month, {people}numerator, {people}denominator from repeat_window "
        "where kpi_key = 'repeat_victimisation' and ward_code is not distinct from ? order by month",
        [ward],
    ).fetchall()
    return [(m.isoformat()[:7], n, d) for m, n, d in rows]


def test_the_window_table_holds_the_hand_counted_steps(loaded: duckdb.DuckDBPyConnection) -> None:
    """The city's counts for the 12 months to each month end, from the month each one starts to hold.

    V3 (Jul 2022) is counted from Jul 2022 to Jun 2023; V1 from Apr 2023 (two crimes: a repeat) until
    its April crimes leave the window in Apr 2024, then once more (June) until Jun 2024; V2 from May
    2023 to Apr 2024. June 2023 changes V1's count (2 to 3) but not the counts, so it repeats them.
    """
    assert _window_rows(loaded, None) == [
        ("2022-07", 0, 1),
        ("2023-04", 1, 2),
        ("2023-05", 1, 3),
        ("2023-06", 1, 3),
        ("2023-07", 1, 2),
        ("2024-04", 0, 2),
        ("2024-05", 0, 1),
        ("2024-06", 0, 0),
    ]
    assert _window_rows(loaded, PARK) == [("2023-04", 1, 1), ("2023-05", 1, 2), ("2024-04", 0, 1), ("2024-05", 0, 0)]
    # V1 has a crime in Penn too: of Park's people, only V2 (May 2023 to Apr 2024) is seen in Park alone.
    assert _window_rows(loaded, PARK, "one_ward_") == [
        ("2023-04", 0, 0),
        ("2023-05", 0, 1),
        ("2024-04", 0, 1),
        ("2024-05", 0, 0),
    ]


def test_the_city_and_a_ward_are_read_from_the_window_table_and_several_wards_from_the_incidents(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    """Altered stored counts show in the city's and Park's figures; Park and Penn together are not altered.

    Park and Penn together hold every crime: V1 (3), V2, V3 give 1 repeat of 3 victims. V2 (Park)
    and V3 (Penn) are seen in one ward only, and are read from the table (its ``one_ward_``
    counts, not altered here); V1, in both wards, is counted from the incidents.
    """
    loaded.execute("update repeat_window set numerator = 7, denominator = 9 where kpi_key = 'repeat_victimisation'")
    engine = Engine(loaded, GridCache())
    city = engine.result("repeat_victimisation", selection.city(), Q1_2023)
    assert (city.current.numerator, city.current.denominator) == (7, 9)
    park = engine.result("repeat_victimisation", selection.resolve("Park"), Q1_2023)
    assert (park.current.numerator, park.current.denominator) == (7, 9)
    by_ward = engine.by_ward("repeat_victimisation", Q1_2023).set_index("ward_code")
    assert (by_ward.loc[PENN, "numerator"], by_ward.loc[PENN, "denominator"]) == (7, 9)
    both = engine.result("repeat_victimisation", selection.resolve("Park, Penn"), Q1_2023)
    assert (both.current.numerator, both.current.denominator) == (1, 3)


def test_every_stored_window_is_the_count_from_the_incidents(demo_db: Path) -> None:
    """The demo store: every repeat KPI, the 12 months to every month end (and 13 past the data).

    For the city, each ward alone, every ward at once and several wards, the counts read from
    ``repeat_window`` equal those counted from ``repeat_incident`` by the per-window query.
    """
    from swp_data.kinds import repeat_windows

    with duckdb.connect(str(demo_db), read_only=True) as connection:
        engine = Engine(connection, GridCache())
        months = [*engine.axis.months, *(add_months(engine.axis.months[-1], i) for i in range(1, 14))]
        windows = [(add_months(m, -11), m) for m in months]
        everyone = engine.axis.wards
        kpis = [kpi for kpi in catalogue().values() if kpi.kind.name == "repeat"]
        assert len(kpis) == 8
        checked = 0
        for kpi in kpis:
            for wards, by_ward in [(everyone, False), (everyone, True), *(((w,), False) for w in everyone)]:
                stored = repeat_windows.stored_windows(engine, kpi, wards, windows, by_ward)
                assert stored is not None
                counted = repeat_windows.counted_windows(engine, kpi, wards, windows, by_ward)
                assert stored.to_dict("records") == counted.to_dict("records"), (kpi.key, wards, by_ward)
                checked += int(counted["denominator"].sum() > 0)
        assert checked == 8 * 22
        # Several wards: the people seen in one ward only, read and summed, and the others counted.
        for wards in (everyone[:2], everyone[3:13], everyone[1:]):
            for kpi in kpis:
                stored = repeat_windows.stored_windows(engine, kpi, wards, windows, False)
                counted = repeat_windows.counted_windows(engine, kpi, wards, windows)
                assert stored.to_dict("records") == counted.to_dict("records"), (kpi.key, wards)


def test_stored_windows_equal_the_counts_for_people_who_move_between_wards(tmp_path: Path) -> None:
    """400 crimes against 60 victims, each in one of four wards at random, over 30 months.

    Most victims are seen in more than one ward, so every selection of the four wards (the ward
    alone, pairs, threes, all four), for the 12 months to every month end, is checked against the
    per-window count from the incidents; the city too.
    """
    import itertools
    import random

    from swp_data.kinds import repeat_windows

    chosen = sorted(geography.reference_tables().ward["ward_code"])[:4]
    draw = random.Random(7)
    rows = [
        (
            f"R{i}",
            draw.choice(chosen),
            f"{2021 + (month := draw.randrange(30)) // 12}-{month % 12 + 1:02d}-{draw.randrange(1, 28):02d}",
            f"V{draw.randrange(60)}",
        )
        for i in range(400)
    ]
    connection = store.memory_store()
    import_paths([_crimes(tmp_path / "moving.csv", rows)], connection=connection)
    engine = Engine(connection, GridCache())
    assert derived.current(engine.connection, engine.version, engine.cache)
    kpi = catalogue()["repeat_victimisation"]
    spanning = connection.execute("select count(distinct person) from repeat_incident where not one_ward").fetchone()
    assert spanning is not None and spanning[0] >= 40
    months = [*engine.axis.months, *(add_months(engine.axis.months[-1], i) for i in range(1, 13))]
    windows = [(add_months(m, -11), m) for m in months]
    selections = [c for size in (1, 2, 3, 4) for c in itertools.combinations(chosen, size)]
    for wards in [*selections, engine.axis.wards]:
        stored = repeat_windows.stored_windows(engine, kpi, tuple(wards), windows, False)
        counted = repeat_windows.counted_windows(engine, kpi, tuple(wards), windows)
        assert stored.to_dict("records") == counted.to_dict("records"), wards
        assert counted["numerator"].sum() > 0
    by_ward = repeat_windows.stored_windows(engine, kpi, engine.axis.wards, windows, True)
    counted = repeat_windows.counted_windows(engine, kpi, engine.axis.wards, windows, True)
    assert by_ward.to_dict("records") == counted.to_dict("records")


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


def test_grids_placed_from_the_table_in_one_read_are_the_grids_of_each_query(demo_db: Path) -> None:
    """``stored_grid_cells`` (every KPI's rows in two queries) gives each KPI the grid its own query gives."""
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        engine = Engine(connection, GridCache())
        assert derived.current(connection, engine.version, engine.cache)
        gridded = [kpi for kpi in catalogue().values() if kpi.kind.gridded]
        for kpi in gridded:
            placed, queried = engine.grid(kpi), Grid(connection.execute(kpi.sql).df(), engine.axis)
            assert placed.arrays.keys() == queried.arrays.keys(), kpi.key
            for measure, array in queried.arrays.items():
                assert placed.arrays[measure] == pytest.approx(array), (kpi.key, measure)
            assert placed.has_denominator == queried.has_denominator, kpi.key
            assert (placed.present == queried.present).all(), kpi.key


def test_grid_cells_by_hand(loaded: duckdb.DuckDBPyConnection) -> None:
    """The fixture's violence with injury: Park's C1, C2 (April 2023) and C3 (May) in its row and months."""
    engine = Engine(loaded, GridCache())
    cells = derived.stored_grid_cells(loaded, engine.axis)["violence_with_injury"]
    park = engine.axis.ward_rows((PARK,))[0]
    placed = sorted(zip(cells.rows.tolist(), cells.columns.tolist(), cells.measures["numerator"].tolist(), strict=True))
    april = engine.axis.month_index(Q1_2023.start)
    in_park = [(row, column - april, count) for row, column, count in placed if row == park]
    assert in_park == [(park, 0, 2), (park, 1, 1)]
    assert not cells.has_denominator
    grid = engine.grid(catalogue()["violence_with_injury"])
    assert grid.arrays["numerator"][park, april : april + 3].tolist() == [2, 1, 0]


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
        type(k.kind).__name__ for k in catalogue().values() if type(k.kind).derivations is not MeasureKind.derivations
    }
    assert overriding == {"Repeat"}
    assert {type(k.kind).__name__ for k in catalogue().values() if not k.kind.gridded} == {"Repeat", "Rank"}
    connection = store.memory_store()
    derived.build(connection, catalogue().values())
    assert connection.execute("select count(*) from repeat_incident").fetchone() == (0,)
    assert connection.execute("select count(*) from kpi_grid").fetchone() == (0,)
    assert connection.execute("select count(*) from breakdown_grid").fetchone() == (0,)
    assert derived.current(connection, Engine(connection).version, GridCache())
