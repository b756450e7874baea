"""Tables derived from the records when a snapshot is sealed, so no visitor's page builds them.

Each measure kind says what it derives (``MeasureKind.derive``): today the repeat measures'
incidents per person, ward and month. Partners' protections are solved when a snapshot is
sealed (``swp_data.disclosure.stored``); ``status`` reports both. The tables record the loads they were built from
(``meta.derived_for``); a reader uses them only while that still matches, and otherwise reads
the records themselves (a store written some other way, such as a test's).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from swp_data import sql
from swp_data.disclosure import stored
from swp_data.kinds.repeat import INCIDENT_TABLE
from swp_data.kpis.catalogue import catalogue
from swp_data.store import data_version


def build(connection: duckdb.DuckDBPyConnection) -> None:
    """(Re)build every derived table from the store's records, in the caller's transaction."""
    connection.execute(
        f"""
        create or replace table {INCIDENT_TABLE} (
            kpi_key varchar not null,
            person integer not null,
            ward_code varchar not null,
            month date not null,
            incidents integer not null
        )
        """
    )
    for kpi in catalogue().values():
        kpi.kind.derive(connection, kpi)
    connection.execute("delete from meta where key = 'derived_for'")
    connection.execute("insert into meta values ('derived_for', ?)", [repr(data_version(connection))])


def status(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What was built at import, for ``python -m swp_data info``: each table, its rows, and whether it is current."""
    loads = repr(data_version(connection))
    meta = dict(connection.execute("select key, value from meta").fetchall())
    tables = {row[0] for row in connection.execute("select table_name from duckdb_tables()").fetchall()}
    built = (
        (INCIDENT_TABLE, "the repeat measures' incidents per person, ward and month", "derived_for"),
        (
            stored.TABLE,
            f"partners' protected cells of every closed period (threshold {meta.get('protections_threshold', '-')})",
            "protections_for",
        ),
    )
    rows = []
    for table, holds, signature in built:
        present = table in tables
        rows.append(
            {
                "table": table,
                "holds": holds,
                "rows": sql.scalar(connection, f"select count(*) from {table}") if present else None,
                "current": "yes" if present and meta.get(signature) == loads else "no: pages work it out themselves",
            }
        )
    return pd.DataFrame(rows).astype({"rows": "Int64"})  # a table not built has no count, not 0
