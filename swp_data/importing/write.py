"""Writing typed rows into a source table: replace by key, so a reload never doubles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import duckdb

from swp_data import sql
from swp_data.sources import SOURCES, Source


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
    replaced_loads: set[int] = field(default_factory=set)  # earlier loads this file replaced rows of


class KeyConflict(Exception):
    """A record this file writes has the key of one an earlier file of the same import wrote, and says otherwise.

    Raised by ``replace_rows`` before it changes anything; the loader turns it into an
    ImportFailure naming both files and lines (it reads the earlier file again to find its line).
    """

    def __init__(
        self,
        table: str,
        key: tuple[object, ...],
        line: int,
        other_load_id: int,
        difference: tuple[str, object, object],
        other_table: str | None = None,
    ) -> None:
        self.table, self.key, self.line, self.other_load_id = table, key, line, other_load_id
        self.column, self.here, self.there = difference  # the first column that differs, and its two values
        self.other_table = other_table or table  # where the earlier version is (police: crime or ASB)
        super().__init__(f"{table} {key} on line {line} differs in {self.column} from load {other_load_id}")


def _key_match(key: tuple[str, ...], left: str, right: str) -> str:
    if len(key) == 1:  # a single key is never blank: a plain equality, the fastest join
        return f"{left}.{key[0]} = {right}.{key[0]}"
    # A composite key may hold a NULL (a city-wide partner return has no ward): NULL matches NULL.
    return " and ".join(f"{left}.{k} is not distinct from {right}.{k}" for k in key)


def content_columns(source: Source) -> list[str]:
    """The columns that say what a record is: all but the load that wrote it and the file format."""
    return [c for c in source.store_columns if c not in ("load_id", "source_format")]


def replace_rows(
    connection: duckdb.DuckDBPyConnection, source: Source, typed_table: str, *, first_load_id: int | None = None
) -> LoadOutcome:
    """Delete the rows whose key is in ``typed_table``, then insert ``typed_table``.

    A stored row whose load is ``first_load_id`` or later was written by an earlier file of
    this same import: if it says something else under the same key, the import is refused
    (``KeyConflict``) rather than letting whichever file came later win. ``typed_table``
    carries each row's ``line``.
    """
    key = store_key(source)
    conflict = "false"
    if first_load_id is not None:
        differs = " or ".join(f"o.{c} is distinct from n.{c}" for c in content_columns(source) if c not in key)
        conflict = f"o.load_id >= {int(first_load_id)} and ({differs or 'false'})"
    # One join finds the rows to replace and, among them, any conflict; the delete then goes by row id.
    connection.execute(
        f"""
        create or replace temp table replaced_rows as
        select o.rowid as _rowid, o.load_id as _old_load, n.line as _line, {conflict} as _conflict
        from {source.table} o join {typed_table} n on {_key_match(key, "n", "o")}
        """
    )
    replaced = int(sql.scalar(connection, "select count(*) from replaced_rows"))
    if replaced:
        clash = sql.one(connection, "select _line, _old_load from replaced_rows where _conflict order by _line limit 1")
        if clash is not None:
            line, other = int(clash[0]), int(clash[1])
            values = sql.one(connection, f"select {', '.join(key)} from {typed_table} where line = ?", [line])
            assert values is not None
            difference = _first_difference(connection, source, typed_table, line, other)
            connection.execute("drop table replaced_rows")
            raise KeyConflict(source.table, tuple(values), line, other, difference)
        connection.execute(f"delete from {source.table} where rowid in (select _rowid from replaced_rows)")
        old_loads = {int(r[0]) for r in connection.execute("select distinct _old_load from replaced_rows").fetchall()}
    else:
        old_loads = set()
    connection.execute("drop table replaced_rows")
    columns = ", ".join(source.store_columns)
    connection.execute(f"insert into {source.table} ({columns}) select {columns} from {typed_table}")
    outcome = LoadOutcome(table=source.table, rows_replaced=replaced, replaced_loads=old_loads)
    month = "month" if "month" in source.store_columns else None
    summary = sql.one(
        connection, f"select count(*), {f'min({month}), max({month})' if month else 'null, null'} from {typed_table}"
    )
    assert summary is not None
    outcome.rows_loaded, outcome.first_month, outcome.last_month = int(summary[0]), summary[1], summary[2]
    return outcome


def _first_difference(
    connection: duckdb.DuckDBPyConnection, source: Source, typed_table: str, line: int, other_load_id: int
) -> tuple[str, object, object]:
    """The first column in which the row on ``line`` differs from the stored row of ``other_load_id``, both values."""
    key = store_key(source)
    columns = [c for c in content_columns(source) if c not in key]
    row = sql.one(
        connection,
        f"select {', '.join(f'n.{c}, o.{c}' for c in columns)} "
        f"from {source.table} o join {typed_table} n on {_key_match(key, 'n', 'o')} "
        "where n.line = ? and o.load_id = ?",
        [line, other_load_id],
    )
    assert row is not None
    return next((c, row[2 * i], row[2 * i + 1]) for i, c in enumerate(columns) if row[2 * i] != row[2 * i + 1])


def record_coverage(connection: duckdb.DuckDBPyConnection, source: Source, records: str, load_id: int) -> None:
    """Mark the months a load covers for a source: from its first record's month to the end of its last's period.

    ``records`` is a table or subquery of the file's rows (skipped ones included: the file still
    covers their months). A month inside the span with no records is a real zero; a month no
    load spans has no data. A month already covered is marked as this load's: the latest load
    covering a month answers for it (see ``prune_coverage``).
    """
    if "month" not in source.store_columns:
        return
    connection.execute(
        f"""
        insert or replace into coverage
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


