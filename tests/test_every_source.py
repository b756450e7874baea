"""Every declared source is complete: the demo generates rows for it and a template is written for it.

A source added to ``swp_data.sources.SOURCES`` without a demo generator or a template fails here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from swp_data.importing.template_files import readme_text
from swp_data.importing.templates import README_SHEET, match_template
from swp_data.sources import SOURCES


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("table", list(SOURCES))
def test_the_demo_generates_and_loads_rows_for_every_source(demo: duckdb.DuckDBPyConnection, table: str) -> None:
    # Rows the demo's own file loaded: the store's built-in rows (e.g. the Census population,
    # load_id 0) do not count, so a source with no demo generator has none.
    loads = demo.execute(
        "select file_name, file_format, rows_loaded from load_log where target_table = ?", [table]
    ).fetchall()
    assert [(name, form) for name, form, _ in loads] == [(f"demo_{table}.csv", "template csv")], (
        f"the demo generator writes no file for {table}"
    )
    assert loads[0][2] > 0, f"the demo generator writes no rows for {table}"
    stored = demo.execute(
        f"select count(*) from {table} where load_id in (select load_id from load_log where target_table = ?)",
        [table],
    ).fetchall()[0][0]
    assert stored == loads[0][2]


@pytest.mark.parametrize("table", list(SOURCES))
def test_every_source_has_a_template_recognised_as_itself(templates: Path, table: str) -> None:
    source = SOURCES[table]
    columns = [c.name for c in source.columns]
    csv_path, xlsx_path = templates / f"{table}.csv", templates / f"{table}.xlsx"
    assert csv_path.is_file() and xlsx_path.is_file(), f"no template written for {table}"
    with csv_path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == columns
    assert match_template(csv_path, header) is source  # the import recognises it, as this source and no other
    workbook = load_workbook(xlsx_path, read_only=True)
    try:
        assert workbook.sheetnames == [table, README_SHEET]
        assert [c.value for c in next(workbook[table].iter_rows(max_row=1))] == columns
        described = [row[0] for row in workbook[README_SHEET].iter_rows(min_row=6, values_only=True) if row[0]]
        assert described == columns  # the README sheet describes every column
    finally:
        workbook.close()
    readme = readme_text()
    assert f"## {source.title}: `{table}.csv` / `{table}.xlsx`" in readme
    section = readme.split(f"`{table}.xlsx`", 1)[1].split("\n## ", 1)[0]
    assert all(f"| {name} |" in section for name in columns)
