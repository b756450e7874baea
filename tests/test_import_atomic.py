"""All or nothing, never double: a failed import changes nothing; records loaded again replace themselves."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from support import (
    API_FILES,
    FIXTURES,
    REOFFENDING_HEADER,
    as_dict,
    count,
    data_snapshot,
    fill_template_xlsx,
    snapshot,
    template_header,
    write_template_csv,
)

from swp_data import store
from swp_data.importing import ImportFailure, import_paths

TESTS = [
    {"test_id": "DT1", "test_date": "2024-05-03", "ward": "Park", "trigger_offence": "theft", "result": "both"},
    {
        "test_id": "DT2",
        "test_date": "2024-05-09",
        "ward": "E05014848",
        "trigger_offence": "burglary",
        "result": "negative",
        "referred_to_treatment": "no",
    },
]


def bad_cohort(folder: Path) -> Path:
    row = {
        "offender_id": "O1",
        "cohort_start": "2023-04-01",
        "age_group": "adult",
        "ward": "Penn",
        "index_disposal": "caution",
        "reoffended": "yes",
        "reoffences": "0",
    }
    return write_template_csv(folder / "zz_bad_cohort.csv", REOFFENDING_HEADER, [row])


# --- atomicity ------------------------------------------------------------------------------------------


def test_failed_multi_file_import_leaves_a_store_file_as_it_was(
    tmp_path: Path, templates: Path, wolverhampton_csv: Path
) -> None:
    db = tmp_path / "swp.duckdb"
    import_paths([FIXTURES / "2024-02-city-of-london-street.csv", API_FILES[0]], db, progress=False)
    with store.opened(db, read_only=True) as connection:
        before = snapshot(connection)
    assert len(before["load_log"]) == 2 and len(before["crime"]) > 100
    file_hash = hashlib.sha256(db.read_bytes()).hexdigest()

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    good_template = write_template_csv(inputs / "tests.csv", template_header(templates, "drug_test"), TESTS)
    with pytest.raises(ImportFailure) as caught:
        import_paths([good_template, wolverhampton_csv, API_FILES[1], bad_cohort(inputs)], db, progress=False)
    assert (caught.value.path.name, caught.value.line, caught.value.field) == ("zz_bad_cohort.csv", 2, "reoffences")

    with store.opened(db, read_only=True) as connection:
        after = snapshot(connection)
        assert count(connection, "select count(*) from drug_test") == 0
    assert after == before
    assert hashlib.sha256(db.read_bytes()).hexdigest() == file_hash  # not a byte of the file was written
    # No WAL or half-built snapshot left: only the (empty) lock file imports take turns on.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "inputs",
        "swp.duckdb",
        "swp.duckdb.import-lock",
        "swp.duckdb.snapshots",
    ]
    assert [p.name for p in (tmp_path / "swp.duckdb.snapshots").iterdir()] == ["000001.duckdb"]


def test_failed_import_leaves_a_connection_as_it_was_and_usable(
    loaded: duckdb.DuckDBPyConnection, tmp_path: Path, templates: Path, wolverhampton_csv: Path
) -> None:
    before = snapshot(loaded)
    good_template = write_template_csv(tmp_path / "tests.csv", template_header(templates, "drug_test"), TESTS)
    with pytest.raises(ImportFailure):
        import_paths([wolverhampton_csv, good_template, bad_cohort(tmp_path)], connection=loaded)
    assert snapshot(loaded) == before
    assert loaded.execute("select table_name from duckdb_tables() where temporary").fetchall() == []

    report = import_paths([good_template], connection=loaded)  # the same connection carries on
    assert report.files[0].rows_loaded == 2
    assert count(loaded, "select max(load_id) from load_log") == 3


def test_failure_on_a_new_store_path_leaves_no_file(tmp_path: Path, wolverhampton_csv: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    bad = bad_cohort(inputs)
    target = tmp_path / "stores" / "swp.duckdb"
    with pytest.raises(ImportFailure):
        import_paths([wolverhampton_csv, bad], target, progress=False)
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir()] == ["swp.duckdb.import-lock"]


def test_successful_import_creates_a_store_file(tmp_path: Path, wolverhampton_csv: Path) -> None:
    target = tmp_path / "swp.duckdb"
    report = import_paths([wolverhampton_csv], target, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "swp.duckdb",
        "swp.duckdb.import-lock",
        "swp.duckdb.snapshots",
    ]
    with store.opened(target, read_only=True) as connection:
        assert count(connection, "select count(*) from crime") + count(
            connection, "select count(*) from asb_incident"
        ) == (report.rows_loaded)
        log = connection.execute("select file_name, file_path, content_hash, rows_read from load_log").fetchall()
    assert log == [
        (
            wolverhampton_csv.name,
            str(wolverhampton_csv.resolve()),
            hashlib.sha256(wolverhampton_csv.read_bytes()).hexdigest(),
            734,
        )
    ]


# --- idempotency ----------------------------------------------------------------------------------------


def figures(connection: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    return {
        "crime": as_dict(
            connection, "select ward_code || ' ' || coalesce(police_crime_type, '?'), count(*) from crime group by 1"
        ),
        "asb": as_dict(connection, "select ward_code, count(*) from asb_incident group by 1"),
        "tests": as_dict(connection, "select ward_code || ' ' || result, count(*) from drug_test group by 1"),
    }


def assert_reload_changes_nothing(connection: duckdb.DuckDBPyConnection, first: Path, *again: Path) -> None:
    """Load ``first``; then every file in ``again`` leaves contents and figures exactly as they were."""
    (report,) = import_paths([first], connection=connection).files
    assert report.rows_loaded > 0 and report.rows_replaced == 0
    contents, numbers = data_snapshot(connection), figures(connection)
    for number, path in enumerate(again, start=2):
        (again_report,) = import_paths([path], connection=connection).files
        assert again_report.rows_loaded == again_report.rows_replaced == report.rows_loaded
        assert again_report.skipped == report.skipped
        assert data_snapshot(connection) == contents
        assert figures(connection) == numbers
        assert count(connection, "select count(*) from load_log") == number


def test_police_csv_twice_and_from_a_copy(
    con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path, tmp_path: Path
) -> None:
    copy = shutil.copy(wolverhampton_csv, tmp_path / "download (1).csv")
    assert_reload_changes_nothing(con, wolverhampton_csv, wolverhampton_csv, Path(copy))
    assert count(con, "select count(*) from crime") == 613
    assert count(con, "select count(*) from asb_incident") == 10


def test_police_csv_with_other_line_endings_is_the_same_month(
    con: duckdb.DuckDBPyConnection, wolverhampton_csv: Path, tmp_path: Path
) -> None:
    # The same month re-saved by a spreadsheet or an editor: LF line ends, no final newline.
    resaved = tmp_path / "resaved.csv"
    resaved.write_bytes(wolverhampton_csv.read_bytes().replace(b"\r\n", b"\n").rstrip(b"\n"))
    assert_reload_changes_nothing(con, wolverhampton_csv, resaved)


def test_api_json_twice_and_from_a_copy(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    copy = shutil.copy(API_FILES[0], tmp_path / "crimes-street.json")
    assert_reload_changes_nothing(con, API_FILES[0], API_FILES[0], Path(copy))
    assert count(con, "select count(*) from crime") + count(con, "select count(*) from asb_incident") == 202


def test_template_twice_from_a_copy_and_as_a_workbook(
    con: duckdb.DuckDBPyConnection, templates: Path, tmp_path: Path
) -> None:
    header = template_header(templates, "drug_test")
    first = write_template_csv(tmp_path / "tests.csv", header, TESTS)
    copy = write_template_csv(tmp_path / "tests copy.csv", header, TESTS)
    workbook = fill_template_xlsx(templates, "drug_test", tmp_path / "tests.xlsx", TESTS)
    assert_reload_changes_nothing(con, first, first, copy, workbook)
    assert count(con, "select count(*) from drug_test") == 2


def test_api_files_in_two_imports_equal_one_import() -> None:
    together, apart = store.memory_store(), store.memory_store()
    import_paths(API_FILES[:8], connection=together)
    import_paths(API_FILES[:5], connection=apart)
    import_paths(API_FILES[2:8], connection=apart)  # three files overlap
    assert data_snapshot(apart) == data_snapshot(together)
    assert count(apart, "select count(*) from load_log") == 11