def prune_coverage(connection: duckdb.DuckDBPyConnection, loads: Iterable[int]) -> None:
    """Earlier loads whose records were replaced cover only the span of the records they still hold.

    ``loads`` are the loads a file replaced rows of (``LoadOutcome.replaced_loads``). A month
    stays covered by such a load while it still holds records from that month on both sides:
    so when a corrected file replaces a record with a wrong month (2013 for 2023, say), the
    months that record alone spanned are covered no longer, and "data as of", the quarters
    offered and the default quarter, which all come from coverage, are as if it never loaded.
    A load that lost no rows keeps its coverage as it was (skipped rows included).
    """
    ids = ", ".join(str(int(i)) for i in sorted(set(loads)))
    if not ids:
        return
    logged = {
        int(row[0]): (int(row[1]), [t.strip() for t in str(row[2]).split(",")])
        for row in connection.execute(
            f"select load_id, rows_loaded, target_table from load_log where load_id in ({ids})"
        ).fetchall()
    }
    tables = sorted({t for _, names in logged.values() for t in names if t in SOURCES and SOURCES[t].has_months})
    if not tables:
        return
    spans = " union all ".join(
        f"select load_id, count(*) as n, min(month) as first_month,"
        f" max(month + to_months(cast(({SOURCES[t].record_months}) as integer) - 1)) as last_month"
        f" from {t} where load_id in ({ids}) group by load_id"
        for t in tables
    )
    held = {
        int(row[0]): (int(row[1]), row[2], row[3])
        for row in connection.execute(
            f"select load_id, sum(n), min(first_month), max(last_month) from ({spans}) group by load_id"
        ).fetchall()
    }
    for other, (rows_loaded, _names) in logged.items():
        count, first, last = held.get(other, (0, None, None))
        if rows_loaded == 0 or count >= rows_loaded:
            continue  # nothing of it was replaced (or it never held records): its coverage stands
        if first is None:  # every record it loaded has been replaced
            connection.execute("delete from coverage where load_id = ?", [other])
        else:  # a police file covers crime and ASB alike: its span is of both
            connection.execute(
                "delete from coverage where load_id = ? and (month < ? or month > ?)", [other, first, last]
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
