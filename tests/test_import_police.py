"""data.police.uk street CSVs and API JSON: parsed from real files, placed on the right wards, counted exactly."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
import shapely
from support import (
    API_CATEGORY_TO_CRIME_TYPE,
    API_FILES,
    ASB,
    BOUNDARIES,
    FIXTURES,
    STREET_FILES,
    STREET_HEADER,
    Expected,
    api_key,
    api_records,
    as_dict,
    assert_import_fails,
    baseline_store_file,
    count,
    expected_lsoa_ward,
    street_rows,
    ward_by_ray_casting,
)

from swp_data import store
from swp_data.importing import ImportReport, import_paths

NO_LOCATION = "no location (no LSOA)"
OUTSIDE = "outside Wolverhampton"


def temp_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in connection.execute("select table_name from duckdb_tables() where temporary").fetchall()]


# --- (a) the real City of London street files: every row skipped, and counted ----------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file already holding a template load and a police load: a refusal leaves every byte of it."""
    return baseline_store_file(tmp_path_factory.mktemp("already_loaded"))


def test_fixtures_are_the_published_files() -> None:
    assert len(STREET_FILES) == 13
    for path in STREET_FILES:
        raw = path.read_bytes()
        assert raw.startswith(STREET_HEADER.encode() + b"\r\n")
        assert raw.count(b"\n") == raw.count(b"\r\n") and raw.endswith(b"\r\n")


def test_city_of_london_street_files_are_skipped_and_counted(con: duckdb.DuckDBPyConnection) -> None:
    report = import_paths(STREET_FILES, connection=con)

    wards = expected_lsoa_ward()
    assert [f.path for f in report.files] == STREET_FILES
    for file_report in report.files:
        rows = street_rows(file_report.path)
        no_location = sum(1 for r in rows if not r["LSOA code"].strip())
        outside = sum(1 for r in rows if r["LSOA code"].strip() and r["LSOA code"] not in wards)
        assert no_location > 0 and outside > 0
        assert no_location + outside == len(rows)  # City of London and its neighbours: none in Wolverhampton
        assert file_report.file_format == "police.uk csv"
        assert file_report.rows_read == len(rows)
        assert file_report.skipped == {NO_LOCATION: no_location, OUTSIDE: outside}, file_report.path.name
        assert file_report.rows_loaded == 0
        assert file_report.rows_read == file_report.rows_loaded + file_report.rows_skipped
        assert file_report.first_month is None and file_report.last_month is None

    assert count(con, "select count(*) from crime") == 0
    assert count(con, "select count(*) from asb_incident") == 0
    log = con.execute(
        "select load_id, file_name, file_format, target_table, status, rows_read, rows_loaded, rows_skipped"
        " from load_log order by load_id"
    ).fetchall()
    assert [(r[0], r[1]) for r in log] == [(i + 1, p.name) for i, p in enumerate(STREET_FILES)]
    for row, path in zip(log, STREET_FILES, strict=True):
        rows = street_rows(path)
        assert row[2:] == ("police.uk csv", "crime, asb_incident", "loaded", len(rows), 0, len(rows))
    skips = con.execute("select load_id, reason, rows from load_skip").fetchall()
    expected_skips = []
    for load_id, path in enumerate(STREET_FILES, start=1):
        rows = street_rows(path)
        no_location = sum(1 for r in rows if not r["LSOA code"].strip())
        expected_skips += [(load_id, NO_LOCATION, no_location), (load_id, OUTSIDE, len(rows) - no_location)]
    assert sorted(skips) == sorted(expected_skips)
    assert temp_tables(con) == []


def test_known_counts_of_one_city_of_london_file(con: duckdb.DuckDBPyConnection) -> None:
    # Counted by hand from the file, so the independent count above is itself checked once.
    report = import_paths([FIXTURES / "2024-01-city-of-london-street.csv"], connection=con)
    (file_report,) = report.files
    assert (file_report.rows_read, file_report.skipped) == (734, {NO_LOCATION: 77, OUTSIDE: 657})


# --- (b) a Wolverhampton street file in the published form -----------------------------------------


