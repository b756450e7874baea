"""The pack as a workbook: numbers where the screen shows a number, markers where it withholds one.

Every Overview row is checked against the Dashboard the same view reads (partner and analyst),
and a partner workbook never holds a value a partner screen withholds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from swp_data.access import ANALYST
from swp_data.disclosure.cells import MARKER_EXPLANATIONS
from swp_data.filters import Filters
from swp_data.kpis import catalogue
from swp_data.periods import Period
from swp_data.report import write_each_ward, write_report
from swp_data.selection import resolve
from swp_data.views import Dashboard

REPO = Path(__file__).resolve().parents[1]
YEAR = Period.parse("2025/26Q1", "2025/26Q4")


@pytest.fixture(scope="module")
def connection(demo_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(demo_db), read_only=True)


def _rows(path: Path, sheet: str) -> list[dict[str, object]]:
    values = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(values) if row and row[0] == "Priority")
    names = values[header]
    return [dict(zip(names, row, strict=False)) for row in values[header + 1 :] if row and row[0] and row[1]]


@pytest.mark.parametrize("access", ["partner", ANALYST])
def test_the_overview_sheet_holds_each_kpi_as_the_screen_shows_it(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path, access: str
) -> None:
    board = Dashboard(connection, access=access)  # type: ignore[arg-type]
    filters = Filters(resolve("Heath Town"), YEAR)
    path = write_report(board, filters, tmp_path / "pack.xlsx")
    book = load_workbook(path)
    assert book.sheetnames[0] == "Overview" and book.sheetnames[-3:] == ["Ward figures", "Spend", "Notes"]
    sheet = book["Overview"]
    assert sheet.freeze_panes is not None and sheet.auto_filter.ref
    rows = {row["KPI"]: row for row in _rows(path, "Overview")}
    labels = {kpi.label: kpi.key for kpi in catalogue.catalogue().values() if kpi.priority != "overview"}
    assert set(rows) == set(labels)
    for label, key in labels.items():
        result = board.result(key, filters)
        value = rows[label]["Value"]
        if result.suppressed:
            assert value == result.shown_as and rows[label]["Shown as"] == result.shown_as, label
        elif result.current.value is not None:
            assert isinstance(value, float | int) and value == pytest.approx(result.current.value), label
        else:
            assert isinstance(value, str), label  # a state in words, never a number
    if access == "partner":
        assert any(isinstance(r["Value"], str) and r["Value"] in MARKER_EXPLANATIONS for r in rows.values())
        notes = [row[0] for row in book["Notes"].iter_rows(values_only=True) if row and row[0]]
        assert "<5" in notes and any("OFFICIAL" in str(n) for n in notes)


def test_a_partner_workbook_holds_no_value_the_partner_screen_withholds(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    partner, analyst = Dashboard(connection), Dashboard(connection, access=ANALYST)
    filters = Filters(resolve("Heath Town"), YEAR)
    path = write_report(partner, filters, tmp_path / "partner.xlsx")
    withheld = {}
    for kpi in catalogue.catalogue().values():
        if partner.result(kpi.key, filters).suppressed:
            withheld[kpi.label] = analyst.result(kpi.key, filters).current.value
    assert withheld, "the view has withheld figures to look for"
    for row in _rows(path, "Overview"):
        if row["KPI"] in withheld:
            numbers = [v for k, v in row.items() if isinstance(v, int | float) and k not in ("p-value",)]
            assert withheld[row["KPI"]] not in numbers, row
    for row in _rows(path, "Ward figures"):
        shown = partner.by_ward(catalogue.catalogue()[_key(row["KPI"])].key, Filters(resolve("city"), YEAR))
        ward = shown[shown["ward_name"] == row["Ward"]].iloc[0]
        if ward.get("shown_as"):
            assert row["Value"] == ward["shown_as"], row


def _key(label: object) -> str:
    return next(k.key for k in catalogue.catalogue().values() if k.label == label)


def test_the_cli_writes_a_workbook_and_one_per_ward(
    demo_db: Path, tmp_path: Path, connection: duckdb.DuckDBPyConnection
) -> None:
    out = tmp_path / "city.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "swp_data",
            "--db",
            str(demo_db),
            "report",
            "--from",
            "2025/26Q4",
            "--partner",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists() and "partner view" in done.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "swp_data", "--db", str(demo_db), "report", "--out", str(tmp_path / "x.odt")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert refused.returncode == 2 and "cannot write a pack as '.odt'" in refused.stderr
    written = write_each_ward(
        Dashboard(connection), Filters(resolve("city"), Period.parse("2025/26Q4")), tmp_path / "w", ".xlsx"
    )
    assert len(written) == 20 and all(p.exists() for p in written)
    assert (tmp_path / "w" / "heath-town.xlsx") in written


def test_the_spend_sheet_holds_every_budget_line_in_pounds(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    board = Dashboard(connection)
    filters = Filters(resolve("city"), YEAR)
    path = write_report(board, filters, tmp_path / "spend.xlsx")
    sheet = load_workbook(path)["Spend"]
    _year, lines, _summary = board.spend(filters)
    rows = _rows(path, "Spend")
    assert len(rows) == len(lines) > 0
    assert sum(r["Spent"] for r in rows) == pytest.approx(lines["actual_spend"].sum())
    spent = next(c for c in sheet["D"] if isinstance(c.value, int | float))
    assert spent.number_format.startswith('"£"')
