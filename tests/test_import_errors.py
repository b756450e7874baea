"""Bad inputs: each fails with an ImportFailure naming file, line, field and value, and changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from support import (
    FIXTURES,
    REOFFENDING_HEADER,
    REPO,
    STREET_HEADER,
    Expected,
    assert_import_fails,
    baseline_store_file,
    fill_template_xlsx,
    replace_line,
    street_rows,
    template_header,
    write_template_csv,
)

from swp_data import store
from swp_data.importing import import_paths


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One loaded store file for the whole module: every failure below must leave it byte for byte as it was."""
    return baseline_store_file(tmp_path_factory.mktemp("already_loaded"))


COHORT_OK = {
    "offender_id": "O1",
    "cohort_start": "2023-04-01",
    "age_group": "adult",
    "ward": "Heath Town",
    "index_disposal": "court order",
    "reoffended": "yes",
    "reoffences": "2",
}


def cohort(**changes: str) -> dict[str, str]:
    return COHORT_OK | changes


def cohort_file(path: Path, *rows: dict[str, str]) -> Path:
    return write_template_csv(path, REOFFENDING_HEADER, rows)


def good_rows(n: int) -> list[dict[str, str]]:
    return [cohort(offender_id=f"G{i:03d}") for i in range(n)]


# --- headers --------------------------------------------------------------------------------------------


def test_street_csv_with_a_renamed_column(loaded: Path, wolverhampton_csv: Path, tmp_path: Path) -> None:
    bad = replace_line(wolverhampton_csv, tmp_path / "street.csv", 1, ",LSOA code,", ",LSOA,")
    assert_import_fails(
        loaded,
        [bad],
        Expected("street.csv", 1, "LSOA code", None, "is missing from the header of this data.police.uk street file"),
    )


def test_street_csv_with_a_dropped_column(loaded: Path, tmp_path: Path) -> None:
    bad = tmp_path / "street.csv"
    bad.write_text(STREET_HEADER.replace(",Crime type", "") + "\r\n", encoding="utf-8")
    assert_import_fails(loaded, [bad], Expected("street.csv", 1, "Crime type", None, "is missing from the header"))


def test_street_csv_with_columns_in_another_order(loaded: Path, tmp_path: Path) -> None:
    bad = tmp_path / "street.csv"
    bad.write_text(STREET_HEADER.replace("Longitude,Latitude", "Latitude,Longitude") + "\r\n", encoding="utf-8")
    assert_import_fails(loaded, [bad], Expected("street.csv", 1, None, None, "in the wrong order"))


def test_template_with_a_misspelt_column(loaded: Path, tmp_path: Path) -> None:
    header = [("cohort_begin" if c == "cohort_start" else c) for c in REOFFENDING_HEADER]
    bad = write_template_csv(tmp_path / "cohort.csv", header, [])
    assert_import_fails(
        loaded,
        [bad],
        Expected("cohort.csv", 1, "cohort_start", None, "the Proven reoffending cohort template needs cohort_start"),
    )


def test_template_with_an_unknown_column(loaded: Path, tmp_path: Path) -> None:
    bad = write_template_csv(
        tmp_path / "cohort.csv", [*REOFFENDING_HEADER, "Notes"], [cohort(), cohort(offender_id="O2")]
    )
    assert_import_fails(
        loaded,
        [bad],
        Expected("cohort.csv", 1, "Notes", None, "is not a column of the Proven reoffending cohort template"),
    )


def test_file_of_no_known_format(loaded: Path, tmp_path: Path) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text("Ref,Date,Beat\n1,2024-01-01,A\n", encoding="utf-8")
    assert_import_fails(loaded, [bad], Expected("export.csv", 1, None, "Ref,Date,Beat", "matches no known format"))


# --- values -----------------------------------------------------------------------------------------------


