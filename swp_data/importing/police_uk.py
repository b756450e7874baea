"""data.police.uk street CSVs and API ``crimes-street`` JSON: staging and loading.

Both formats are staged with the street CSV's own column names, then loaded by
the same SQL. Rows with coordinates are placed by their point in the May 2023 ward
polygons; rows without, through their LSOA's best-fit ward (``placed_by`` says which).
Rows with no location or an LSOA outside Wolverhampton are skipped and counted.
data.police.uk repeats a Crime ID on separate rows for one crime at several
places; each row is kept (as data.police.uk counts them) under a stable key.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from swp_data import sql, vocab
from swp_data.importing import placement
from swp_data.importing.errors import ImportFailure, from_duckdb_csv_error
from swp_data.importing.validate import Check, literal, raise_first_problem, text_of
from swp_data.importing.write import LoadOutcome, record_coverage, replace_rows
from swp_data.sources import SOURCES

STREET_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
OUTCOMES_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
)
STOP_SEARCH_MARKERS: tuple[str, ...] = ("Type", "Date", "Part of a policing operation", "Object of search")
STAGED = "puk_staged"


def stage_street_csv(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Stage a street CSV exactly as published, with line numbers."""
    columns = "{" + ", ".join(f"'{c}': 'varchar'" for c in STREET_COLUMNS) + "}"
    try:
        connection.execute(
            f"""
            create or replace temp table puk_raw as
            select * from read_csv(?, header = true, auto_detect = false, columns = {columns},
                                   delim = ',', quote = '"', escape = '"', strict_mode = true)
            """,
            [str(path)],
        )
    except duckdb.InvalidInputException as error:
        raise from_duckdb_csv_error(path, error, STREET_COLUMNS) from error
    # The table keeps the file's order, so rowids count the rows after the header. Inside the
    # import's transaction they start at a large offset, not 0, so number them from the first.
    connection.execute(
        f"create or replace temp view {STAGED} as select rowid - (select min(rowid) from puk_raw) + 2 as line, *,"
        " null::varchar as api_key from puk_raw"
    )


def stage_api_json(connection: duckdb.DuckDBPyConnection, path: Path, locator_factory: object) -> None:
    """Stage an API response, finding each record's LSOA by its coordinates (its ward is found in loading)."""
    try:
        records = json.loads(path.read_bytes())
    except UnicodeDecodeError as error:
        raise ImportFailure(path, "is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise ImportFailure(path, f"is not valid JSON ({error.msg})", line=error.lineno) from error
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportFailure(path, "is not a data.police.uk API crimes-street response (expected a list of records)")
    rows = []
    for number, record in enumerate(records, start=1):
        for required in ("category", "month", "location", "id"):
            if required not in record:
                raise ImportFailure(path, "is missing from this record", line=number, field=required)
        slug = record["category"]
        location = record.get("location") or {}
        outcome = record.get("outcome_status") or {}
        rows.append(
            {
                "line": number,
                "Crime ID": record.get("persistent_id") or "",
                "Month": record["month"],
                "Longitude": location.get("longitude"),
                "Latitude": location.get("latitude"),
                "Location": (location.get("street") or {}).get("name"),
                "Crime type": vocab.POLICE_API_CATEGORIES.get(slug, slug),
                "Last outcome category": outcome.get("category") or "",
                "api_key": f"api-{record['id']}",
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "line",
            "Crime ID",
            "Month",
            "Longitude",
            "Latitude",
            "Location",
            "Crime type",
            "Last outcome category",
            "api_key",
        ],
    )
    frame["Longitude"] = pd.to_numeric(frame["Longitude"], errors="coerce")
    frame["Latitude"] = pd.to_numeric(frame["Latitude"], errors="coerce")
    has_point = frame["Longitude"].notna() & frame["Latitude"].notna()
    lsoa = pd.Series([None] * len(frame), dtype=object)
    if has_point.any():
        locator = locator_factory()  # type: ignore[operator]
        lsoa[has_point.to_numpy()] = locator.locate(
            frame.loc[has_point, "Longitude"].to_numpy(), frame.loc[has_point, "Latitude"].to_numpy()
        )
    # Outside the city: an LSOA-like marker so the loader counts it as outside, not unknown.
    frame["LSOA code"] = [
        code if code else ("outside" if point else "") for code, point in zip(lsoa, has_point, strict=True)
    ]
    frame["LSOA name"] = ""
    for column in ("Longitude", "Latitude"):
        frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else repr(float(v)))
    frame = frame.astype({c: "string" for c in frame.columns if c != "line"})
    connection.register("api_rows", frame)
    connection.execute(
        f"""
        create or replace temp table {STAGED} as
        select line, "Crime ID", "Month", null::varchar as "Reported by", null::varchar as "Falls within",
               "Longitude", "Latitude", "Location", "LSOA code", "LSOA name", "Crime type",
               "Last outcome category", null::varchar as "Context", api_key
        from api_rows
        """
    )
    connection.unregister("api_rows")


