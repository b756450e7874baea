"""The project's own CSV and XLSX templates: written, filled, imported, and typed exactly."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import load_workbook
from support import (
    as_dict,
    count,
    data_snapshot,
    expected_lsoa_ward,
    fill_template_xlsx,
    table_rows,
    template_header,
    ward_by_ray_casting,
    ward_code_by_name,
    write_template_csv,
)

from swp_data.cli import main
from swp_data.importing import import_paths
from swp_data.sources import SOURCES

WARD = ward_code_by_name()  # ward name -> code, from the boundaries file
TEMPLATE_FILES = 2 * len(SOURCES) + 1  # a CSV and an XLSX per source, and README.md

# Text rows for every source, as a partner would type them. Each exercises blanks
# (unknown, not zero), allowed values in any case, wards by name and by code, and
# at least two date forms.
ROWS: dict[str, list[dict[str, str]]] = {
    "crime": [
        {
            "crime_id": "20WV/000101/24",
            "recorded_date": "2024-04-17",
            "lsoa_code": "E01010520",
            "offence_subgroup": "violence with injury",
            "last_outcome": "Suspect charged",
            "domestic_abuse": "yes",
            "alcohol_related": "no",
            "hate_crime": "Y",
            "hate_strand": "Race",
            "knife_crime": "1",
            "firearm": "0",
            "public_place": "TRUE",
            "victim_id": "V004512",
            "victim_age_band": "18-24",
            "victim_sex": "Female",
            "offender_id": "O001877",
            "longitude": "-2.1301",
            "latitude": "52.5861",
            "location": "On or near Maxwell Road",
        },
        {
            "crime_id": "20WV/000102/24",
            "recorded_date": "02/05/2024",
            "lsoa_code": "e01010435",
            "police_crime_type": "Burglary",
            "business_victim": "false",
        },
        {
            "crime_id": "20WV/000103/24",
            "recorded_date": "2024-05-31",
            "lsoa_code": "E01034313",
            "offence_subgroup": "shoplifting",
            "offence_group": "theft offences",
            "police_crime_type": "Shoplifting",
            "hidden_harm_type": "modern slavery",
        },
        {"crime_id": "20WV/000104/24", "recorded_date": "2024-05-01", "lsoa_code": "", "offence_subgroup": "rape"},
    ],
    "asb_incident": [
        {
            "incident_id": "ASB-2024-000123",
            "incident_date": "2024-05-02",
            "lsoa_code": "E01010410",
            "category": "nuisance",
            "theme": "off-road motorbikes",
            "caller_id": "C00912",
            "location_id": "L20331",
            "reporting_agency": "council",
            "intervention": "warning letter",
            "longitude": "-2.07",
            "latitude": "52.55",
            "location": "Bilston Road",
        },
        {"incident_id": "ASB-2024-000124", "incident_date": "2024-06-30", "lsoa_code": "E01034310"},
    ],
    "reoffending_cohort": [
        {
            "offender_id": "O1",
            "cohort_start": "2023-04-01",
            "age_group": "adult",
            "ward": "Heath Town",
            "index_disposal": "court order",
            "reoffended": "yes",
            "reoffences": "2",
        },
        {
            "offender_id": "O2",
            "cohort_start": "2023-04-01",
            "age_group": "youth",
            "ward": "E05014845",
            "index_disposal": "caution",
            "iom": "no",
            "reoffended": "no",
            "reoffences": "0",
        },
        {
            "offender_id": "O3",
            "cohort_start": "01/07/2023",
            "age_group": "Adult",
            "ward": "St Peter's",
            "index_disposal": "custody release",
            "iom": "yes",
            "reoffended": "true",
            "reoffences": "11",
        },
        {
            "offender_id": "O4",
            "cohort_start": "2023-07-01",
            "age_group": "adult",
            "ward": "bushbury south & low hill",
            "index_disposal": "caution",
            "reoffended": "0",
            "reoffences": "0",
        },
    ],
    "youth_first_time_entrant": [
        {"person_id": "Y00321", "entry_date": "2024-03-05", "ward": "Park", "age": "15", "sex": "male"},
        {"person_id": "Y00322", "entry_date": "2024-03-28", "ward": "e05014857", "age": "10"},
    ],
    "probation_termination": [
        {
            "order_id": "P2024-00871",
            "end_date": "2024-03-31",
            "ward": "Bilston North",
            "order_type": "community order",
            "requirement": "unpaid work",
            "completed": "yes",
        },
        {
            "order_id": "P2024-00872",
            "end_date": "2024-04-01",
            "ward": "E05014855",
            "order_type": "post-release supervision",
            "completed": "no",
        },
    ],
    "treatment_episode": [
        {
            "episode_id": "T000981",
            "client_id": "CL0422",
            "ward": "St Peters",
            "substance_group": "opiate",
            "referral_source": "arrest referral",
            "start_date": "2024-01-15",
            "discharge_date": "2024-06-20",
            "discharge_reason": "successful completion",
            "represented_6m": "no",
        },
        {
            "episode_id": "T000982",
            "client_id": "CL0423",
            "ward": "Graiseley",
            "substance_group": "alcohol",
            "referral_source": "self",
            "start_date": "2024-02-29",
        },
    ],
    "drug_test": [
        {
            "test_id": "DT2024-0191",
            "test_date": "2024-05-03",
            "ward": "Blakenhall",
            "trigger_offence": "shoplifting",
            "result": "cocaine",
            "referred_to_treatment": "yes",
        },
        {
            "test_id": "DT2024-0192",
            "test_date": "2024-05-04",
            "ward": "Merry Hill",
            "trigger_offence": "burglary",
            "result": "negative",
        },
    ],
    "survey_response": [
        {
            "response_id": "R00017",
            "survey_name": "Safety of Women and Girls",
            "fieldwork_date": "2024-02-10",
            "ward": "Penn",
            "sex": "female",
            "age_band": "25-34",
            "feels_safe_day": "fairly safe",
            "feels_safe_night": "don't know",
            "confident_to_report": "yes",
            "weight": "1.25",
        },
        {
            "response_id": "R00018",
            "survey_name": "Safety of Women and Girls",
            "fieldwork_date": "2024-02-11",
            "ward": "Tettenhall Regis",
        },
    ],
    "partner_return": [
        {
            "indicator_key": "marac_cases",
            "period_start": "2024-04-01",
            "period_type": "quarter",
            "ward": "city",
            "value": "163",
        },
        {
            "indicator_key": "marac_cases",
            "period_start": "2024-04-01",
            "period_type": "quarter",
            "ward": "Park",
            "value": "12",
        },
        {
            "indicator_key": "pact_issues_resolved",
            "period_start": "2024-05-01",
            "period_type": "month",
            "ward": "E05014848",
            "value": "4",
            "numerator": "4",
            "denominator": "6",
        },
        {
            "indicator_key": "sarc_referrals",
            "period_start": "2024-05-01",
            "period_type": "month",
            "ward": "CITY",
            "value": "0.5",
        },
    ],
    "comparator_area": [
        {"area": "Walsall", "month": "2024-04-01", "offence_group": "burglary", "count": "212", "population": "284100"},
        {
            "area": "Wolverhampton",
            "month": "2024-04-01",
            "offence_group": "robbery",
            "count": "0",
            "population": "263730",
        },
    ],
    "commissioned_spend": [
        {
            "financial_year": "2024/25",
            "priority": "Reducing Reoffending",
            "service": "Substance Misuse (including DIP)",
            "actual_spend": "236533",
        },
        {
            "financial_year": "2024/25",
            "priority": "Violence",
            "service": "Street pastors",
            "allocation": "15000.50",
            "actual_spend": "14999",
        },
    ],
    "ward_population": [
        {"ward": "Oxley", "age_band": "10-17", "year": "2021", "population": "1410", "source_note": "ONS mid-year"},
        {"ward": "E05014838", "age_band": "10-17", "year": "2022", "population": "1388"},
    ],
}


def typed_cell(value: str) -> Any:
    """What Excel would hold after a partner typed ``value``: dates and numbers as such, the rest as text."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        pass
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def test_write_templates_writes_a_csv_and_xlsx_per_source(templates: Path) -> None:
    names = sorted(p.name for p in templates.iterdir())
    assert names == sorted([f"{t}.csv" for t in SOURCES] + [f"{t}.xlsx" for t in SOURCES] + ["README.md"])
    assert len(names) == TEMPLATE_FILES
    for table, source in SOURCES.items():
        columns = [c.name for c in source.columns]
        assert template_header(templates, table) == columns
        workbook = load_workbook(templates / f"{table}.xlsx", read_only=True)
        assert workbook.sheetnames == [table, "README"]
        assert [c.value for c in next(workbook[table].iter_rows(max_row=1))] == columns
        assert next(workbook["README"].iter_rows(max_row=1, values_only=True))[0] == f"source: {table}"
        workbook.close()
    readme = (templates / "README.md").read_text(encoding="utf-8")
    assert all(f"`{table}.csv`" in readme for table in SOURCES)


