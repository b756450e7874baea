"""Placing staged rows on current wards: by their coordinates, through an LSOA, or by a ward name/code."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from swp_data import geography
from swp_data.importing.validate import Check, quote, text_of

OLD_WARD_PATTERN = "^E050013(2[1-9]|3[0-9]|40)$"


def normalised_ward_sql(identifier: str) -> str:
    """SQL twin of ``geography.normalise_ward_text`` (kept in step by a test)."""
    raw = f"lower(trim({quote(identifier)}))"
    stripped = f"replace(replace(replace(replace({raw}, '&', 'and'), '''', ''), '\u2019', ''), '.', '')"
    # Python's \s on text: ASCII whitespace, \x0b, \x1c-\x1f, \x85 and the Unicode separators
    # (no-break space and the like, pasted from web pages); RE2's \s is ASCII only.
    return f"trim(regexp_replace({stripped}, '[\\s\\x0b\\x1c-\\x1f\\x{{85}}\\p{{Z}}]+', ' ', 'g'))"


def ward_join(identifier: str, alias: str = "wa") -> str:
    """A left join resolving a staged ward name or code to ``{alias}.ward_code``."""
    return f"left join ward_alias {alias} on {alias}.alias = {normalised_ward_sql(identifier)}"


def ward_checks(identifier: str, *, city_allowed: bool, resolved: str = "_placed_ward") -> list[Check]:
    """A given ward must be a current Wolverhampton ward (or 'city' where allowed)."""
    raw = text_of(identifier)
    city = f" and lower({raw}) <> 'city'" if city_allowed else ""
    return [
        Check(
            identifier,
            f"regexp_matches(upper({raw}), '{OLD_WARD_PATTERN}')",
            "is a 2004-2023 ward code: records must give their current (May 2023) ward",
        ),
        Check(
            identifier,
            f"{raw} is not null and {resolved} is null{city}",
            "is not a current Wolverhampton ward (give a code E05014838-E05014857 or a ward name)",
        ),
    ]


def lsoa_join(identifier: str, alias: str = "ls", staged: str = "s") -> str:
    """A left join resolving a staged LSOA code (of the table aliased ``staged``) to ``{alias}.ward_code``."""
    # Qualified: the lsoa table has a column of the same name (lsoa_code).
    return f"left join lsoa {alias} on {alias}.lsoa_code = upper(nullif(trim({staged}.{quote(identifier)}), ''))"


POINT_WARDS = "point_wards"
"""Temp table ``(line, _point_ward)``: the May 2023 ward holding each staged row's coordinates."""


def locate_points(
    connection: duckdb.DuckDBPyConnection,
    staged: str,
    longitude: str,
    latitude: str,
    *,
    only: str = "true",
) -> None:
    """Place the staged rows that carry coordinates in the May 2023 ward polygons.

    Writes ``POINT_WARDS`` with one row per staged line that has both coordinates as
    finite numbers on the globe (the checks refuse others, after placing) and meets the
    SQL condition ``only``, and lies in, or within the tolerance of, a ward polygon. Rows
    left out are placed by LSOA or skipped by the caller. Most points are answered in the
    database by a join on the locator's grid cell; only those in cells a ward boundary
    crosses are fetched and tested exactly.
    """
    locator = geography.ward_locator()
    connection.register("ward_cells", pd.DataFrame(locator.cells()))
    cell_row, cell_column = locator.cell_sql("p.x", "p.y")
    connection.execute(
        f"""
        create or replace temp table point_cells as
        with points as (
            select line, try_cast({text_of(longitude)} as double) as x, try_cast({text_of(latitude)} as double) as y
            from {staged} s
            where ({only})
        )
        select p.line, p.x, p.y, c.code
        from (select * from points where x between -180 and 180 and y between -90 and 90) p
        join ward_cells c on c.cell_row = {cell_row} and c.cell_column = {cell_column}
        """
    )
    connection.unregister("ward_cells")
    boundary = connection.execute("select line, x, y from point_cells where code is null").fetchnumpy()
    wards = locator.locate(boundary["x"], boundary["y"]) if len(boundary["line"]) else np.array([], dtype=object)
    placed = np.array([ward is not None for ward in wards], dtype=bool)
    frame = pd.DataFrame({"line": boundary["line"][placed], "_point_ward": wards[placed].astype(str)})
    connection.register("located_points", frame)
    connection.execute(
        f"""
        create or replace temp table {POINT_WARDS} as
        select line, code as _point_ward from point_cells where code is not null
        union all
        select line, _point_ward from located_points
        """
    )
    connection.unregister("located_points")
    connection.execute("drop table point_cells")


def placed_by_sql(point_ward: str, lsoa_ward: str) -> str:
    """'point' where the coordinates placed the row, 'lsoa' where only its LSOA did (NULL if neither)."""
    return f"case when {point_ward} is not null then 'point' when {lsoa_ward} is not null then 'lsoa' end"
