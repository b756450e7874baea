"""Rows of empty cells left by spreadsheets are skipped and counted, never silently dropped."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from swp_data import store
from swp_data.importing import import_paths

HEADER = "test_id,test_date,ward,trigger_offence,result,referred_to_treatment"


def test_blank_csv_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "tests.csv"
    path.write_text(f"{HEADER}\nDT1,2024-05-03,Park,theft,both,\n,,,,,\nDT2,2024-05-04,Penn,theft,negative,no\n,,,,,\n")
    connection = store.memory_store()
    report = import_paths([path], connection=connection)
    assert report.files[0].rows_read == 4
    assert report.files[0].rows_loaded == 2
    assert report.files[0].skipped == {"blank row": 2}
    assert connection.execute("select reason, rows from load_skip").fetchall() == [("blank row", 2)]


def test_blank_workbook_rows_inside_the_table_are_counted_trailing_ones_are_not(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "drug_test"
    sheet.append(HEADER.split(","))
    sheet.append(["DT1", "2024-05-03", "Park", "theft", "both", None])
    sheet.append([None] * 6)
    sheet.append(["DT2", "2024-05-04", "Penn", "theft", "negative", "no"])
    for row in range(6, 20):  # formatted but empty rows below the table
        sheet.cell(row=row, column=1).number_format = "@"
    path = tmp_path / "tests.xlsx"
    workbook.save(path)
    connection = store.memory_store()
    report = import_paths([path], connection=connection)
    assert (report.files[0].rows_read, report.files[0].rows_loaded) == (3, 2)
    assert report.files[0].skipped == {"blank row": 1}
