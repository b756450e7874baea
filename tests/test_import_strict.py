"""Strict values: files an outside attack found accepted or badly reported, each now refused precisely.

Every case is imported into one store file; each must fail with an ImportFailure naming the
file, the line (or JSON record, or sheet and cell), the column and the value, and leave the
file byte for byte as it was. Each is also run through the command line, which must print
one plain error and exit 2 (never a traceback). Then: what is still accepted (a whole 12.0,
a tab, a formula Excel saved, the same record twice), and "data as of" after a correction.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook
from support import (
    API_FILES,
    REOFFENDING_HEADER,
    REPO,
    STREET_HEADER,
    Expected,
    assert_store_file_refuses,
    baseline_store_file,
    count,
    fill_template_xlsx,
    replace_line,
    street_rows,
    template_header,
    ward_code_by_name,
    write_template_csv,
)

from swp_data import settings
from swp_data.calc.engine import Engine
from swp_data.cli import main
from swp_data.importing import ImportFailure, import_paths
from swp_data.importing.scan import MAX_LINE_BYTES
from swp_data.periods import Quarter, add_months
from swp_data.sources import SOURCES

TODAY = date.today()
WARD = ward_code_by_name()  # ward name -> code, from the boundaries file


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file holding a template load and a police load: no refusal below may change a byte of it."""
    return baseline_store_file(tmp_path_factory.mktemp("strict_store"))


@dataclass(frozen=True)
class Kit:
    """What a case builds its files from."""

    folder: Path
    templates: Path
    street: Path  # the Wolverhampton street CSV, 2024-01


Case = Callable[[Kit], tuple[list[Path], Expected]]
CASES: dict[str, Case] = {}


def case(build: Case) -> Case:
    CASES[build.__name__] = build
    return build


# --- building files -------------------------------------------------------------------------------------

DRUG_TEST = {"test_id": "DT1", "test_date": "2024-05-03", "ward": "Park", "trigger_offence": "theft", "result": "both"}
COHORT = {
    "offender_id": "O1",
    "cohort_start": "2023-04-01",
    "age_group": "adult",
    "ward": "Heath Town",
    "index_disposal": "court order",
    "reoffended": "yes",
    "reoffences": "2",
}


def drug_tests(kit: Kit, name: str, *changes: dict[str, str]) -> Path:
    """A drug test CSV: three good rows, then one row per ``changes``."""
    rows = [DRUG_TEST | {"test_id": f"DT{i}"} for i in range(3)]
    rows += [DRUG_TEST | {"test_id": f"DX{i}"} | change for i, change in enumerate(changes)]
    return write_template_csv(kit.folder / name, template_header(kit.templates, "drug_test"), rows)


def cohort(kit: Kit, name: str, **change: str) -> Path:
    rows = [COHORT, COHORT | {"offender_id": "O2"} | change]
    return write_template_csv(kit.folder / name, REOFFENDING_HEADER, rows)


def template(kit: Kit, table: str, name: str, rows: list[dict[str, str]]) -> Path:
    return write_template_csv(kit.folder / name, template_header(kit.templates, table), rows)


def street_line(kit: Kit, *, after: int = 100, need: Callable[[dict[str, str]], bool] = lambda r: True) -> int:
    """The first line (from ``after``) of the street CSV whose row meets ``need``."""
    rows = street_rows(kit.street)
    return next(i for i, r in enumerate(rows, start=2) if i > after and need(r))


def street_row(kit: Kit, line: int) -> dict[str, str]:
    return street_rows(kit.street)[line - 2]


def street_with(kit: Kit, name: str, line: int, old: str, new: str) -> Path:
    return replace_line(kit.street, kit.folder / name, line, old, new)


def api_records(count_: int = 5) -> list[dict[str, Any]]:
    return copy.deepcopy(json.loads(API_FILES[0].read_text(encoding="utf-8"))[:count_])


def api_file(kit: Kit, name: str, records: list[Any], **dumps: Any) -> Path:
    path = kit.folder / name
    path.write_text(json.dumps(records, **dumps), encoding="utf-8")
    return path


def workbook(kit: Kit, table: str, name: str, rows: list[dict[str, Any]]) -> Path:
    return fill_template_xlsx(kit.templates, table, kit.folder / name, rows)


def rewrite_sheet(path: Path, table: str, old: bytes, new: bytes) -> Path:
    """Edit a workbook's sheet XML as another program might have written it."""
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    assert members[sheet].count(old) == 1, (old, members[sheet][:2000])
    members[sheet] = members[sheet].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member, data in members.items():
            target.writestr(member, data)
    return path


# --- dates: not after the file's month or today, not before the earliest year ---------------------------


@case
def street_month_in_2099(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit)
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, ",2024-01,", ",2099-01,")
    return [bad], Expected(bad.name, line, "Month", "2099-01", "is after today")


@case
def street_month_in_1900(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit, after=500)
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, ",2024-01,", ",1900-01,")
    return [bad], Expected(bad.name, line, "Month", "1900-01", "is before 2000, the earliest year")


@case
def street_month_after_its_named_month(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit, after=300)
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, ",2024-01,", ",2024-02,")
    return [bad], Expected(bad.name, line, "Month", "2024-02", "is after the file's own month (January 2024")


