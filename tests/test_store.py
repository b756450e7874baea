"""The store file: settings, schema version, atomic creation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from swp_data import schema, settings, store


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
    with pytest.raises(store.StoreError, match=r"schema version 0.*needs version 1.*python3 -m swp_data demo"):
        store.connect(path)


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(store.StoreError, match="not a swp_data store"):
        store.connect(path)


def test_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="python3 -m swp_data demo"):
        store.connect(tmp_path / "missing.duckdb")


def test_every_source_table_matches_its_declaration() -> None:
    connection = store.memory_store()
    from swp_data.sources import SOURCES

    for source in SOURCES.values():
        described = {row[0]: row[1].lower() for row in connection.execute(f"describe {source.table}").fetchall()}
        assert list(described) == list(source.store_columns)
        for name, sql_type in source.store_columns.items():
            assert described[name] == sql_type
