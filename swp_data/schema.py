"""The store's schema, defined in one place: reference tables, source tables, load log.

Source tables are generated from the source declarations in ``swp_data.sources``.
Bump ``SCHEMA_VERSION`` whenever a table changes shape.
"""

from __future__ import annotations

from swp_data.sources import SOURCES

SCHEMA_VERSION = 3  # 2: the coverage table; 3: crime and ASB record how they were placed (placed_by)

REFERENCE_DDL = """
create table meta (key varchar primary key, value varchar not null);

create table ward (
    ward_code varchar primary key,   -- current (May 2023) ward, E05014838-E05014857
    ward_name varchar not null,
    population bigint not null       -- Census 2021 usual residents of the ward polygon (LSOAs by area)
);

create table ward_2004 (
    ward_code varchar primary key,   -- 2004-2023 ward, kept for reference only
    ward_name varchar not null
);

create table lsoa (
    lsoa_code varchar primary key,   -- 2011 and 2021 codes together
    lsoa_name varchar not null,
    vintage varchar not null,        -- '2011', '2021' or '2011 and 2021'
    ward_code varchar not null,      -- current ward an LSOA-placed record goes to (best fit)
    ward19_code varchar not null,    -- 2004-2023 ward (official ONS 2019 lookup)
    population bigint,               -- Census 2021 (2021 codes only)
    imd_score double                 -- IMD 2019 score (of the 2011 parent)
);

create table ward_alias (
    alias varchar primary key,       -- normalised code or name
    ward_code varchar not null
);

create table load_log (
    load_id bigint primary key,
    file_name varchar not null,
    file_path varchar not null,
    content_hash varchar not null,
    file_format varchar not null,
    target_table varchar not null,
    status varchar not null,         -- 'loaded' (a load that fails leaves no row: it is rolled back)
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_skipped bigint not null,
    first_month date,
    last_month date,
    started_at timestamp not null,
    seconds double not null
);

-- The months each source has been loaded for: a month a load spans is covered, so a ward with no
-- records in it has a real zero; a month no load spans has no data (never zero).
create table coverage (
    table_name varchar not null,
    month date not null,
    load_id bigint not null,         -- the latest load that covered it
    primary key (table_name, month)
);

create table load_skip (
    load_id bigint not null,
    reason varchar not null,
    rows bigint not null
);
"""


def source_ddl() -> str:
    """``create table`` statements for every source."""
    statements = []
    for source in SOURCES.values():
        columns = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in source.store_columns.items())
        statements.append(f"create table {source.table} (\n    {columns}\n);")
    return "\n\n".join(statements)


def full_ddl() -> str:
    """The whole schema."""
    return REFERENCE_DDL + "\n" + source_ddl()
