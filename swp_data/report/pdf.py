"""The scrutiny pack as a PDF: A4, real text, an outline, tables that repeat their headers, vector charts.

Built with ReportLab's platypus (``write_pdf``): a cover, contents, the summary table of every KPI
(landscape, so each row reads on one or two lines), a section per priority (its KPI table, the
ward map and ranked table, the funnel plot and an SPC chart for every KPI with a trend), the draft
commentary (marked DRAFT) and appendices of definitions and data quality. Every page carries the
protective marking at its top and a footer with the filters, the marking, the link that reopens
the view and "Page N of M".

Everything printed comes from the ``Pack`` (built from a Dashboard at the viewer's access level),
through the same display strings as the app, so a partner's PDF holds only what a partner's
screens show; withheld figures print as their markers, explained beneath the table.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
import reportlab
from reportlab.graphics.shapes import Circle, Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from swp_data.calc.render import assurance_text, value_text, variation_text
from swp_data.display import ward_table_display
from swp_data.palette import CONCERN, GRID, IMPROVEMENT, INK, NEUTRAL, TARGET
from swp_data.results import KpiResult

from . import charts
from .pack import KpiCharts, Pack, PrioritySection
from .text import (
    ACCESS_WORDS,
    MARKING_LINES,
    PARTIAL_NOTE,
    SUMMARY_COLUMNS,
    SummaryRow,
    as_of_line,
    card_details,
    change_text,
    has_partial,
    markers_in,
    summary_groups,
)

MARGIN = 15 * mm
HEADER_SPACE, FOOTER_SPACE = 12 * mm, 20 * mm
PORTRAIT, LANDSCAPE = A4, landscape(A4)
FONT, BOLD, ITALIC = "SwpSans", "SwpSans-Bold", "SwpSans-Oblique"
SHADE = colors.HexColor("#EEF2F6")
RULE = colors.HexColor("#B8C2CC")
DARK = colors.HexColor(INK)
RAG_COLOURS = {"green": "#1B7F3B", "amber": "#B26B00", "red": "#B3261E"}
VARIATION_COLOURS = {"improvement": IMPROVEMENT, "concern": CONCERN, "neither": NEUTRAL, "common cause": GRID}
ASSURANCE_ICONS = {"always meets": (IMPROVEMENT, "P"), "never meets": (TARGET, "F"), "may meet": (GRID, "?")}


# -- fonts and text ------------------------------------------------------------------------------------------
def _register_fonts() -> None:
    """Bitstream Vera, shipped inside ReportLab: embedded (subset), so text extracts as written on any machine."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(os.path.dirname(reportlab.__file__)) / "fonts"
    for name, file in (
        (FONT, "Vera.ttf"),
        (BOLD, "VeraBd.ttf"),
        (ITALIC, "VeraIt.ttf"),
        (f"{FONT}-BoldOblique", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=f"{FONT}-BoldOblique")


def _glyphs() -> set[int]:
    return set(pdfmetrics.getFont(FONT).face.charToGlyph)


_KNOWN: set[int] = set()


def clean(text: object) -> str:
    """Text as paragraph markup: XML-escaped, with any character the font lacks spelled out or decomposed."""
    global _KNOWN
    if not _KNOWN:
        _KNOWN = _glyphs()
    out = []
    for ch in str(text):
        if ord(ch) in _KNOWN or ch in "\n\t":
            out.append(ch)
        else:
            out.append(
                {"→": "->", "←": "<-", "✓": "yes", "•": "·"}.get(ch) or unicodedata.normalize("NFKD", ch)[:1] or "?"
            )
    return escape("".join(out))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11, textColor=DARK, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=8.8, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=6.8, leading=8.2, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=6.8, leading=8.2, spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=22, leading=27, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontName=BOLD, fontSize=14, leading=18, spaceAfter=6),
        "cover": ParagraphStyle("cover", parent=base, fontSize=12, leading=16, spaceAfter=6),
        "marking": ParagraphStyle("marking", parent=base, fontName=BOLD, fontSize=12, leading=15, alignment=TA_CENTER),
        "H1": ParagraphStyle("H1", parent=base, fontName=BOLD, fontSize=15, leading=19, spaceBefore=2, spaceAfter=6),
        "H2": ParagraphStyle("H2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=6, spaceAfter=4),
        "H3": ParagraphStyle("H3", parent=base, fontName=BOLD, fontSize=8, leading=10, spaceBefore=0, spaceAfter=2),
        "draft": ParagraphStyle(
            "draft",
            parent=base,
            fontName=BOLD,
            fontSize=9,
            leading=12,
            borderColor=colors.HexColor(TARGET),
            borderWidth=1,
            borderPadding=5,
            backColor=colors.HexColor("#FFF4EC"),
            spaceBefore=4,
            spaceAfter=10,
        ),
        "toc0": ParagraphStyle(
            "toc0", parent=base, fontName=BOLD, fontSize=9.5, leading=12, leftIndent=0, spaceBefore=3
        ),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=8, leading=10, leftIndent=12, spaceAfter=0),
        "footer": ParagraphStyle("footer", parent=base, fontSize=6.5, leading=8, spaceAfter=0),
    }


