"""Validation and typing of staged text columns, generated from the source declarations.

Files are staged as text (every value a string, with its line number), then
each column is checked and cast in SQL: one scan finds every problem, and the
earliest is reported with its file, line, field and value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from swp_data import sql
from swp_data.importing.errors import ImportFailure
from swp_data.settings import get_settings
from swp_data.sources import Column

# The United Kingdom's extent, a little generously (Scilly to Shetland, Fermanagh to Lowestoft):
# a record's point outside it is a mistake in the file, not a place in Wolverhampton.
UK_LONGITUDE = (-8.7, 1.8)
UK_LATITUDE = (49.8, 60.95)

# Control characters: C0 (NUL to U+001F) but tab, and DEL. No text field holds one; a NUL in an
# ID is a damaged export. Line breaks count: a value is one line (CSV can quote one in; we refuse it).
CONTROL_CHARACTERS = "[\\x00-\\x08\\x0a-\\x1f\\x7f]"
CONTROL_PROBLEM = (
    "holds a control character (shown escaped, such as \\x00 or \\n): values are plain text on one line,"
    " so the file is damaged or was exported wrongly"
)


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
    if column.sql_type == "bigint":
        # Whole numbers only: a cast would round 1.5 to 2. "12.0" (a spreadsheet's 12) is 12.
        whole = f"regexp_full_match({raw}, '[+-]?[0-9]+(\\.0*)?')"
        return f"(case when {whole} then try_cast(regexp_replace({raw}, '\\.0*$', '') as bigint) end)"
    if column.sql_type == "double":
        return f"try_cast({raw} as double)"
    return raw


@dataclass(frozen=True)
class Check:
    """A rule a staged value must meet."""

    field: str
    bad_sql: str
    problem: str
    label: str | None = None  # the field as the file names it, where the staged column is named otherwise


def earliest_day() -> date:
    """The first day a record may fall on (1 January of the ``earliest_year`` setting)."""
    return date(get_settings().earliest_year, 1, 1)


def date_checks(name: str, typed: str, *, label: str | None = None, latest: date | None = None) -> list[Check]:
    """A date (or month) is neither in the future nor before the earliest year.

    ``latest`` is the last day a record may fall on (default today; a file dated by its
    name, such as a data.police.uk month, may set an earlier one).
    """
    today = date.today()
    first = earliest_day()
    checks = [
        Check(
            name,
            f"{typed} < date '{first.isoformat()}'",
            f"is before {first.year}, the earliest year the dashboard takes (a mistyped year? the limit is the "
            "SWP_EARLIEST_YEAR setting)",
            label,
        ),
        Check(
            name,
            f"{typed} > date '{today.isoformat()}'",
            f"is after today ({today:%d %b %Y}): a record cannot fall in the future (a mistyped year?)",
            label,
        ),
    ]
    if latest is not None and latest < today:
        checks.append(
            Check(
                name,
                f"{typed} > date '{latest.isoformat()}'",
                f"is after the file's own month ({latest:%B %Y}, from its name or folder): "
                "a data.police.uk file holds its month's records only",
                label,
            )
        )
    return checks


def control_check(name: str, label: str | None = None) -> Check:
    """The value holds no control character (tab allowed)."""
    return Check(name, f"regexp_matches({quote(name)}, '{CONTROL_CHARACTERS}')", CONTROL_PROBLEM, label)


def _in_the_uk(name: str, number: str, axis: str, label: str | None = None) -> Check:
    low, high = UK_LONGITUDE if axis == "longitude" else UK_LATITUDE
    return Check(
        name,
        f"{number} is not null and not (isfinite({number}) and {number} between {low} and {high})",
        f"is not a {axis} in the United Kingdom (from {low} to {high}, in decimal degrees)",
        label,
    )


def point_checks(longitude: str, latitude: str, labels: tuple[str | None, str | None] = (None, None)) -> list[Check]:
    """Coordinates, where given, are finite numbers inside the United Kingdom."""
    checks = []
    for name, axis, label in ((longitude, "longitude", labels[0]), (latitude, "latitude", labels[1])):
        raw = text_of(name)
        number = f"try_cast({raw} as double)"
        checks.append(Check(name, f"{raw} is not null and {number} is null", "is not a number", label))
        checks.append(_in_the_uk(name, number, axis, label))
    return checks


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
    elif column.sql_type == "bigint":
        checks.append(Check(name, f"{raw} is not null and {typed} is null", "is not a whole number"))
    elif column.sql_type == "double":
        checks.append(Check(name, f"{raw} is not null and {typed} is null", "is not a number"))
        checks.append(
            Check(name, f"{typed} is not null and not isfinite({typed})", "is not a finite number (NaN or infinity)")
        )
        if column.name in ("longitude", "latitude"):
            checks.append(_in_the_uk(name, typed, column.name))
    elif column.sql_type == "varchar":
        checks.append(control_check(name))
    if column.sql_type == "date":
        checks += date_checks(name, typed)
    if column.minimum is not None:
        checks.append(Check(name, f"{typed} < {column.minimum}", f"is below the minimum {column.minimum:g}"))
    if column.maximum is not None:
        checks.append(Check(name, f"{typed} > {column.maximum}", f"is above the maximum {column.maximum:g}"))
    return checks


def raise_first_problem(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    checks: list[Check],
    path: Path,
    *,
    unit: str = "line",
    record_id: str | None = None,
) -> None:
    """Run every check in one scan of ``table``; raise ImportFailure for the earliest bad line.

    ``unit`` says what ``line`` counts ("record" for a JSON list), and ``record_id`` is SQL for
    the record's own id, to show beside its number.
    """
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
    shown_id = sql.scalar(connection, f"select {record_id} from {table} where line = ?", [line]) if record_id else None
    raise ImportFailure(
        path,
        check.problem,
        line=line,
        field=check.label or check.field,
        value=value,
        more=count - 1,
        unit=unit,
        record_id=None if shown_id is None else str(shown_id),
    )
