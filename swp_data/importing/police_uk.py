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
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from swp_data import sql, vocab
from swp_data.importing import placement
from swp_data.importing.errors import ImportFailure, from_duckdb_csv_error
from swp_data.importing.validate import (
    UK_LATITUDE,
    UK_LONGITUDE,
    Check,
    control_check,
    date_checks,
    literal,
    point_checks,
    raise_first_problem,
    text_of,
)
from swp_data.importing.write import KeyConflict, LoadOutcome, prune_coverage, record_coverage, replace_rows
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


def file_month(path: Path) -> date | None:
    """The month a data.police.uk file is of: by its name (``2024-01-...-street.csv``) or folder (``2024-01``)."""
    for text, pattern in ((path.name, _NAME_MONTH), (path.parent.name, _FOLDER_MONTH)):
        match = pattern.match(text)
        if match and 1 <= int(match[2]) <= 12:
            return date(int(match[1]), int(match[2]), 1)
    return None


_NAME_MONTH = re.compile(r"(\d{4})-(\d{2})(?!\d)")
_FOLDER_MONTH = re.compile(r"(\d{4})-(\d{2})$")

# Where each staged column comes from in an API record, to name it in a message.
API_FIELDS = {
    "Crime ID": "persistent_id",
    "Month": "month",
    "Longitude": "location.longitude",
    "Latitude": "location.latitude",
    "Location": "location.street.name",
    "Crime type": "category",
    "Last outcome category": "outcome_status.category",
    "api_key": "id",
}


def _as_text(value: object) -> str | None:
    """A JSON value as the text a CSV would hold: numbers as written, objects and lists as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)[:200]


def _read_api_records(path: Path) -> list[dict[str, object]]:
    """The records of an API response, or a clear error for anything that is not a list of them."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line_end = raw.find(b"\n", error.start)
        line_bytes = raw[line_start : line_end if line_end >= 0 else len(raw)]
        shown = line_bytes.decode("cp1252", errors="replace").strip()[:120]
        raise ImportFailure(
            path,
            f"is not UTF-8 text (byte 0x{raw[error.start]:02X} at byte {error.start:,}); data.police.uk JSON is "
            "UTF-8: download it again, or convert it to UTF-8",
            line=raw.count(b"\n", 0, error.start) + 1,
            value=shown,
        ) from error
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailure(path, f"is not valid JSON ({error.msg})", line=error.lineno) from error
    except RecursionError as error:
        raise ImportFailure(
            path, "is nested too deeply to be a data.police.uk API response (a list of crime records)"
        ) from error
    if not isinstance(records, list):
        raise ImportFailure(path, "is not a data.police.uk API crimes-street response (expected a list of records)")
    if not records:
        raise ImportFailure(path, "holds an empty list: no records (data.police.uk found no crimes for that query)")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ImportFailure(
                path,
                "is not a crime record (a JSON object): this is not a data.police.uk API crimes-street response",
                line=number,
                unit="record",
                value=_as_text(record),
            )
    return records


def _object(path: Path, record: dict[str, object], name: str, number: int) -> dict[str, object]:
    """A nested object of a record (``location``, ``outcome_status``): {} when null."""
    value = record.get(name)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise ImportFailure(path, "is not a JSON object", line=number, unit="record", field=name, value=_as_text(value))
    return value