# -- icons: a shape and a letter beside the words (never colour alone) ---------------------------------------
def _disc(colour: str, letter: str, size: float = 9) -> Drawing:
    drawing = Drawing(size, size)
    drawing.add(
        Circle(
            size / 2,
            size / 2,
            size / 2 - 0.7,
            fillColor=colors.white,
            strokeColor=colors.HexColor(colour),
            strokeWidth=1.2,
        )
    )
    drawing.add(
        String(
            size / 2,
            size / 2 - 2.2,
            letter,
            fontName=BOLD,
            fontSize=6,
            textAnchor="middle",
            fillColor=colors.HexColor(colour),
        )
    )
    return drawing


def _square(colour: str, letter: str, size: float = 9) -> Drawing:
    drawing = Drawing(size, size)
    drawing.add(Rect(0.5, 0.5, size - 1, size - 1, fillColor=colors.HexColor(colour), strokeColor=None))
    drawing.add(
        String(size / 2, size / 2 - 2.2, letter, fontName=BOLD, fontSize=6, textAnchor="middle", fillColor=colors.white)
    )
    return drawing


def variation_icon(variation: str | None, side: str | None) -> Drawing | None:
    """Making Data Count's variation icon: a ring with H (high), L (low) or ~ (common cause)."""
    if variation not in VARIATION_COLOURS:
        return None
    return _disc(VARIATION_COLOURS[str(variation)], {"high": "H", "low": "L"}.get(side or "", "~"))


def assurance_icon(assurance: str | None) -> Drawing | None:
    """Making Data Count's assurance icon: P (always meets), F (never meets), ? (may or may not)."""
    if assurance not in ASSURANCE_ICONS:
        return None
    colour, letter = ASSURANCE_ICONS[str(assurance)]
    return _disc(colour, letter)


def rag_icon(rag: str | None) -> Drawing | None:
    """A filled square with R, A or G: the rating's initial as well as its colour."""
    if rag not in RAG_COLOURS:
        return None
    return _square(RAG_COLOURS[str(rag)], str(rag)[0].upper())


class IconText(Flowable):
    """An icon followed by its words, wrapping like a paragraph: the words are the icon's text equivalent."""

    def __init__(self, icon: Drawing | None, paragraph: Paragraph) -> None:
        super().__init__()
        self.icon, self.paragraph = icon, paragraph
        self.gap = 11 if icon is not None else 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        _, height = self.paragraph.wrap(available_width - self.gap, available_height)
        self.width, self.height = available_width, max(height, 9 if self.icon else 0)
        return self.width, self.height

    def draw(self) -> None:
        if self.icon is not None:
            self.icon.drawOn(self.canv, 0, self.height - 9)
        self.paragraph.drawOn(self.canv, self.gap, self.height - self.paragraph.height)


# -- the document: page templates, footer, outline, page count -----------------------------------------------
class PageTotal(Flowable):
    """An indexing flowable holding the page count: the build repeats until it is the same twice (for "of M")."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0
        self.previous = -1
        self.counted = 0

    def isIndexing(self) -> int:
        return 1

    def isSatisfied(self) -> int:
        return int(self.previous == self.total)

    def beforeBuild(self) -> None:
        self.previous = self.total
        self.counted = 0

    def afterBuild(self) -> None:
        self.total = self.counted

    def notify(self, kind: str, stuff: object) -> None:
        """Told of every contents entry, as each indexing flowable is: nothing to do with them."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        return None


