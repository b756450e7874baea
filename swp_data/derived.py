"""Tables derived from the records at import, so no visitor's page builds them.

Each measure kind says what it derives (``MeasureKind.derivations``): a gridded KPI its rows by
ward and month (what its grid is built from); a repeat measure its incidents per person, ward and
month and, from them, its counts for the 12 months to every month end; every breakdown its rows by
category, ward and month (what its grids are built from). They are rebuilt in the import's own
transaction and record the loads they were built from (``meta.derived_for``); a reader uses them
only while that still matches, and otherwise reads the records themselves (a store written some
other way). Partners' protections are solved when a snapshot is sealed (``swp_data.disclosure.stored``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple, Protocol

import duckdb
import numpy as np
import pandas as pd

from swp_data import sql
from swp_data.grid import MEASURES, Axis, Cells
from swp_data.store import data_version

if TYPE_CHECKING:
    from swp_data.grid import GridCache


class Derivation(NamedTuple):
    """Rows a KPI adds to a derived table at import: the table, the select giving them, its parameters."""

    table: str
    select: str
    parameters: list[object]


class _Deriving(Protocol):
    def derivations(self, connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> list[Derivation]: ...


class BreakdownSpec(Protocol):
    """What this module reads of a breakdown declaration: its key and its query (with a ``category``)."""

    key: str
    sql: str


class KpiSpec(Protocol):
    """What this module reads of a KPI declaration (it never imports the catalogue: no cycle)."""

    key: str
    sql: str
    breakdowns: tuple[BreakdownSpec, ...]

    @property
    def kind(self) -> _Deriving:
        """Its measure kind, which says what it derives."""


GRID_TABLE = "kpi_grid"
INCIDENT_TABLE = "repeat_incident"
WINDOW_TABLE = "repeat_window"
BREAKDOWN_TABLE = "breakdown_grid"
_BREAKDOWN_MEASURES = ("numerator", "denominator", "unknown")
_TABLES = {
    GRID_TABLE: """
        kpi_key varchar not null, ward_code varchar, month date not null,
        numerator double, denominator double, unknown double, respondents double, weight_sq double
    """,
    INCIDENT_TABLE: """
        kpi_key varchar not null, person integer not null, ward_code varchar not null,
        month date not null, incidents integer not null, one_ward boolean not null
    """,
    # Built after the incidents, from them (dict order is build order): a repeat KPI's counts for the
    # 12 months to each month end from ``month`` on, until its next row; ward_code NULL is the city;
    # ``one_ward_``: the ward's people with incidents in no other ward.
    WINDOW_TABLE: """
        kpi_key varchar not null, ward_code varchar, month date not null,
        numerator integer not null, denominator integer not null,
        one_ward_numerator integer not null, one_ward_denominator integer not null
    """,
    BREAKDOWN_TABLE: """
        kpi_key varchar not null, breakdown_key varchar not null, category varchar, ward_code varchar,
        month date not null, numerator double, denominator double, unknown double
    """,
}


def build(connection: duckdb.DuckDBPyConnection, kpis: Iterable[KpiSpec]) -> None:
    """(Re)build every derived table from the store's records, in the caller's transaction.

    One statement per table (each KPI's select, joined by ``union all``): a statement per KPI
    would cost an import of a few rows far more than its rows do.
    """
    selects: dict[str, list[str]] = {table: [] for table in _TABLES}
    parameters: dict[str, list[object]] = {table: [] for table in _TABLES}
    for kpi in kpis:
        for derivation in kpi.kind.derivations(connection, kpi):
            selects[derivation.table].append(f"({derivation.select})")
            parameters[derivation.table] += derivation.parameters
        for breakdown in kpi.breakdowns:
            selects[BREAKDOWN_TABLE].append(f"({breakdown_select(connection, breakdown)})")
            parameters[BREAKDOWN_TABLE] += [kpi.key, breakdown.key]
    for table, columns in _TABLES.items():
        connection.execute(f"create or replace table {table} ({columns})")
        if selects[table]:
            # Ordered by month, so a query for a few months reads only their row groups.
            connection.execute(
                f"insert into {table} select * from ({' union all '.join(selects[table])}) order by kpi_key, month",
                parameters[table],
            )
    connection.execute("delete from meta where key = 'derived_for'")
    connection.execute("insert into meta values ('derived_for', ?)", [repr(data_version(connection))])


def current(connection: duckdb.DuckDBPyConnection, version: tuple[object, ...], cache: GridCache) -> bool:
    """Whether every derived table exists and was built from exactly the loads the store holds now (``version``)."""

    def check() -> bool:
        built_for = sql.one(connection, "select value from meta where key = 'derived_for'")
        if built_for is None or built_for[0] != repr(version):
            return False
        # A store built by an earlier release may lack a table this one derives: then none is used.
        present = sql.scalar(
            connection, "select count(*) from duckdb_tables() where list_contains(?, table_name)", [list(_TABLES)]
        )
        return present == len(_TABLES)

    return cache.get((version, "derived tables current"), check)  # type: ignore[return-value]


def grid_columns(connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> list[str]:
    """The measures the KPI's query returns (its grid has exactly these)."""
    return list(_measures_of(connection, kpi.sql))


_DESCRIBED: dict[str, tuple[str, ...]] = {}


def _measures_of(connection: duckdb.DuckDBPyConnection, query: str) -> tuple[str, ...]:
    # A query's columns follow from its text and the schema (one per version of the code): asked of
    # DuckDB once per process, not on every import and every grid.
    names = _DESCRIBED.get(query)
    if names is None:
        described = connection.execute(f"select * from ({query}) limit 0").description
        names = _DESCRIBED.setdefault(query, tuple(column[0] for column in described))
    return tuple(name for name in MEASURES if name in names)


def grid_select(connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> str:
    """The select giving the KPI's grid-table rows (its query's result, as it is); ``?`` is its key."""
    columns = _every_column(grid_columns(connection, kpi), MEASURES)
    return f"select ?::varchar as kpi_key, ward_code, month, {columns} from ({kpi.sql})"


def _every_column(measures: tuple[str, ...], table_measures: tuple[str, ...]) -> str:
    # A table holds every measure; those a query does not return are stored as NULL.
    return ", ".join(name if name in measures else f"null::double as {name}" for name in table_measures)


def breakdown_select(connection: duckdb.DuckDBPyConnection, breakdown: BreakdownSpec) -> str:
    """The select giving a breakdown's table rows (its query's result); ``?, ?`` are the KPI's and its key."""
    columns = _every_column(_breakdown_measures(connection, breakdown), _BREAKDOWN_MEASURES)
    return (
        "select ?::varchar as kpi_key, ?::varchar as breakdown_key, category::varchar as category, "
        f"ward_code, month, {columns} from ({breakdown.sql})"
    )


def breakdown_frame(connection: duckdb.DuckDBPyConnection, kpi_key: str, breakdown: BreakdownSpec) -> pd.DataFrame:
    """A breakdown's rows by category, ward and month as its query returns them, read from its table."""
    measures = _breakdown_measures(connection, breakdown)
    return connection.execute(
        f"select ward_code, month, category, {', '.join(measures)} from {BREAKDOWN_TABLE} "
        "where kpi_key = ? and breakdown_key = ?",
        [kpi_key, breakdown.key],
    ).df()


def _breakdown_measures(connection: duckdb.DuckDBPyConnection, breakdown: BreakdownSpec) -> tuple[str, ...]:
    measures = _measures_of(connection, breakdown.sql)
    extra = set(measures) - set(_BREAKDOWN_MEASURES)
    if extra:  # a declaration error, caught by the catalogue tests, never by a visitor
        raise ValueError(f"breakdown {breakdown.key!r} returns {sorted(extra)}: its table holds {_BREAKDOWN_MEASURES}")
    return measures


def grid_frame(connection: duckdb.DuckDBPyConnection, kpi: KpiSpec) -> pd.DataFrame:
    """The KPI's rows by ward and month as its query returns them, read from the grid table."""
    measures = grid_columns(connection, kpi)
    return connection.execute(
        f"select ward_code, month, {', '.join(measures)} from {GRID_TABLE} where kpi_key = ?", [kpi.key]
    ).df()


def stored_grid_cells(connection: duckdb.DuckDBPyConnection, axis: Axis) -> dict[str, Cells]:
    """Every gridded KPI's rows of the grid table, placed on the axis, in two queries (not one a KPI).

    The measures are all the table's; a KPI's grid keeps those its query returns (``grid_columns``).
    A ward outside the axis, or none, is the city row, as ``Grid`` places a frame's rows.
    """
    first = axis.months[0]
    runs = connection.execute(
        f"select kpi_key, count(*), count(denominator) > 0 from {GRID_TABLE} group by kpi_key order by kpi_key"
    ).fetchall()
    placed = connection.execute(
        f"""
        select
            coalesce(list_position(?, ward_code) - 1, ?) as ward_row,
            (year(month) - ?) * 12 + month(month) - ? as month_column,
            {", ".join(f"coalesce({measure}, 0) as {measure}" for measure in MEASURES)}
        from {GRID_TABLE}
        order by kpi_key
        """,
        [list(axis.wards), axis.city_row, first.year, first.month],
    ).fetchnumpy()
    rows, columns = (np.asarray(placed[name], dtype=np.int64) for name in ("ward_row", "month_column"))
    values = {measure: np.asarray(placed[measure], dtype=float) for measure in MEASURES}
    cells: dict[str, Cells] = {}
    start = 0
    for kpi_key, count, has_denominator in runs:
        part = slice(start, start + count)
        measures = {measure: column[part] for measure, column in values.items()}
        cells[kpi_key] = Cells(rows[part], columns[part], measures, bool(has_denominator))
        start += count
    return cells


def status(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What was built at import, for ``python -m swp_data info``: each table, its rows, and whether it is current."""
    built = (
        (GRID_TABLE, "every gridded KPI's rows by ward and month (what its grid is built from)"),
        (INCIDENT_TABLE, "the repeat measures' incidents per person, ward and month"),
        (WINDOW_TABLE, "the repeat measures' counts for the 12 months to each month end, by ward and city"),
        (BREAKDOWN_TABLE, "every breakdown's rows by category, ward and month (what its grids are built from)"),
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