def _checks() -> list[Check]:
    types = ", ".join(literal(t) for t in vocab.POLICE_CRIME_TYPES)
    lsoa = text_of("LSOA code")
    return [
        Check("Month", f"{text_of('Month')} is null", "is missing: every row needs its month"),
        Check(
            "Month",
            f"try_strptime({text_of('Month')}, '%Y-%m') is null and {text_of('Month')} is not null",
            "is not a month (YYYY-MM)",
        ),
        Check(
            "Crime type",
            f"{text_of('Crime type')} is null or {text_of('Crime type')} not in ({types})",
            "is not a data.police.uk crime type",
        ),
        Check(
            "Longitude",
            f"{text_of('Longitude')} is not null and try_cast({text_of('Longitude')} as double) is null",
            "is not a number",
        ),
        Check(
            "Latitude",
            f"{text_of('Latitude')} is not null and try_cast({text_of('Latitude')} as double) is null",
            "is not a number",
        ),
        Check(
            "LSOA code",
            f"{lsoa} is not null and _lsoa_ward is null and {lsoa} <> 'outside'"
            f" and (not regexp_full_match(upper({lsoa}), '[EW]01\\d{{6}}')"
            f"      or coalesce({text_of('LSOA name')}, '') like 'Wolverhampton %')",
            "is not a known LSOA: not a valid code, or named as Wolverhampton but not in the lookup",
        ),
    ]


def _subgroup_case() -> str:
    cases = " ".join(
        f"when {literal(ctype)} then {literal(sub)}"
        for ctype in vocab.POLICE_CRIME_TYPES
        if (sub := vocab.subgroup_for_crime_type(ctype))
    )
    return f'(case "Crime type" {cases} end)'


def _group_case() -> str:
    cases = " ".join(
        f"when {literal(ctype)} then {literal(group)}"
        for ctype in vocab.POLICE_CRIME_TYPES
        if (group := vocab.group_for_crime_type(ctype))
    )
    return f'(case "Crime type" {cases} end)'