class PackDocument(BaseDocTemplate):
    """A4 pages (portrait, and landscape for the summary), each with the marking and the footer."""

    def __init__(self, path: Path, pack: Pack, styles: dict[str, ParagraphStyle]) -> None:
        super().__init__(
            str(path),
            pagesize=PORTRAIT,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_SPACE,
            bottomMargin=MARGIN + FOOTER_SPACE,
            title=f"{pack.title}: {pack.geography}, {pack.filters.period.label}",
            author="Safer Wolverhampton Partnership",
            subject=f"{pack.marking}. {pack.period}. {as_of_line(pack)}.",
            keywords=["scrutiny pack", "community safety", pack.marking],
            creator="swp_data report",
            lang="en-GB",
            displayDocTitle=1,
            invariant=1,
        )
        self.pack, self.styles = pack, styles
        self.page_total = PageTotal()
        self.heading_number = 0
        templates = []
        for name, size, draft in (
            ("portrait", PORTRAIT, False),
            ("landscape", LANDSCAPE, False),
            ("draft", PORTRAIT, True),
        ):
            width, height = size
            frame = Frame(
                MARGIN,
                MARGIN + FOOTER_SPACE,
                width - 2 * MARGIN,
                height - 2 * MARGIN - HEADER_SPACE - FOOTER_SPACE,
                id=name,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            templates.append(
                PageTemplate(id=name, frames=[frame], pagesize=size, onPage=self._header(draft), onPageEnd=self._footer)
            )
        self.addPageTemplates(templates)

    def _header(self, draft: bool) -> Any:
        def header(canvas: Any, doc: PackDocument) -> None:
            """The protective marking at the top of every page (Government Security Classifications)."""
            width, height = canvas._pagesize
            canvas.saveState()
            canvas.setFont(BOLD, 9)
            canvas.setFillColor(DARK)
            canvas.drawCentredString(width / 2, height - MARGIN - 4 * mm, doc.pack.marking)
            if draft:
                canvas.setFillColor(colors.HexColor(TARGET))
                canvas.drawString(MARGIN, height - MARGIN - 4 * mm, "DRAFT for the officer to edit")
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN, height - MARGIN - 6 * mm, width - MARGIN, height - MARGIN - 6 * mm)
            canvas.restoreState()

        return header

    @staticmethod
    def _footer(canvas: Any, doc: PackDocument) -> None:
        """The filters, the marking and the link (``Pack.footer``), and "Page N of M", after the page's content."""
        width, _ = canvas._pagesize
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        top = MARGIN + FOOTER_SPACE - 4 * mm
        canvas.line(MARGIN, top, width - MARGIN, top)
        link = clean(doc.pack.link)
        text = clean(doc.pack.footer).replace(link, f'<a href="{link}" color="#0B5CAD">{link}</a>')
        footer = Paragraph(text, doc.styles["footer"])
        _, used = footer.wrap(width - 2 * MARGIN - 30 * mm, FOOTER_SPACE)
        footer.drawOn(canvas, MARGIN, top - 2 * mm - used)
        total = doc.page_total.previous if doc.page_total.previous > 0 else doc.page_total.total
        canvas.setFont(BOLD, 7)
        canvas.setFillColor(DARK)
        canvas.drawRightString(width - MARGIN, top - 2 * mm - 7, f"Page {doc.page} of {total or '?'}")
        canvas.restoreState()
        doc.page_total.counted = doc.page

    def afterFlowable(self, flowable: Flowable) -> None:
        """Headings become outline entries (bookmarks) and contents lines."""
        if not isinstance(flowable, Paragraph):
            return
        level = {"title": 0, "H1": 0, "H2": 1}.get(flowable.style.name)
        if level is None:
            return
        text = "Cover" if flowable.style.name == "title" else flowable.getPlainText()
        self.heading_number += 1
        key = f"h{self.heading_number}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        if flowable.style.name != "title" and not getattr(flowable, "_skip_contents", False):
            self.notify("TOCEntry", (level, text, self.page, key))

    def beforeDocument(self) -> None:
        self.heading_number = 0
        self.canv.showOutline()


