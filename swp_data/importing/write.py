"""Writing typed rows into a source table: replace by key, so a reload never doubles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from swp_data import sql
from swp_data.sources import Source


def store_key(source: Source) -> tuple[str, ...]:
    """The key columns as named in the store (``ward`` is stored as ``ward_code``)."""
    return tuple("ward_code" if name == "ward" else name for name in source.key)


@dataclass
class LoadOutcome:
    """What one file did to one table."""

    table: str
    rows_loaded: int = 0
    rows_replaced: int = 0
    first_month: date | None = None
    last_month: date | None = None
    skipped: dict[str, int] = field(default_factory=dict)


def replace_rows(connection: duckdb.DuckDBPyConnection, source: Source, typed_table: str) -> LoadOutcome:
    """Delete the rows whose key is in ``typed_table``, then insert ``typed_table``."""
    key = store_key(source)
    if len(key) == 1:
        condition = f"{key[0]} in (select {key[0]} from {typed_table})"
    else:
        matches = " and ".join(f"n.{k} is not distinct from t.{k}" for k in key)
        condition = f"exists (select 1 from {typed_table} n where {matches})"
    replaced = sql.scalar(connection, f"delete from {source.table} t where {condition}")
    columns = ", ".join(source.store_columns)
    connection.execute(f"insert into {source.table} ({columns}) select {columns} from {typed_table}")
    outcome = LoadOutcome(table=source.table, rows_replaced=int(replaced or 0))
    month = "month" if "month" in source.store_columns else None
    summary = sql.one(
        connection, f"select count(*), {f'min({month}), max({month})' if month else 'null, null'} from {typed_table}"
    )
    assert summary is not None
    outcome.rows_loaded, outcome.first_month, outcome.last_month = int(summary[0]), summary[1], summary[2]
    return outcome


def record_coverage(connection: duckdb.DuckDBPyConnection, source: Source, records: str, load_id: int) -> None:
    """Mark the months a load covers for a source: from its first record's month to the end of its last's period.

    ``records`` is a table or subquery of the file's rows (skipped ones included: the file still
    covers their months). A month inside the span with no records is a real zero; a month no
    load spans has no data. Coverage only grows: reloading records never uncovers a month.
    """
    if "month" not in source.store_columns:
        return
    connection.execute(
        f"""
        insert or ignore into coverage
        with span as (
            select min(month) as first_month,
                   max(month + to_months(cast(({source.record_months}) as integer) - 1)) as last_month
            from {records}
            where month is not null
        )
        select ?, unnest(generate_series(first_month, last_month, interval 1 month))::date, ?
        from span
        where first_month is not null
        """,
        [source.table, load_id],
    )


def raise_on_duplicate_keys(
    connection: duckdb.DuckDBPyConnection, source: Source, typed_table: str, path: object
) -> None:
    """Our own templates must not repeat a key within one file."""
    from swp_data.importing.errors import ImportFailure

    key = store_key(source)
    columns = ", ".join(key)
    row = sql.one(
        connection,
        f"""
        select {columns}, min(line) as first_line, max(line) as last_line, count(*) as copies
        from {typed_table}
        group by all
        having count(*) > 1
        order by first_line
        limit 1
        """,
    )
    if row is None:
        return
    values = ", ".join(str(v) for v in row[: len(key)])
    raise ImportFailure(
        str(path),
        f"is a duplicate: the same {' + '.join(source.key)} is also on line {row[len(key)]}"
        f" ({row[len(key) + 2]} rows share it); each record must appear once",
        line=row[len(key) + 1],
        field=source.key[0],
        value=values,
    )