def stage_api_json(connection: duckdb.DuckDBPyConnection, path: Path, locator_factory: object) -> None:
    """Stage an API response, finding each record's LSOA by its coordinates (its ward is found in loading)."""
    records = _read_api_records(path)
    rows = []
    for number, record in enumerate(records, start=1):
        for required in ("category", "month", "location", "id"):
            if required not in record:
                raise ImportFailure(path, "is missing from this record", line=number, unit="record", field=required)
        if not _as_text(record["id"]):
            raise ImportFailure(path, "is blank: every record has its id", line=number, unit="record", field="id")
        slug = _as_text(record["category"]) or ""
        location = _object(path, record, "location", number)
        street = _object(path, location, "street", number) if location else {}
        outcome = _object(path, record, "outcome_status", number)
        rows.append(
            {
                "line": number,
                "Crime ID": _as_text(record.get("persistent_id")) or "",
                "Month": _as_text(record["month"]),
                "Longitude": _as_text(location.get("longitude")),
                "Latitude": _as_text(location.get("latitude")),
                "Location": _as_text(street.get("name")),
                "Crime type": vocab.POLICE_API_CATEGORIES.get(slug, slug),
                "Last outcome category": _as_text(outcome.get("category")) or "",
                "api_key": f"api-{_as_text(record['id'])}",
            }
        )
    frame = pd.DataFrame(rows, columns=list(rows[0]))
    longitude = pd.to_numeric(frame["Longitude"], errors="coerce")
    latitude = pd.to_numeric(frame["Latitude"], errors="coerce")
    # Only points that will pass the checks are placed: the rest are refused once staged, naming their
    # record (text, NaN and infinities are between no bounds). Null or empty is "no location".
    has_point = (longitude.between(*UK_LONGITUDE) & latitude.between(*UK_LATITUDE)).to_numpy()
    lsoa = pd.Series([None] * len(frame), dtype=object)
    if has_point.any():
        locator = locator_factory()  # type: ignore[operator]
        lsoa[has_point] = locator.locate(longitude[has_point].to_numpy(), latitude[has_point].to_numpy())
    # Outside the city: an LSOA-like marker so the loader counts it as outside, not unknown.
    frame["LSOA code"] = [
        code if code else ("outside" if point else "") for code, point in zip(lsoa, has_point, strict=True)
    ]
    frame["LSOA name"] = ""
    # Placed points are stored as read; anything else keeps the API's own text, for the checks to show.
    for column, numbers in (("Longitude", longitude), ("Latitude", latitude)):
        frame[column] = [
            repr(float(n)) if point else (text or "")
            for n, text, point in zip(numbers, frame[column], has_point, strict=True)
        ]
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


_CSV_TEXT = ("Crime ID", "Reported by", "Falls within", "Location", "LSOA name", "Last outcome category", "Context")
_API_TEXT = ("Crime ID", "Location", "Last outcome category", "api_key")


def _checks(file_format: str, latest: date | None, text_checks: bool) -> list[Check]:
    types = ", ".join(literal(t) for t in vocab.POLICE_CRIME_TYPES)
    lsoa = text_of("LSOA code")
    month = f"try_strptime({text_of('Month')}, '%Y-%m')::date"
    checks = [
        Check("Month", f"{text_of('Month')} is null", "is missing: every row needs its month"),
        Check("Month", f"{month} is null and {text_of('Month')} is not null", "is not a month (YYYY-MM)"),
        *date_checks("Month", month, latest=latest),
        Check(
            "Crime type",
            f"{text_of('Crime type')} is null or {text_of('Crime type')} not in ({types})",
            "is not a data.police.uk crime type",
        ),
        *point_checks("Longitude", "Latitude"),
        Check(
            "LSOA code",
            f"{lsoa} is not null and _lsoa_ward is null and {lsoa} <> 'outside'"
            f" and (not regexp_full_match(upper({lsoa}), '[EW]01\\d{{6}}')"
            f"      or coalesce({text_of('LSOA name')}, '') like 'Wolverhampton %')",
            "is not a known LSOA: not a valid code, or named as Wolverhampton but not in the lookup",
        ),
    ]
    if text_checks:
        checks += [control_check(c) for c in (_API_TEXT if file_format == "police.uk api" else _CSV_TEXT)]
    if file_format == "police.uk api":
        checks = [replace(c, label=API_FIELDS.get(c.field, c.field)) for c in checks]
    return checks


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
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    file_format: str,
    load_id: int,
    *,
    first_load_id: int | None = None,
    text_checks: bool = True,
) -> tuple[int, list[LoadOutcome]]:
    """Validate and write a staged police file into ``crime`` and ``asb_incident``.

    ``first_load_id`` is the first load of this import (a key an earlier file of it wrote may
    not be written again differently); ``text_checks`` False skips the search for control
    characters when a scan of the file's bytes has found none.
    """
    rows_read = prepare(connection, path, file_format, load_id, text_checks=text_checks)
    if first_load_id is not None:
        _refuse_a_record_in_both_tables(connection, first_load_id)
    crimes = replace_rows(connection, SOURCES["crime"], "puk_crime", first_load_id=first_load_id)
    asb = replace_rows(connection, SOURCES["asb_incident"], "puk_asb", first_load_id=first_load_id)
    # A data.police.uk file covers its months for crime and ASB alike, whichever rows it holds.
    file_months = "(select month from puk_crime union all select month from puk_asb)"
    for table in ("crime", "asb_incident"):
        record_coverage(connection, SOURCES[table], file_months, load_id)
    prune_coverage(connection, crimes.replaced_loads | asb.replaced_loads)
    crimes.skipped = {str(k): int(v) for k, v in connection.execute("select * from puk_skips").fetchall()}
    drop_prepared(connection)
    return rows_read, [crimes, asb]