# -- building blocks -----------------------------------------------------------------------------------------
def _table(rows: list[list[Any]], widths: list[float], notes: Paragraph | None = None, header_rows: int = 1) -> Table:
    """A table whose header row repeats on every page it runs onto; rows never split inside.

    ``notes`` (what the markers mean) is its last row, spanning it, kept on the page of the row above:
    so the explanation is always beneath the table, never alone on a page.
    """
    body = len(rows)
    if notes is not None:
        rows = [*rows, [notes] + [""] * (len(widths) - 1)]
    table = Table(rows, colWidths=widths, repeatRows=header_rows, splitByRow=1, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), FONT, 6.8),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, DARK),
        ("LINEBELOW", (0, header_rows), (-1, body - 1), 0.25, RULE),
    ]
    if notes is not None:
        style += [
            ("SPAN", (0, body), (-1, body)),
            ("NOSPLIT", (0, body - 1), (-1, body)),
            ("LEFTPADDING", (0, body), (-1, body), 0),
        ]
    table.setStyle(TableStyle(style))
    return table


def _cell(text: object, styles: dict[str, ParagraphStyle], bold: bool = False) -> Paragraph:
    return Paragraph(clean(text), styles["head" if bold else "cell"])


def _marker_notes(texts: list[str], styles: dict[str, ParagraphStyle]) -> Paragraph | None:
    """What each marker (and the partly-known asterisk) among a table's texts means (None: none shows)."""
    notes = [f"<b>{clean(marker)}</b>: {clean(words)}" for marker, words in markers_in(texts)]
    if has_partial(texts):
        notes.append(clean(PARTIAL_NOTE))
    return Paragraph("Markers: " + " · ".join(notes) + ".", styles["small"]) if notes else None


def _notes_beneath(texts: list[str], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    notes = _marker_notes(texts, styles)
    return [] if notes is None else [notes]


def _heading(text: str, style: str, styles: dict[str, ParagraphStyle], contents: bool = True) -> Paragraph:
    paragraph = Paragraph(clean(text), styles[style])
    paragraph._skip_contents = not contents  # type: ignore[attr-defined]
    return paragraph


# -- the sections --------------------------------------------------------------------------------------------
def _cover(pack: Pack, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    lines = [
        ("Geography", pack.geography),
        ("Period", pack.period),
        ("Data", as_of_line(pack)),
        ("Access level", ACCESS_WORDS[pack.access]),
        ("Protective marking", MARKING_LINES.get(pack.marking, pack.marking)),
    ]
    rows = [[Paragraph(f"<b>{clean(k)}</b>", styles["cover"]), Paragraph(clean(v), styles["cover"])] for k, v in lines]
    details = Table(rows, colWidths=[42 * mm, 138 * mm], hAlign="LEFT")
    details.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)]))
    marking = Table([[Paragraph(clean(pack.marking), styles["marking"])]], colWidths=[180 * mm])
    marking.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, DARK),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    link = clean(pack.link)
    return [
        Spacer(1, 30 * mm),
        Paragraph(clean(pack.title), styles["title"]),
        Paragraph(clean(f"{pack.geography}, {pack.filters.period.label}"), styles["subtitle"]),
        Spacer(1, 8 * mm),
        details,
        Spacer(1, 10 * mm),
        marking,
        Spacer(1, 8 * mm),
        Paragraph(f'Reopen this view in the dashboard: <a href="{link}" color="#0B5CAD">{link}</a>', styles["body"]),
        PageBreak(),
    ]


class Contents(TableOfContents):
    """The contents: each heading, linked to its page, then its page number, in that reading order.

    ReportLab's own draws the dots and number before the heading's text, so a text extract (or a
    screen reader) reads "12 Violence Prevention"; here each line is a table row: title, page.
    """

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        entries = self._lastEntries or [(0, "Contents", 0, None)]
        rows, style = (
            [],
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
            ],
        )
        for row, (level, text, page, key) in enumerate(entries):
            entry = self.getLevelStyle(level)
            linked = f'<a href="#{key}">{text}</a>' if key else text
            number = ParagraphStyle(f"{entry.name}-page", parent=entry, alignment=TA_RIGHT, leftIndent=0)
            rows.append(
                [Paragraph(linked, entry), Paragraph(f'<a href="#{key}">{page}</a>' if key else str(page), number)]
            )
            style.append(("LINEBELOW", (0, row), (-1, row), 0.3, RULE, None, (1, 2)))
            if level == 0 and row:
                style.append(("TOPPADDING", (0, row), (-1, row), 5))
        self._table = Table(rows, colWidths=(available_width - 15 * mm, 15 * mm), style=TableStyle(style))
        self.width, self.height = self._table.wrapOn(self.canv, available_width, available_height)
        return self.width, self.height


