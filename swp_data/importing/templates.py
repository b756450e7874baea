"""The project's own CSV and XLSX templates for every source: staging and loading."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pandas as pd

from swp_data import sql
from swp_data.importing import placement, rules
from swp_data.importing.errors import ImportFailure, from_duckdb_csv_error
from swp_data.importing.validate import Check, clean_expr, column_checks, quote, raise_first_problem, text_of
from swp_data.importing.write import (
    LoadOutcome,
    prune_coverage,
    raise_on_duplicate_keys,
    record_coverage,
    replace_rows,
)
from swp_data.sources import SOURCES, Source

STAGED = "staged"
README_SHEET = "README"


def match_template(path: Path, header: list[str]) -> Source:
    """The source whose template this header belongs to, or a clear error."""
    names = [h.strip().lower() for h in header]
    best: tuple[int, Source] | None = None
    for source in SOURCES.values():
        columns = {c.name for c in source.columns}
        unknown = [n for n in names if n not in columns]
        missing = [n for n in source.required_columns if n not in names]
        if not unknown and not missing:
            return source
        overlap = len(set(names) & columns)
        if best is None or overlap > best[0]:
            best = (overlap, source)
    if best and best[0] >= max(2, len(best[1].required_columns) // 2):
        check_header(path, best[1], header)
    raise ImportFailure(
        path,
        "matches no known format: expected a data.police.uk street file, a data.police.uk API "
        "response, or one of the templates written by `python3 -m swp_data templates DIR`",
        line=1,
        value=",".join(header)[:200],
    )


def refuse_repeated_columns(path: Path, header: list[str], *, letters: bool = False) -> None:
    """Each column name may appear once in a header (compared as the import reads them: trimmed, any case)."""
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        key = name.strip().lower()
        if not key:
            continue
        if key in seen:
            first, second = (column_letter(seen[key]), column_letter(position)) if letters else (seen[key], position)
            raise ImportFailure(
                path,
                f"appears twice in the header (columns {first} and {second}): each column must appear once",
                line=1,
                field=name.strip(),
            )
        seen[key] = position


def column_letter(position: int) -> str:
    """A spreadsheet column's letters: 1 is A, 27 is AA."""
    letters = ""
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def check_header(path: Path, source: Source, header: list[str]) -> None:
    """Raise a clear error unless the header has every required column of the template and no other."""
    names = [h.strip().lower() for h in header]
    columns = [c.name for c in source.columns]
    missing = [n for n in source.required_columns if n not in names]
    if missing:
        raise ImportFailure(
            path,
            f"is missing from the header: the {source.title} template needs {', '.join(missing)}",
            line=1,
            field=missing[0],
        )
    unknown = [h for h, n in zip(header, names, strict=True) if n not in columns]
    if unknown:
        raise ImportFailure(
            path,
            f"is not a column of the {source.title} template (its columns: {', '.join(columns)})",
            line=1,
            field=unknown[0],
        )


def _staged_select(source: Source, present: list[str]) -> str:
    """Every template column (absent optional ones as NULL), plus the line number."""
    parts = [
        f"{quote(name)}" if name in present else f"null::varchar as {quote(name)}"
        for name in (c.name for c in source.columns)
    ]
    return ", ".join(parts)