def load_staged(
    connection: duckdb.DuckDBPyConnection, path: Path, file_format: str, load_id: int
) -> tuple[int, list[LoadOutcome]]:
    """Validate and write a staged police file into ``crime`` and ``asb_incident``."""
    rows_read = int(sql.scalar(connection, f"select count(*) from {STAGED}"))
    if rows_read == 0:
        raise ImportFailure(path, "has a header but no data rows: nothing to load")
    lsoa = text_of("LSOA code")
    fingerprint = 'md5(concat_ws(\'|\', "Month", "Longitude", "Latitude", "Location", "LSOA code", "Crime type"))'
    # A row with coordinates is placed by its point in the ward polygons. Its LSOA (the force's
    # own placement at full resolution) still decides whether it is in Wolverhampton at all, so a
    # point just over the city edge in a neighbouring LSOA is not pulled in by the edge tolerance.
    placement.locate_points(
        connection,
        STAGED,
        "Longitude",
        "Latitude",
        only=f"{lsoa} is null or upper({lsoa}) in (select lsoa_code from lsoa)",
    )
    has_point = " and ".join(f"try_cast({text_of(c)} as double) is not null" for c in ("Longitude", "Latitude"))
    connection.execute(
        f"""
        create or replace temp table puk_placed as
        select s.*, ls.ward_code as _lsoa_ward,
               coalesce(pw._point_ward, ls.ward_code) as _placed_ward,
               {placement.placed_by_sql("pw._point_ward", "ls.ward_code")} as _placed_by,
               case when {lsoa} is null and pw._point_ward is not null then null
                    when {lsoa} is null and {has_point} then 'outside Wolverhampton'
                    when {lsoa} is null then 'no location (no LSOA)'
                    when ls.ward_code is null then 'outside Wolverhampton' end as _skip,
               "Crime type" = {literal(vocab.ASB_CRIME_TYPE)} as _is_asb,
               case when {text_of("Crime ID")} is not null then {text_of("Crime ID")}
                    when api_key is not null then api_key
                    else 'puk-' || {fingerprint} end as _base_key
        from {STAGED} s left join lsoa ls on ls.lsoa_code = upper({lsoa})
        left join {placement.POINT_WARDS} pw using (line)
        """
    )
    raise_first_problem(connection, "puk_placed", _checks(), path)
    skipped = dict(
        connection.execute("select _skip, count(*) from puk_placed where _skip is not null group by _skip").fetchall()
    )
    # Number the copies of a repeated key (data.police.uk repeats a Crime ID across
    # rows; identical ASB rows share a fingerprint). Only repeated keys need it.
    connection.execute(
        """
        create or replace temp table puk_copies as
        with repeated as (
            select _is_asb, _base_key from puk_placed where _skip is null
            group by all having count(*) > 1
        )
        select line, row_number() over (partition by _is_asb, _base_key order by line) as _copy
        from puk_placed semi join repeated using (_is_asb, _base_key)
        where _skip is null
        """
    )
    connection.execute(
        """
        create or replace temp view puk_keyed as
        select p.*, coalesce(c._copy, 1) as _copy
        from puk_placed p left join puk_copies c using (line)
        where p._skip is null
        """
    )
    common = f"""
        nullif(trim("Longitude"), '')::double as longitude,
        nullif(trim("Latitude"), '')::double as latitude,
        nullif(trim("Location"), '') as location,
        upper(trim("LSOA code")) as lsoa_code,
        _placed_ward as ward_code,
        _placed_by as placed_by,
        strptime(trim("Month"), '%Y-%m')::date as month,
        {literal(file_format)} as source_format,
        {int(load_id)} as load_id
    """
    connection.execute(
        f"""
        create or replace temp table puk_crime as
        select _base_key || case when _copy > 1 then '#' || _copy else '' end as crime_id,
               null::date as recorded_date,
               {_subgroup_case()} as offence_subgroup,
               {_group_case()} as offence_group,
               "Crime type" as police_crime_type,
               nullif(trim("Last outcome category"), '') as last_outcome,
               {common}
        from puk_keyed where not _is_asb
        """
    )
    connection.execute(
        f"""
        create or replace temp table puk_asb as
        select case when _base_key like 'puk-%' then 'puk-asb-' || substr(_base_key, 5) || '-' || _copy
                    else _base_key || case when _copy > 1 then '#' || _copy else '' end end as incident_id,
               null::date as incident_date,
               'police' as reporting_agency,
               {common}
        from puk_keyed where _is_asb
        """
    )
    _fill_missing_columns(connection, "puk_crime", "crime")
    _fill_missing_columns(connection, "puk_asb", "asb_incident")
    crimes = replace_rows(connection, SOURCES["crime"], "puk_crime")
    asb = replace_rows(connection, SOURCES["asb_incident"], "puk_asb")
    # A data.police.uk file covers its months for crime and ASB alike, whichever rows it holds.
    file_months = "(select month from puk_crime union all select month from puk_asb)"
    for table in ("crime", "asb_incident"):
        record_coverage(connection, SOURCES[table], file_months, load_id)
    crimes.skipped = {str(k): int(v) for k, v in skipped.items()}
    for view in ("puk_keyed", STAGED):
        kind = sql.scalar(connection, "select table_type from information_schema.tables where table_name = ?", [view])
        connection.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists {view}")
    for table in ("puk_raw", "puk_placed", "puk_copies", "puk_crime", "puk_asb", placement.POINT_WARDS):
        connection.execute(f"drop table if exists {table}")
    return rows_read, [crimes, asb]


def _fill_missing_columns(connection: duckdb.DuckDBPyConnection, temp_table: str, table: str) -> None:
    """Add the store columns data.police.uk does not carry, as NULL (unknown, not zero)."""
    have = {row[0] for row in connection.execute(f"describe {temp_table}").fetchall()}
    for name, sql_type in SOURCES[table].store_columns.items():
        if name not in have:
            connection.execute(f"alter table {temp_table} add column {name} {sql_type}")
