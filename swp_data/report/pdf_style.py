"""The PDF pack's typography and building blocks: fonts, styles, icons, tables, headings.

Icons pair a shape and a letter with the words beside them: a signal is never told by colour alone.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.shapes import Circle, Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Table,
    TableStyle,
)

from swp_data.palette import CONCERN, GRID, IMPROVEMENT, INK, NEUTRAL, TARGET

from .text import (
    PARTIAL_NOTE,
    has_partial,
    markers_in,
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

__all__: list[str] = []  # building blocks of swp_data.report.pdf, not an API of their own
