"""Every download neutralises text a spreadsheet would run (OWASP CSV injection); numbers stay numbers.

The records test uses a real store: crimes whose crime_id and location hold formulas are imported
through the crime template, listed by the records query, written by the app's download and the
CLI's ``--csv`` (in a fresh process), then read back with the csv module and pandas.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from swp_data import geography, selection, store
from swp_data.access import ANALYST
from swp_data.downloads import comment_line, neutralise, neutralise_frame, safe_csv, safe_excel_row
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.periods import Period
from swp_data.sources import SOURCES
from swp_data.views import Dashboard

REPO = Path(__file__).resolve().parent.parent
ATTACKS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tX", "\rX"]
# What can reach the store: the import refuses a carriage return in a value (a control character),
# so a sixth attack it takes (Excel's DDE form) stands in for it; the cell rule still covers "\rX".
STORED_ATTACKS = [*(text for text in ATTACKS if text != "\rX"), "=cmd|' /C calc'!A0"]
PARK = "E05014851"
LONGITUDE = -2.1329  # Park ward: a negative number that must stay a number
Q1 = ("--from", "2023/24Q1", "--to", "2023/24Q1")


# -- the cell rule -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ATTACKS)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-6.7, -2, np.float64(-6.7), np.int64(-3), True, None, float("nan"), 0])
def test_numbers_and_missing_values_are_never_touched(value: object) -> None:
    assert neutralise(value) is value


@pytest.mark.parametrize("text", ["-6.7", "-1,234", "-12%", "-0.5", "Park", "<5", "'=already text", " =x", ""])
def test_plain_text_and_negative_number_text_are_left_alone(text: str) -> None:
    """A lone negative number is read as a number by a spreadsheet, never run: "-2+3" is not one."""
    assert neutralise(text) == text


def test_a_frame_keeps_its_numeric_columns_and_neutralises_its_text_and_headers() -> None:
    frame = pd.DataFrame({"ward": ["=cmd|' /C calc'!A0", "Park"], "change": [-6.7, 1.5], "@name": ["-", "x"]})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["ward", "change", "'@name"]
    assert list(safe["ward"]) == ["'=cmd|' /C calc'!A0", "Park"]
    assert list(safe["'@name"]) == ["'-", "x"]
    assert safe["change"].dtype == np.float64 and list(safe["change"]) == [-6.7, 1.5]
    assert frame["ward"].iloc[0].startswith("=")  # the caller's frame is not changed


def test_a_negative_change_reads_back_as_a_float() -> None:
    text = safe_csv(pd.DataFrame({"label": ["-2+3"], "change": [-6.7]}), ["a heading"])
    back = pd.read_csv(io.StringIO(text), comment=None, skiprows=1)
    assert back["change"].dtype == np.float64 and back["change"].iloc[0] == -6.7
    assert back["label"].iloc[0] == "'-2+3"


def test_a_frame_with_nothing_to_neutralise_is_written_exactly_as_pandas_writes_it() -> None:
    """Dates, floats, booleans, blanks, commas and quotes: the same bytes as ``to_csv``, so readers see no change."""
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(["2023-04-01", "2023-05-01"]),
            "value": [1.5, np.nan],
            "selected": [True, False],
            "ward": ["Bushbury South & Low Hill", 'Park, "north"'],
            "note": [None, "line\nbreak"],
        }
    )
    assert safe_csv(frame) == frame.to_csv(index=False)


def test_a_carriage_return_in_a_cell_is_quoted() -> None:
    """pandas leaves "a\rb" bare (it quotes only the line terminator's characters): a reader would split the row."""
    text = safe_csv(pd.DataFrame({"a": ["x\ry", "\rX"], "b": [1, 2]}))
    assert text == 'a,b\n"x\ry",1\n"\'\rX",2\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["a", "b"], ["x\ry", "1"], ["'\rX", "2"]]


def test_heading_lines_open_no_formula_after_a_comma() -> None:
    """A spreadsheet splits '# ...' at commas: a later part starting with a trigger is quoted too."""
    line = comment_line('Wards: Park, =HYPERLINK("http://x"), St Peters,\t@SUM(A1)\nnext')
    assert "\n" not in line and '"' not in line
    cells = next(csv.reader(io.StringIO(line)))
    assert cells[0] == "# Wards: Park"
    assert [cell.lstrip(" ") for cell in cells[1:]] == ["'=HYPERLINK('http://x')", "St Peters", "'\t@SUM(A1) next"]
    assert comment_line("1,234 records: the same as the figure's numerator (1,234)") == (
        "# 1,234 records: the same as the figure's numerator (1,234)"
    )


def test_an_excel_row_keeps_formula_text_as_text(tmp_path: Path) -> None:
    """openpyxl would store '=...' as a formula: the safe row stores it as text with Excel's quote prefix."""
    book = Workbook()
    sheet = book.active
    safe_excel_row(sheet, ['=HYPERLINK("http://x","y")', "Park", -6.7, "@SUM(A1)"])
    book.save(tmp_path / "out.xlsx")
    back = load_workbook(tmp_path / "out.xlsx").active
    cells = list(back[1])
    assert [cell.value for cell in cells] == ['=HYPERLINK("http://x","y")', "Park", -6.7, "@SUM(A1)"]
    assert [cell.data_type for cell in cells] == ["s", "s", "n", "s"]
    assert [bool(cell.quotePrefix) for cell in cells] == [True, False, False, True]


# -- a real store: formula text imported through the crime template -----------------------------------------


@pytest.fixture(scope="module")
def injected_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six knife crimes in Park in April 2023, crime_id and location each one of STORED_ATTACKS; nine a year before."""
    lsoa = geography.reference_tables().lsoa
    code = str(lsoa[(lsoa["ward_code"] == PARK) & (lsoa["vintage"] != "2011")]["lsoa_code"].iloc[0])
    common = {"lsoa_code": code, "offence_subgroup": "violence with injury", "knife_crime": "yes"}
    rows = [
        {"crime_id": text, "recorded_date": "2023-04-03", "location": text, "longitude": LONGITUDE, **common}
        for text in STORED_ATTACKS
    ]
    rows += [
        {"crime_id": f"P{n}", "recorded_date": "2022-04-05", "location": "On or near Park Road", **common}
        for n in range(9)
    ]
    # A shoplifting a month from April 2022 to June 2023: both quarters complete, so they are compared.
    months = pd.period_range("2022-04", "2023-06", freq="M")
    rows += [
        {**common, "crime_id": f"S{n}", "recorded_date": f"{month}-10", "offence_subgroup": "shoplifting"}
        for n, month in enumerate(months)
    ]
    folder = tmp_path_factory.mktemp("injection")
    path = folder / "crime.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [c.name for c in SOURCES["crime"].columns])
        writer.writeheader()
        writer.writerows(rows)
    db = store.create_store(folder / "swp.duckdb")
    with store.opened(db) as connection:
        (report,) = import_paths([path], connection=connection).files
    assert report.rows_loaded == 15 + len(months)
    return db


def _body(text: str) -> str:
    """The CSV after its leading '# ' lines (split on '\\n' only: a cell may hold a carriage return)."""
    lines = text.split("\n")
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


def _assert_records_neutralised(text: str) -> None:
    """Read back both ways: every formula text is "'" + the original; the longitude is still a number."""
    rows = list(csv.DictReader(io.StringIO(_body(text), newline="")))
    assert sorted(row["crime_id"] for row in rows) == sorted("'" + text for text in STORED_ATTACKS)
    assert all(row["location"] == row["crime_id"] for row in rows)
    frame = pd.read_csv(io.StringIO(_body(text), newline=""))
    assert sorted(frame["crime_id"]) == sorted("'" + text for text in STORED_ATTACKS)
    assert frame["longitude"].dtype == np.float64 and set(frame["longitude"]) == {LONGITUDE}
    assert set(frame["ward_code"]) == {PARK}


def test_the_imported_text_is_stored_as_written(injected_store: Path) -> None:
    """The attack is real: the importer keeps the formulas verbatim (a tab inside included)."""
    with store.opened(injected_store, read_only=True) as connection:
        records = Dashboard(connection, access=ANALYST).records(
            "knife_crime", Filters(selection.city(), Period.parse("2023/24Q1")), limit=None
        )
    assert sorted(records.frame["location"]) == sorted(STORED_ATTACKS)


def test_the_apps_records_download_is_neutralised(injected_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's "Download CSV" of the records behind a figure (swp_app.download_csv, as layouts calls it)."""
    import streamlit as st

    from swp_app.cards import download_csv, headings

    sent: dict[str, Any] = {}
    monkeypatch.setattr(st, "download_button", lambda label, **kwargs: sent.update(kwargs))
    filters = Filters(selection.city(), Period.parse("2023/24Q1"))
    with store.opened(injected_store, read_only=True) as connection:
        records = Dashboard(connection, access=ANALYST).records("knife_crime", filters, limit=None)
    download_csv(records.frame, "knife.csv", headings(filters, "Records behind Knife crime", "as of"), "dl")
    assert callable(sent["data"])  # written when clicked, not on every rerun
    written = sent["data"]()
    assert written.startswith("# Records behind Knife crime\n")
    _assert_records_neutralised(written)


def _run(*args: str) -> tuple[int, str, str]:
    """The CLI in a fresh process, read as bytes: text mode would turn a cell's carriage return into a newline."""
    done = subprocess.run(
        [sys.executable, "-m", "swp_data", *args], cwd=REPO, capture_output=True, timeout=120, check=False
    )
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


def test_the_cli_records_csv_is_neutralised(injected_store: Path) -> None:
    code, out, err = _run("--db", str(injected_store), "records", "knife_crime", "--ward", "Park", *Q1, "--csv")
    assert code == 0, err
    assert out.startswith("# Records behind Knife crime")
    _assert_records_neutralised(out)


def test_the_cli_query_csv_keeps_a_negative_change_a_number(injected_store: Path) -> None:
    """6 knife crimes against 9 a year before: the change is -3, a float in the CSV, not "'-3"."""
    code, out, err = _run("--db", str(injected_store), "query", "knife_crime", "--ward", "Park", *Q1, "--csv")
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(_body(out)))
    assert (frame["value"].iloc[0], frame["comparison_value"].iloc[0], frame["change"].iloc[0]) == (6, 9, -3)
    assert frame["change"].dtype == np.float64
    code, out, err = _run("--db", str(injected_store), "query", "knife_crime", *Q1, "--by", "ward", "--csv")
    assert code == 0, err
    by_ward = pd.read_csv(io.StringIO(_body(out)))
    assert by_ward.set_index("ward_code").loc[PARK, "value"] == 6
    assert not any(str(cell).startswith(("'", "=")) for cell in by_ward.to_numpy().ravel())


