"""The pack as an Excel workbook: numbers stored as numbers, withheld cells as their markers.

Sheets: Overview (every KPI), one per priority, Ward figures (every ward-level KPI by ward),
and Notes (the filters, as-of date, marking, the markers' legend, definitions and sources).
Every table has a frozen header row and a filter; text cells a spreadsheet would run are
stored as text (``downloads.safe_excel_row``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from swp_data.calc.render import assurance_text, coverage_text, variation_text
from swp_data.disclosure.cells import marker_explanations
from swp_data.display import marker_legend
from swp_data.downloads import safe_excel_row
from swp_data.kinds import kind
from swp_data.report.pack import Pack
from swp_data.results import KpiResult

KPI_COLUMNS = [
    "Priority",
    "KPI",
    "Value",
    "Shown as",
    "Compared with",
    "Comparison value",
    "Change",
    "Change (%)",
    "Change, in words",
    "p-value",
    "Test",
    "Rolling 12 months",
    "SPC variation",
    "Assurance",
    "RAG",
    "Coverage",
]
STATE_WORDS = {"no data": "no data", "not available": "not available", "city only": "city-wide only"}


def excel_format(measure: str) -> str:
    """An Excel number format for a measure kind's values (the kind's own)."""
    return kind(measure).excel_number_format()


def write_xlsx(pack: Pack, path: Path) -> Path:
    """Write the pack's workbook to ``path`` (.xlsx)."""
    book = Workbook()
    overview = book.active
    assert overview is not None
    overview.title = "Overview"
    _heading(overview, pack, "Every KPI")
    _kpi_table(overview, pack, [r for section in pack.priorities for r in section.results], _overview_priority(pack))
    for section in pack.priorities:
        sheet = book.create_sheet(section.title[:31])
        _heading(sheet, pack, section.title)
        _kpi_table(sheet, pack, section.results, {r.key: section.title for r in section.results})
    _ward_sheet(book.create_sheet("Ward figures"), pack)
    _spend_sheet(book.create_sheet("Spend"), pack)
    _notes_sheet(book.create_sheet("Notes"), pack)
    book.properties.title = f"{pack.title}: {pack.geography}, {pack.filters.period.label}"
    book.properties.keywords = pack.marking
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _overview_priority(pack: Pack) -> dict[str, str]:
    return dict(zip(pack.overview["key"], pack.overview["priority"], strict=True))


def _heading(sheet: Worksheet, pack: Pack, what: str) -> None:
    safe_excel_row(sheet, [f"{pack.title}: {what}"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for line in (
        f"Wards: {pack.geography}",
        f"Period: {pack.period}",
        f"Data as of {pack.as_of:%d %b %Y}",
        f"{pack.access.capitalize()} view. {pack.marking}",
        pack.link,
    ):
        safe_excel_row(sheet, [line])
    safe_excel_row(sheet, [])


def _table(sheet: Worksheet, columns: list[str], rows: list[list[object]], formats: list[dict[int, str]]) -> None:
    """A table under the heading: bold frozen header, a filter, number formats per cell."""
    safe_excel_row(sheet, columns)
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
    for row, row_formats in zip(rows, formats, strict=True):
        safe_excel_row(sheet, row)
        for column, number_format in row_formats.items():
            sheet.cell(row=sheet.max_row, column=column + 1).number_format = number_format
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(len(columns))}{max(sheet.max_row, header)}"
    for i, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(48, len(name) + 4))
    sheet.column_dimensions["B"].width = 48


def _kpi_table(sheet: Worksheet, pack: Pack, results: list[KpiResult], priority_of: dict[str, str]) -> None:
    rows, formats = [], []
    for result in results:
        row, row_format = kpi_row(result, priority_of.get(result.key, ""))
        rows.append(row)
        formats.append(row_format)
    _table(sheet, KPI_COLUMNS, rows, formats)
    _legend(sheet, [str(row[3]) for row in rows if row[3]])


def kpi_row(result: KpiResult, priority: str) -> tuple[list[object], dict[int, str]]:
    """One KPI's row: numbers where the screen shows a number, the marker or state where it does not."""
    number = excel_format(result.measure)
    comparison = result.comparison
    shown = not result.suppressed and result.current.value is not None
    value: object = result.current.value if shown else STATE_WORDS.get(result.availability, "no data")
    if result.suppressed:
        value = result.shown_as or ""
    compared = None if result.suppressed or comparison is None else comparison.figure.value
    rolling = None if result.suppressed or result.rolling_12_months is None else result.rolling_12_months.value
    row: list[object] = [
        priority,
        result.label,
        value,
        result.shown_as if result.suppressed else "",
        comparison.period_label if comparison else "",
        compared,
        None if comparison is None else comparison.change,
        None if comparison is None or comparison.change_percent is None else comparison.change_percent / 100,
        comparison.label if comparison else "no comparison",
        None if comparison is None else comparison.p_value,
        comparison.test if comparison else "",
        rolling,
        variation_text(result.spc.variation, result.spc.side) if result.spc else "not applicable",
        assurance_text(result.spc.assurance) if result.spc else "",
        result.rag.upper() if result.rag else "",
        coverage_text(result.coverage) if result.coverage else "",
    ]
    formats = {2: number, 5: number, 6: number, 7: "0.0%", 9: "0.000", 11: number}
    return row, {k: v for k, v in formats.items() if isinstance(row[k], int | float)}