def _contents(styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    toc = Contents(levelStyles=[styles["toc0"], styles["toc1"]])
    return [_heading("Contents", "H1", styles, contents=False), toc]


def _summary(pack: Pack, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Every KPI in one table per priority (landscape): value, comparison, change and test, SPC, RAG."""
    width = LANDSCAPE[0] - 2 * MARGIN
    shares = [0.19, 0.11, 0.085, 0.19, 0.085, 0.14, 0.13, 0.07]
    widths = [width * s for s in shares]
    headers = dict(SUMMARY_COLUMNS)
    headers["comparison"] = f"Compared with {pack.filters.compare_to.label}"
    story: list[Flowable] = [
        NextPageTemplate("landscape"),
        PageBreak(),
        _heading("Summary of every KPI", "H1", styles),
        Paragraph(
            clean(
                f"{pack.geography}, {pack.period}. A change is called an improvement, a worsening, a rise or a fall "
                "only when its test says it is statistically significant (5% level). SPC: NHS Making Data Count "
                "(ring icons: H high, L low, ~ common cause; assurance P always meets, F never meets, ? may or may "
                "not meet). RAG: against the KPI's target, baseline or comparator, in words and as R, A or G."
            ),
            styles["small"],
        ),
    ]
    for group in summary_groups(pack):
        rows: list[list[Any]] = [[_cell(headers[key], styles, bold=True) for key, _ in SUMMARY_COLUMNS]]
        texts: list[str] = []
        for row in group.rows:
            rows.append(_summary_row(row, styles))
            texts += list(row.cells.values())
        table = _table(rows, widths, _marker_notes(texts, styles))
        story += [CondPageBreak(35 * mm), _heading(group.title, "H2", styles), table]
    return story


def _summary_row(row: SummaryRow, styles: dict[str, ParagraphStyle]) -> list[Any]:
    cells: list[Any] = []
    for key, _ in SUMMARY_COLUMNS:
        text = row.cells[key]
        if key == "kpi" and row.companion:
            cells.append(Paragraph("&nbsp;&nbsp;&nbsp;" + clean(text), styles["cell"]))
        elif key == "spc":
            cells.append(IconText(variation_icon(row.variation, row.side), _cell(text, styles)))
        elif key == "assurance":
            cells.append(IconText(assurance_icon(row.assurance), _cell(text, styles)))
        elif key == "rag":
            cells.append(IconText(rag_icon(row.rag), _cell(text, styles)))
        else:
            cells.append(_cell(text, styles))
    return cells


def _kpi_table(pack: Pack, section: PrioritySection, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The priority's KPIs as its page's cards give them: value, what lies beneath it, change, SPC."""
    width = PORTRAIT[0] - 2 * MARGIN
    widths = [width * s for s in (0.24, 0.13, 0.25, 0.2, 0.18)]
    header = ["KPI", "Value", "Details", f"Change against {pack.filters.compare_to.label}", "SPC and assurance"]
    rows: list[list[Any]] = [[_cell(h, styles, bold=True) for h in header]]
    texts: list[str] = []
    kpis = {c.kpi.key: c.kpi for c in section.charts}
    for result in section.results:
        kpi = kpis.get(result.key)
        what = kpi.target.kind if kpi is not None and kpi.target else "target"
        value = value_text(result)
        details = card_details(result, pack.filters.period.label)
        change = change_text(result)
        spc = result.spc if not result.suppressed else None
        words = variation_text(spc.variation, spc.side) if spc else "not applicable"
        assurance = assurance_text(spc.assurance, what) if spc else ""
        signal = [
            IconText(variation_icon(spc.variation if spc else None, spc.side if spc else None), _cell(words, styles))
        ]
        if assurance:
            signal.append(IconText(assurance_icon(spc.assurance if spc else None), _cell(assurance, styles)))
        rows.append(
            [_cell(result.label, styles), _cell(value, styles), _cell(details, styles), _cell(change, styles), signal]
        )
        texts += [value, details]
    return [_table(rows, widths, _marker_notes(texts, styles))]


def _ward_cell(record: dict[str, Any], column: str) -> str:
    """A ward table cell; a selected ward's name is marked » (the map outlines it)."""
    text = str(record[column])
    return f"» {text}" if column == "ward_name" and record.get("selected") else text


def _ward_section(pack: Pack, drawn: KpiCharts, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """One KPI by ward: the map beside its ranked table, then the funnel plot."""
    kpi, wards = drawn.kpi, drawn.wards
    assert wards is not None
    period = kpi.kind.period_shown(pack.filters.period)
    story: list[Flowable] = [
        CondPageBreak(120 * mm),
        _heading(f"{kpi.label} by ward, {period}", "H2", styles),
    ]
    display = ward_table_display(kpi, wards)
    value_title = kpi.kind.axis_title(kpi)
    columns = [("rank", "Rank"), ("ward_name", "Ward"), ("value", value_title)]
    if "rate_per_1000" in display:
        columns.append(("rate_per_1000", "Per 1,000"))
    columns.append(("versus_city", "Against the city"))
    table_width = 88 * mm
    share = {"rank": 0.1, "ward_name": 0.3, "value": 0.2, "rate_per_1000": 0.14, "versus_city": 0.26}
    total = sum(share[c] for c, _ in columns)
    widths = [table_width * share[c] / total for c, _ in columns]
    rows: list[list[Any]] = [[_cell(h, styles, bold=True) for _, h in columns]]
    for record in display.to_dict("records"):
        rows.append([_cell(_ward_cell(record, c), styles) for c, _ in columns])
    table = _table(rows, widths)
    map_drawing = charts.ward_map(kpi, wards, 88 * mm, 100 * mm)
    layout = Table([[map_drawing, table]], colWidths=[92 * mm, 88 * mm], hAlign="LEFT")
    layout.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    caption = (
        f"Map: {kpi.kind.map_title(kpi).lower()}, darker is higher; each ward shows its rank "
        f"({kpi.kind.rank_order(kpi)}), or its marker or state where it has no figure."
    )
    if not pack.filters.selection.is_city:
        caption += " Selected wards are outlined in black on the map and marked » in the table."
    story += [layout, Paragraph(clean(caption), styles["small"])]
    story += _notes_beneath([str(v) for v in display["value"]], styles)
    found = drawn.funnel
    if found is None:
        story.append(
            Paragraph(
                "No funnel plot: the city figure or the wards' figures for this period are not available.",
                styles["small"],
            )
        )
        return story
    widening = f" Limits widened for overdispersion (phi = {found.phi:.2f})." if found.phi > 1 else ""
    story += [
        KeepTogether(
            [
                Paragraph(clean(f"{kpi.label}: wards against the city, {period}"), styles["H3"]),
                charts.funnel_chart(kpi, found, 180 * mm, 78 * mm),
                Paragraph(
                    clean(
                        f"Wolverhampton: {found.city_value:,.2f}. A ward is higher or lower than the city only outside "
                        f"the 95% limits.{widening} Wards outside the limits are named."
                    ),
                    styles["small"],
                ),
            ]
        )
    ]
    return story


def _trend_cell(
    drawn: KpiCharts, result: KpiResult | None, styles: dict[str, ParagraphStyle], width: float
) -> list[Flowable] | None:
    drawing = charts.spc_chart(drawn.kpi, drawn.series, width, 50 * mm)
    if drawing is None:
        return None
    series = drawn.series
    notes = []
    if result is not None and result.spc is not None and not result.suppressed:
        notes.append(f"Latest point: {variation_text(result.spc.variation, result.spc.side).lower()}.")
    if "suppressed" in series and series["suppressed"].astype("boolean").fillna(False).astype(bool).any():
        withheld = ", ".join(series.loc[series["suppressed"].astype("boolean").fillna(False).astype(bool), "period"])
        notes.append(f"Withheld for partners (small numbers, left as gaps): {withheld}.")
    shown = series[series["value"].notna()]
    if "complete" in shown and not shown["complete"].astype(bool).all():
        notes.append("Incomplete periods (not every month loaded) are drawn but left out of the SPC limits.")
    if shown["mean"].isna().all() and drawn.kpi.kind.spc_applies:
        notes.append("SPC limits need at least 12 periods with data.")
    return [
        Paragraph(clean(f"{drawn.kpi.label}, {drawn.step}"), styles["H3"]),
        drawing,
        Paragraph(clean(" ".join(notes)), styles["small"]),
    ]


def _trends(section: PrioritySection, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """An SPC chart for every KPI with a trend, two to a row; the KPIs without one are named."""
    column = 89 * mm
    results = {r.key: r for r in section.results}
    cells, empty = [], []
    for drawn in section.charts:
        cell = _trend_cell(drawn, results.get(drawn.kpi.key), styles, column - 3 * mm)
        if cell is None:
            empty.append(drawn.kpi.label)
        else:
            cells.append(cell)
    story: list[Flowable] = [CondPageBreak(80 * mm), _heading(f"{section.title}: trends with SPC limits", "H2", styles)]
    if cells:
        rows = [cells[i : i + 2] + ([""] if len(cells[i : i + 2]) == 1 else []) for i in range(0, len(cells), 2)]
        grid = Table(rows, colWidths=[column, column], hAlign="LEFT", splitByRow=1)
        grid.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        story.append(grid)
    if empty:
        story.append(
            Paragraph(
                clean(
                    "No trend to chart (no data, not available, or not published at this level for partners): "
                    + "; ".join(empty)
                    + "."
                ),
                styles["small"],
            )
        )
    return story


def _priority(pack: Pack, section: PrioritySection, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        NextPageTemplate("portrait"),
        PageBreak(),
        _heading(section.title, "H1", styles),
        _heading(f"{section.title}: KPIs", "H2", styles),
    ]
    story += _kpi_table(pack, section, styles)
    chosen = next((c for c in section.charts if c.wards is not None and c.funnel is not None), None)
    chosen = chosen or next((c for c in section.charts if c.wards is not None and not c.wards.empty), None)
    if chosen is not None:
        story += _ward_section(pack, chosen, styles)
    story += _trends(section, styles)
    return story


def _commentary(pack: Pack, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    draft = pack.commentary
    story: list[Flowable] = [
        NextPageTemplate("draft"),
        PageBreak(),
        _heading("Draft commentary (DRAFT)", "H1", styles),
        Paragraph(clean(draft.notice), styles["draft"]),
        Paragraph(f"<b>{clean(draft.heading)}</b>", styles["body"]),
    ]
    for section in draft.sections:
        story += [
            CondPageBreak(30 * mm),
            _heading(section.title, "H2", styles),
            Paragraph(f"<i>{clean(section.summary)}</i>", styles["body"]),
        ]
        story += [Paragraph(clean(p.text), styles["body"]) for p in section.paragraphs]
    return story


def _definitions(pack: Pack, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    width = PORTRAIT[0] - 2 * MARGIN
    widths = [width * s for s in (0.23, 0.43, 0.16, 0.1, 0.08)]
    names = dict(zip(pack.sources["table"], pack.sources["source"], strict=True)) if not pack.sources.empty else {}
    story: list[Flowable] = [
        NextPageTemplate("portrait"),
        PageBreak(),
        _heading("Appendix A: definitions", "H1", styles),
    ]
    for priority, frame in pack.definitions.groupby("priority", sort=False):
        rows: list[list[Any]] = [
            [_cell(h, styles, bold=True) for h in ("KPI", "Definition", "Source", "Better", "Sensitive")]
        ]
        for row in frame.to_dict("records"):
            rows.append(
                [
                    _cell(row["kpi"], styles),
                    _cell(row["definition"], styles),
                    _cell(names.get(row["source"], row["source"]), styles),
                    _cell(row["better"], styles),
                    _cell("yes" if row["sensitive"] else "no", styles),
                ]
            )
        story += [CondPageBreak(30 * mm), _heading(str(priority), "H2", styles, contents=False), _table(rows, widths)]
    return story


def _month(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return "none"
    return f"{pd.Timestamp(value):%b %Y}"


def _data_quality(pack: Pack, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    width = PORTRAIT[0] - 2 * MARGIN
    story: list[Flowable] = [
        PageBreak(),
        _heading("Appendix B: data quality", "H1", styles),
        _heading("Coverage of each source", "H2", styles),
        Paragraph(
            clean(
                f"{as_of_line(pack)}. A period is complete (compared, rated, given an SPC verdict) once every month "
                "of every source a KPI needs is loaded; months behind: from the source's latest month to the latest "
                "month loaded in the store."
            ),
            styles["small"],
        ),
    ]
    latest = pd.Timestamp(pack.as_of).to_period("M")
    header = ("Source", "From", "To", "Months loaded", "Months missing", "Months behind", "Rows", "Rows skipped")
    rows: list[list[Any]] = [[_cell(h, styles, bold=True) for h in header]]
    caveats = []
    for row in pack.sources.to_dict("records"):
        last = row.get("last_month")
        behind = "" if last is None or pd.isna(last) else f"{(latest - pd.Timestamp(last).to_period('M')).n}"
        rows.append(
            [
                _cell(row["source"], styles),
                _cell(_month(row.get("first_month")), styles),
                _cell(_month(last), styles),
                _cell(f"{int(row['months_loaded']):,}", styles),
                _cell(f"{int(row['months_missing']):,}", styles),
                _cell(behind or "not monthly", styles),
                _cell(f"{int(row['rows']):,}", styles),
                _cell(f"{int(row['rows_skipped']):,}", styles),
            ]
        )
        if row.get("caveat"):
            caveats.append(f"<b>{clean(row['source'])}</b>: {clean(row['caveat'])}")
    story.append(_table(rows, [width * s for s in (0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1)]))
    if caveats:
        story += [_heading("Caveats of each source", "H2", styles)] + [Paragraph(c, styles["small"]) for c in caveats]
    story += [_heading("Figures with a caveat", "H2", styles)]
    overview = pack.overview.astype(object).where(pack.overview.notna(), None)
    caveat_rows: list[list[Any]] = [[_cell(h, styles, bold=True) for h in ("KPI", "Caveat")]]
    for row in overview.to_dict("records"):
        said = []
        if row["state"] == "shown" and row.get("coverage") == "incomplete":
            said.append(f"incomplete: {row['months_loaded']:.0f} of {row['months_in_period']:.0f} months loaded")
        if row["state"] == "no data":
            said.append("no data loaded for these months")
        if row.get("latest_available"):
            said.append(f"lags: latest cohort available is {row['latest_available']}")
        if row.get("partial") and row.get("unknown_records"):
            said.append(f"unknowns: {row['unknown_records']:,.0f} records could not be judged and are left out")
        if row["state"] == "not available" and row.get("unavailable_reason"):
            said.append(f"not available: {row['unavailable_reason']}")
        if said:
            caveat_rows.append([_cell(row["kpi"], styles), _cell("; ".join(said), styles)])
    if len(caveat_rows) > 1:
        story.append(_table(caveat_rows, [width * 0.35, width * 0.65]))
    else:
        story.append(Paragraph("Every figure is complete and fully known.", styles["small"]))
    story += [_heading("Rows skipped when loading", "H2", styles)]
    if pack.skipped.empty:
        story.append(Paragraph("No rows have been skipped: every row read was loaded.", styles["small"]))
    else:
        skipped_rows: list[list[Any]] = [[_cell(h, styles, bold=True) for h in ("Tables", "Reason", "Rows")]]
        for row in pack.skipped.to_dict("records"):
            skipped_rows.append(
                [_cell(row["tables"], styles), _cell(row["reason"], styles), _cell(f"{int(row['rows']):,}", styles)]
            )
        story.append(_table(skipped_rows, [width * 0.25, width * 0.6, width * 0.15]))
    return story


# -- the whole pack ------------------------------------------------------------------------------------------
def write_pdf(pack: Pack, path: Path) -> Path:
    """Write the pack as an A4 PDF at ``path`` (its folder is made if missing); returns the path."""
    _register_fonts()
    charts.use_fonts(FONT, BOLD)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    styles = _styles()
    doc = PackDocument(path, pack, styles)
    story: list[Flowable] = [doc.page_total, *_cover(pack, styles), *_contents(styles), *_summary(pack, styles)]
    for section in pack.priorities:
        story += _priority(pack, section, styles)
    story += _commentary(pack, styles)
    story += _definitions(pack, styles)
    story += _data_quality(pack, styles)
    doc.multiBuild(story)
    return path


__all__ = ["write_pdf"]