def stage_csv(connection: duckdb.DuckDBPyConnection, path: Path, source: Source, header: list[str]) -> None:
    """Stage a template CSV as text columns with line numbers."""
    names = [h.strip().lower() for h in header]
    columns = "{" + ", ".join(f"'{n}': 'varchar'" for n in names) + "}"  # names already matched to our own
    try:
        connection.execute(
            f"""
            create or replace temp table raw_csv as
            select * from read_csv(?, header = true, auto_detect = false, columns = {columns},
                                   delim = ',', quote = '"', escape = '"', strict_mode = true)
            """,
            [str(path)],
        )
    except duckdb.InvalidInputException as error:
        raise from_duckdb_csv_error(path, error, names) from error
    # The table keeps the file's order, so rowids count the rows after the header. Inside the
    # import's transaction they start at a large offset, not 0, so number them from the first.
    connection.execute(
        f"create or replace temp table {STAGED} as select rowid - (select min(rowid) from raw_csv) + 2 as line, "
        f"{_staged_select(source, names)} from raw_csv"
    )
    connection.execute("drop table raw_csv")


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> tuple[Source, list[str], pd.DataFrame]:
    """The template sheet of a workbook: its source, header and rows (as text, with Excel row numbers)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for damaged files
        raise ImportFailure(path, f"could not be opened as an Excel workbook ({error})") from error
    try:
        sheets = {name.lower(): name for name in workbook.sheetnames}
        matches = [SOURCES[name] for name in sheets if name in SOURCES]
        if not matches:
            expected = README_SHEET in workbook.sheetnames and _readme_source(workbook[README_SHEET])
            if expected:
                raise ImportFailure(
                    path,
                    f"has no sheet named '{expected}': the template's data sheet is missing "
                    f"(sheets found: {', '.join(workbook.sheetnames)})",
                )
            raise ImportFailure(
                path,
                "has no sheet named after a source (expected one of: " + ", ".join(SOURCES) + ")",
            )
        if len(matches) > 1:
            raise ImportFailure(path, "has more than one source sheet: put one source in each workbook")
        source = matches[0]
        rows = workbook[sheets[source.table]].iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ImportFailure(path, f"sheet '{source.table}' is empty (no header row)")
        # Blank header cells keep their place, so every heading stays over its own column.
        header = ["" if h is None else str(h).strip() for h in header_row]
        while header and not header[-1]:
            header.pop()
        refuse_repeated_columns(path, header, letters=True)
        check_header(path, source, header)
        sheet_path = workbook[sheets[source.table]]._worksheet_path  # type: ignore[union-attr]
        records = []
        last_filled = 0
        for offset, row in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in row[: len(header)]]
            records.append([offset, *cells, *([None] * (len(header) - len(cells)))])
            if any(c not in (None, "") for c in cells):
                last_filled = len(records)
        # Formatted but empty rows after the table are not rows of it; blank rows within it
        # are kept so the loader skips and counts them.
        del records[last_filled:]
    finally:
        workbook.close()
    refuse_unsaved_cells(path, sheet_path, sheets[source.table], header, last_filled + 1)
    frame = pd.DataFrame(records, columns=["line", *[h.lower() for h in header]], dtype=object)
    frame["line"] = frame["line"].astype("int64")
    return source, header, frame


_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def _cell_position(reference: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as ``B7``."""
    match = _CELL_REF.fullmatch(reference.replace("$", ""))
    if match is None:
        return 0, 0
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - 64
    return int(match[2]), column


def refuse_unsaved_cells(path: Path, sheet_path: str, sheet: str, header: list[str], last_row: int) -> None:
    """Refuse what reading a workbook's saved values would silently get wrong in the data area.

    A formula with no saved value (a workbook written by a program and never opened in Excel)
    reads as blank; an Excel error (#DIV/0!) reads as text; a merged range holds its value
    in its first cell only, so the rows below it would read as blank. The data area is the
    header's columns, from row 2 (merged ranges: to the last row with a value).
    """
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(sheet_path)
    width = len(header)

    def where(reference: str) -> tuple[int, str]:
        row, column = _cell_position(reference)
        return row, header[column - 1] if 1 <= column <= width else ""

    for match in _MERGE.finditer(xml):
        reference = match[1].decode()
        first, _, last = reference.partition(":")
        (top, left), (bottom, _right) = _cell_position(first), _cell_position(last or first)
        if bottom >= 2 and top <= last_row and left <= width:
            row, field = where(first)
            row = max(row, 2)
            raise ImportFailure(
                path,
                "is a merged range in the data: its value belongs to its first cell only, so the other rows "
                "would read as blank. Unmerge the cells and fill in every row",
                sheet=sheet,
                cell=reference,
                line=row,
                field=field or None,
            )
    if not _FORMULA_OR_ERROR.search(xml):
        return  # no formulas and no error values: nothing more to look at
    row = column = 0
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "row":  # a row's and a cell's reference are optional: without one, it is the next
                row, column = int(element.get("r") or row + 1), 0
            continue
        if tag == "row":
            element.clear()
        if tag != "c":
            continue
        reference = element.get("r")
        row, column = _cell_position(reference) if reference else (row, column + 1)
        if row < 2 or not 1 <= column <= width:
            continue
        formula = value = None
        has_value = False
        for child in element:
            name = child.tag.rsplit("}", 1)[-1]
            if name == "f":
                formula = child.text or ("(shared formula)" if child.get("t") == "shared" else "")
            elif name == "v":
                has_value, value = True, child.text
        kind = element.get("t")
        shown = reference or f"{column_letter(column)}{row}"
        # Excel saves a formula's result beside it (a text result of "" as an empty string value).
        if formula is not None and not (has_value and (value or kind == "str")):
            raise ImportFailure(
                path,
                "is a formula with no saved value (the workbook was written by a program and never saved by "
                "Excel): open it in Excel and save it, or paste the values (Paste Special, Values) over the formulas",
                sheet=sheet,
                cell=shown,
                line=row,
                field=header[column - 1],
                value=f"={formula}" if formula else None,
            )
        if kind == "e":  # #DIV/0!, #N/A, #REF! and the like
            raise ImportFailure(
                path,
                "is an Excel error value: correct the formula or the data it uses, then save again",
                sheet=sheet,
                cell=shown,
                line=row,
                field=header[column - 1],
                value=value,
            )


