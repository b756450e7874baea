"""Partner protections solved when a snapshot is sealed, kept in the store (``protected_cell``).

Every closed quarter and closed financial year of every sensitive family is protected once
(``closed.store_protections``), with the threshold and ward groups configured at the time.
``PublishedCells`` reads them back; where they were solved for other loads, another threshold
or other ward groups (an analyst may edit ``ward_groups.toml`` while the app runs), it protects
the period itself, exactly as it would have at import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import duckdb
import pandas as pd

from swp_data import derived, sql
from swp_data.disclosure.protect import Key, Protection

TABLE = "protected_cell"
Solved = tuple[dict[Key, int], Protection]
"""A period's cells and their statuses, as ``PublishedCells`` builds them."""


def groups_text(groups: dict[str, tuple[int, ...]]) -> str:
    """The ward groups a protection was solved with, as one comparable string."""
    return json.dumps(sorted((name, list(members)) for name, members in groups.items()))


def year_code(fy: int) -> str:
    """A financial year's period code in the table (``FY2023`` for 2023/24)."""
    return f"FY{fy}"


def _solved_for(loads: str, threshold: int, groups: dict[str, tuple[int, ...]]) -> dict[str, str]:
    """What the stored protections were solved for, as the store's meta rows."""
    return {
        "protections_for": loads,
        "protections_threshold": str(threshold),
        "protections_groups": groups_text(groups),
    }


def write(
    connection: duckdb.DuckDBPyConnection,
    solved: Iterable[tuple[str, str, Solved]],
    loads: str,
    threshold: int,
    groups: dict[str, tuple[int, ...]],
) -> int:
    """Replace the stored protections with ``(family, period code, solved)``; returns the cells stored."""
    rows = [
        (family, period, json.dumps(list(key)), value, protection.status[key])
        for family, period, (values, protection) in solved
        for key, value in values.items()
    ]
    connection.execute(
        f"""
        create or replace table {TABLE} (
            family varchar not null,
            period varchar not null,
            cell varchar not null,
            value bigint not null,
            status varchar not null
        )
        """
    )
    if rows:
        frame = pd.DataFrame(rows, columns=["family", "period", "cell", "value", "status"])  # noqa: F841 (read by SQL)
        connection.execute(f"insert into {TABLE} select family, period, cell, value, status from frame")
    meta = _solved_for(loads, threshold, groups)
    connection.execute("delete from meta where key in (select unnest(?::varchar[]))", [list(meta)])
    connection.executemany("insert into meta values (?, ?)", list(meta.items()))
    return len(rows)


def status(connection: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The stored protections' line in ``python -m swp_data info``."""
    threshold = sql.one(connection, "select value from meta where key = 'protections_threshold'")
    holds = f"partners' protected cells of every closed period (threshold {threshold[0] if threshold else '-'})"
    return derived.table_status(connection, TABLE, holds, "protections_for")


def read(
    connection: duckdb.DuckDBPyConnection, loads: str, threshold: int, groups: dict[str, tuple[int, ...]]
) -> dict[tuple[str, str], Solved] | None:
    """Every stored protection by (family, period code), if solved for these loads, threshold and groups."""
    wanted = _solved_for(loads, threshold, groups)
    meta = connection.execute(
        "select key, value from meta where key in (select unnest(?::varchar[]))", [list(wanted)]
    ).fetchall()
    present = sql.one(connection, "select 1 from duckdb_tables() where table_name = ?", [TABLE])
    if dict(meta) != wanted or not present:
        return None
    out: dict[tuple[str, str], Solved] = {}
    for family, period, cell, value, status in connection.execute(
        f"select family, period, cell, value, status from {TABLE}"
    ).fetchall():
        values, protection = out.setdefault((family, period), ({}, Protection()))
        key = tuple(json.loads(cell))
        values[key] = int(value)
        protection.status[key] = status
    return out