def _refuse_a_record_in_both_tables(connection: duckdb.DuckDBPyConnection, first_load_id: int) -> None:
    """A record an earlier file of this import gave as ASB may not come back as a crime, nor the other way.

    data.police.uk keys crimes and ASB alike (a Crime ID, an API id): under one key, a row in each
    table would be two versions of one record, both counted.
    """
    clash = sql.one(
        connection,
        f"""
        select n.line, o.load_id, n.crime_id, 'crime', n.police_crime_type, o.incident_id
        from puk_crime n join asb_incident o on o.incident_id = n.crime_id where o.load_id >= {int(first_load_id)}
        union all
        select n.line, o.load_id, n.incident_id, 'asb_incident', {literal(vocab.ASB_CRIME_TYPE)}, o.police_crime_type
        from puk_asb n join crime o on o.crime_id = n.incident_id where o.load_id >= {int(first_load_id)}
        order by 1
        limit 1
        """,
    )
    if clash is None:
        return
    line, other, key, table, here, there = clash
    there = vocab.ASB_CRIME_TYPE if table == "crime" else there
    other_table = "asb_incident" if table == "crime" else "crime"
    raise KeyConflict(table, (key,), int(line), int(other), ("Crime type", here, there), other_table)


def drop_prepared(connection: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables ``prepare`` made."""
    for view in ("puk_keyed", STAGED):
        kind = sql.scalar(connection, "select table_type from information_schema.tables where table_name = ?", [view])
        if kind:
            connection.execute(f"drop {'view' if kind == 'VIEW' else 'table'} if exists {view}")
    for table in ("puk_raw", "puk_placed", "puk_copies", "puk_crime", "puk_asb", "puk_skips", placement.POINT_WARDS):
        connection.execute(f"drop table if exists {table}")


def prepare(
    connection: duckdb.DuckDBPyConnection, path: Path, file_format: str, load_id: int, *, text_checks: bool = True
) -> int:
    """Validate and type a staged police file: ``puk_crime`` and ``puk_asb`` (with each row's line), ``puk_skips``.

    Returns the rows read. Nothing is written to the store.
    """
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
    api = file_format == "police.uk api"
    raise_first_problem(
        connection,
        "puk_placed",
        _checks(file_format, file_month(path), text_checks),
        path,
        unit="record" if api else "line",
        record_id="substr(api_key, 5)" if api else None,
    )
    connection.execute(
        "create or replace temp table puk_skips as"
        " select _skip, count(*) from puk_placed where _skip is not null group by _skip"
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
        select line, _base_key || case when _copy > 1 then '#' || _copy else '' end as crime_id,
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
        select line, case when _base_key like 'puk-%' then 'puk-asb-' || substr(_base_key, 5) || '-' || _copy
                    else _base_key || case when _copy > 1 then '#' || _copy else '' end end as incident_id,
               null::date as incident_date,
               'police' as reporting_agency,
               {common}
        from puk_keyed where _is_asb
        """
    )
    _fill_missing_columns(connection, "puk_crime", "crime")
    _fill_missing_columns(connection, "puk_asb", "asb_incident")
    return rows_read


def _fill_missing_columns(connection: duckdb.DuckDBPyConnection, temp_table: str, table: str) -> None:
    """Add the store columns data.police.uk does not carry, as NULL (unknown, not zero)."""
    have = {row[0] for row in connection.execute(f"describe {temp_table}").fetchall()}
    for name, sql_type in SOURCES[table].store_columns.items():
        if name not in have:
            connection.execute(f"alter table {temp_table} add column {name} {sql_type}")