def expected_from_street_csv(path: Path) -> tuple[dict[str, tuple], Counter, dict[str, int]]:
    """Crimes by expected key, ASB rows (as a multiset) and skip counts, read with the csv module."""
    wards = expected_lsoa_ward()
    crimes: dict[str, tuple] = {}
    asb: Counter = Counter()
    skipped = {NO_LOCATION: 0, OUTSIDE: 0}
    copies: Counter = Counter()
    for row in street_rows(path):
        code = row["LSOA code"]
        if not code:
            skipped[NO_LOCATION] += 1
            continue
        if code not in wards:
            skipped[OUTSIDE] += 1
            continue
        longitude, latitude = float(row["Longitude"]), float(row["Latitude"])
        # Placed by the point (checked by ray casting), in Wolverhampton by the force's LSOA.
        ward, how = ward_by_ray_casting(longitude, latitude), "point"
        if ward is None:
            ward, how = wards[code], "lsoa"
        place = (code, ward, longitude, latitude, row["Location"], how)
        if row["Crime type"] == ASB:
            assert row["Crime ID"] == "" and row["Last outcome category"] == ""
            asb[place] += 1
            continue
        copies[row["Crime ID"]] += 1
        key = row["Crime ID"] + (f"#{copies[row['Crime ID']]}" if copies[row["Crime ID"]] > 1 else "")
        crimes[key] = (*place, row["Crime type"], row["Last outcome category"] or None)
    return crimes, asb, skipped