def test_bad_date_in_a_template(loaded: Path, tmp_path: Path) -> None:
    rows = [
        *good_rows(5),
        cohort(offender_id="B1", cohort_start="2023-13-01"),
        cohort(offender_id="B2", cohort_start="1/4/23x"),
    ]
    bad = cohort_file(tmp_path / "cohort.csv", *rows)
    failure = assert_import_fails(
        loaded, [bad], Expected("cohort.csv", 7, "cohort_start", "2023-13-01", "is not a date")
    )
    assert failure.more == 1
    assert "(1 more problem of this kind in the file)" in str(failure)


def test_bad_date_in_a_template_workbook(loaded: Path, templates: Path, tmp_path: Path) -> None:
    rows = [
        {"test_id": "DT1", "test_date": "2024-05-03", "ward": "Park", "trigger_offence": "theft", "result": "both"},
        {"test_id": "DT2", "test_date": "2024-02-30", "ward": "Park", "trigger_offence": "theft", "result": "both"},
    ]
    bad = fill_template_xlsx(templates, "drug_test", tmp_path / "tests.xlsx", rows)
    assert_import_fails(loaded, [bad], Expected("tests.xlsx", 3, "test_date", "2024-02-30", "is not a date"))


def test_police_csv_with_a_malformed_lsoa_code(loaded: Path, wolverhampton_csv: Path, tmp_path: Path) -> None:
    rows = street_rows(wolverhampton_csv)
    line = next(i for i, r in enumerate(rows, start=2) if i > 400 and r["LSOA name"].startswith("Wolverhampton"))
    code = rows[line - 2]["LSOA code"]
    bad = replace_line(wolverhampton_csv, tmp_path / "street.csv", line, f",{code},", f",{code[:-1]},")
    assert_import_fails(loaded, [bad], Expected("street.csv", line, "LSOA code", code[:-1], "is not a known LSOA"))


def test_police_csv_with_a_wolverhampton_lsoa_not_in_the_lookup(
    loaded: Path, wolverhampton_csv: Path, tmp_path: Path
) -> None:
    rows = street_rows(wolverhampton_csv)
    line = next(i for i, r in enumerate(rows, start=2) if i > 600 and r["LSOA name"].startswith("Wolverhampton"))
    row = rows[line - 2]
    bad = replace_line(
        wolverhampton_csv,
        tmp_path / "street.csv",
        line,
        f",{row['LSOA code']},{row['LSOA name']},",
        ",E01099999,Wolverhampton 099Z,",
    )
    assert_import_fails(
        loaded,
        [bad],
        Expected("street.csv", line, "LSOA code", "E01099999", "named as Wolverhampton but not in the lookup"),
    )


def test_police_csv_row_outside_the_city_is_not_an_error(
    con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path, tmp_path: Path
) -> None:
    # The same valid code, named after another area, is a row over the boundary: skipped, not refused.
    rows = street_rows(wolverhampton_csv)
    line = next(i for i, r in enumerate(rows, start=2) if r["LSOA name"].startswith("Wolverhampton"))
    row = rows[line - 2]
    moved = replace_line(
        wolverhampton_csv,
        tmp_path / "street.csv",
        line,
        f",{row['LSOA code']},{row['LSOA name']},",
        ",E01099999,Walsall 099Z,",
    )
    (report,) = import_paths([moved], connection=con).files
    assert report.skipped["outside Wolverhampton"] == 35


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("E0101052", "is not a Wolverhampton LSOA code"),
        ("E01099999", "is not a Wolverhampton LSOA code"),
        ("E01000001", "is not a Wolverhampton LSOA code"),
    ],
)
def test_crime_template_with_an_unknown_lsoa(
    loaded: Path, templates: Path, tmp_path: Path, code: str, problem: str
) -> None:
    header = template_header(templates, "crime")
    rows = [
        {
            "crime_id": f"C{i}",
            "recorded_date": "2024-04-02",
            "lsoa_code": "E01010520",
            "offence_subgroup": "shoplifting",
        }
        for i in range(3)
    ]
    rows.append({"crime_id": "C9", "recorded_date": "2024-04-02", "lsoa_code": code, "offence_subgroup": "shoplifting"})
    bad = write_template_csv(tmp_path / "crimes.csv", header, rows)
    assert_import_fails(loaded, [bad], Expected("crimes.csv", 5, "lsoa_code", code, problem))