_FORMULA_OR_ERROR = re.compile(rb"<(?:\w+:)?f[\s>/]|\st=\"e\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*ref=\"([A-Z$0-9:]+)\"")


def _readme_source(sheet: object) -> str | None:
    for row in sheet.iter_rows(min_row=1, max_row=3, values_only=True):  # type: ignore[attr-defined]
        for value in row:
            if isinstance(value, str) and value.startswith("source: "):
                return value.removeprefix("source: ").strip()
    return None


def stage_frame(connection: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: Source) -> None:
    """Stage rows read from a workbook, as text columns with line numbers."""
    present = [c for c in frame.columns if c != "line"]
    text = frame.astype({c: "string" for c in present}) if present else frame
    connection.register("xlsx_rows", text)
    connection.execute(
        f"create or replace temp table {STAGED} as select line, {_staged_select(source, present)} from xlsx_rows"
    )
    connection.unregister("xlsx_rows")


def load_staged(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    load_id: int,
    *,
    first_load_id: int | None = None,
) -> LoadOutcome:
    """Validate, place and write the staged rows of one template file.

    ``first_load_id`` is the first load of this import: a key an earlier file of it wrote
    may not be written again with other content.
    """
    skipped, blank_rows = prepare(connection, path, source, load_id)
    outcome = replace_rows(connection, source, "typed", first_load_id=first_load_id)
    record_coverage(connection, source, "typed_all", load_id)
    prune_coverage(connection, outcome.replaced_loads)
    outcome.skipped = skipped
    if blank_rows:
        outcome.skipped["blank row"] = blank_rows
    drop_prepared(connection)
    return outcome


