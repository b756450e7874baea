"""Opening, creating and checking the DuckDB store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from swp_data import geography, sql, ward_population
from swp_data.schema import SCHEMA_VERSION, full_ddl
from swp_data.settings import get_settings


class StoreError(RuntimeError):
    """The store is missing, locked, unreadable or of another schema version."""


class StoreMissing(StoreError):
    """There is no store file at the configured path."""


class StoreBusy(StoreError):
    """Another process holds the store's lock (an import writing it, or, for a writer, the app reading it).

    DuckDB lets one process write a file and no other open it meanwhile: this passes once the
    other process has finished, so the app tries again rather than give up.
    """


def default_path() -> Path:
    """The configured store file (``SWP_DB_PATH`` or ``data/swp.duckdb``)."""
    return Path(get_settings().db_path)


def _configure(connection: duckdb.DuckDBPyConnection, read_only: bool) -> None:
    settings = get_settings()
    if settings.duckdb_threads:
        connection.execute(f"set threads = {int(settings.duckdb_threads)}")
    if read_only and settings.reader_memory_limit:
        # Readers only: a repeat-person query over a big store would otherwise take the app to
        # 1 GB and more (DuckDB's default is 80% of the machine). Imports keep the default.
        connection.execute(f"set memory_limit = '{settings.reader_memory_limit}'")


def initialise(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and load the reference geography on an empty connection (file or in-memory)."""
    connection.execute(full_ddl())
    reference = geography.reference_tables()
    for table, frame in (
        ("ward", reference.ward),
        ("ward_2004", reference.ward_2004),
        ("lsoa", reference.lsoa),
        ("ward_alias", reference.ward_alias),
    ):
        connection.register("frame", frame)
        columns = ", ".join(frame.columns)
        connection.execute(f"insert into {table} ({columns}) select {columns} from frame")
        connection.unregister("frame")
    connection.execute(
        "insert into meta values ('schema_version', ?), ('created_by', 'swp_data')", [str(SCHEMA_VERSION)]
    )
    connection.execute(
        """
        insert into ward_population (ward_code, age_band, year, population, source_note, load_id)
        select ward_code, 'all ages', 2021, population, ?, 0 from ward
        """,
        [ward_population.SOURCE_NOTE],
    )


def memory_store() -> duckdb.DuckDBPyConnection:
    """A new in-memory store with the schema and geography (for tests and notebooks)."""
    connection = duckdb.connect()
    initialise(connection)
    return connection


def data_version(connection: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    """Changes whenever a load changes the store."""
    return tuple(sql.one(connection, "select count(*), max(load_id), max(started_at) from load_log") or ())


def create_store(path: Path | str | None = None) -> Path:
    """Create an empty store file with the schema and reference geography.

    The file is built under a temporary name and moved into place, so a store
    is either complete or absent, never half-made.
    """
    target = Path(path or default_path())
    if target.exists():
        raise StoreError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(target.name + ".building")
    building.unlink(missing_ok=True)
    connection = duckdb.connect(str(building))
    try:
        _configure(connection, read_only=False)
        initialise(connection)
        connection.execute("checkpoint")
    finally:
        connection.close()
    os.replace(building, target)
    return target


def check_version(connection: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    """Raise a clear error if the store was built for another schema version."""
    try:
        row = sql.one(connection, "select value from meta where key = 'schema_version'")
    except duckdb.CatalogException:
        row = None
    if row is None:
        raise StoreError(f"{path} is not a swp_data store (no schema version recorded)")
    if int(row[0]) != SCHEMA_VERSION:
        raise StoreError(
            f"{path} was built with schema version {row[0]}, but this version of swp_data needs "
            f"version {SCHEMA_VERSION}. Move the old file aside and rebuild it: "
            "`python3 -m swp_data demo` for the demo, or re-import your files."
        )


def connect(
    path: Path | str | None = None, *, read_only: bool = False, create: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store, checking its schema version.

    With ``create=True`` a missing store is created (empty, with geography).
    """
    target = Path(path or default_path())
    if not target.exists():
        if not create:
            raise StoreMissing(
                f"no store at {target}: build the demo with `python3 -m swp_data demo` "
                "or load files with `python3 -m swp_data import PATH`"
            )
        create_store(target)
    try:
        # The file the path points at (a snapshot, when the path is the snapshots' link): each
        # snapshot its own path, so DuckDB's per-process instance cache never returns an old one.
        connection = duckdb.connect(str(target.resolve()), read_only=read_only)
    except duckdb.IOException as error:
        text = str(error).lower()  # "Could not set lock on file ...: Conflicting lock is held in ..."
        if "could not set lock" in text or "conflicting lock" in text:
            raise StoreBusy(f"{target} is in use by another process: {error}") from error
        if not target.exists():  # moved or deleted between the check above and the open
            raise StoreMissing(f"no store at {target}: {error}") from error
        raise StoreError(f"cannot open {target}: {error}") from error
    except duckdb.ConnectionException as error:
        # This process already has the file open with another configuration (writing it).
        raise StoreBusy(f"{target} is open for writing in this process: {error}") from error
    _configure(connection, read_only)
    check_version(connection, target)
    return connection


@contextmanager
def opened(
    path: Path | str | None = None, *, read_only: bool = False, create: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``connect`` as a context manager that closes the connection."""
    connection = connect(path, read_only=read_only, create=create)
    try:
        yield connection
    finally:
        connection.close()