def test_duplicate_ids_in_a_template(loaded: Path, templates: Path, tmp_path: Path) -> None:
    rows = [
        {"test_id": f"DT{i}", "test_date": "2024-05-03", "ward": "Park", "trigger_offence": "theft", "result": "both"}
        for i in (1, 2, 3, 2)
    ]
    bad = write_template_csv(tmp_path / "tests.csv", template_header(templates, "drug_test"), rows)
    failure = assert_import_fails(loaded, [bad], Expected("tests.csv", 5, "test_id", "DT2", "is a duplicate"))
    assert "also on line 3" in failure.problem


def test_duplicate_composite_key_in_a_template(loaded: Path, tmp_path: Path) -> None:
    bad = cohort_file(tmp_path / "cohort.csv", cohort(), cohort(offender_id="O2"), cohort(ward="Park", reoffences="1"))
    assert_import_fails(
        loaded,
        [bad],
        Expected(
            "cohort.csv", 4, "offender_id", "O1, 2023-04-01", "the same offender_id + cohort_start is also on line 2"
        ),
    )


def test_old_ward_code_in_a_ward_placed_template(loaded: Path, tmp_path: Path) -> None:
    bad = cohort_file(tmp_path / "cohort.csv", cohort(), cohort(offender_id="O2", ward="E05001330"))
    assert_import_fails(loaded, [bad], Expected("cohort.csv", 3, "ward", "E05001330", "is a 2004-2023 ward code"))


def test_unknown_ward_name_in_a_template(loaded: Path, tmp_path: Path) -> None:
    bad = cohort_file(tmp_path / "cohort.csv", cohort(), cohort(offender_id="O2", ward="Whitmore Reans"))
    assert_import_fails(
        loaded, [bad], Expected("cohort.csv", 3, "ward", "Whitmore Reans", "is not a current Wolverhampton ward")
    )


def test_city_is_only_allowed_where_a_source_has_city_wide_figures(loaded: Path, tmp_path: Path) -> None:
    bad = cohort_file(tmp_path / "cohort.csv", cohort(), cohort(offender_id="O2", ward="city"))
    assert_import_fails(loaded, [bad], Expected("cohort.csv", 3, "ward", "city", "is not a current Wolverhampton ward"))


def test_reoffended_yes_with_no_reoffences(loaded: Path, tmp_path: Path) -> None:
    bad = cohort_file(
        tmp_path / "cohort.csv", *good_rows(3), cohort(offender_id="O9", reoffended="yes", reoffences="0")
    )
    assert_import_fails(loaded, [bad], Expected("cohort.csv", 5, "reoffences", "0", "contradicts 'reoffended'"))


def test_missing_required_value(loaded: Path, tmp_path: Path) -> None:
    bad = cohort_file(tmp_path / "cohort.csv", cohort(), cohort(offender_id="O2", age_group=""))
    assert_import_fails(
        loaded, [bad], Expected("cohort.csv", 3, "age_group", None, "is missing: this field is required")
    )


# --- damaged files ------------------------------------------------------------------------------------------


def test_street_csv_cut_mid_row(loaded: Path, wolverhampton_csv: Path, tmp_path: Path) -> None:
    raw = wolverhampton_csv.read_bytes()
    last_start = raw.rstrip(b"\r\n").rfind(b"\r\n") + 2
    cut_at = raw.index(b",No Location,", last_start) + 5  # inside the Location value
    bad = tmp_path / "street.csv"
    bad.write_bytes(raw[:cut_at])
    partial = raw[last_start:cut_at].decode()
    assert partial.count(",") == 6
    # The value shown is the row as far as it goes (its first 120 characters).
    assert_import_fails(
        loaded, [bad], Expected("street.csv", 735, "LSOA code", partial[:120], "expected 12 values, found 7")
    )


