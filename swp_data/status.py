"""What the store holds, per source: the period covered, months loaded and missing, rows, last load, skipped rows."""

from __future__ import annotations

import duckdb
import pandas as pd

from swp_data import sql
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
