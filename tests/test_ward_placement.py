"""Records are placed by their point in the May 2023 ward polygons; by LSOA only without coordinates.

The real June 2018 data.police.uk records (2,463 unique) are placed here by a ray-casting
check written from the GeoJSON alone (``support.ward_by_ray_casting``), not through
``swp_data`` or shapely, and the store must agree record by record.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from support import (
    API_FILES,
    STREET_HEADER,
    as_dict,
    count,
    expected_lsoa_ward,
    lsoa_names,
    template_header,
    ward_by_ray_casting,
    write_template_csv,
)

from swp_data import geography, store
from swp_data.importing import import_paths
from swp_data.points import to_metres

BILSTON_NORTH, BILSTON_SOUTH = "E05014838", "E05014839"
# A real June 2018 point ("On or near Parking Area") in LSOA E01010414, whose best-fit ward is
# Bilston South; the point itself lies inside the Bilston North polygon.
PARKING_AREA = (-2.078619, 52.565771)
FAR = (-2.0, 52.6)  # east of the city, beyond 150 m of any ward (Walsall)


@pytest.fixture(scope="module")
def june_2018() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = store.memory_store()
    import_paths(API_FILES, connection=connection)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def by_hand() -> dict[str, tuple[str, str]]:
    """Deduplicated June 2018 records: id -> (category, ward by ray casting)."""
    unique = {r["id"]: r for path in API_FILES for r in json.loads(path.read_text())}
    return {
        str(i): (
            r["category"],
            ward_by_ray_casting(float(r["location"]["longitude"]), float(r["location"]["latitude"])),
        )
        for i, r in unique.items()
    }


def test_the_hand_check_places_every_june_2018_record(by_hand: dict[str, tuple[str, str]]) -> None:
    assert len(by_hand) == 2463
    assert all(ward is not None for _, ward in by_hand.values())  # 3 by the 150 m edge tolerance
    assert ward_by_ray_casting(*PARKING_AREA) == BILSTON_NORTH
    assert ward_by_ray_casting(*FAR) is None


def test_june_2018_crimes_per_ward_are_counted_by_polygon(
    june_2018: duckdb.DuckDBPyConnection, by_hand: dict[str, tuple[str, str]]
) -> None:
    """Crimes (ASB apart) per ward, counted by hand: Bilston North 116 by polygon (49 by best-fit LSOA),
    Bilston South 121 (175 by best-fit LSOA): 120 inside its polygon, plus the criminal damage at
    Bradley Lane tram stop, 80.8 m outside the generalised city edge and so placed in the nearest
    ward by the 150 m tolerance. Every ward is compared, not only these two."""
    crimes = Counter(ward for category, ward in by_hand.values() if category != "anti-social-behaviour")
    asb = Counter(ward for category, ward in by_hand.values() if category == "anti-social-behaviour")
    assert (crimes[BILSTON_NORTH], crimes[BILSTON_SOUTH]) == (116, 121)
    assert sum(crimes.values()) == 2073 and sum(asb.values()) == 390
    assert as_dict(june_2018, "select ward_code, count(*) from crime group by 1") == dict(crimes)
    assert as_dict(june_2018, "select ward_code, count(*) from asb_incident group by 1") == dict(asb)
    # The same records on their LSOA's best-fit ward, as the store placed them before.
    best_fit = expected_lsoa_ward()
    old = as_dict(june_2018, "select l.ward_code, count(*) from crime c join lsoa l using (lsoa_code) group by 1")
    assert (old[BILSTON_NORTH], old[BILSTON_SOUTH]) == (49, 175)
    assert set(best_fit) >= set(june_2018.execute("select distinct lsoa_code from crime").fetchnumpy()["lsoa_code"])


def test_every_june_2018_record_says_it_was_placed_by_point(june_2018: duckdb.DuckDBPyConnection) -> None:
    for table in ("crime", "asb_incident"):
        assert june_2018.execute(f"select placed_by, count(*) from {table} group by 1").fetchall() == [
            ("point", count(june_2018, f"select count(*) from {table}"))
        ]


def _street_csv(path: Path, rows: list[list[str]]) -> Path:
    lines = [STREET_HEADER] + [",".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    return path


def test_street_csv_rows_are_placed_by_point_and_by_lsoa_only_without_one(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lsoa, name = "E01010414", lsoa_names()["E01010414"]
    assert expected_lsoa_ward()[lsoa] == BILSTON_SOUTH
    point = [f"{PARKING_AREA[0]:.6f}", f"{PARKING_AREA[1]:.6f}"]
    far = [f"{FAR[0]:.6f}", f"{FAR[1]:.6f}"]
    force = ["West Midlands Police", "West Midlands Police"]
    rows = [
        ["c1", "2024-01", *force, *point, "On or near Parking Area", lsoa, name, "Burglary", "Under investigation", ""],
        ["c2", "2024-01", *force, "", "", "On or near Parking Area", lsoa, name, "Burglary", "", ""],
        ["c3", "2024-01", *force, *far, "On or near Somewhere", lsoa, name, "Drugs", "", ""],
        ["c4", "2024-01", *force, *point, "On or near Parking Area", "E01009999", "Walsall 001A", "Drugs", "", ""],
        ["", "2024-01", *force, *point, "On or near Parking Area", lsoa, name, "Anti-social behaviour", "", ""],
        ["c6", "2024-01", *force, "", "", "No location", "", "", "Robbery", "", ""],
    ]
    (report,) = import_paths([_street_csv(tmp_path / "2024-01-west-midlands-street.csv", rows)], connection=con).files
    assert report.skipped == {"outside Wolverhampton": 1, "no location (no LSOA)": 1}
    assert con.execute("select crime_id, lsoa_code, ward_code, placed_by from crime order by 1").fetchall() == [
        ("c1", lsoa, BILSTON_NORTH, "point"),  # the point, not the LSOA's best fit
        ("c2", lsoa, BILSTON_SOUTH, "lsoa"),  # no coordinates: the LSOA's best-fit ward
        ("c3", lsoa, BILSTON_SOUTH, "lsoa"),  # a point far outside the city: its Wolverhampton LSOA
    ]
    assert con.execute("select ward_code, placed_by from asb_incident").fetchall() == [(BILSTON_NORTH, "point")]


def test_template_rows_with_coordinates_are_placed_by_point(
    con: duckdb.DuckDBPyConnection, templates: Path, tmp_path: Path
) -> None:
    lsoa = "E01010414"
    lon, lat = (str(v) for v in PARKING_AREA)
    far_lon, far_lat = (str(v) for v in FAR)
    rows = [
        {
            "crime_id": "t1",
            "recorded_date": "2024-04-02",
            "police_crime_type": "Drugs",
            "lsoa_code": lsoa,
            "longitude": lon,
            "latitude": lat,
        },
        {"crime_id": "t2", "recorded_date": "2024-04-02", "police_crime_type": "Drugs", "lsoa_code": lsoa},
        {
            "crime_id": "t3",
            "recorded_date": "2024-04-02",
            "police_crime_type": "Drugs",
            "longitude": lon,
            "latitude": lat,
        },
        {"crime_id": "t4", "recorded_date": "2024-04-02", "police_crime_type": "Drugs"},
        {
            "crime_id": "t5",
            "recorded_date": "2024-04-02",
            "police_crime_type": "Drugs",
            "lsoa_code": lsoa,
            "longitude": far_lon,
            "latitude": far_lat,
        },
        {
            "crime_id": "t6",
            "recorded_date": "2024-04-02",
            "police_crime_type": "Drugs",
            "longitude": far_lon,
            "latitude": far_lat,
        },
    ]
    path = write_template_csv(tmp_path / "crimes.csv", template_header(templates, "crime"), rows)
    (report,) = import_paths([path], connection=con).files
    assert report.skipped == {"no LSOA given": 1, "no LSOA given, and the coordinates lie outside Wolverhampton": 1}
    assert con.execute("select crime_id, lsoa_code, ward_code, placed_by from crime order by 1").fetchall() == [
        ("t1", lsoa, BILSTON_NORTH, "point"),
        ("t2", lsoa, BILSTON_SOUTH, "lsoa"),
        ("t3", None, BILSTON_NORTH, "point"),
        ("t5", lsoa, BILSTON_SOUTH, "lsoa"),
    ]


def test_the_demo_has_no_coordinates_so_it_is_placed_by_lsoa(demo_db: Path) -> None:
    with store.opened(demo_db, read_only=True) as connection:
        for table in ("crime", "asb_incident"):
            assert connection.execute(f"select distinct placed_by from {table}").fetchall() == [("lsoa",)]


@pytest.mark.parametrize("locator", [geography.ward_locator, geography.lsoa_locator])
def test_the_grid_shortcut_gives_the_exact_answer(locator: object) -> None:
    """40,000 points over and around the city (and points on grid-cell corners): the grid look-up
    and the exact shapely test (inside, else the nearest polygon within 150 m) agree on every one."""
    found = locator()  # type: ignore[operator]
    rng = np.random.default_rng(7)
    lon = np.concatenate([-2.13 + rng.normal(0, 0.04, 40_000), np.array([-2.13, np.nan])])
    lat = np.concatenate([52.585 + rng.normal(0, 0.025, 40_000), np.array([np.nan, 52.585])])
    fast = found.locate(lon, lat)
    finite = np.isfinite(lon) & np.isfinite(lat)
    exact = found._exact(to_metres(np.column_stack([lon[finite], lat[finite]])))
    codes = np.array(found.codes, dtype=object)
    expected = np.where(exact >= 0, codes[np.maximum(exact, 0)], None)
    assert list(fast[finite]) == list(expected)
    assert list(fast[~finite]) == [None, None]
    assert 0 < (expected == None).sum() < len(expected) // 2  # noqa: E711 (some outside, most inside)


def test_the_database_grid_join_places_points_as_the_locator_does(con: duckdb.DuckDBPyConnection) -> None:
    """Staged text coordinates placed through the SQL cell join agree with ``locate`` point by point;
    text that is not a finite coordinate is never placed (and never stops the import here)."""
    from swp_data.importing import placement

    rng = np.random.default_rng(11)
    lon = -2.13 + rng.normal(0, 0.04, 20_000)
    lat = 52.585 + rng.normal(0, 0.025, 20_000)
    text = [[repr(float(x)), repr(float(y))] for x, y in zip(lon, lat, strict=True)]
    text += [["nan", "52.58"], ["-2.13", "inf"], ["1e300", "52.58"], ["", "52.58"], ["abc", "52.58"]]
    staged = pd.DataFrame({"line": range(2, len(text) + 2), "lon": [t[0] for t in text], "lat": [t[1] for t in text]})
    con.register("staged_points", staged)
    con.execute("create temp table staged_points_t as select * from staged_points")
    placement.locate_points(con, "staged_points_t", "lon", "lat")
    got = dict(con.execute(f"select line, _point_ward from {placement.POINT_WARDS}").fetchall())
    expected = geography.ward_locator().locate(lon, lat)
    assert got == {line: ward for line, ward in zip(range(2, 20_002), expected, strict=True) if ward is not None}
    assert len(got) > 10_000