def test_every_source_loads_from_csv_and_xlsx_identically(templates: Path, tmp_path: Path) -> None:
    """The two template forms of the same rows give the same typed rows, for every source."""
    from swp_data import store

    via_csv, via_xlsx = store.memory_store(), store.memory_store()
    # Hand-written rows where a source has them; otherwise the row its declaration's examples make,
    # so a new source is covered without editing this file.
    for table, rows in {table: ROWS.get(table) or [example_row(table)] for table in SOURCES}.items():
        csv_path = write_template_csv(tmp_path / f"{table}.csv", template_header(templates, table), rows)
        xlsx_path = fill_template_xlsx(
            templates, table, tmp_path / f"{table}.xlsx", [{k: typed_cell(v) for k, v in row.items()} for row in rows]
        )
        (csv_report,) = import_paths([csv_path], connection=via_csv).files
        (xlsx_report,) = import_paths([xlsx_path], connection=via_xlsx).files
        assert csv_report.tables == xlsx_report.tables == [table]
        assert (csv_report.rows_read, csv_report.rows_loaded, csv_report.skipped) == (
            xlsx_report.rows_read,
            xlsx_report.rows_loaded,
            xlsx_report.skipped,
        )
        assert csv_report.rows_read == len(rows)
        assert csv_report.file_format == "template csv" and xlsx_report.file_format == "template xlsx"
    assert data_snapshot(via_csv) == data_snapshot(via_xlsx)
    for table in SOURCES:
        assert table_rows(via_csv, table, exclude=("load_id",)), table


