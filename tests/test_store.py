"""The store file: settings, schema version, atomic creation."""

from __future__ import annotations

import types
import typing
from datetime import date
from pathlib import Path

import duckdb
import pytest

from swp_data import schema, settings, store
from swp_data.schema import SCHEMA_VERSION
from swp_data.sources import SOURCES


def test_db_path_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SWP_DB_PATH", str(tmp_path / "elsewhere.duckdb"))
    assert settings.Settings().db_path == tmp_path / "elsewhere.duckdb"
    monkeypatch.delenv("SWP_DB_PATH")
    assert settings.Settings().db_path == settings.PROJECT_ROOT / "data" / "swp.duckdb"


def test_a_store_records_its_schema_version(tmp_path: Path) -> None:
    path = store.create_store(tmp_path / "s.duckdb")
    with store.opened(path, read_only=True) as connection:
        assert connection.execute("select value from meta where key = 'schema_version'").fetchall() == [
            (str(schema.SCHEMA_VERSION),)
        ]
        assert connection.execute("select count(*), sum(population) from ward").fetchall() == [(20, 263_730)]
    assert not (tmp_path / "s.duckdb.building").exists()


def test_a_store_of_another_version_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = store.create_store(tmp_path / "old.duckdb")
    connection = duckdb.connect(str(path))
    connection.execute("update meta set value = '0' where key = 'schema_version'")
    connection.close()
    with pytest.raises(
        store.StoreError, match=rf"schema version 0.*needs version {SCHEMA_VERSION}.*python3 -m swp_data demo"
    ):
        store.connect(path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(store.StoreError, match="not a swp_data store"):
        store.connect(path)


def test_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="python3 -m swp_data demo"):
        store.connect(tmp_path / "missing.duckdb")


def _catalogue(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each table of a store file with its columns and types, in order, as duckdb's catalogue reads them back."""
    with store.opened(path, read_only=True) as connection:
        rows = connection.execute(
            """
            select table_name, column_name, data_type from duckdb_columns()
            where database_name = current_database() and schema_name = 'main'
            order by table_name, column_index
            """
        ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


@pytest.fixture(scope="module")
def created(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str]]]:
    return _catalogue(store.create_store(tmp_path_factory.mktemp("store") / "swp.duckdb"))


_DUCKDB_TYPE = {str: "VARCHAR", date: "DATE", bool: "BOOLEAN", int: "BIGINT", float: "DOUBLE"}


def _field_type(annotation: object) -> str:
    """The DuckDB type a record field's Python annotation should be stored as (optional or not)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Literal:
        return "VARCHAR"
    return _DUCKDB_TYPE[annotation]  # type: ignore[index]


def test_a_created_store_holds_the_reference_tables_and_one_table_per_source(
    created: dict[str, list[tuple[str, str]]],
) -> None:
    reference = {"meta", "ward", "ward_2004", "lsoa", "ward_alias", "load_log", "load_skip", "coverage"}
    assert set(created) == reference | set(SOURCES)


@pytest.mark.parametrize("table", list(SOURCES))
def test_every_source_table_matches_its_record_model(created: dict[str, list[tuple[str, str]]], table: str) -> None:
    """The columns a created store really has: the record's fields (a ward stored as its code), then the
    ward an LSOA is placed on, the month, derived columns and the load."""
    source = SOURCES[table]
    expected = [
        ("ward_code" if name == "ward" else name, _field_type(info.annotation))
        for name, info in source.record.model_fields.items()
    ]
    if source.placement == "lsoa":
        expected.append(("ward_code", "VARCHAR"))
    if source.month_from:
        assert source.month_from in source.record.model_fields
        expected.append(("month", "DATE"))
    expected += [(name, sql_type.upper()) for name, sql_type in source.store_only.items()]
    expected.append(("load_id", "BIGINT"))
    assert created[table] == expected


def test_some_tables_match_a_hand_written_schema(created: dict[str, list[tuple[str, str]]]) -> None:
    assert created["drug_test"] == [
        ("test_id", "VARCHAR"),
        ("test_date", "DATE"),
        ("ward_code", "VARCHAR"),
        ("trigger_offence", "VARCHAR"),
        ("result", "VARCHAR"),
        ("referred_to_treatment", "BOOLEAN"),
        ("month", "DATE"),
        ("load_id", "BIGINT"),
    ]
    assert created["ward_population"] == [
        ("ward_code", "VARCHAR"),
        ("age_band", "VARCHAR"),
        ("year", "BIGINT"),
        ("population", "BIGINT"),
        ("source_note", "VARCHAR"),
        ("load_id", "BIGINT"),
    ]
    assert created["commissioned_spend"] == [
        ("financial_year", "VARCHAR"),
        ("priority", "VARCHAR"),
        ("service", "VARCHAR"),
        ("allocation", "DOUBLE"),
        ("actual_spend", "DOUBLE"),
        ("load_id", "BIGINT"),
    ]
    crime = dict(created["crime"])
    assert created["crime"][:3] == [("crime_id", "VARCHAR"), ("recorded_date", "DATE"), ("lsoa_code", "VARCHAR")]
    assert created["crime"][-5:] == [
        ("ward_code", "VARCHAR"),
        ("month", "DATE"),
        ("source_format", "VARCHAR"),
        ("placed_by", "VARCHAR"),  # 'point' (in the ward polygons) or 'lsoa' (best fit)
        ("load_id", "BIGINT"),
    ]
    assert (crime["hate_crime"], crime["hate_strand"], crime["longitude"]) == ("BOOLEAN", "VARCHAR", "DOUBLE")
    assert created["ward"] == [("ward_code", "VARCHAR"), ("ward_name", "VARCHAR"), ("population", "BIGINT")]


@pytest.mark.parametrize(("configured", "expected"), [(None, "286.1 MiB"), ("1GB", "953.6 MiB"), ("", None)])
def test_readers_work_within_the_configured_memory_and_imports_do_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, configured: str | None, expected: str | None
) -> None:
    """Default 300MB (286 MiB) for a read-only connection; empty means DuckDB's own default, as for writers."""
    if configured is not None:
        monkeypatch.setenv("SWP_READER_MEMORY_LIMIT", configured)
    settings.get_settings.cache_clear()
    try:
        path = store.create_store(tmp_path / "s.duckdb")
        with store.opened(path) as writer:
            default = writer.execute("select current_setting('memory_limit')").fetchone()[0]
        with store.opened(path, read_only=True) as reader:
            limit = reader.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        settings.get_settings.cache_clear()
    assert default.endswith("GiB")  # 80% of the machine
    assert limit == (default if expected is None else expected)
