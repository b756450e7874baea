"""Validation and typing of staged text columns, generated from the source declarations.

Files are staged as text (every value a string, with its line number), then
each column is checked and cast in SQL: one scan finds every problem, and the
earliest is reported with its file, line, field and value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from swp_data import sql
from swp_data.importing.errors import ImportFailure
from swp_data.sources import Column


def quote(identifier: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal for one of our own vocabulary values (never user input)."""
    return "'" + text.replace("'", "''") + "'"


def text_of(identifier: str) -> str:
    """The trimmed text of a staged column, NULL when blank."""
    return f"nullif(trim({quote(identifier)}), '')"


def clean_expr(column: Column, identifier: str | None = None) -> str:
    """SQL that turns the staged text of ``column`` into its typed value (NULL if blank or invalid)."""
    raw = text_of(identifier or column.name)
    if column.allowed:
        cases = " ".join(f"when {literal(v.lower())} then {literal(v)}" for v in column.allowed)
        return f"(case lower({raw}) {cases} end)"
    if column.sql_type == "date":
        return (
            f"coalesce(try_strptime({raw}, '%Y-%m-%d'), try_strptime({raw}, '%d/%m/%Y'),"
            f" try_strptime({raw}, '%Y-%m-%d %H:%M:%S'))::date"
        )
    if column.sql_type == "boolean":
        return (
            f"(case when lower({raw}) in ('true', 'yes', 'y', '1') then true "
            f"when lower({raw}) in ('false', 'no', 'n', '0') then false end)"
        )
    if column.sql_type in ("bigint", "double"):
        return f"try_cast({raw} as {column.sql_type})"
    return raw


@dataclass(frozen=True)
class Check:
    """A rule a staged value must meet."""

    field: str
    bad_sql: str
    problem: str


def column_checks(column: Column, identifier: str | None = None, *, required: bool | None = None) -> list[Check]:
    """The checks for one column: present when required, of the right type, within bounds."""
    name = identifier or column.name
    raw = text_of(name)
    typed = clean_expr(column, name)
    checks: list[Check] = []
    if column.required if required is None else required:
        checks.append(Check(name, f"{raw} is null", "is missing: this field is required"))
    if column.allowed:
        shown = "; ".join(column.allowed)
        if len(shown) > 300:
            shown = shown[:300] + "..."
        checks.append(
            Check(name, f"{raw} is not null and {typed} is null", f"is not one of the allowed values ({shown})")
        )
    elif column.sql_type == "date":
        checks.append(Check(name, f"{raw} is not null and {typed} is null", "is not a date (write YYYY-MM-DD)"))
    elif column.sql_type == "boolean":
        checks.append(Check(name, f"{raw} is not null and {typed} is null", "is not yes/no (or true/false, 1/0)"))
    elif column.sql_type in ("bigint", "double"):
        kind = "a whole number" if column.sql_type == "bigint" else "a number"
        checks.append(Check(name, f"{raw} is not null and {typed} is null", f"is not {kind}"))
    if column.minimum is not None:
        checks.append(Check(name, f"{typed} < {column.minimum}", f"is below the minimum {column.minimum:g}"))
    if column.maximum is not None:
        checks.append(Check(name, f"{typed} > {column.maximum}", f"is above the maximum {column.maximum:g}"))
    return checks


def raise_first_problem(connection: duckdb.DuckDBPyConnection, table: str, checks: list[Check], path: Path) -> None:
    """Run every check in one scan of ``table``; raise ImportFailure for the earliest bad line."""
    if not checks:
        return
    selects = ", ".join(f"min(line) filter (where {c.bad_sql}), count(*) filter (where {c.bad_sql})" for c in checks)
    row = sql.one(connection, f"select {selects} from {table}")
    assert row is not None
    found = [(row[2 * i], row[2 * i + 1], check) for i, check in enumerate(checks) if row[2 * i] is not None]
    if not found:
        return
    line, count, check = min(found, key=lambda item: item[0])
    value = sql.scalar(connection, f"select {quote(check.field)} from {table} where line = ?", [line])
    raise ImportFailure(path, check.problem, line=line, field=check.field, value=value, more=count - 1)