def example_row(table: str) -> dict[str, str]:
    """One row from the examples a source declares for its fields (the templates' README shows them)."""
    return {column.name: column.example for column in SOURCES[table].columns if column.example}


@pytest.mark.parametrize("table", list(SOURCES))
def test_every_source_declares_examples_that_make_a_valid_row(templates: Path, tmp_path: Path, table: str) -> None:
    from swp_data import store

    missing = [c.name for c in SOURCES[table].columns if c.required and not c.example]
    assert missing == [], f"{table}: required fields without an example"
    path = write_template_csv(tmp_path / f"{table}.csv", template_header(templates, table), [example_row(table)])
    (report,) = import_paths([path], connection=store.memory_store()).files
    assert (report.tables, report.rows_loaded, report.skipped) == ([table], 1, {})


@pytest.fixture(scope="module")
def filled(templates: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Every source's rows loaded: CSVs for half of them, XLSX (typed cells) for the others (read only)."""
    from swp_data import store

    con = store.memory_store()
    tmp_path = tmp_path_factory.mktemp("filled")
    paths = []
    for index, (table, rows) in enumerate(ROWS.items()):
        if index % 2:
            cells = [{k: typed_cell(v) for k, v in row.items()} for row in rows]
            paths.append(fill_template_xlsx(templates, table, tmp_path / f"{table}.xlsx", cells))
        else:
            paths.append(write_template_csv(tmp_path / f"{table}.csv", template_header(templates, table), rows))
    report = import_paths(paths, connection=con)
    assert [f.tables for f in report.files] == [[t] for t in ROWS]
    yield con
    con.close()


def test_crime_template_typed_values(filled: duckdb.DuckDBPyConnection) -> None:
    columns = [
        "crime_id",
        "recorded_date",
        "month",
        "lsoa_code",
        "ward_code",
        "offence_subgroup",
        "offence_group",
        "police_crime_type",
        "last_outcome",
        "domestic_abuse",
        "alcohol_related",
        "drug_related",
        "hate_crime",
        "hate_strand",
        "knife_crime",
        "firearm",
        "public_place",
        "business_victim",
        "hidden_harm_type",
        "victim_id",
        "victim_age_band",
        "victim_sex",
        "offender_id",
        "longitude",
        "latitude",
        "location",
        "source_format",
        "placed_by",
    ]
    rows = filled.execute(f"select {', '.join(columns)} from crime order by crime_id").fetchall()
    got = [dict(zip(columns, row, strict=True)) for row in rows]
    wards = expected_lsoa_ward()
    # The first row carries coordinates: it is placed by its point (in St Peters, by ray casting),
    # not by its LSOA's best-fit ward (Penn).
    assert (ward_by_ray_casting(-2.1301, 52.5861), wards["E01010520"]) == ("E05014853", "E05014852")
    assert got[0] == {
        "crime_id": "20WV/000101/24",
        "recorded_date": date(2024, 4, 17),
        "month": date(2024, 4, 1),
        "lsoa_code": "E01010520",
        "ward_code": "E05014853",  # St Peters: the ward polygon holding its point
        "offence_subgroup": "violence with injury",
        "offence_group": "violence against the person",
        "police_crime_type": "Violence and sexual offences",
        "last_outcome": "Suspect charged",
        "domestic_abuse": True,
        "alcohol_related": False,
        "drug_related": None,
        "hate_crime": True,
        "hate_strand": "race",
        "knife_crime": True,
        "firearm": False,
        "public_place": True,
        "business_victim": None,
        "hidden_harm_type": None,
        "victim_id": "V004512",
        "victim_age_band": "18-24",
        "victim_sex": "female",
        "offender_id": "O001877",
        "longitude": -2.1301,
        "latitude": 52.5861,
        "location": "On or near Maxwell Road",
        "source_format": "template",
        "placed_by": "point",
    }
    # DD/MM/YYYY, a lower-case 2011 code split in 2021, and a crime type with no subgroup.
    assert (
        got[1]["recorded_date"],
        got[1]["month"],
        got[1]["lsoa_code"],
        got[1]["ward_code"],
        got[1]["offence_subgroup"],
        got[1]["offence_group"],
        got[1]["police_crime_type"],
        got[1]["business_victim"],
    ) == (date(2024, 5, 2), date(2024, 5, 1), "E01010435", wards["E01010435"], None, None, "Burglary", False)
    assert all(got[1][flag] is None for flag in ("domestic_abuse", "alcohol_related", "hate_crime", "knife_crime"))
    assert (got[1]["placed_by"], got[2]["placed_by"]) == ("lsoa", "lsoa")  # no coordinates
    assert (got[2]["lsoa_code"], got[2]["ward_code"], got[2]["hidden_harm_type"]) == (
        "E01034313",
        wards["E01034313"],
        "modern slavery",
    )
    assert len(got) == 3  # the row with no LSOA is skipped and counted
    log = filled.execute("select rows_read, rows_loaded, rows_skipped from load_log where target_table = 'crime'")
    assert log.fetchall() == [(4, 3, 1)]
    assert filled.execute(
        "select reason, rows from load_skip join load_log using (load_id) where target_table = 'crime'"
    ).fetchall() == [("no LSOA given", 1)]


def test_asb_template_typed_values(filled: duckdb.DuckDBPyConnection) -> None:
    rows = filled.execute(
        "select incident_id, incident_date, month, lsoa_code, ward_code, category, theme, caller_id, location_id,"
        " reporting_agency, intervention, longitude, latitude, location, source_format, placed_by from asb_incident"
        " order by incident_id"
    ).fetchall()
    wards = expected_lsoa_ward()
    assert rows == [
        (
            "ASB-2024-000123",
            date(2024, 5, 2),
            date(2024, 5, 1),
            "E01010410",
            wards["E01010410"],
            "nuisance",
            "off-road motorbikes",
            "C00912",
            "L20331",
            "council",
            "warning letter",
            -2.07,
            52.55,
            "Bilston Road",
            "template",
            "point",  # in Bilston South, the LSOA's best-fit ward too
        ),
        (
            "ASB-2024-000124",
            date(2024, 6, 30),
            date(2024, 6, 1),
            "E01034310",
            wards["E01034310"],
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "template",
            "lsoa",
        ),
    ]


def test_reoffending_template_places_wards_by_name_and_code(filled: duckdb.DuckDBPyConnection) -> None:
    rows = filled.execute(
        "select offender_id, cohort_start, month, age_group, ward_code, index_disposal, iom, reoffended, reoffences"
        " from reoffending_cohort order by offender_id"
    ).fetchall()
    assert rows == [
        ("O1", date(2023, 4, 1), date(2023, 4, 1), "adult", WARD["Heath Town"], "court order", None, True, 2),
        ("O2", date(2023, 4, 1), date(2023, 4, 1), "youth", "E05014845", "caution", False, False, 0),
        ("O3", date(2023, 7, 1), date(2023, 7, 1), "adult", WARD["St Peters"], "custody release", True, True, 11),
        (
            "O4",
            date(2023, 7, 1),
            date(2023, 7, 1),
            "adult",
            WARD["Bushbury South & Low Hill"],
            "caution",
            None,
            False,
            0,
        ),
    ]
    assert WARD["Ettingshall South & Spring Vale"] == "E05014845"


def test_ward_templates_typed_values(filled: duckdb.DuckDBPyConnection) -> None:
    assert filled.execute(
        "select person_id, entry_date, month, ward_code, age, sex from youth_first_time_entrant order by 1"
    ).fetchall() == [
        ("Y00321", date(2024, 3, 5), date(2024, 3, 1), WARD["Park"], 15, "male"),
        ("Y00322", date(2024, 3, 28), date(2024, 3, 1), "E05014857", 10, None),
    ]
    assert filled.execute(
        "select order_id, end_date, month, ward_code, order_type, requirement, completed from probation_termination"
        " order by 1"
    ).fetchall() == [
        (
            "P2024-00871",
            date(2024, 3, 31),
            date(2024, 3, 1),
            WARD["Bilston North"],
            "community order",
            "unpaid work",
            True,
        ),
        ("P2024-00872", date(2024, 4, 1), date(2024, 4, 1), "E05014855", "post-release supervision", None, False),
    ]
    assert filled.execute(
        "select episode_id, client_id, ward_code, substance_group, referral_source, start_date, month,"
        " discharge_date, discharge_month, discharge_reason, represented_6m from treatment_episode order by 1"
    ).fetchall() == [
        (
            "T000981",
            "CL0422",
            WARD["St Peters"],
            "opiate",
            "arrest referral",
            date(2024, 1, 15),
            date(2024, 1, 1),
            date(2024, 6, 20),
            date(2024, 6, 1),
            "successful completion",
            False,
        ),
        (
            "T000982",
            "CL0423",
            WARD["Graiseley"],
            "alcohol",
            "self",
            date(2024, 2, 29),
            date(2024, 2, 1),
            None,
            None,
            None,
            None,
        ),
    ]
    assert filled.execute(
        "select test_id, test_date, month, ward_code, trigger_offence, result, referred_to_treatment from drug_test"
        " order by 1"
    ).fetchall() == [
        ("DT2024-0191", date(2024, 5, 3), date(2024, 5, 1), WARD["Blakenhall"], "shoplifting", "cocaine", True),
        ("DT2024-0192", date(2024, 5, 4), date(2024, 5, 1), WARD["Merry Hill"], "burglary", "negative", None),
    ]
    assert filled.execute(
        "select response_id, survey_name, fieldwork_date, month, ward_code, sex, age_band, feels_safe_day,"
        " feels_safe_night, confident_to_report, weight from survey_response order by 1"
    ).fetchall() == [
        (
            "R00017",
            "Safety of Women and Girls",
            date(2024, 2, 10),
            date(2024, 2, 1),
            WARD["Penn"],
            "female",
            "25-34",
            "fairly safe",
            "don't know",
            "yes",
            1.25,
        ),
        (
            "R00018",
            "Safety of Women and Girls",
            date(2024, 2, 11),
            date(2024, 2, 1),
            WARD["Tettenhall Regis"],
            None,
            None,
            None,
            None,
            None,
            None,
        ),
    ]


def test_partner_return_city_rows_have_no_ward(filled: duckdb.DuckDBPyConnection) -> None:
    rows = filled.execute(
        "select indicator_key, period_start, period_type, ward_code, value, numerator, denominator, month"
        " from partner_return order by indicator_key, ward_code nulls first"
    ).fetchall()
    assert rows == [
        ("marac_cases", date(2024, 4, 1), "quarter", None, 163.0, None, None, date(2024, 4, 1)),
        ("marac_cases", date(2024, 4, 1), "quarter", WARD["Park"], 12.0, None, None, date(2024, 4, 1)),
        ("pact_issues_resolved", date(2024, 5, 1), "month", "E05014848", 4.0, 4.0, 6.0, date(2024, 5, 1)),
        ("sarc_referrals", date(2024, 5, 1), "month", None, 0.5, None, None, date(2024, 5, 1)),
    ]
    assert WARD["Heath Town"] == "E05014848"


def test_unplaced_templates_typed_values(filled: duckdb.DuckDBPyConnection) -> None:
    assert filled.execute(
        "select area, month, offence_group, count, population from comparator_area order by 1"
    ).fetchall() == [
        ("Walsall", date(2024, 4, 1), "burglary", 212, 284100),
        ("Wolverhampton", date(2024, 4, 1), "robbery", 0, 263730),
    ]
    assert filled.execute(
        "select financial_year, priority, service, allocation, actual_spend from commissioned_spend order by service"
    ).fetchall() == [
        ("2024/25", "Violence", "Street pastors", 15000.5, 14999.0),
        ("2024/25", "Reducing Reoffending", "Substance Misuse (including DIP)", None, 236533.0),
    ]
    census = as_dict(filled, "select ward_code, population from ward")
    rows = filled.execute(
        "select ward_code, age_band, year, population, source_note from ward_population where age_band = '10-17'"
        " order by ward_code"
    ).fetchall()
    assert rows == [
        ("E05014838", "10-17", 2022, 1388, None),
        (WARD["Oxley"], "10-17", 2021, 1410, "ONS mid-year"),
    ]
    # The Census all-ages rows shipped with the store are untouched by loading other age bands.
    assert as_dict(filled, "select ward_code, population from ward_population where age_band = 'all ages'") == census
    assert count(filled, "select count(*) from ward_population where age_band = 'all ages'") == 20


def test_template_csv_saved_by_excel_with_bom_and_crlf(
    con: duckdb.DuckDBPyConnection, templates: Path, tmp_path: Path
) -> None:
    """Excel's 'CSV UTF-8' adds a byte-order mark and CRLF line ends; quoted values may hold commas."""
    path = tmp_path / "tests.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(template_header(templates, "drug_test"))
        writer.writerow(["DT1", "2024-05-03", "Wednesfield North", "theft, other", "both", ""])
        writer.writerow(["DT2", "2024-05-04", "Wednesfield South", 'possession "with intent"', "opiates", "n"])
    assert path.read_bytes().startswith(b"\xef\xbb\xbftest_id,")
    (report,) = import_paths([path], connection=con).files
    assert (report.rows_read, report.rows_loaded) == (2, 2)
    assert con.execute(
        "select test_id, ward_code, trigger_offence, result, referred_to_treatment from drug_test order by 1"
    ).fetchall() == [
        ("DT1", WARD["Wednesfield North"], "theft, other", "both", None),
        ("DT2", WARD["Wednesfield South"], 'possession "with intent"', "opiates", False),
    ]


def test_cli_templates_import_and_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, db = tmp_path / "blank", tmp_path / "swp.duckdb"
    assert main(["templates", str(folder)]) == 0
    assert f"Wrote {TEMPLATE_FILES} files" in capsys.readouterr().out
    filled_path = write_template_csv(tmp_path / "tests.csv", template_header(folder, "drug_test"), ROWS["drug_test"])

    assert main(["--db", str(db), "import", str(filled_path)]) == 0  # --quiet prints nothing on success
    out = capsys.readouterr().out
    assert "tests.csv: template csv -> drug_test: read 2, loaded 2, May 2024 to May 2024" in out
    assert "1 file(s) imported, 2 rows loaded." in out

    assert main(["--db", str(db), "info"]) == 0
    info = capsys.readouterr().out
    line = next(row for row in info.splitlines() if " drug_test " in row)
    cells = line.split(" drug_test ", 1)[1].split()
    assert cells[:3] == ["2", "2024-05-01", "2024-05-01"]  # rows, first and last month
    assert cells[-2:] == ["1", "0"]  # files loaded, rows skipped