def test_template_cut_inside_a_quoted_value(loaded: Path, templates: Path, tmp_path: Path) -> None:
    header = template_header(templates, "asb_incident")
    rows = [
        {
            "incident_id": f"A{i}",
            "incident_date": "2024-05-02",
            "lsoa_code": "E01010410",
            "location": "Bilston Road, near the market",
        }
        for i in range(4)
    ]
    full = write_template_csv(tmp_path / "full.csv", header, rows).read_bytes()
    cut_at = full.rindex(b"near the")
    bad = tmp_path / "asb.csv"
    bad.write_bytes(full[:cut_at])
    last = full[:cut_at].decode().splitlines()[-1]
    assert last.endswith('"Bilston Road, ')
    assert_import_fails(loaded, [bad], Expected("asb.csv", 5, "location", last, "has a quoted value that never ends"))


def test_template_in_windows_1252_on_a_later_line(loaded: Path, templates: Path, tmp_path: Path) -> None:
    header = template_header(templates, "drug_test")
    rows = [
        {"test_id": f"DT{i}", "test_date": "2024-05-03", "ward": "Park", "trigger_offence": "theft", "result": "both"}
        for i in range(60)
    ]
    rows[47]["trigger_offence"] = "theft from café"
    bad = write_template_csv(tmp_path / "tests.csv", header, rows, encoding="cp1252")
    assert bad.read_bytes().count(b"caf\xe9") == 1
    assert_import_fails(
        loaded, [bad], Expected("tests.csv", 49, "trigger_offence", "theft from café", "is not UTF-8 text")
    )


def test_street_csv_in_windows_1252(loaded: Path, wolverhampton_csv: Path, tmp_path: Path) -> None:
    rows = street_rows(wolverhampton_csv)
    line = next(i for i, r in enumerate(rows, start=2) if i > 300 and r["Location"].startswith("On or near "))
    location = rows[line - 2]["Location"]
    text = wolverhampton_csv.read_bytes().decode("utf-8").split("\r\n")
    text[line - 1] = text[line - 1].replace(location, "On or near Café Row")
    bad = tmp_path / "street.csv"
    bad.write_bytes("\r\n".join(text).encode("cp1252"))
    assert_import_fails(
        loaded, [bad], Expected("street.csv", line, "Location", "On or near Café Row", "is not UTF-8 text")
    )


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_empty_file(loaded: Path, tmp_path: Path, suffix: str) -> None:
    bad = tmp_path / f"empty{suffix}"
    bad.write_bytes(b"")
    assert_import_fails(loaded, [bad], Expected(bad.name, None, None, None, "is empty"))


def test_header_only_template(loaded: Path, tmp_path: Path) -> None:
    bad = cohort_file(tmp_path / "cohort.csv")
    assert_import_fails(loaded, [bad], Expected("cohort.csv", None, None, None, "has a header but no data rows"))


def test_header_only_street_csv(loaded: Path, tmp_path: Path) -> None:
    bad = tmp_path / "street.csv"
    bad.write_bytes(STREET_HEADER.encode() + b"\r\n")
    assert_import_fails(loaded, [bad], Expected("street.csv", None, None, None, "has a header but no data rows"))


def test_header_only_template_workbook(loaded: Path, templates: Path) -> None:
    assert_import_fails(
        loaded,
        [templates / "drug_test.xlsx"],
        Expected("drug_test.xlsx", None, None, None, "has a header but no data rows"),
    )


