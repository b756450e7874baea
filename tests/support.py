"""Helpers shared by the data-layer tests: paths, independent readings of the reference files, store snapshots.

Everything "expected" here is read straight from the shipped files with the csv
and json modules, never through ``swp_data``, so the tests check the import
pipeline against an independent reading of the same public data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook

from swp_data import store
from swp_data.importing import ImportFailure, import_paths

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "police_uk"
REFERENCE = REPO / "data" / "reference"
LOOKUPS = REFERENCE / "lookups"
BOUNDARIES = REFERENCE / "boundaries"
API_DIR = REFERENCE / "police_api_2018_06"

STREET_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
STREET_FILES = sorted(FIXTURES.glob("*-street.csv"))
API_FILES = sorted(API_DIR.glob("*.json"))
ASB = "Anti-social behaviour"

# The data.police.uk API category slugs and the bulk CSV's "Crime type" wording,
# written out here rather than taken from swp_data.vocab.
API_CATEGORY_TO_CRIME_TYPE = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-crime": "Other crime",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
}

# The three LSOA 2011 codes split in 2021 and their children (ONS).
SPLIT_LSOA11 = {
    "E01010435": ("E01034310", "E01034311"),
    "E01010521": ("E01034312", "E01034313"),
    "E01010453": ("E01034314", "E01034315"),
}


# --- independent readings of the reference files -------------------------------------------------


def read_csv_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@cache
def current_wards() -> dict[str, str]:
    """Current ward code -> name, from the ward boundaries."""
    raw = json.loads((BOUNDARIES / "wolverhampton_wards_2025.geojson").read_text())
    return {f["properties"]["WD25CD"]: f["properties"]["WD25NM"] for f in raw["features"]}


@cache
def ward_code_by_name() -> dict[str, str]:
    return {name: code for code, name in current_wards().items()}


@cache
def lsoa21_lookup() -> dict[str, dict[str, str]]:
    """LSOA 2021 code -> its row of the LSOA 2021 to current ward lookup."""
    return {
        row["LSOA21CD"]: row for row in read_csv_dicts(LOOKUPS / "wolverhampton_lsoa21_to_ward25_centroid_bestfit.csv")
    }


@cache
def lsoa11_lookup() -> dict[str, dict[str, str]]:
    """LSOA 2011 code -> its row of the official ONS LSOA 2011 to ward 2019 lookup."""
    return {row["LSOA11CD"]: row for row in read_csv_dicts(LOOKUPS / "wolverhampton_lsoa11_to_ward19.csv")}


@cache
def census_population() -> dict[str, int]:
    rows = read_csv_dicts(REFERENCE / "population" / "census2021_ts001_usual_residents_lsoa21_wolverhampton.csv")
    return {row["mnemonic"]: int(row["total"]) for row in rows}


@cache
def expected_lsoa_ward() -> dict[str, str]:
    """Every LSOA code the city knows (2011 and 2021) -> the current ward it should be placed on."""
    wards = {code: row["WD25CD"] for code, row in lsoa21_lookup().items()}
    population = census_population()
    for parent, children in SPLIT_LSOA11.items():
        wards[parent] = wards[max(children, key=population.__getitem__)]
    return wards


@cache
def lsoa_names() -> dict[str, str]:
    names = {code: row["LSOA21NM"] for code, row in lsoa21_lookup().items()}
    names.update({code: lsoa11_lookup()[code]["LSOA11NM"] for code in SPLIT_LSOA11})
    return names


@cache
def lsoa_centroids() -> dict[str, tuple[float, float]]:
    rows = read_csv_dicts(LOOKUPS / "wolverhampton_lsoa_centroids_2011_2021.csv")
    return {row["LSOACD"]: (float(row["longitude"]), float(row["latitude"])) for row in rows}


# --- placing a point by hand: ray casting, no geometry library ------------------------------------

_M_PER_DEG_LON, _M_PER_DEG_LAT = 67_779.0, 111_279.0  # at Wolverhampton's latitude


@cache
def ward_rings() -> dict[str, list[list[tuple[float, float]]]]:
    """Current ward code -> its polygon's rings (outer first, then any holes), from the GeoJSON."""
    raw = json.loads((BOUNDARIES / "wolverhampton_wards_2025.geojson").read_text())
    rings: dict[str, list[list[tuple[float, float]]]] = {}
    for feature in raw["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        rings[feature["properties"]["WD25CD"]] = [[(x, y) for x, y in ring] for poly in polygons for ring in poly]
    return rings


def _crossings(x: float, y: float, ring: list[tuple[float, float]]) -> int:
    """Edges of ``ring`` a ray from (x, y) towards +x crosses (even-odd rule)."""
    count = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            count += 1
    return count


def _metres_to_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay, bx, by = (
        (a[0] - x) * _M_PER_DEG_LON,
        (a[1] - y) * _M_PER_DEG_LAT,
        (b[0] - x) * _M_PER_DEG_LON,
        (b[1] - y) * _M_PER_DEG_LAT,
    )
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    return ((ax + t * dx) ** 2 + (ay + t * dy) ** 2) ** 0.5


def ward_by_ray_casting(longitude: float, latitude: float, tolerance_metres: float = 150.0) -> str | None:
    """The ward whose polygon holds the point (odd crossings over all its rings), else the nearest within
    ``tolerance_metres`` of its boundary, else None. Written from the GeoJSON alone, as a hand check."""
    inside = [
        code for code, rings in ward_rings().items() if sum(_crossings(longitude, latitude, r) for r in rings) % 2
    ]
    if inside:
        assert len(inside) == 1, (longitude, latitude, inside)
        return inside[0]
    distance = {
        code: min(_metres_to_segment(longitude, latitude, a, b) for r in rings for a, b in pairwise(r))
        for code, rings in ward_rings().items()
    }
    nearest = min(distance, key=distance.__getitem__)
    return nearest if distance[nearest] <= tolerance_metres else None


@cache
def api_records() -> list[dict[str, Any]]:
    """Every record of the 20 API files, in file order (duplicates across files kept)."""
    records: list[dict[str, Any]] = []
    for path in API_FILES:
        records.extend(json.loads(path.read_text(encoding="utf-8")))
    return records


def api_key(record: dict[str, Any]) -> str:
    """The key a stored API record is expected under: its persistent id, else the API id."""
    return record["persistent_id"] or f"api-{record['id']}"


# --- building files ---------------------------------------------------------------------------------


def street_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build_wolverhampton_street_csv(target: Path, source: Path | None = None) -> Path:
    """A data.police.uk street file in its published form, moved to Wolverhampton.

    Every row of a real City of London file is kept in order, byte for byte in
    form (CRLF, no quoting, the same header); rows in City of London LSOAs are
    given a Wolverhampton LSOA (every 2011 and 2021 code in turn) with its name
    and centre point. Rows with no location keep it, and rows in the other London
    boroughs stay as they are: outside Wolverhampton, as a force's file has rows
    just over the city boundary.
    """
    source = source or FIXTURES / "2024-01-city-of-london-street.csv"
    raw = source.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n"), "the fixture must keep its CRLF line endings"
    assert b'"' not in raw, "published street files are unquoted"
    lines = raw.decode("utf-8").split("\r\n")
    assert lines[0] == STREET_HEADER and lines[-1] == ""
    codes = sorted(expected_lsoa_ward())
    names, centroids = lsoa_names(), lsoa_centroids()
    out = [lines[0]]
    moved = 0
    for line in lines[1:-1]:
        cells = line.split(",")
        assert len(cells) == 12, line
        if cells[8].startswith("City of London"):
            code = codes[moved % len(codes)]
            moved += 1
            longitude, latitude = centroids[code]
            cells[2] = cells[3] = "West Midlands Police"
            cells[4], cells[5] = f"{longitude:.6f}", f"{latitude:.6f}"
            cells[7], cells[8] = code, names[code]
        elif not cells[7]:
            cells[2] = cells[3] = "West Midlands Police"
        out.append(",".join(cells))
    target.write_bytes(("\r\n".join(out) + "\r\n").encode("utf-8"))
    return target


def replace_line(path: Path, target: Path, number: int, old: str, new: str) -> Path:
    """Copy a CRLF file, replacing ``old`` by ``new`` once on its line ``number`` (1 = header)."""
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    assert old in lines[number - 1], (old, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    target.write_bytes("\r\n".join(lines).encode("utf-8"))
    return target


def write_template_csv(
    path: Path, header: Sequence[str], rows: Iterable[dict[str, str]], encoding: str = "utf-8"
) -> Path:
    """A filled template CSV: the header as written by ``write_templates``, one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        assert set(row) <= set(header), set(row) - set(header)
        writer.writerow([row.get(column, "") for column in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def template_header(templates: Path, table: str) -> list[str]:
    with (templates / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def fill_template_xlsx(templates: Path, table: str, target: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """The template workbook written by ``write_templates`` with rows added under its header."""
    workbook = load_workbook(templates / f"{table}.xlsx")
    sheet = workbook[table]
    header = [cell.value for cell in sheet[1]]
    for row in rows:
        assert set(row) <= set(header), set(row) - set(header)
        sheet.append([row.get(column) for column in header])
    workbook.save(target)
    return target


# --- a store with something in it ---------------------------------------------------------------


REOFFENDING_HEADER = [
    "offender_id",
    "cohort_start",
    "age_group",
    "ward",
    "index_disposal",
    "iom",
    "reoffended",
    "reoffences",
]


def baseline_store_file(folder: Path) -> Path:
    """A store file (alone in its folder) holding the baseline loads: a refusal must not change a byte of it."""
    db = folder / "store" / "swp.duckdb"
    db.parent.mkdir(parents=True)
    connection = store.connect(db, create=True)
    try:
        load_baseline(connection, folder / "baseline")
    finally:
        connection.close()
    return db


def load_baseline(connection: duckdb.DuckDBPyConnection, folder: Path) -> duckdb.DuckDBPyConnection:
    """Load a template file and a police file, so that 'the store is untouched' means something."""
    folder.mkdir(exist_ok=True)
    cohort = write_template_csv(
        folder / "cohort.csv",
        REOFFENDING_HEADER,
        [
            {
                "offender_id": "K1",
                "cohort_start": "2022-07-01",
                "age_group": "adult",
                "ward": "Penn",
                "index_disposal": "caution",
                "reoffended": "no",
                "reoffences": "0",
            },
            {
                "offender_id": "K2",
                "cohort_start": "2022-07-01",
                "age_group": "youth",
                "ward": "E05014851",
                "index_disposal": "court order",
                "iom": "yes",
                "reoffended": "yes",
                "reoffences": "3",
            },
        ],
    )
    import_paths([cohort, FIXTURES / "2016-12-city-of-london-street.csv"], connection=connection)
    assert connection.execute("select count(*) from load_log").fetchall() == [(2,)]
    assert connection.execute("select count(*) from reoffending_cohort").fetchall() == [(2,)]
    return connection


# --- reading the store ------------------------------------------------------------------------------


def _sort_key(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(repr(v) for v in row)


def user_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = 'main' and table_type = 'BASE TABLE'"
        " order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def table_rows(connection: duckdb.DuckDBPyConnection, table: str, exclude: Sequence[str] = ()) -> list[tuple[Any, ...]]:
    """Every row of a table (minus some columns), sorted: a comparable picture of its content."""
    columns = [r[0] for r in connection.execute(f"describe {table}").fetchall() if r[0] not in exclude]
    rows = connection.execute(f"select {', '.join(columns)} from {table}").fetchall()
    return sorted(rows, key=_sort_key)


def snapshot(connection: duckdb.DuckDBPyConnection, exclude: Sequence[str] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the store, row by row (the load log and skip counts included)."""
    return {table: table_rows(connection, table, exclude) for table in user_tables(connection)}


def data_snapshot(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table except the load log, without load ids: what the figures are computed from.

    The tables built at import are in it (they must come out the same); the meta rows naming the
    loads they were built from are not, as the load log is not.
    """
    picture = snapshot(connection, exclude=("load_id",))
    for table in ("load_log", "load_skip"):
        picture.pop(table)
    picture["meta"] = [row for row in picture["meta"] if row[0] not in ("derived_for", "protections_for")]
    return picture


def count(connection: duckdb.DuckDBPyConnection, query: str, params: Sequence[Any] = ()) -> int:
    rows = connection.execute(query, list(params)).fetchall()
    return int(rows[0][0])


def as_dict(connection: duckdb.DuckDBPyConnection, query: str, params: Sequence[Any] = ()) -> dict[Any, Any]:
    return dict(connection.execute(query, list(params)).fetchall())


# --- bad inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What an ImportFailure must say."""

    name: str
    line: int | None
    field: str | None
    value: str | None
    problem: str  # a fragment of the problem text
    unit: str = "line"  # what the line counts: "record" for a JSON list
    sheet: str | None = None  # a workbook's sheet and cell, where the problem is one cell or range
    cell: str | None = None


BAD_INPUT_TALLY: list[dict[str, Any]] = []
"""One entry per bad input tried through the helpers below: what became of it (read by benchmarks.bad_inputs)."""


def _record_bad_input(failure: BaseException | None, precise: bool, unchanged: bool) -> None:
    BAD_INPUT_TALLY.append(
        {
            "case": os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0],
            "accepted": failure is None,
            "crashed": failure is not None and not isinstance(failure, ImportFailure),
            "precise": precise,
            "unchanged": unchanged,
        }
    )


def names_everything(failure: ImportFailure, expected: Expected) -> bool:
    """The failure says what was expected: file, line, field, value, and the problem."""
    text = str(failure)
    return (
        (failure.path.name, failure.line, failure.field, failure.value)
        == (expected.name, expected.line, expected.field, expected.value)
        and expected.problem in failure.problem
        and text.startswith(expected.name)
        and (failure.line_unit, failure.sheet, failure.cell) == (expected.unit, expected.sheet, expected.cell)
        and (expected.line is None or f"{expected.unit} {expected.line}" in text)
        and (expected.field is None or repr(expected.field) in text)
        and (expected.value is None or repr(expected.value) in text)
        and (expected.sheet is None or f"sheet {expected.sheet!r}" in text)
        and (expected.cell is None or f" {expected.cell}" in text)
    )


def assert_import_fails(
    connection: duckdb.DuckDBPyConnection | Path, paths: Sequence[Path], expected: Expected
) -> ImportFailure:
    """Importing ``paths`` raises the expected ImportFailure and leaves every table exactly as it was.

    Given a store file, not a connection: not a byte of the file changes (``assert_store_file_refuses``).
    """
    if isinstance(connection, Path):
        return assert_store_file_refuses(connection, paths, expected)
    before = snapshot(connection)
    failure: BaseException | None = None
    try:
        import_paths(paths, connection=connection)
    except Exception as error:  # an ImportFailure is expected; anything else is tallied as a crash
        failure = error
    unchanged = snapshot(connection) == before
    _record_bad_input(failure, isinstance(failure, ImportFailure) and names_everything(failure, expected), unchanged)
    if failure is None:
        pytest.fail(f"wrongly accepted: {[p.name for p in paths]}")
    if not isinstance(failure, ImportFailure):
        raise failure
    assert (failure.path.name, failure.line, failure.field, failure.value) == (
        expected.name,
        expected.line,
        expected.field,
        expected.value,
    ), str(failure)
    assert expected.problem in failure.problem, failure.problem
    text = str(failure)
    assert text.startswith(expected.name), text
    if expected.line is not None:
        assert f"{expected.unit} {expected.line}" in text, text
    if expected.field is not None:
        assert repr(expected.field) in text, text
    assert unchanged
    return failure


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_beside(db: Path) -> list[str]:
    """The names in the store's folder, but the empty lock every import takes (it stays, by design)."""
    return sorted(p.name for p in db.parent.iterdir() if p.name != db.name + ".import-lock")


def assert_store_file_refuses(db: Path, paths: Sequence[Path], expected: Expected) -> ImportFailure:
    """Importing ``paths`` into the store file ``db`` raises the expected ImportFailure; not a byte of it changes.

    Nor is any other file left beside it (a write-ahead log, a half-built copy).
    """
    digest, beside = file_digest(db), files_beside(db)
    failure: BaseException | None = None
    try:
        import_paths(paths, db, progress=False)
    except Exception as error:  # an ImportFailure is expected; anything else is tallied as a crash
        failure = error
    unchanged = file_digest(db) == digest and files_beside(db) == beside
    precise = isinstance(failure, ImportFailure) and names_everything(failure, expected)
    _record_bad_input(failure, precise, unchanged)
    if failure is None:
        pytest.fail(f"wrongly accepted: {[p.name for p in paths]}")
    if not isinstance(failure, ImportFailure):
        raise failure
    assert (failure.path.name, failure.line, failure.field, failure.value) == (
        expected.name,
        expected.line,
        expected.field,
        expected.value,
    ), str(failure)
    assert expected.problem in failure.problem, str(failure)
    assert precise, str(failure)
    assert unchanged, "the store file changed"
    return failure


def day(text: str) -> date:
    return datetime.strptime(text, "%Y-%m-%d").date()
