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

from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from swp_data.display import spend_display
from swp_data.palette import TARGET

from . import charts
from .pack import Pack
from .pdf_sections import _priority
from .pdf_style import (
    BOLD,
    DARK,
    FONT,
    FOOTER_SPACE,
    HEADER_SPACE,
    LANDSCAPE,
    MARGIN,
    PORTRAIT,
    RULE,
    IconText,
    PageTotal,
    _cell,
    _heading,
    _marker_notes,
    _register_fonts,
    _styles,
    _table,
    assurance_icon,
    clean,
    rag_icon,
    variation_icon,
)
from .text import (
    ACCESS_WORDS,
    MARKING_LINES,
    SPEND_HEADER,
    SUMMARY_COLUMNS,
    SummaryRow,
    as_of_line,
    no_spend_line,
    spend_intro,
    summary_groups,
)


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


def _spend(pack: Pack, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Commissioned spend per priority, each priority's headline outcome beside it (spend is not sensitive)."""
    story: list[Flowable] = [
        PageBreak(),
        _heading(f"Commissioned spend, {pack.spend_year}", "H1", styles),
        Paragraph(clean(spend_intro(pack)), styles["small"]),
    ]
    if pack.spend.empty:
        return [*story, Paragraph(clean(no_spend_line(pack)), styles["body"])]
    shown = spend_display(pack.spend)
    rows = [[_cell(h, styles, bold=True) for h in SPEND_HEADER]]
    rows += [[_cell(value, styles) for value in record.values()] for record in shown.to_dict("records")]
    width = PORTRAIT[0] - 2 * MARGIN
    story.append(_table(rows, [width * s for s in (0.2, 0.08, 0.12, 0.12, 0.12, 0.36)]))
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
    story += _spend(pack, styles)
    story += _commentary(pack, styles)
    story += _definitions(pack, styles)
    story += _data_quality(pack, styles)
    doc.multiBuild(story)
    return path


__all__ = ["write_pdf"]
