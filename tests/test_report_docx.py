"""The Word commentary on the demo store: read back with python-docx, compared with the pack and the PDF.

A partner's city pack for the latest quarter and an analyst's Heath Town pack for 2025/26: real
headings (Heading 1 and 2), the draft notice, the commentary word for word, and the summary of
every KPI as a Word table whose cells hold the same texts as the PDF's summary.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from docx import Document

from swp_data.calc.render import as_of_text, value_text
from swp_data.commentary import DRAFT_NOTICE
from swp_data.filters import Filters
from swp_data.kpis import catalogue
from swp_data.periods import Period
from swp_data.report.docx import write_docx
from swp_data.report.pack import Pack, build_pack
from swp_data.report.pdf import write_pdf
from swp_data.report.text import SUMMARY_COLUMNS
from swp_data.selection import city, resolve
from swp_data.views import Dashboard


@pytest.fixture(scope="module", params=["partner-city", "analyst-ward"])
def written(
    request: pytest.FixtureRequest, demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Pack, Dashboard, Path]:
    connection = duckdb.connect(str(demo_db), read_only=True)
    access, where = request.param.split("-")
    board = Dashboard(connection, access="analyst" if access == "analyst" else "partner")
    if where == "city":
        filters = Filters(city(), Period.parse(board.default_quarter()))
    else:
        filters = Filters(resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    pack = build_pack(board, filters)
    path = write_docx(pack, tmp_path_factory.mktemp("docx") / f"{request.param}.docx")
    return pack, board, path


def test_real_headings_title_marking_filters_and_the_draft_notice(written: tuple[Pack, Dashboard, Path]) -> None:
    pack, board, path = written
    document = Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", "Safer Wolverhampton Partnership: performance pack: draft commentary")
    texts = [t for _, t in paragraphs]
    marking = "OFFICIAL" if board.partner else "OFFICIAL-SENSITIVE"
    assert pack.marking == marking
    assert any(t.startswith(f"Protective marking: {marking}:") for t in texts)
    assert f"Geography: {pack.geography}" in texts and f"Period: {pack.period}" in texts
    assert f"Data: {as_of_text(board.as_of)}" in texts
    assert f"Reopen this view in the dashboard: {pack.link}" in texts
    assert DRAFT_NOTICE in texts and DRAFT_NOTICE.startswith("DRAFT for the officer to edit")
    headings_1 = [t for s, t in paragraphs if s == "Heading 1"]
    headings_2 = [t for s, t in paragraphs if s == "Heading 2"]
    assert headings_1 == [
        f"Draft commentary: {pack.commentary.heading}",
        "Summary of every KPI",
        f"Commissioned spend, {pack.spend_year}",
    ]
    titles = [s.title for s in pack.commentary.sections]
    assert headings_2 == titles + titles  # a heading per priority in the commentary, then in the summary
    assert document.core_properties.title.endswith(f"{pack.geography}, {pack.filters.period.label}")
    section = document.sections[0]
    assert section.header.paragraphs[0].text == f"{marking} · DRAFT for the officer to edit"
    assert section.footer.paragraphs[0].text == pack.footer


def test_the_commentary_is_word_for_word(written: tuple[Pack, Dashboard, Path]) -> None:
    """Under each priority's heading: its summary, then its paragraphs, exactly as drafted."""
    pack, _, path = written
    # (An empty paragraph carries the section break before the landscape table: Word's way.)
    texts = [(p.style.name, p.text) for p in Document(str(path)).paragraphs if p.text]
    start = texts.index(("Heading 1", f"Draft commentary: {pack.commentary.heading}"))
    end = texts.index(("Heading 1", "Summary of every KPI"))
    expected: list[tuple[str, str]] = []
    for section in pack.commentary.sections:
        expected.append(("Heading 2", section.title))
        expected.append(("Normal", section.summary))
        expected += [("Normal", p.text) for p in section.paragraphs]
    assert texts[start + 1 : end] == expected
    assert sum(len(s.paragraphs) for s in pack.commentary.sections) >= 3  # there is something to check


def test_the_summary_table_is_editable_and_holds_every_kpi(written: tuple[Pack, Dashboard, Path]) -> None:
    pack, board, path = written
    document = Document(str(path))
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "KPI"]
    assert len(tables) == 6  # the Overview and the five priorities
    assert len(document.tables) == 7  # and commissioned spend
    headers = [c.text for c in tables[0].rows[0].cells]
    assert headers == [
        "KPI",
        "Value",
        f"Compared with {pack.filters.compare_to.label}",
        "Change and its test",
        "Rolling 12 months",
        "SPC variation",
        "Assurance",
        "RAG",
    ]
    # The header row repeats on every page the table runs onto.
    assert all(t.rows[0]._tr.trPr is not None and "tblHeader" in t.rows[0]._tr.trPr.xml for t in tables)
    rows = {r.cells[0].text: [c.text for c in r.cells] for t in tables for r in t.rows[1:]}
    assert len(rows) == len(catalogue.catalogue())
    for kpi in catalogue.catalogue().values():
        assert rows[kpi.label][1] == value_text(board.result(kpi.key, pack.filters)) or rows[kpi.label][1].startswith(
            value_text(board.result(kpi.key, pack.filters)) + " "
        ), kpi.key
    # The landscape section holds the table: A4 turned.
    wide = document.sections[-1]
    assert (round(wide.page_width.mm), round(wide.page_height.mm)) == (297, 210)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_word_table_says_what_the_pdf_says(written: tuple[Pack, Dashboard, Path], tmp_path: Path) -> None:
    """Each Word row's cells, in order, are the PDF summary row's texts."""
    pack, _, path = written
    pdf = write_pdf(pack, tmp_path / "pack.pdf")
    done = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
    text = re.sub(r"\s+", " ", done.stdout)
    document = Document(str(path))
    position = text.index("Summary of every KPI", text.index("Summary of every KPI") + 1)  # past the contents
    for table in (t for t in document.tables if t.rows[0].cells[0].text == "KPI"):
        for row in table.rows[1:]:
            for column, cell in zip((key for key, _ in SUMMARY_COLUMNS), row.cells, strict=True):
                found = text.find(cell.text, position)
                assert found >= 0, (column, cell.text)
                position = found + len(cell.text)


def test_the_word_document_holds_commissioned_spend_as_the_overview_shows_it(
    written: tuple[Pack, Dashboard, Path],
) -> None:
    """Issue 12 item 7: the Word document carries the spend table, a row per priority, in the app's words."""
    from swp_data.display import spend_display

    pack, _, path = written
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert f"Commissioned spend, {pack.spend_year}" in headings
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Priority")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    shown = spend_display(pack.spend)
    assert len(shown) > 0
    assert rows == [[str(v) for v in record.values()] for record in shown.to_dict("records")]
    assert all(row[3].startswith("£") for row in rows)  # actual spend in pounds, never a bare number