def test_wolverhampton_fixture_has_every_feature_of_a_real_file(wolverhampton_csv: Path) -> None:
    raw = wolverhampton_csv.read_bytes()
    assert raw.startswith(STREET_HEADER.encode() + b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n")
    assert b'"' not in raw
    rows = street_rows(wolverhampton_csv)
    crimes, asb, skipped = expected_from_street_csv(wolverhampton_csv)
    assert len(rows) == 734
    assert skipped[NO_LOCATION] == 77 and skipped[OUTSIDE] == 34
    assert sum(asb.values()) == 10  # ASB rows: empty Crime ID and outcome, placed
    assert any(r["Crime type"] == ASB and not r["LSOA code"] for r in rows)  # ASB with no location
    assert sum(1 for key in crimes if "#" in key) == 12  # Crime IDs repeated on a second placed row
    assert set(expected_lsoa_ward()) <= {r["LSOA code"] for r in rows}  # every LSOA, 2011 and 2021


def test_wolverhampton_street_csv_lands_on_expected_wards(
    con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path
) -> None:
    crimes, asb, skipped = expected_from_street_csv(wolverhampton_csv)

    report = import_paths([wolverhampton_csv], connection=con)

    (file_report,) = report.files
    assert file_report.tables == ["crime", "asb_incident"]
    assert file_report.rows_read == 734
    assert file_report.skipped == skipped
    assert file_report.rows_loaded == len(crimes) + sum(asb.values()) == 734 - 77 - 34
    assert file_report.rows_replaced == 0
    assert (file_report.first_month, file_report.last_month) == (date(2024, 1, 1), date(2024, 1, 1))

    stored = {
        row[0]: row[1:]
        for row in con.execute(
            "select crime_id, lsoa_code, ward_code, longitude, latitude, location, placed_by, police_crime_type,"
            " last_outcome from crime"
        ).fetchall()
    }
    assert stored == crimes

    stored_asb = Counter(
        con.execute(
            "select lsoa_code, ward_code, longitude, latitude, location, placed_by from asb_incident"
        ).fetchall()
    )
    assert stored_asb == asb
    assert count(con, "select count(distinct incident_id) from asb_incident") == sum(asb.values())

    expected_by_ward = Counter(v[1] for v in crimes.values())
    assert as_dict(con, "select ward_code, count(*) from crime group by 1") == dict(expected_by_ward)
    assert len(expected_by_ward) == 20
    assert as_dict(con, "select ward_code, count(*) from asb_incident group by 1") == dict(
        Counter(place[1] for place in asb.elements())
    )
    common = "select distinct month, source_format, load_id from {}"
    assert con.execute(common.format("crime")).fetchall() == [(date(2024, 1, 1), "police.uk csv", 1)]
    assert con.execute(common.format("asb_incident")).fetchall() == [(date(2024, 1, 1), "police.uk csv", 1)]
    assert con.execute("select distinct reporting_agency from asb_incident").fetchall() == [("police",)]


def test_street_csv_derives_offence_groups_only_where_the_crime_type_pins_one(
    con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path
) -> None:
    import_paths([wolverhampton_csv], connection=con)
    derived = set(con.execute("select police_crime_type, offence_subgroup, offence_group from crime").fetchall())
    assert ("Shoplifting", "shoplifting", "theft offences") in derived
    assert ("Burglary", None, "theft offences") in derived
    assert ("Drugs", "drug offences", "drug offences") in derived
    assert ("Other crime", "miscellaneous crimes against society", "miscellaneous crimes against society") in derived
    # Violence and sexual offences spans two Home Office groups: unknown, not guessed.
    assert ("Violence and sexual offences", None, None) in derived
    # Nothing data.police.uk does not carry is filled in: flags and victims stay unknown.
    assert count(con, "select count(*) from crime where domestic_abuse is not null or victim_id is not null") == 0
    assert count(con, "select count(*) from crime where recorded_date is not null") == 0


def test_repeated_crime_id_keeps_both_rows(con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path) -> None:
    rows = street_rows(wolverhampton_csv)
    wards = expected_lsoa_ward()
    repeated = Counter(r["Crime ID"] for r in rows if r["Crime ID"] and r["LSOA code"] in wards)
    crime_id = sorted(k for k, n in repeated.items() if n == 2)[0]
    copies = [r for r in rows if r["Crime ID"] == crime_id]

    import_paths([wolverhampton_csv], connection=con)

    stored = con.execute(
        "select crime_id, lsoa_code, location from crime where crime_id like ? order by crime_id", [crime_id + "%"]
    ).fetchall()
    assert stored == [
        (crime_id, copies[0]["LSOA code"], copies[0]["Location"]),
        (crime_id + "#2", copies[1]["LSOA code"], copies[1]["Location"]),
    ]


# --- (c) the 20 real API responses for Wolverhampton, June 2018 -----------------------------------------


@pytest.fixture(scope="module")
def api_store() -> Iterator[tuple[duckdb.DuckDBPyConnection, ImportReport]]:
    """All 20 API files imported in one command (read only)."""
    connection = store.memory_store()
    report = import_paths(API_FILES, connection=connection)
    yield connection, report
    connection.close()


def test_api_json_files_load_every_unique_record(api_store: tuple[duckdb.DuckDBPyConnection, ImportReport]) -> None:
    records = api_records()
    unique = {r["id"]: r for r in records}
    assert (len(API_FILES), len(records), len(unique)) == (20, 2510, 2463)

    con, report = api_store

    assert sum(f.rows_read for f in report.files) == 2510
    assert all(f.file_format == "police.uk api" and f.rows_skipped == 0 for f in report.files)
    assert sum(f.rows_loaded for f in report.files) == 2510
    assert sum(f.rows_replaced for f in report.files) == 2510 - 2463  # records listed under two wards
    assert count(con, "select count(*) from crime") == 2073
    assert count(con, "select count(*) from asb_incident") == 390

    expected = Counter(API_CATEGORY_TO_CRIME_TYPE[r["category"]] for r in unique.values())
    stored = as_dict(con, "select police_crime_type, count(*) from crime group by 1")
    stored[ASB] = count(con, "select count(*) from asb_incident")
    assert stored == dict(expected)

    outcomes = {
        api_key(r): (r["outcome_status"] or {}).get("category")
        for r in unique.values()
        if r["category"] != "anti-social-behaviour"
    }
    assert as_dict(con, "select crime_id, last_outcome from crime") == outcomes
    assert set(con.execute("select distinct month, source_format from crime").fetchall()) == {
        (date(2018, 6, 1), "police.uk api")
    }


def test_api_records_are_placed_in_the_lsoa_and_ward_holding_their_point(
    api_store: tuple[duckdb.DuckDBPyConnection, ImportReport],
) -> None:
    """Each point is checked against every LSOA 2021 polygon with shapely, one by one, and its ward by ray casting."""
    raw = json.loads((BOUNDARIES / "wolverhampton_lsoa_2021.geojson").read_text())
    polygons = [(f["properties"]["LSOA21CD"], shapely.geometry.shape(f["geometry"])) for f in raw["features"]]
    unique = {r["id"]: r for r in api_records()}
    expected: dict[str, str] = {}
    edge = []
    for record in unique.values():
        point = shapely.Point(float(record["location"]["longitude"]), float(record["location"]["latitude"]))
        inside = [code for code, polygon in polygons if polygon.contains(point)]
        if inside:
            (expected[api_key(record)],) = inside
        else:  # on the generalised city edge: the nearest LSOA, within 150 m
            distance, code = min((polygon.distance(point), code) for code, polygon in polygons)
            assert distance < 150 / 111_000
            expected[api_key(record)] = code
            edge.append(code)
    assert len(edge) == 4

    con, _ = api_store
    stored = as_dict(
        con, "select crime_id, lsoa_code from crime union all select incident_id, lsoa_code from asb_incident"
    )
    assert stored == expected
    # The ward is the May 2023 ward polygon holding the point (ray casting), not the LSOA's best-fit ward.
    placed = {
        row[0]: row[1:]
        for row in con.execute(
            "select crime_id, ward_code, placed_by from crime"
            " union all select incident_id, ward_code, placed_by from asb_incident"
        ).fetchall()
    }
    by_hand = {
        api_key(r): (ward_by_ray_casting(float(r["location"]["longitude"]), float(r["location"]["latitude"])), "point")
        for r in unique.values()
    }
    assert placed == by_hand
    wards = expected_lsoa_ward()
    assert sum(ward != wards[expected[key]] for key, (ward, _) in placed.items()) == 204  # 8.3% of 2,463
    coordinates = {
        api_key(r): (float(r["location"]["longitude"]), float(r["location"]["latitude"])) for r in unique.values()
    }
    stored_points = {
        row[0]: (row[1], row[2])
        for row in con.execute(
            "select crime_id, longitude, latitude from crime"
            " union all select incident_id, longitude, latitude from asb_incident"
        ).fetchall()
    }
    assert stored_points == coordinates


def test_api_json_that_is_cut_short_fails_with_its_line(loaded: Path, tmp_path: Path) -> None:
    pretty = json.dumps(json.loads(API_FILES[0].read_text(encoding="utf-8")), indent=1).splitlines()
    cut = tmp_path / "cut.json"
    cut.write_text("\n".join(pretty[:40]) + "\n", encoding="utf-8")  # the download stopped after 40 lines
    assert_import_fails(loaded, [cut], Expected("cut.json", 41, None, None, "is not valid JSON"))


def test_api_record_without_location_is_skipped_as_no_location(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    records = json.loads(API_FILES[0].read_text(encoding="utf-8"))[:3]
    records[1] = {**records[1], "location": None}
    path = tmp_path / "three.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    (file_report,) = import_paths([path], connection=con).files
    assert (file_report.rows_read, file_report.rows_loaded, file_report.skipped) == (3, 2, {NO_LOCATION: 1})


# --- folders -------------------------------------------------------------------------------------------


def test_folder_import_takes_street_files_and_lists_the_others(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    folder = tmp_path / "2016-12"
    folder.mkdir()
    for name in ("street", "outcomes", "stop-and-search"):
        shutil.copy(FIXTURES / f"2016-12-city-of-london-{name}.csv", folder)
    (folder / "notes.txt").write_text("downloaded from data.police.uk\n")

    report = import_paths([folder], connection=con)

    assert [f.path.name for f in report.files] == ["2016-12-city-of-london-street.csv"]
    (file_report,) = report.files
    rows = street_rows(FIXTURES / "2016-12-city-of-london-street.csv")
    assert file_report.rows_read == len(rows) == 646
    assert file_report.skipped == {NO_LOCATION: 13, OUTSIDE: 633}
    ignored = {path.name: reason for path, reason in report.ignored.items()}
    assert set(ignored) == {
        "2016-12-city-of-london-outcomes.csv",
        "2016-12-city-of-london-stop-and-search.csv",
        "notes.txt",
    }
    assert "outcomes file" in ignored["2016-12-city-of-london-outcomes.csv"]
    assert "'Last outcome category'" in ignored["2016-12-city-of-london-outcomes.csv"]
    assert "stop-and-search file" in ignored["2016-12-city-of-london-stop-and-search.csv"]
    assert ignored["notes.txt"] == "not a .csv, .json or .xlsx file"
    assert count(con, "select count(*) from load_log") == 1


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("2016-12-city-of-london-outcomes.csv", "is a data.police.uk outcomes file"),
        ("2016-12-city-of-london-stop-and-search.csv", "is a data.police.uk stop-and-search file"),
    ],
)
def test_naming_an_unused_police_file_is_an_error(loaded: Path, name: str, problem: str) -> None:
    assert_import_fails(
        loaded,
        [FIXTURES / "2016-12-city-of-london-street.csv", FIXTURES / name],
        Expected(name, None, None, None, problem),
    )


def test_folder_with_nothing_to_import_is_an_error(loaded: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "readme.txt").write_text("nothing here")
    assert_import_fails(loaded, [folder], Expected("empty", None, None, None, "holds no .csv, .json or .xlsx file"))


def test_point_locator_places_points_and_rejects_far_ones() -> None:
    from swp_data.geography import lsoa_locator

    raw = json.loads((BOUNDARIES / "wolverhampton_lsoa_2021.geojson").read_text())
    polygons = {f["properties"]["LSOA21CD"]: shapely.geometry.shape(f["geometry"]) for f in raw["features"]}
    inner = [polygon.representative_point() for polygon in polygons.values()]
    locator = lsoa_locator()
    found = locator.locate(np.array([p.x for p in inner]), np.array([p.y for p in inner]))
    assert list(found) == list(polygons)

    city = shapely.union_all(list(polygons.values()))
    west_x, _, _, _ = city.bounds
    west = next(shapely.Point(x, y) for x, y in city.exterior.coords if x == west_x)
    nearest = min(polygons, key=lambda code: polygons[code].distance(west))
    near, far, london = (west.x - 0.0005, west.y), (west.x - 0.02, west.y), (-0.0983, 51.5173)
    result = locator.locate(np.array([near[0], far[0], london[0]]), np.array([near[1], far[1], london[1]]))
    assert list(result) == [nearest, None, None]