# -- no writer goes around the one function -------------------------------------------------------------------

WRITERS = re.compile(r"\.to_csv\(|download_button\(|csv\.writer\(|DictWriter\(|\.to_excel\(|Workbook\(")
NOT_DOWNLOADS = {
    # Files the project writes for itself, not for a reader's spreadsheet:
    "swp_data/demo/__init__.py": "the demo's source files, imported back verbatim (neutralising would change the data)",
    "swp_data/ward_population.py": "the shipped LSOA-to-ward shares: codes and numbers only",
    # Offers files another module writes: the packs of swp_data.report (its workbook writes every
    # cell through safe_excel_row, which this test checks in swp_data/report/xlsx.py itself).
    "swp_app/pack_downloads.py": "offers the packs swp_data.report writes",
}


def test_every_csv_and_excel_writer_goes_through_swp_data_downloads() -> None:
    """Any file that writes CSV or Excel either is downloads.py or the one app wrapper, or uses its functions."""
    offenders = []
    for folder in ("swp_data", "swp_app", "pages"):
        for path in sorted((REPO / folder).rglob("*.py")):
            name = path.relative_to(REPO).as_posix()
            text = path.read_text(encoding="utf-8")
            if name == "swp_data/downloads.py" or name in NOT_DOWNLOADS or not WRITERS.search(text):
                continue
            uses = re.search(r"(safe_csv|neutralise|safe_excel_row)\(", text)
            raw = re.search(r"\.to_csv\(|\.to_excel\(", text)
            if not uses or raw:
                offenders.append(name)
    assert offenders == []
    assert (REPO / "app.py").read_text().count("download_button") == 0
