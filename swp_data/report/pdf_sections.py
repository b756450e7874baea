"""A priority's pages in the PDF pack: its KPI table, the ward map and ranked table, the funnel, SPC charts."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Table,
    TableStyle,
)

from swp_data.alt_text import funnel_alt, map_alt, trend_alt
from swp_data.calc.render import assurance_text, value_text, variation_text
from swp_data.display import ward_table_display
from swp_data.results import KpiResult

from . import charts
from .pack import KpiCharts, Pack, PrioritySection
from .pdf_style import (
    MARGIN,
    PORTRAIT,
    IconText,
    _cell,
    _heading,
    _marker_notes,
    _notes_beneath,
    _table,
    assurance_icon,
    clean,
    variation_icon,
)
from .text import (
    card_details,
    change_text,
)


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
    # The chart's text alternative, printed: an untagged PDF cannot carry alt text, so it is read in order.
    described = map_alt(kpi, wards, f"{kpi.label} by ward, {period}")
    story += [layout, Paragraph(clean(caption), styles["small"]), Paragraph(clean(described), styles["small"])]
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
                Paragraph(clean(funnel_alt(kpi, found, f"{kpi.label}, {period}")), styles["small"]),
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
        Paragraph(clean(trend_alt(drawn.kpi, shown, f"{drawn.kpi.label}, {drawn.step}")), styles["small"]),
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


__all__: list[str] = []  # a part of swp_data.report.pdf, not an API of its own
