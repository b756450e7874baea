"""The draft commentary and the summary table as an editable Word document (python-docx).

Council committee reports are written in Word: this gives the officer the draft commentary under
real headings (Word's Heading 1 and Heading 2 styles, so the navigation pane and a contents field
work) and the summary of every KPI as a Word table (a landscape section, its header row repeated
on every page), with the same texts as the PDF (``swp_data.report.text``). Every page carries the
protective marking in its header and the filters, the link and the page number in its footer.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from swp_data.display import spend_display

from .pack import Pack
from .text import (
    ACCESS_WORDS,
    MARKING_LINES,
    PARTIAL_NOTE,
    SPEND_HEADER,
    SUMMARY_COLUMNS,
    as_of_line,
    has_partial,
    markers_in,
    no_spend_line,
    spend_intro,
    summary_groups,
)

DRAFT_LINE = "DRAFT for the officer to edit"
SUMMARY_WIDTHS_MM = (48, 28, 24, 52, 22, 32, 30, 21)
"""The summary table's column widths on a landscape A4 page (257 mm between the margins)."""
SPEND_WIDTHS_MM = (46, 20, 30, 30, 30, 101)
"""The spend table's column widths, on the same landscape pages."""


def write_docx(pack: Pack, path: Path) -> Path:
    """Write the draft commentary and the summary table of every KPI as a .docx at ``path``; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = Document()
    _base_style(document)
    properties = document.core_properties
    properties.title = f"{pack.title}: draft commentary, {pack.geography}, {pack.filters.period.label}"
    properties.subject = f"{pack.marking}. {pack.period}. {as_of_line(pack)}."
    properties.author = "Safer Wolverhampton Partnership"
    properties.keywords = f"draft commentary; {pack.marking}"
    properties.category = pack.marking

    section = document.sections[0]
    _a4(section, landscape=False)
    _header_footer(section, pack)

    document.add_heading(f"{pack.title}: draft commentary", level=0)
    marking = document.add_paragraph()
    run = marking.add_run(f"Protective marking: {MARKING_LINES.get(pack.marking, pack.marking)}")
    run.bold = True
    for label, value in (
        ("Geography", pack.geography),
        ("Period", pack.period),
        ("Data", as_of_line(pack)),
        ("Access level", ACCESS_WORDS[pack.access]),
        ("Reopen this view in the dashboard", pack.link),
    ):
        line = document.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    notice = document.add_paragraph()
    notice_run = notice.add_run(pack.commentary.notice)
    notice_run.bold = True
    notice_run.font.color.rgb = RGBColor(0xB0, 0x3A, 0x00)

    commentary = pack.commentary
    document.add_heading(f"Draft commentary: {commentary.heading}", level=1)
    for part in commentary.sections:
        document.add_heading(part.title, level=2)
        summary = document.add_paragraph()
        summary.add_run(part.summary).italic = True
        for paragraph in part.paragraphs:
            document.add_paragraph(paragraph.text)

    wide = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(wide, landscape=True)
    document.add_heading("Summary of every KPI", level=1)
    document.add_paragraph(
        f"{pack.geography}, {pack.period}. A change is called an improvement, a worsening, a rise or a fall only "
        "when its test says it is statistically significant (5% level). SPC and assurance follow NHS Making Data "
        "Count; RAG is against the KPI's target, baseline or comparator."
    )
    headers = dict(SUMMARY_COLUMNS)
    headers["comparison"] = f"Compared with {pack.filters.compare_to.label}"
    for group in summary_groups(pack):
        document.add_heading(group.title, level=2)
        table = document.add_table(rows=1, cols=len(SUMMARY_COLUMNS))
        table.style = "Table Grid"
        _repeat_header(table)
        for cell, (key, _) in zip(table.rows[0].cells, SUMMARY_COLUMNS, strict=True):
            _cell_text(cell.paragraphs[0], headers[key], bold=True)
        texts: list[str] = []
        for row in group.rows:
            cells = table.add_row().cells
            for cell, (key, _) in zip(cells, SUMMARY_COLUMNS, strict=True):
                _cell_text(cell.paragraphs[0], row.cells[key])
            texts += list(row.cells.values())
        _widths(table, SUMMARY_WIDTHS_MM)
        notes = [f"{marker}: {words}" for marker, words in markers_in(texts)]
        if has_partial(texts):
            notes.append(PARTIAL_NOTE)
        if notes:
            document.add_paragraph("Markers: " + " · ".join(notes) + ".")
    _spend(document, pack)
    document.save(str(path))
    return path


def _spend(document: Document, pack: Pack) -> None:  # type: ignore[valid-type]
    """Commissioned spend per priority with each headline outcome, as in the PDF (spend is not sensitive)."""
    document.add_heading(f"Commissioned spend, {pack.spend_year}", level=1)  # type: ignore[attr-defined]
    document.add_paragraph(spend_intro(pack))  # type: ignore[attr-defined]
    if pack.spend.empty:
        document.add_paragraph(no_spend_line(pack))  # type: ignore[attr-defined]
        return
    table = document.add_table(rows=1, cols=len(SPEND_HEADER))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    _repeat_header(table)
    for cell, heading in zip(table.rows[0].cells, SPEND_HEADER, strict=True):
        _cell_text(cell.paragraphs[0], heading, bold=True)
    for record in spend_display(pack.spend).to_dict("records"):
        for cell, value in zip(table.add_row().cells, record.values(), strict=True):
            _cell_text(cell.paragraphs[0], str(value))
    _widths(table, SPEND_WIDTHS_MM)


def _base_style(document: Document) -> None:  # type: ignore[valid-type]
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    names = {s.name for s in document.styles}  # type: ignore[attr-defined]
    for name, size in (("Header", 9), ("Footer", 7)):
        if name in names:
            document.styles[name].font.size = Pt(size)  # type: ignore[attr-defined]


def _a4(section: object, landscape: bool) -> None:
    width, height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
    section.page_width, section.page_height = (height, width) if landscape else (width, height)  # type: ignore[attr-defined]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))


def _header_footer(section: object, pack: Pack) -> None:
    """The marking atop every page; the filters, marking, link and "Page N of M" at its foot (all sections)."""
    header = section.header.paragraphs[0]  # type: ignore[attr-defined]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marking = header.add_run(f"{pack.marking} · {DRAFT_LINE}")
    marking.bold = True
    footer = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    footer_run = footer.add_run(pack.footer)
    footer_run.font.size = Pt(7)
    numbers = section.footer.add_paragraph()  # type: ignore[attr-defined]
    numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for text, field in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        numbers.add_run(text).font.size = Pt(7)
        _field(numbers, field)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the page out."""
    run = paragraph.add_run()
    run.font.size = Pt(7)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _repeat_header(table: Table) -> None:
    """Mark the first row as a header row: Word repeats it on every page the table runs onto."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _cell_text(paragraph: Paragraph, text: str, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(8)


def _widths(table: Table, widths_mm: tuple[int, ...]) -> None:
    """Column widths, in the grid (which LibreOffice reads) and in every cell (which Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