def drop_prepared(connection: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables ``prepare`` made."""
    for table in ("typed", "typed_all", "placed", placement.POINT_WARDS, STAGED):
        connection.execute(f"drop table if exists {table}")


def prepare(
    connection: duckdb.DuckDBPyConnection, path: Path, source: Source, load_id: int
) -> tuple[dict[str, int], int]:
    """Validate, place and type the staged rows: ``typed`` (to write, with lines) and ``typed_all`` (skips too).

    Returns the rows skipped by reason, and the blank rows. Nothing is written to the store.
    """
    # Spreadsheets leave rows of empty cells (",,,,") below the data: skipped and counted.
    all_blank = "coalesce(" + ", ".join(text_of(c.name) for c in source.columns) + ") is null"
    blank_rows = int(sql.scalar(connection, f"select count(*) from {STAGED} where {all_blank}"))
    if blank_rows:
        connection.execute(f"delete from {STAGED} where {all_blank}")
    if not sql.scalar(connection, f"select count(*) from {STAGED}"):
        raise ImportFailure(path, "has a header but no data rows: nothing to load")

    place_column = {"lsoa": "lsoa_code", "ward": "ward", "ward_or_city": "ward"}.get(source.placement)
    by_point = source.placement == "lsoa" and {"longitude", "latitude"} <= {c.name for c in source.columns}
    join = ""
    lsoa_ward = placed_by = "null::varchar"
    if source.placement == "lsoa":
        join = placement.lsoa_join("lsoa_code", "ls")
        placed_ward = lsoa_ward = "ls.ward_code"
        placed_by = placement.placed_by_sql("null", "ls.ward_code")
        if by_point:
            # Coordinates, where given, place the record in the ward polygons; the LSOA otherwise.
            placement.locate_points(connection, STAGED, "longitude", "latitude")
            join += f" left join {placement.POINT_WARDS} pw using (line)"
            placed_ward = "coalesce(pw._point_ward, ls.ward_code)"
            placed_by = placement.placed_by_sql("pw._point_ward", "ls.ward_code")
    elif place_column:
        join = placement.ward_join("ward", "wa")
        placed_ward = "wa.ward_code"
    else:
        placed_ward = "null::varchar"
    connection.execute(
        f"create or replace temp table placed as select s.*, {placed_ward} as _placed_ward, "
        f"{lsoa_ward} as _lsoa_ward, {placed_by} as _placed_by from {STAGED} s {join}"
    )

    checks: list[Check] = []
    for column in source.columns:
        if column.name == place_column:
            continue  # a blank place is skipped and counted, not an error
        checks += column_checks(column, required=column.required or column.name == source.month_from)
    if source.placement == "lsoa":
        checks.append(
            Check(
                "lsoa_code",
                f"{text_of('lsoa_code')} is not null and _lsoa_ward is null",
                "is not a Wolverhampton LSOA code (2011 or 2021, E01...)",
            )
        )
    elif place_column:
        checks += placement.ward_checks("ward", city_allowed=source.placement == "ward_or_city")
    checks += rules.RULES.get(source.table, [])
    raise_first_problem(connection, "placed", checks, path)

    place_name = "LSOA" if place_column == "lsoa_code" else "ward"
    skip_reason = "null"
    if by_point:
        skip_reason = (
            f"case when {text_of(place_column or '')} is null and _placed_ward is null then "
            f"(case when {text_of('longitude')} is null or {text_of('latitude')} is null then 'no LSOA given' "
            "else 'no LSOA given, and the coordinates lie outside Wolverhampton' end) end"
        )
    elif place_column:
        skip_reason = f"case when {text_of(place_column)} is null then 'no {place_name} given' end"
    selects = ["line", f"{skip_reason} as _skip"]
    for name in source.store_columns:
        selects.append(f"{_store_expression(source, name, load_id)} as {quote(name)}")
    connection.execute(f"create or replace temp table typed_all as select {', '.join(selects)} from placed")
    skipped = dict(
        connection.execute("select _skip, count(*) from typed_all where _skip is not null group by _skip").fetchall()
    )
    connection.execute("create or replace temp table typed as select * from typed_all where _skip is null")
    raise_on_duplicate_keys(connection, source, "typed", path)
    return {str(k): int(v) for k, v in skipped.items()}, blank_rows


def _store_expression(source: Source, name: str, load_id: int) -> str:
    """SQL for one store column, from the placed, staged text."""
    if name == "ward_code":
        return "_placed_ward"
    if name == "lsoa_code":
        return f"upper({clean_expr(source.column(name))})"  # stored as placed: 'e01010520' is E01010520
    if name == "month" and source.month_from:
        return f"date_trunc('month', {clean_expr(source.column(source.month_from or ''))})::date"
    if name == "load_id":
        return str(int(load_id))
    if name == "source_format":
        return "'template'"
    if name == "placed_by":
        return "_placed_by"
    if name == "discharge_month":
        return f"date_trunc('month', {clean_expr(source.column('discharge_date'))})::date"
    if source.table == "crime" and name in ("offence_group", "police_crime_type"):
        return rules.crime_derived(name)
    return clean_expr(source.column(name))
