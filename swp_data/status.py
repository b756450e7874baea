"""What the store holds, per source: the period covered, months loaded and missing, rows, last load, skipped rows."""

from __future__ import annotations

import duckdb
import pandas as pd

from swp_data import derived, sql
from swp_data.disclosure import stored
from swp_data.sources import SOURCES


def source_status(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per source: title, rows, first and last month, last loaded, files, rows skipped."""
    rows = []
    for source in SOURCES.values():
        has_month = "month" in source.store_columns
        summary = sql.one(
            connection,
            f"select count(*), {'min(month), max(month)' if has_month else 'null, null'} from {source.table}",
        )
        assert summary is not None
        loads = sql.one(
            connection,
            """
            select max(started_at), count(*), coalesce(sum(rows_skipped), 0)
            from load_log where list_contains(string_split(target_table, ', '), ?)
            """,
            [source.table],
        )
        assert loads is not None
        covered = sql.one(
            connection,
            """
            select count(*), min(month), max(month) from coverage where table_name = ?
            """,
            [source.table],
        )
        assert covered is not None
        months_loaded, first_covered, last_covered = covered
        span = 0
        if first_covered is not None:
            span = (last_covered.year - first_covered.year) * 12 + last_covered.month - first_covered.month + 1
        rows.append(
            {
                "source": source.title,
                "table": source.table,
                "rows": int(summary[0]),
                "first_month": summary[1],
                "last_month": summary[2],
                "last_loaded": loads[0],
                "files_loaded": int(loads[1]),
                "rows_skipped": int(loads[2]),
                # Coverage: the months loads covered, and the gaps between the first and the last.
                "months_loaded": int(months_loaded),
                "months_missing": span - int(months_loaded),
            }
        )
    return pd.DataFrame(rows)


def skipped_reasons(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows skipped by every load, by table and reason."""
    return connection.execute(
        """
        select l.target_table as tables, s.reason, sum(s.rows) as rows
        from load_skip s join load_log l using (load_id)
        group by all
        order by tables, rows desc
        """
    ).df()


def placement_counts(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Records of each source that records how it was placed, by method ('point' or 'lsoa')."""
    frames = []
    for source in SOURCES.values():
        if "placed_by" not in source.store_columns:
            continue
        frame = connection.execute(
            f"select placed_by, count(*) as records from {source.table} group by 1 order by 1"
        ).df()
        frame.insert(0, "source", source.title)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["source", "placed_by", "records"])
    out = pd.concat(frames, ignore_index=True)
    out["placed_by"] = out["placed_by"].map(PLACED_BY_WORDS).fillna(out["placed_by"])
    return out


PLACED_BY_WORDS = {
    "point": "by its point, in the ward polygons",
    "lsoa": "by its LSOA's best-fit ward (no usable coordinates)",
}


def coverage_gaps(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each run of months missing between a source's first and last covered month (no data, not zero)."""
    return connection.execute(
        """
        with covered as (
            select table_name, month,
                   month - to_months(cast(row_number() over (partition by table_name order by month) as integer))
                       as run
            from coverage
        ),
        runs as (
            select table_name, min(month) as first_month, max(month) as last_month from covered group by table_name, run
        ),
        ordered as (
            select table_name, last_month,
                   lead(first_month) over (partition by table_name order by first_month) as next_first
            from runs
        )
        select table_name as "table",
               strftime(last_month + interval 1 month, '%Y-%m') as first_missing,
               strftime(next_first - interval 1 month, '%Y-%m') as last_missing,
               cast(datediff('month', last_month, next_first) - 1 as integer) as months
        from ordered
        where next_first is not null
        order by 1, 2
        """
    ).df()


def latest_loads(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The latest load of each table: when, which file, its months, rows read, loaded and skipped."""
    return connection.execute(
        """
        with per_table as (
            select unnest(string_split(target_table, ', ')) as "table", *
            from load_log
        )
        select "table", started_at as loaded_at, file_name, first_month, last_month,
               rows_read, rows_loaded, rows_skipped
        from per_table
        qualify row_number() over (partition by "table" order by load_id desc) = 1
        order by "table"
        """
    ).df()


def built_at_import(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The tables imports build so that no page has to (``swp_data.derived``, ``disclosure.stored``)."""
    frame = derived.status(connection)
    frame.loc[len(frame)] = stored.status(connection)
    return frame.astype({"rows": "Int64"})  # a table not built has no count, not 0
