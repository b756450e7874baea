"""Small helpers for running SQL on DuckDB and reading whole results.

DuckDB 2.0 refuses ``register`` while a result is only partly fetched, so
single rows are read with ``fetchall`` here rather than ``fetchone``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def one(
    connection: duckdb.DuckDBPyConnection, query: str, params: Sequence[Any] | None = None
) -> tuple[Any, ...] | None:
    """The first row of a query (the rest is read and dropped), or None."""
    rows = connection.execute(query, params or []).fetchall()
    return rows[0] if rows else None


def scalar(connection: duckdb.DuckDBPyConnection, query: str, params: Sequence[Any] | None = None) -> Any:
    """The first value of the first row, or None."""
    row = one(connection, query, params)
    return row[0] if row else None