def _legend(sheet: Worksheet, markers: list[str]) -> None:
    found = marker_legend(markers)
    if not found:
        return
    safe_excel_row(sheet, [])
    for marker, meaning in found:
        safe_excel_row(sheet, ["", marker, meaning])


def _ward_sheet(sheet: Worksheet, pack: Pack) -> None:
    safe_excel_row(sheet, [f"{pack.title}: ward figures"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    safe_excel_row(sheet, [f"Period: {pack.period}. {pack.marking}"])
    safe_excel_row(sheet, [])
    columns = ["Priority", "KPI", "Ward", "Value", "Shown as", "Rank", "Rank order", "Against the city"]
    rows, formats = [], []
    for section in pack.priorities:
        for drawn in section.charts:
            if drawn.wards is None or drawn.wards.empty:
                continue
            number = excel_format(drawn.kpi.measure)
            for record in drawn.wards.to_dict("records"):
                value = record.get("value")
                marker = record.get("shown_as") or ""
                shown = value is not None and not pd.isna(value) and not marker
                rank = record.get("rank")
                rows.append(
                    [
                        section.title,
                        drawn.kpi.label,
                        record["ward_name"],
                        float(value) if shown else (marker or "no data"),
                        marker,
                        int(rank) if rank is not None and not pd.isna(rank) else "not ranked",
                        drawn.kpi.kind.rank_order(drawn.kpi),
                        record.get("versus_city") or "",
                    ]
                )
                formats.append({3: number} if shown else {})
    _table(sheet, columns, rows, formats)
    _legend(sheet, [str(row[4]) for row in rows if row[4]])


POUNDS = '"£"#,##0;-"£"#,##0'


def _spend_sheet(sheet: Worksheet, pack: Pack) -> None:
    safe_excel_row(sheet, [f"{pack.title}: commissioned spend, {pack.spend_year}"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    safe_excel_row(sheet, ["Allocation against actual spend per priority and service (spend is not sensitive)."])
    safe_excel_row(sheet, [])
    columns = ["Priority", "Service", "Allocated", "Spent", "Spent less allocated"]
    rows, formats = [], []
    for record in pack.spend_lines.to_dict("records"):
        values = [record["allocation"], record["actual_spend"], record["difference"]]
        numbers = [None if v is None or pd.isna(v) else float(v) for v in values]
        rows.append([record["priority"], record["service"], *[n if n is not None else "not given" for n in numbers]])
        formats.append({2 + i: POUNDS for i, n in enumerate(numbers) if n is not None})
    _table(sheet, columns, rows, formats)


def _notes_sheet(sheet: Worksheet, pack: Pack) -> None:
    safe_excel_row(sheet, [f"{pack.title}: notes"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    for line in (
        f"Wards: {pack.geography}",
        f"Period: {pack.period}",
        f"Data as of {pack.as_of:%d %b %Y}",
        f"{pack.access.capitalize()} view. {pack.marking}",
        f"Reopen this view: {pack.link}",
        "",
        "What a withheld figure's marker means:",
    ):
        safe_excel_row(sheet, [line])
    for marker, meaning in marker_explanations(pack.threshold).items():
        safe_excel_row(sheet, [marker, meaning])
    safe_excel_row(sheet, [])
    safe_excel_row(sheet, ["Definitions"])
    definitions = pack.definitions
    safe_excel_row(sheet, ["Priority", "KPI", "Definition", "Source", "Better", "Sensitive"])
    for record in definitions.to_dict("records"):
        sensitive = "yes" if record["sensitive"] else "no"
        safe_excel_row(
            sheet,
            [record["priority"], record["kpi"], record["definition"], record["source"], record["better"], sensitive],
        )
    safe_excel_row(sheet, [])
    safe_excel_row(sheet, ["Sources and coverage"])
    sources = pack.sources
    safe_excel_row(sheet, [str(c) for c in sources.columns])
    for record in sources.astype(object).where(sources.notna(), None).to_dict("records"):
        safe_excel_row(sheet, [_plain(v) for v in record.values()])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 80


def _plain(value: object) -> object:
    """A value openpyxl can store (dates and numbers as they are, lists and the rest as text)."""
    if value is None or isinstance(value, int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)