@case
def street_month_after_its_folder_month(kit: Kit) -> tuple[list[Path], Expected]:
    folder = kit.folder / "2023-12"  # a data.police.uk download's folder: the file inside is January's
    folder.mkdir()
    bad = Path(shutil.copy(kit.street, folder / "street.csv"))
    return [bad], Expected("street.csv", 2, "Month", "2024-01", "is after the file's own month (December 2023")


@case
def api_month_in_2099(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[2]["month"] = "2099-01"
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected("crimes.json", 3, "month", "2099-01", "is after today", unit="record")


@case
def api_month_before_2000(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[4]["month"] = "1999-12"
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected("crimes.json", 5, "month", "1999-12", "is before 2000", unit="record")


@case
def api_month_after_its_named_month(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[1]["month"] = "2018-07"  # the records are June 2018's
    bad = api_file(kit, "2018-06-crimes.json", records)
    return [bad], Expected(bad.name, 2, "month", "2018-07", "is after the file's own month (June 2018", unit="record")


@case
def template_date_in_2099(kit: Kit) -> tuple[list[Path], Expected]:
    bad = drug_tests(kit, "tests.csv", {"test_date": "2099-05-03"})
    return [bad], Expected("tests.csv", 5, "test_date", "2099-05-03", "is after today")


@case
def template_date_in_the_year_1000(kit: Kit) -> tuple[list[Path], Expected]:
    bad = drug_tests(kit, "tests.csv", {}, {"test_date": "1000-05-03"})
    return [bad], Expected("tests.csv", 6, "test_date", "1000-05-03", "is before 2000")


@case
def template_day_first_date_before_2000(kit: Kit) -> tuple[list[Path], Expected]:
    bad = drug_tests(kit, "tests.csv", {"test_date": "31/12/1999"})
    return [bad], Expected("tests.csv", 5, "test_date", "31/12/1999", "is before 2000")


@case
def template_date_tomorrow(kit: Kit) -> tuple[list[Path], Expected]:
    tomorrow = date.fromordinal(TODAY.toordinal() + 1).isoformat()
    bad = drug_tests(kit, "tests.csv", {"test_date": tomorrow})
    return [bad], Expected("tests.csv", 5, "test_date", tomorrow, "is after today")


@case
def quarterly_return_in_2099(kit: Kit) -> tuple[list[Path], Expected]:
    row = {"indicator_key": "marac_cases", "period_type": "quarter", "ward": "city", "value": "10"}
    bad = template(
        kit,
        "partner_return",
        "returns.csv",
        [row | {"period_start": "2024-04-01"}, row | {"period_start": "2099-04-01"}],
    )
    return [bad], Expected("returns.csv", 3, "period_start", "2099-04-01", "is after today")


@case
def workbook_date_in_2099(kit: Kit) -> tuple[list[Path], Expected]:
    rows: list[dict[str, Any]] = [DRUG_TEST, DRUG_TEST | {"test_id": "DT2", "test_date": datetime(2099, 5, 3)}]
    bad = workbook(kit, "drug_test", "tests.xlsx", rows)
    return [bad], Expected("tests.xlsx", 3, "test_date", "2099-05-03", "is after today")


# --- whole numbers are whole -------------------------------------------------------------------------------


@case
def reoffences_one_and_a_half(kit: Kit) -> tuple[list[Path], Expected]:
    bad = cohort(kit, "cohort.csv", reoffences="1.5")
    return [bad], Expected("cohort.csv", 3, "reoffences", "1.5", "is not a whole number")


@case
def comparator_count_twelve_and_a_half(kit: Kit) -> tuple[list[Path], Expected]:
    row = {"area": "Walsall", "month": "2024-04-01", "offence_group": "burglary", "population": "284100"}
    bad = template(
        kit, "comparator_area", "areas.csv", [row | {"count": "212"}, row | {"count": "12.5", "area": "Dudley"}]
    )
    return [bad], Expected("areas.csv", 3, "count", "12.5", "is not a whole number")


@case
def age_with_a_fraction(kit: Kit) -> tuple[list[Path], Expected]:
    row = {"person_id": "Y1", "entry_date": "2024-03-05", "ward": "Park", "age": "15.7"}
    bad = template(kit, "youth_first_time_entrant", "fte.csv", [row])
    return [bad], Expected("fte.csv", 2, "age", "15.7", "is not a whole number")


@case
def workbook_population_with_a_fraction(kit: Kit) -> tuple[list[Path], Expected]:
    rows: list[dict[str, Any]] = [{"ward": "Oxley", "age_band": "10-17", "year": 2021, "population": 1410.2}]
    bad = workbook(kit, "ward_population", "population.xlsx", rows)
    return [bad], Expected("population.xlsx", 2, "population", "1410.2", "is not a whole number")


@case
def partner_value_not_a_number(kit: Kit) -> tuple[list[Path], Expected]:
    row = {"indicator_key": "sarc_referrals", "period_start": "2024-05-01", "period_type": "month", "ward": "city"}
    bad = template(kit, "partner_return", "returns.csv", [row | {"value": "NaN"}])
    return [bad], Expected("returns.csv", 2, "value", "NaN", "is not a finite number")


# --- coordinates: finite, in the United Kingdom; none at all is "no location" ------------------------------


@case
def api_latitude_abc(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[1]["location"]["latitude"] = "abc"
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected("crimes.json", 2, "location.latitude", "abc", "is not a number", unit="record")


@case
def api_latitude_nan(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[3]["location"]["latitude"] = float("nan")  # json writes the NaN literal, which Python reads
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected(
        "crimes.json", 4, "location.latitude", "nan", "is not a latitude in the United Kingdom", unit="record"
    )


@case
def api_longitude_1e308(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[0]["location"]["longitude"] = "1e308"
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected(
        "crimes.json", 1, "location.longitude", "1e308", "is not a longitude in the United Kingdom", unit="record"
    )


@case
def api_point_in_paris(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[2]["location"] |= {"latitude": "48.8566", "longitude": "2.3522"}
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected(
        "crimes.json", 3, "location.longitude", "2.3522", "is not a longitude in the United Kingdom", unit="record"
    )


@case
def api_latitude_infinity(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[4]["location"]["latitude"] = "-Infinity"
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected("crimes.json", 5, "location.latitude", "-Infinity", "is not a latitude", unit="record")


@case
def street_latitude_nan(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit, need=lambda r: bool(r["Latitude"]) and r["LSOA name"].startswith("Wolverhampton"))
    latitude = street_row(kit, line)["Latitude"]
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, f",{latitude},", ",NaN,")
    return [bad], Expected(bad.name, line, "Latitude", "NaN", "is not a latitude in the United Kingdom")


@case
def street_longitude_1e308(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit, after=400, need=lambda r: bool(r["Longitude"]))
    longitude = street_row(kit, line)["Longitude"]
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, f",{longitude},", ",1e308,")
    return [bad], Expected(bad.name, line, "Longitude", "1e308", "is not a longitude in the United Kingdom")


@case
def template_latitude_off_the_globe(kit: Kit) -> tuple[list[Path], Expected]:
    row = {"crime_id": "C1", "recorded_date": "2024-04-02", "lsoa_code": "E01010520", "offence_subgroup": "shoplifting"}
    bad = template(kit, "crime", "crimes.csv", [row, row | {"crime_id": "C2", "longitude": "-2.13", "latitude": "91"}])
    return [bad], Expected("crimes.csv", 3, "latitude", "91", "is not a latitude in the United Kingdom")


# --- workbooks: formulas with no saved value, error values, merged cells ----------------------------------


@case
def workbook_formula_never_calculated(kit: Kit) -> tuple[list[Path], Expected]:
    bad = workbook(kit, "drug_test", "tests.xlsx", [DRUG_TEST, DRUG_TEST | {"test_id": "DT2", "test_date": "=TODAY()"}])
    return [bad], Expected(
        "tests.xlsx", 3, "test_date", "=TODAY()", "is a formula with no saved value", sheet="drug_test", cell="B3"
    )


@case
def workbook_text_formula_never_calculated(kit: Kit) -> tuple[list[Path], Expected]:
    rows: list[dict[str, Any]] = [DRUG_TEST | {"ward": '=IF(1,"Park","Penn")'}]
    bad = workbook(kit, "drug_test", "tests.xlsx", rows)
    return [bad], Expected(
        "tests.xlsx",
        2,
        "ward",
        '=IF(1,"Park","Penn")',
        "open it in Excel and save it, or paste the values",
        sheet="drug_test",
        cell="C2",
    )


@case
def workbook_whole_row_of_formulas(kit: Kit) -> tuple[list[Path], Expected]:
    # A row a program wrote as formulas only would read as blank, and be skipped as one.
    rows: list[dict[str, Any]] = [DRUG_TEST, {k: f'="{v}"' for k, v in (DRUG_TEST | {"test_id": "DT9"}).items()}]
    bad = workbook(kit, "drug_test", "tests.xlsx", rows)
    return [bad], Expected(
        "tests.xlsx", 3, "test_id", '="DT9"', "is a formula with no saved value", sheet="drug_test", cell="A3"
    )


@case
def workbook_error_value(kit: Kit) -> tuple[list[Path], Expected]:
    bad = workbook(kit, "drug_test", "tests.xlsx", [DRUG_TEST, DRUG_TEST | {"test_id": "DT2", "result": "ERRORHERE"}])
    rewrite_sheet(
        bad,
        "drug_test",
        b'<c r="E3" t="inlineStr"><is><t>ERRORHERE</t></is></c>',
        b'<c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    )
    return [bad], Expected(
        "tests.xlsx", 3, "result", "#DIV/0!", "is an Excel error value", sheet="drug_test", cell="E3"
    )


@case
def workbook_merged_down_a_column(kit: Kit) -> tuple[list[Path], Expected]:
    path = workbook(kit, "drug_test", "tests.xlsx", [DRUG_TEST | {"test_id": f"DT{i}"} for i in range(4)])
    book = load_workbook(path)
    book["drug_test"].merge_cells("C3:C5")  # one ward typed once for three tests
    book.save(path)
    return [path], Expected(
        "tests.xlsx", 3, "ward", None, "is a merged range in the data", sheet="drug_test", cell="C3:C5"
    )


@case
def workbook_merged_across_a_row(kit: Kit) -> tuple[list[Path], Expected]:
    path = workbook(kit, "drug_test", "tests.xlsx", [DRUG_TEST | {"test_id": f"DT{i}"} for i in range(3)])
    book = load_workbook(path)
    book["drug_test"].merge_cells("D4:E4")
    book.save(path)
    return [path], Expected(
        "tests.xlsx", 4, "trigger_offence", None, "Unmerge the cells", sheet="drug_test", cell="D4:E4"
    )


# --- one record, two versions, in one import ---------------------------------------------------------------


@case
def same_test_id_in_two_csvs(kit: Kit) -> tuple[list[Path], Expected]:
    first = drug_tests(kit, "may.csv", {"test_id": "DT7", "result": "both"})
    second = drug_tests(kit, "may again.csv", {}, {"test_id": "DT7", "result": "negative"})
    failure_text = "is also in may.csv, line 5 (earlier in this import), where its result is 'both', here 'negative'"
    return [first, second], Expected("may again.csv", 6, "test_id", "DT7", failure_text)


@case
def same_test_id_in_a_csv_and_a_workbook(kit: Kit) -> tuple[list[Path], Expected]:
    first = drug_tests(kit, "may.csv")
    second = workbook(kit, "drug_test", "may.xlsx", [DRUG_TEST | {"test_id": "DT1", "ward": "Penn"}])
    return [first, second], Expected(
        "may.xlsx",
        2,
        "test_id",
        "DT1",
        f"is also in may.csv, line 3 (earlier in this import), where its ward is {WARD['Park']!r}, here "
        f"{WARD['Penn']!r}",
    )


@case
def same_cohort_member_in_two_files(kit: Kit) -> tuple[list[Path], Expected]:
    first = cohort(kit, "cohort a.csv")
    second = write_template_csv(kit.folder / "cohort b.csv", REOFFENDING_HEADER, [COHORT | {"reoffences": "3"}])
    return [first, second], Expected(
        "cohort b.csv", 2, "offender_id", "O1, 2023-04-01", "is also in cohort a.csv, line 2", unit="line"
    )


@case
def same_crime_id_in_two_street_files(kit: Kit) -> tuple[list[Path], Expected]:
    rows = street_rows(kit.street)
    ids = [r["Crime ID"] for r in rows]
    line = street_line(
        kit,
        after=200,
        need=lambda r: (
            bool(r["Crime ID"])
            and ids.count(r["Crime ID"]) == 1
            and r["LSOA name"].startswith("Wolverhampton")
            and r["Last outcome category"] == "Unable to prosecute suspect"
        ),
    )
    crime_id = rows[line - 2]["Crime ID"]
    second = street_with(
        kit, "2024-01-resent-street.csv", line, ",Unable to prosecute suspect,", ",Under investigation,"
    )
    return [kit.street, second], Expected(
        second.name,
        line,
        "Crime ID",
        crime_id,
        f"is also in {kit.street.name}, line {line} (earlier in this import), where its Last outcome category is "
        "'Unable to prosecute suspect', here 'Under investigation'",
    )


@case
def same_api_record_in_two_responses(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records(6)
    first = api_file(kit, "north.json", records[:4])
    changed = copy.deepcopy(records[2:6])  # two records overlap, as the answers to neighbouring areas do
    changed[1]["location"]["street"]["name"] = "On or near Somewhere Else"
    second = api_file(kit, "south.json", changed)
    return [first, second], Expected(
        "south.json",
        2,
        "id",
        str(records[3]["id"]),
        "is also in north.json, record 4 (earlier in this import), where its location.street.name is "
        f"{records[3]['location']['street']['name']!r}, here 'On or near Somewhere Else'",
        unit="record",
    )


@case
def api_record_asb_in_one_response_a_crime_in_the_next(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records(6)
    assert records[2]["category"] == "anti-social-behaviour"
    first = api_file(kit, "north.json", records[:4])
    changed = copy.deepcopy(records[2:6])
    changed[0]["category"] = "burglary"
    second = api_file(kit, "south.json", changed)
    return [first, second], Expected(
        "south.json",
        1,
        "id",
        str(records[2]["id"]),
        "is also in north.json, record 3 (earlier in this import), where its category is 'Anti-social behaviour',"
        " here 'Burglary'",
        unit="record",
    )


# --- control characters ------------------------------------------------------------------------------------


@case
def street_nul_in_a_crime_id(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit, after=250, need=lambda r: bool(r["Crime ID"]))
    crime_id = street_row(kit, line)["Crime ID"]
    broken = crime_id[:10] + "\x00" + crime_id[11:]
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, crime_id, broken)
    return [bad], Expected(bad.name, line, "Crime ID", broken, "holds a control character")


@case
def street_del_in_a_location(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit, after=600, need=lambda r: r["Location"].startswith("On or near "))
    location = street_row(kit, line)["Location"]
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, location, location + "\x7f")
    return [bad], Expected(bad.name, line, "Location", location + "\x7f", "holds a control character")


@case
def street_escape_in_an_outcome(kit: Kit) -> tuple[list[Path], Expected]:
    line = street_line(kit, after=10, need=lambda r: r["Last outcome category"] == "Local resolution")
    bad = street_with(kit, "2024-01-west-midlands-street.csv", line, ",Local resolution,", ",Local\x1bresolution,")
    return [bad], Expected(bad.name, line, "Last outcome category", "Local\x1bresolution", "holds a control character")


@case
def template_nul_in_an_id(kit: Kit) -> tuple[list[Path], Expected]:
    bad = drug_tests(kit, "tests.csv", {}, {"test_id": "DT\x0042"})
    return [bad], Expected("tests.csv", 6, "test_id", "DT\x0042", "holds a control character")


@case
def template_vertical_tab_in_text(kit: Kit) -> tuple[list[Path], Expected]:
    bad = drug_tests(kit, "tests.csv", {"trigger_offence": "theft\x0bfrom a shop"})
    return [bad], Expected("tests.csv", 5, "trigger_offence", "theft\x0bfrom a shop", "holds a control character")


@case
def template_line_break_inside_a_quoted_value(kit: Kit) -> tuple[list[Path], Expected]:
    row = {"incident_id": "A1", "incident_date": "2024-05-02", "lsoa_code": "E01010410"}
    bad = template(kit, "asb_incident", "asb.csv", [row, row | {"incident_id": "A2", "location": "Bilston Road\nnear"}])
    return [bad], Expected("asb.csv", 3, "location", "Bilston Road\nnear", "holds a control character")


@case
def api_nul_in_a_persistent_id(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[1]["persistent_id"] = "ab\x00cd"
    bad = api_file(kit, "crimes.json", records)  # json writes it as \u0000
    return [bad], Expected("crimes.json", 2, "persistent_id", "ab\x00cd", "holds a control character", unit="record")


@case
def api_control_character_in_a_street_name(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[3]["location"]["street"]["name"] = "On or near\x07 Linton Croft"
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected(
        "crimes.json",
        4,
        "location.street.name",
        "On or near\x07 Linton Croft",
        "holds a control character",
        unit="record",
    )


# --- messages that name the place: repeated columns, over-long lines, empty lists, encodings -------------


@case
def template_column_twice(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "cohort.csv"
    bad.write_text(",".join([*REOFFENDING_HEADER, "ward"]) + "\nO1,2023-04-01,adult,Park,caution,,no,0,Park\n")
    return [bad], Expected("cohort.csv", 1, "ward", None, "appears twice in the header (columns 4 and 9)")


@case
def template_column_twice_in_another_case(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "cohort.csv"
    bad.write_text(",".join(["Offender_ID", *REOFFENDING_HEADER]) + "\nO1,O1,2023-04-01,adult,Park,caution,,no,0\n")
    return [bad], Expected("cohort.csv", 1, "offender_id", None, "appears twice in the header (columns 1 and 2)")


@case
def street_column_twice(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "2024-01-street.csv"
    bad.write_text(STREET_HEADER.replace(",Context", ",Month") + "\r\n", encoding="utf-8")
    return [bad], Expected(bad.name, 1, "Month", None, "appears twice in the header (columns 2 and 12)")


@case
def workbook_column_twice(kit: Kit) -> tuple[list[Path], Expected]:
    path = workbook(kit, "drug_test", "tests.xlsx", [DRUG_TEST])
    book = load_workbook(path)
    book["drug_test"].cell(1, 7, "Ward")
    book.save(path)
    return [path], Expected("tests.xlsx", 1, "Ward", None, "appears twice in the header (columns C and G)")


@case
def street_header_then_one_huge_line(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "2024-01-street.csv"
    bad.write_bytes(STREET_HEADER.encode() + b"\r\n" + b"x" * (40 << 20) + b"\r\n")  # past DuckDB's buffer
    return [bad], Expected(bad.name, 2, None, None, f"is longer than {MAX_LINE_BYTES:,} bytes (41,943,041 bytes")


@case
def street_rows_then_a_huge_last_line(kit: Kit) -> tuple[list[Path], Expected]:
    # DuckDB reads the 734 rows before it and silently drops the rest.
    bad = kit.folder / "2024-01-street.csv"
    bad.write_bytes(kit.street.read_bytes() + b"y" * (40 << 20))
    return [bad], Expected(bad.name, 736, None, None, "(41,943,040 bytes, beginning 'yyyy")


@case
def template_line_of_three_megabytes(kit: Kit) -> tuple[list[Path], Expected]:
    bad = drug_tests(kit, "tests.csv", {}, {"trigger_offence": "theft " * (500_000)})
    return [bad], Expected("tests.csv", 6, None, None, f"is longer than {MAX_LINE_BYTES:,} bytes")


@case
def api_empty_list(kit: Kit) -> tuple[list[Path], Expected]:
    bad = api_file(kit, "crimes.json", [])
    return [bad], Expected("crimes.json", None, None, None, "holds an empty list: no records")


@case
def api_empty_list_with_a_mark_and_spaces(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "crimes.json"
    bad.write_bytes(b"\xef\xbb\xbf \r\n[ \r\n]\r\n")
    return [bad], Expected("crimes.json", None, None, None, "holds an empty list: no records")


@case
def api_json_in_utf16(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "crimes.json"
    bad.write_bytes(json.dumps(api_records()).encode("utf-16"))
    return [bad], Expected("crimes.json", None, None, None, "is UTF-16 text; data.police.uk JSON is UTF-8")


@case
def api_json_in_utf16_without_a_mark(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "crimes.json"
    bad.write_bytes(json.dumps(api_records(), indent=1).encode("utf-16-be"))
    return [bad], Expected("crimes.json", None, None, None, "is UTF-16 text; data.police.uk JSON is UTF-8")


@case
def api_json_in_utf32(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "crimes.json"
    bad.write_bytes(json.dumps(api_records()).encode("utf-32"))
    return [bad], Expected("crimes.json", None, None, None, "is UTF-32 text; data.police.uk JSON is UTF-8")


@case
def api_json_in_windows_1252(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[2]["location"]["street"]["name"] = "On or near Café Row"
    bad = kit.folder / "crimes.json"
    bad.write_bytes(json.dumps(records, ensure_ascii=False, indent=1).encode("cp1252"))
    lines = json.dumps(records, ensure_ascii=False, indent=1).splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "Café" in text)
    return [bad], Expected("crimes.json", line, None, '"name": "On or near Café Row"', "data.police.uk JSON is UTF-8")


@case
def street_csv_in_utf16(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "2024-01-street.csv"
    bad.write_bytes(kit.street.read_bytes().decode("utf-8").encode("utf-16"))
    return [bad], Expected(bad.name, 1, None, None, "is UTF-16 text, not UTF-8: save the file as 'CSV UTF-8'")


@case
def template_csv_in_utf16(kit: Kit) -> tuple[list[Path], Expected]:
    bad = drug_tests(kit, "tests.csv")
    bad.write_bytes(bad.read_bytes().decode("utf-8").encode("utf-16-le"))  # no mark: found by its zero bytes
    return [bad], Expected("tests.csv", 1, None, None, "is UTF-16 text, not UTF-8: save the file as 'CSV UTF-8'")


@case
def api_json_nested_too_deeply(kit: Kit) -> tuple[list[Path], Expected]:
    bad = kit.folder / "crimes.json"
    bad.write_text("[" * 200_000 + "]" * 200_000)
    return [bad], Expected("crimes.json", None, None, None, "is nested too deeply")


@case
def api_list_of_numbers(kit: Kit) -> tuple[list[Path], Expected]:
    bad = api_file(kit, "crimes.json", [[1, 2], 3])
    return [bad], Expected("crimes.json", 1, None, "[1, 2]", "is not a crime record (a JSON object)", unit="record")


@case
def api_location_as_text(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[2]["location"] = "52.58,-2.13"
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected("crimes.json", 3, "location", "52.58,-2.13", "is not a JSON object", unit="record")


@case
def api_record_with_a_blank_id(kit: Kit) -> tuple[list[Path], Expected]:
    records = api_records()
    records[1]["id"] = None
    bad = api_file(kit, "crimes.json", records)
    return [bad], Expected("crimes.json", 2, "id", None, "is blank: every record has its id", unit="record")


# --- the cases -----------------------------------------------------------------------------------------------


@pytest.fixture
def kit(tmp_path: Path, templates: Path, wolverhampton_csv: Path) -> Kit:
    folder = tmp_path / "inputs"
    folder.mkdir()
    return Kit(folder, templates, wolverhampton_csv)


def test_there_are_many_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", list(CASES))
def test_refused_precisely_and_the_store_file_is_untouched(
    name: str, store_file: Path, kit: Kit, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, expected = CASES[name](kit)
    failure = assert_store_file_refuses(store_file, paths, expected)

    # The command line says the same, plainly, and exits 2 (an exception escaping main fails the test).
    capsys.readouterr()
    code = main(["--db", str(store_file), "import", "--quiet", *map(str, paths)])
    out, err = capsys.readouterr()
    assert code == 2
    assert (out, err.splitlines()) == ("", [f"error: {failure}", "Nothing was loaded: the store is exactly as it was."])


def test_the_command_line_prints_no_traceback(store_file: Path, kit: Kit) -> None:
    """In a real process: the two inputs that used to end in a traceback."""
    for name in ("template_column_twice", "api_json_nested_too_deeply"):
        paths, expected = CASES[name](kit)
        result = subprocess.run(
            [sys.executable, "-m", "swp_data", "--db", str(store_file), "import", "--quiet", *map(str, paths)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(f"error: {expected.name}")
        assert expected.problem in result.stderr


def test_the_earliest_year_is_a_setting(store_file: Path, kit: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWP_EARLIEST_YEAR", "2020")
    settings.get_settings.cache_clear()
    try:
        bad = drug_tests(kit, "tests.csv", {"test_date": "2019-12-31"})
        assert_store_file_refuses(
            store_file, [bad], Expected("tests.csv", 5, "test_date", "2019-12-31", "is before 2020")
        )
    finally:
        monkeypatch.delenv("SWP_EARLIEST_YEAR")
        settings.get_settings.cache_clear()


# --- what is still accepted ----------------------------------------------------------------------------------


def test_whole_numbers_written_with_a_zero_fraction_load_as_whole(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write_template_csv(
        tmp_path / "cohort.csv",
        REOFFENDING_HEADER,
        [COHORT | {"reoffences": "12.0"}, COHORT | {"offender_id": "O2", "reoffences": "+3"}],
    )
    import_paths([path], connection=con)
    assert con.execute("select offender_id, reoffences from reoffending_cohort order by 1").fetchall() == [
        ("O1", 12),
        ("O2", 3),
    ]


def test_a_tab_inside_a_value_is_kept(con: duckdb.DuckDBPyConnection, templates: Path, tmp_path: Path) -> None:
    path = write_template_csv(
        tmp_path / "tests.csv",
        template_header(templates, "drug_test"),
        [DRUG_TEST | {"trigger_offence": "theft\tshop"}],
    )
    import_paths([path], connection=con)
    assert con.execute("select trigger_offence from drug_test").fetchall() == [("theft\tshop",)]


def test_a_formula_excel_saved_loads_its_value(con: duckdb.DuckDBPyConnection, templates: Path, tmp_path: Path) -> None:
    path = fill_template_xlsx(templates, "drug_test", tmp_path / "tests.xlsx", [DRUG_TEST | {"result": "FORMULA"}])
    rewrite_sheet(
        path,
        "drug_test",
        b'<c r="E2" t="inlineStr"><is><t>FORMULA</t></is></c>',
        b'<c r="E2" t="str"><f>LOWER("BOTH")</f><v>both</v></c>',
    )
    import_paths([path], connection=con)
    assert con.execute("select test_id, result from drug_test").fetchall() == [("DT1", "both")]


def test_the_same_record_twice_in_one_import_is_one_record(
    con: duckdb.DuckDBPyConnection, templates: Path, tmp_path: Path, wolverhampton_csv: Path
) -> None:
    header = template_header(templates, "drug_test")
    first = write_template_csv(tmp_path / "a.csv", header, [DRUG_TEST, DRUG_TEST | {"test_id": "DT2"}])
    second = write_template_csv(
        tmp_path / "b.csv", header, [DRUG_TEST | {"test_id": "DT2"}, DRUG_TEST | {"test_id": "DT3"}]
    )
    copy_ = shutil.copy(wolverhampton_csv, tmp_path / "2024-01-again-street.csv")
    report = import_paths([first, second, wolverhampton_csv, Path(copy_)], connection=con)
    assert [f.rows_replaced for f in report.files] == [0, 1, 0, report.files[2].rows_loaded]
    assert count(con, "select count(*) from drug_test") == 3


def test_a_record_with_no_location_is_still_counted_as_such(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    records = api_records(4)
    records[1]["location"] = None
    records[2]["location"] |= {"latitude": "", "longitude": ""}
    records[3]["location"] |= {"latitude": None, "longitude": None}
    path = tmp_path / "crimes.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    (report,) = import_paths([path], connection=con).files
    assert (report.rows_read, report.rows_loaded, report.skipped) == (4, 1, {"no location (no LSOA)": 3})


def test_a_street_row_of_an_earlier_month_than_its_file_is_taken(
    con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path, tmp_path: Path
) -> None:
    # Only later months are refused: the month in a file's name is the latest it may hold.
    rows = street_rows(wolverhampton_csv)
    line = next(i for i, r in enumerate(rows, start=2) if r["LSOA name"].startswith("Wolverhampton"))
    path = replace_line(
        wolverhampton_csv, tmp_path / "2024-01-west-midlands-street.csv", line, ",2024-01,", ",2023-12,"
    )
    (report,) = import_paths([path], connection=con).files
    assert (report.first_month, report.last_month) == (date(2023, 12, 1), date(2024, 1, 1))


# --- "data as of" follows the data ---------------------------------------------------------------------------


def crimes(folder: Path, name: str, wrong: str | None = None) -> Path:
    """Five crimes a month in Park, April to June 2024; with ``wrong``, the last one mistyped to that date."""
    rows = [
        {
            "crime_id": f"C{month}-{i}",
            "recorded_date": f"2024-{month:02d}-1{i}",
            "lsoa_code": "E01010520",
            "offence_subgroup": "shoplifting",
        }
        for month in (4, 5, 6)
        for i in range(5)
    ]
    if wrong:
        rows[-1]["recorded_date"] = wrong
    return template_csv_of(folder / name, "crime", rows)


def template_csv_of(path: Path, table: str, rows: list[dict[str, str]]) -> Path:
    return write_template_csv(path, [c.name for c in SOURCES[table].columns], rows)


def extent(connection: duckdb.DuckDBPyConnection) -> tuple[date, str, date, list[str]]:
    engine = Engine(connection)
    return engine.as_of, engine.default_quarter.code, engine.axis.months[0], [q.code for q in engine.quarters()]


GOOD = (date(2024, 6, 30), "2024/25Q1", date(2024, 4, 1), ["2024/25Q1"])


def test_data_as_of_and_the_default_quarter_come_back_after_a_correcting_load(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    import_paths([crimes(tmp_path, "good.csv")], connection=con)
    assert extent(con) == GOOD

    # 2099 is refused now, and changes nothing.
    with pytest.raises(ImportFailure, match="is after today"):
        import_paths([crimes(tmp_path, "2099.csv", "2099-06-15")], connection=con)
    assert extent(con) == GOOD

    # A wrong month that is possible (last month, for June 2024) is taken: the data then runs to it.
    last_month = add_months(date(TODAY.year, TODAY.month, 1), -1)
    import_paths([crimes(tmp_path, "mistyped.csv", f"{last_month:%Y-%m}-03")], connection=con)
    as_of, default, first, _ = extent(con)
    assert as_of.replace(day=1) == last_month and first == date(2024, 4, 1)
    assert default != GOOD[1]

    # The corrected file replaces the wrong record: the months it alone reached are no longer covered.
    import_paths([crimes(tmp_path, "corrected.csv")], connection=con)
    assert extent(con) == GOOD
    assert con.execute(
        "select min(month), max(month), count(*) from coverage where table_name = 'crime'"
    ).fetchall() == [(date(2024, 4, 1), date(2024, 6, 1), 3)]


def test_a_correction_of_one_record_restores_the_earliest_month(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import_paths([crimes(tmp_path, "good.csv")], connection=con)
    import_paths([crimes(tmp_path, "mistyped.csv", "2014-06-15")], connection=con)  # 2024 typed as 2014
    as_of, default, first, quarters = extent(con)
    assert (as_of, default, first) == (date(2024, 6, 30), "2024/25Q1", date(2014, 6, 1))
    assert quarters[0] == "2014/15Q1"

    # Only the one record, corrected: the rest of the mistyped file's records stand, and so does their span.
    one = template_csv_of(
        tmp_path / "one.csv",
        "crime",
        [
            {
                "crime_id": "C6-4",
                "recorded_date": "2024-06-14",
                "lsoa_code": "E01010520",
                "offence_subgroup": "shoplifting",
            }
        ],
    )
    import_paths([one], connection=con)
    assert extent(con) == GOOD
    assert count(con, "select count(*) from crime") == 15


def test_a_street_file_correcting_another_restores_the_extent(
    con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path, tmp_path: Path
) -> None:
    rows = street_rows(wolverhampton_csv)
    line = next(i for i, r in enumerate(rows, start=2) if r["Crime ID"] and r["LSOA name"].startswith("Wolverhampton"))
    early = replace_line(
        wolverhampton_csv, tmp_path / "2024-01-west-midlands-street.csv", line, ",2024-01,", ",2021-01,"
    )
    import_paths([early], connection=con)
    assert Engine(con).axis.months[0] == date(2021, 1, 1)
    good = tmp_path / "good" / wolverhampton_csv.name
    good.parent.mkdir()
    shutil.copy(wolverhampton_csv, good)
    import_paths([good], connection=con)
    engine = Engine(con)
    assert (engine.axis.months[0], engine.as_of, [q.code for q in engine.quarters()]) == (
        date(2024, 1, 1),
        date(2024, 1, 31),
        ["2023/24Q4"],
    )
    assert Quarter.containing(engine.axis.months[-1]).code == "2023/24Q4"


# --- the byte scan, against a plain reading ------------------------------------------------------------------


def test_the_byte_scan_finds_the_first_long_line_wherever_the_chunks_fall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    from swp_data.importing import scan

    monkeypatch.setattr(scan, "CHUNK", 64)
    monkeypatch.setattr(scan, "MAX_LINE_BYTES", 20)
    monkeypatch.setattr(scan, "_WINDOW", 10)
    generator = random.Random(13)
    path = tmp_path / "lines.csv"
    found_any = 0
    for _ in range(400):
        lengths = [generator.choice([0, 3, 15, 19, 20, 21, 22, 45, 140]) for _ in range(generator.randint(1, 12))]
        body = b"\n".join(b"a" * n for n in lengths) + generator.choice([b"", b"\n"])
        path.write_bytes(body)
        # By hand: the first line longer than 20 bytes, numbered from 1.
        lines = body.split(b"\n")
        if body.endswith(b"\n"):
            lines.pop()
        expected = next(((i, len(text)) for i, text in enumerate(lines, start=1) if len(text) > 20), None)
        result = scan.scan_file(path).long_line
        assert (None if result is None else (result.number, result.length)) == expected, (lengths, body[-1:])
        found_any += expected is not None
    assert found_any > 100


def test_the_byte_scan_finds_control_characters_and_lone_returns(tmp_path: Path) -> None:
    from swp_data.importing import scan

    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\r\nc\td,e\r\n")
    clean = scan.scan_file(path)
    assert (clean.control_offset, clean.has_quote, clean.lone_return, clean.text_may_hold_controls) == (
        None,
        False,
        False,
        False,
    )
    path.write_bytes(b"a,b\r\nc\x00d,e\r\n")
    assert scan.scan_file(path).control_offset == 6
    path.write_bytes(b"a,b\r\nc\rd,e\r\n")
    assert scan.scan_file(path).lone_return
    path.write_bytes(b'a,b\r\n"c",d\r\n')
    assert scan.scan_file(path).text_may_hold_controls
    assert scan.scan_file(path).content_hash == hashlib.sha256(b'a,b\r\n"c",d\r\n').hexdigest()
