"""Blank templates for every source: a CSV and an XLSX each, with a README describing every column."""

from __future__ import annotations

import csv
from pathlib import Path

from swp_data.downloads import neutralise, safe_excel_row
from swp_data.importing.templates import README_SHEET
from swp_data.sources import SOURCES, Source

_PLACEMENT_NOTE = {
    "lsoa": "Rows are placed on a current ward through lsoa_code; rows with a blank lsoa_code are skipped and counted.",
    "ward": "Rows are placed by ward (current ward code or name); rows with a blank ward are skipped and counted.",
    "ward_or_city": "Give a current ward, or 'city' for a city-wide figure.",
    "none": "Not placed on wards.",
}


def _readme_rows(source: Source) -> list[list[str]]:
    rows = [["column", "required", "type or allowed values", "description", "example"]]
    for column in source.columns:
        required = "yes" if column.required or column.name == source.month_from else "no"
        rows.append([column.name, required, column.kind, column.description, column.example])
    return rows


def readme_text() -> str:
    """A Markdown README describing every template and column."""
    lines = [
        "# swp_data import templates",
        "",
        "Fill one file per source and load it with `python3 -m swp_data import FILE_OR_FOLDER`.",
        "Files are recognised by their header row, so the file name does not matter. Dates are",
        "YYYY-MM-DD (DD/MM/YYYY is accepted); yes/no fields take yes, no, true, false, 1 or 0, and a",
        "blank means *not known* (never zero). Save CSVs as UTF-8. Loading a file again replaces",
        "its records (matched on the key), so figures never double. Dates may not be in the future",
        "or before the earliest year (2000 unless set otherwise); whole numbers are whole (no 1.5);",
        "longitude and latitude, where given, lie in the United Kingdom. In a workbook, formulas need",
        "their saved values (save the file in Excel) and the data may hold no merged cells.",
        "",
    ]
    for source in SOURCES.values():
        lines += [
            f"## {source.title}: `{source.table}.csv` / `{source.table}.xlsx`",
            "",
            f"One row = {source.grain}. {source.description}",
            f"Key: {' + '.join(source.key)}. {_PLACEMENT_NOTE[source.placement]}",
            "",
        ]
        rows = _readme_rows(source)
        lines.append("| " + " | ".join(rows[0]) + " |")
        lines.append("|" + "---|" * len(rows[0]))
        for row in rows[1:]:
            lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
        lines.append("")
    return "\n".join(lines)


def write_templates(folder: Path | str) -> list[Path]:
    """Write ``<table>.csv`` and ``<table>.xlsx`` for every source, plus README.md, into ``folder``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for source in SOURCES.values():
        header = [c.name for c in source.columns]
        csv_path = target / f"{source.table}.csv"
        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow([neutralise(name) for name in header])
        written.append(csv_path)

        workbook = Workbook()
        data = workbook.active
        data.title = source.table
        # Through the one writer downloads use: no text here is ever stored as a formula.
        safe_excel_row(data, header)
        for cell in data[1]:
            cell.font = Font(bold=True)
        data.freeze_panes = "A2"
        readme = workbook.create_sheet(README_SHEET)
        safe_excel_row(readme, [f"source: {source.table}"])
        safe_excel_row(readme, [f"{source.title}: one row = {source.grain}. {source.description}"])
        safe_excel_row(readme, [f"Key: {' + '.join(source.key)}. {_PLACEMENT_NOTE[source.placement]}"])
        safe_excel_row(readme, [])
        for row in _readme_rows(source):
            safe_excel_row(readme, row)
        for cell in readme[5]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDE", (24, 10, 40, 70, 24), strict=True):
            readme.column_dimensions[letter].width = width
        xlsx_path = target / f"{source.table}.xlsx"
        workbook.save(xlsx_path)
        written.append(xlsx_path)
    readme_path = target / "README.md"
    readme_path.write_text(readme_text(), encoding="utf-8")
    written.append(readme_path)
    return written