def test_workbook_with_only_the_readme_sheet(loaded: Path, templates: Path, tmp_path: Path) -> None:
    workbook = load_workbook(templates / "drug_test.xlsx")
    del workbook["drug_test"]
    workbook.save(tmp_path / "tests.xlsx")
    assert_import_fails(
        loaded,
        [tmp_path / "tests.xlsx"],
        Expected(
            "tests.xlsx", None, None, None, "has no sheet named 'drug_test': the template's data sheet is missing"
        ),
    )


def test_workbook_without_a_required_column(loaded: Path, templates: Path, tmp_path: Path) -> None:
    workbook = load_workbook(templates / "drug_test.xlsx")
    sheet = workbook["drug_test"]
    assert sheet.cell(1, 5).value == "result"
    sheet.delete_cols(5)
    sheet.append(["DT1", "2024-05-03", "Park", "theft", None])
    workbook.save(tmp_path / "tests.xlsx")
    assert_import_fails(
        loaded,
        [tmp_path / "tests.xlsx"],
        Expected(
            "tests.xlsx",
            1,
            "result",
            None,
            "is missing from the header: the Drug tests on arrest template needs result",
        ),
    )


def test_workbook_with_an_unknown_column(loaded: Path, templates: Path, tmp_path: Path) -> None:
    # Its values would otherwise be dropped without a word.
    workbook = load_workbook(templates / "drug_test.xlsx")
    sheet = workbook["drug_test"]
    sheet.cell(1, 7, "referred_to_treatmnet")
    sheet.append(["DT1", "2024-05-03", "Park", "theft", "both", None, "yes"])
    workbook.save(tmp_path / "tests.xlsx")
    assert_import_fails(
        loaded,
        [tmp_path / "tests.xlsx"],
        Expected(
            "tests.xlsx", 1, "referred_to_treatmnet", None, "is not a column of the Drug tests on arrest template"
        ),
    )


def test_damaged_workbook(loaded: Path, templates: Path, tmp_path: Path) -> None:
    bad = tmp_path / "tests.xlsx"
    bad.write_bytes((templates / "drug_test.xlsx").read_bytes()[:2000])
    assert_import_fails(
        loaded, [bad], Expected("tests.xlsx", None, None, None, "could not be opened as an Excel workbook")
    )


def test_missing_file(loaded: Path, tmp_path: Path) -> None:
    assert_import_fails(loaded, [tmp_path / "nowhere.csv"], Expected("nowhere.csv", None, None, None, "does not exist"))


# --- the command line --------------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swp_data", *args], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_import_of_a_bad_file_exits_2_and_says_why(tmp_path: Path) -> None:
    db = tmp_path / "swp.duckdb"
    good = FIXTURES / "2016-12-city-of-london-street.csv"
    import_paths([good], db)
    with store.opened(db, read_only=True) as connection:
        before = {t: connection.execute(f"select * from {t}").fetchall() for t in ("load_log", "load_skip", "crime")}
    bad = cohort_file(tmp_path / "cohort.csv", cohort(), cohort(offender_id="O2", reoffended="yes", reoffences="0"))

    result = run_cli("--db", str(db), "import", "--quiet", str(good), str(bad))

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: cohort.csv, line 3, column 'reoffences': value '0' contradicts 'reoffended' "
        "(a reoffender has 1 or more reoffences, others 0)",
        "Nothing was loaded: the store is exactly as it was.",
    ]
    with store.opened(db, read_only=True) as connection:
        after = {t: connection.execute(f"select * from {t}").fetchall() for t in ("load_log", "load_skip", "crime")}
    assert after == before
    assert len(before["load_log"]) == 1


def test_cli_import_into_a_new_store_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "store" / "new.duckdb"
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    result = run_cli("--db", str(db), "import", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith("error: empty.csv: is empty: there is nothing to load\n")
    assert not db.exists()
    assert [p.name for p in db.parent.iterdir()] == [db.name + ".import-lock"]  # the empty lock imports share
