"""Tables derived from the records at import, so no visitor's page builds them.

Each measure kind says what it derives (``MeasureKind.derive``): a gridded KPI its rows by ward
and month (what its grid is built from), a repeat measure its incidents per person, ward and
month. They are rebuilt in the import's own transaction and record the loads they were built
from (``meta.derived_for``); a reader uses them only while that still matches, and otherwise
reads the records themselves (a store written some other way). Partners' protections are solved
when a snapshot is sealed (``swp_data.disclosure.stored``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

import duckdb
import pandas as pd

from swp_data import sql
from swp_data.store import data_version

if TYPE_CHECKING:
    from swp_data.grid import GridCache


class _Deriving(Protocol):
    def derive(self, connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> None: ...


class KpiSpec(Protocol):
    """What this module reads of a KPI declaration (it never imports the catalogue: no cycle)."""

    key: str
    sql: str

    @property
    def kind(self) -> _Deriving:
        """Its measure kind, which says what it derives."""


GRID_TABLE = "kpi_grid"
INCIDENT_TABLE = "repeat_incident"
MEASURE_COLUMNS = ("numerator", "denominator", "unknown", "respondents", "weight_sq")
_TABLES = {
    GRID_TABLE: """
        kpi_key varchar not null, ward_code varchar, month date not null,
        numerator double, denominator double, unknown double, respondents double, weight_sq double
    """,
    INCIDENT_TABLE: """
        kpi_key varchar not null, person integer not null, ward_code varchar not null,
        month date not null, incidents integer not null
    """,
}


def build(connection: duckdb.DuckDBPyConnection, kpis: Iterable[KpiSpec]) -> None:
    """(Re)build every derived table from the store's records, in the caller's transaction."""
    for table, columns in _TABLES.items():
        connection.execute(f"create or replace table {table} ({columns})")
    for kpi in kpis:
        kpi.kind.derive(connection, kpi)
    connection.execute("delete from meta where key = 'derived_for'")
    connection.execute("insert into meta values ('derived_for', ?)", [repr(data_version(connection))])


def current(connection: duckdb.DuckDBPyConnection, version: tuple[object, ...], cache: GridCache) -> bool:
    """Whether the derived tables were built from exactly the loads the store holds now (``version``)."""

    def check() -> bool:
        built_for = sql.one(connection, "select value from meta where key = 'derived_for'")
        return built_for is not None and built_for[0] == repr(version)

    return cache.get((version, "derived tables current"), check)  # type: ignore[return-value]


def grid_columns(connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> list[str]:
    """The measures the KPI's query returns (its grid has exactly these)."""
    names = [column[0] for column in connection.execute(f"select * from ({kpi.sql}) limit 0").description]
    return [name for name in MEASURE_COLUMNS if name in names]


def derive_grid(connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> None:
    """Put the KPI's rows by ward and month (its query's result, as it is) into the grid table."""
    measures = grid_columns(connection, kpi)
    connection.execute(
        f"""
        insert into {GRID_TABLE} (kpi_key, ward_code, month, {", ".join(measures)})
        with rows as ({kpi.sql})
        select ?, ward_code, month, {", ".join(measures)} from rows
        order by month
        """,
        [kpi.key],
    )


def grid_frame(connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> pd.DataFrame:
    """The KPI's rows by ward and month as its query returns them, read from the grid table."""
    measures = grid_columns(connection, kpi)
    return connection.execute(
        f"select ward_code, month, {', '.join(measures)} from {GRID_TABLE} where kpi_key = ?", [kpi.key]
    ).df()


def status(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What was built at import, for ``python -m swp_data info``: each table, its rows, and whether it is current."""
    built = (
        (GRID_TABLE, "every gridded KPI's rows by ward and month (what its grid is built from)"),
        (INCIDENT_TABLE, "the repeat measures' incidents per person, ward and month"),
    )
    return pd.DataFrame([table_status(connection, table, holds, "derived_for") for table, holds in built])


def table_status(connection: duckdb.DuckDBPyConnection, table: str, holds: str, signature: str) -> dict[str, object]:
    """A line of ``status``: the table, what it holds, its rows, whether meta ``signature`` names the loads now."""
    built_for = sql.one(connection, "select value from meta where key = ?", [signature])
    present = sql.one(connection, "select 1 from duckdb_tables() where table_name = ?", [table]) is not None
    is_current = present and built_for is not None and built_for[0] == repr(data_version(connection))
    return {
        "table": table,
        "holds": holds,
        "rows": sql.scalar(connection, f"select count(*) from {table}") if present else None,
        "current": "yes" if is_current else "no: pages work it out themselves",
    }
