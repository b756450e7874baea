"""Every number in a partner's PDF pack, workbook and Word commentary is one the partner screens show.

Issue 12 item 4: a partner artefact never contains a figure that the partner screen withholds. Every
number is read out of each artefact (``pdftotext -raw`` for the PDF, chart axes included; every cell
of the workbook; every paragraph, table cell, header and footer of the Word document) and must be
explained by what the partner screens show for the same filters. That is worked out here from the
partner ``Dashboard`` the pack was built from, never from the ``Pack``: the calls the pages make
(each KPI's card and Overview row, its trend, ward table, map, funnel and breakdowns, the West
Midlands ranks, spend, and the About the data tables), kept by KPI.

A number belongs to the KPI whose label last precedes it (a table row, a chart's heading, a
commentary paragraph; a workbook row names its KPI), and is explained by that KPI's screen figures,
or by the figures of the part of the artefact it is in (spend, sources, the commentary's counts). A
printed number with ``d`` decimals (thousands separators, %, £ and its sign removed) is explained
when such a figure rounded to ``d`` decimals reads the same; a workbook's number cell must equal a
figure (or one hundredth of one: the workbook's ``0.0%`` cells). An axis tick is explained only in
a chart, by a round step spanning what that KPI's chart draws on screen (so an axis stretched by a
withheld figure would not be); a ward's rank only in a ward map or table. What is no figure at all
(page numbers, periods and dates, the view's link, the markers, the catalogue's own words) is set
aside by ``STRUCTURE`` and ``static_texts``, both short and narrow.

The strong direction: the figures the analyst's screens show where the partner's withhold them (a
withheld KPI's value, comparison, change and parts; a withheld ward's figures) appear in none of
that KPI's or ward's rows of a partner artefact. And both checks can fail: run on the analyst's
artefacts with the partner's figures, they find the withheld figures.
"""

from __future__ import annotations

import bisect
import math
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from swp_data.access import ANALYST
from swp_data.calc.render import format_value, value_text
from swp_data.disclosure.cells import MARKER_EXPLANATIONS, SUPPRESSED, WITHHELD
from swp_data.filters import Filters, query_string
from swp_data.grid import GridCache
from swp_data.kinds import kind
from swp_data.kpis import catalogue
from swp_data.periods import Period
from swp_data.report.docx import write_docx
from swp_data.report.pack import build_pack
from swp_data.report.pdf import write_pdf
from swp_data.report.xlsx import write_xlsx
from swp_data.results import Figure, KpiResult
from swp_data.selection import city, resolve
from swp_data.settings import get_settings
from swp_data.site import PRIORITIES, PRIORITY_PAGES, page
from swp_data.sources import SOURCES
from swp_data.views import Dashboard, rolling_state

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")

YEAR = "2025/26Q1-2025/26Q4"
VIEWS = {
    # A closed financial year: partners see the city's and each ward's cells (small ones as markers).
    "city_year": ("city", YEAR),
    "ward_year": ("Heath Town", YEAR),
    # The latest quarter: a ward's sensitive cells are "not published" (closed years only).
    "ward_quarter": ("Heath Town", None),
}


# -- reading numbers out of text -----------------------------------------------------------------------------
NUMBER = re.compile(r"(?<![\w.,/])[-+−]?£?\d(?:[\d,]*\d)?(?:\.\d+)?%?(?![\w/]|\.\d)")
"""A printed number: '1,991', '-6.7%', '£4,500', '0.025'; not part of a word or code ('Q2', 'H1', '2025/26')."""

MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
STRUCTURE: tuple[tuple[str, str], ...] = (
    # Page numbers: the PDF's footer, and the Word footer's PAGE and NUMPAGES fields.
    ("page number", r"\bPage \d+ of \d+\b"),
    # Periods: financial years ('2025/26'), months ('Sep 2026', '30 Sep 2026'), a rolling window named by
    # its twelve months ('12 months to Mar 2026'), ISO dates and times (the workbook's source table).
    ("financial year", r"\b20\d\d/\d\d\b"),
    ("month", rf"(?:\b\d{{1,2}} )?\b{MONTHS} 20\d\d\b"),
    ("rolling window", rf"\b12 months to {MONTHS}\b"),
    ("iso date", r"\b20\d\d-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?\b"),
    # The limits and levels the screens' captions name: the 95% interval and funnel limits, the 99.8%
    # funnel limits, the 5% significance level, and 'p < 0.001' (a p-value too small to print).
    ("limit names", r"\b95% (?:interval|limits|funnel limits)\b|\b99\.8%|\(5% level\)|p < 0\.001"),
    # A rate's unit ('per 1,000 residents', 'Per 100,000 aged 10-17'), not a figure.
    ("units", r"\b[Pp]er 1(?:00)?,000\b"),
    # Fixed phrases: the SPC rule the trend captions state, and what a rolling figure spans.
    ("fixed phrases", r"at least 12 periods|Rolling 12 months|fewer than 12 months"),
    # A chart's printed description (its alt text): how many points the trend draws, the map's 20 wards,
    # and the funnel's two limits. Counts of what is drawn, not figures.
    ("chart descriptions", r"\b\d+ points from\b|Map of the 20 wards|with 95% and 99\.8% limits"),
)
"""What is not a figure, set aside before the numbers are read (each pattern narrow, its reason above it)."""


def fold(text: str) -> str:
    """Whitespace folded to single spaces (a PDF's wrapped lines read as one text)."""
    return re.sub(r"\s+", " ", text).strip()


def canonical(token: str) -> str:
    """A printed number without its sign, £, % and thousands separators: '-£4,500' -> '4500'."""
    return token.lstrip("-+−").lstrip("£").rstrip("%").replace(",", "")


@dataclass(frozen=True)
class Found:
    """A number as printed, where, the KPI whose context it is in (None: none), and the text around it."""

    token: str
    where: str
    kpi: str | None
    context: str
    chart: bool = False  # in a chart (its axis ticks are read there)
    wards: bool = False  # in a ward map or ranked table (the wards' ranks are read there)

    @property
    def figure(self) -> str:
        return canonical(self.token)

    def __str__(self) -> str:
        return f"{self.token!r} in {self.where} ({self.kpi or 'no KPI'}): ...{self.context}..."


@cache
def static_texts() -> tuple[str, ...]:
    """The catalogue's and sources' own words holding digits (labels, definitions, units, caveats).

    Fixed texts, not figures: set aside whole (longest first, so a definition goes before a label in it).
    """
    texts: set[str] = set(MARKER_EXPLANATIONS.values())
    for kpi in catalogue.catalogue().values():
        k = kpi.kind
        texts |= {kpi.label, kpi.definition, kpi.numerator, kpi.denominator or "", kpi.better}
        texts |= {k.axis_title(kpi), k.rank_order(kpi), k.series_step(kpi)}
        texts |= {k.partner_series_step(kpi, True), k.partner_series_step(kpi, False)}
        if kpi.geography == "ward" and k.by_ward_available:
            texts |= {k.map_title(kpi), k.funnel_title(kpi), k.funnel_size_title(kpi)}
    for source in SOURCES.values():
        texts |= {source.title, source.caveat}
    folded = {fold(t) for t in texts if t and re.search(r"\d", t)}
    return tuple(sorted(folded, key=len, reverse=True))


@cache
def labels() -> tuple[tuple[str, str], ...]:
    """Every KPI's label (lower case) and key, longest first."""
    pairs = {(kpi.label.lower(), kpi.key) for kpi in catalogue.catalogue().values()}
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def kpi_marks(text: str) -> list[tuple[int, str]]:
    """Where each KPI's label starts in ``text`` (a label inside a longer one is the longer one's)."""
    lower = text.lower()
    found = []
    for label, key in labels():
        start = lower.find(label)
        while start >= 0:
            found.append((start, start + len(label), key))
            start = lower.find(label, start + 1)
    marks, end = [], -1
    for start, stop, key in sorted(found, key=lambda m: (m[0], -(m[1] - m[0]))):
        if start >= end:
            marks.append((start, key))
            end = stop
    return marks


def numbers(
    text: str, where: str, kpi: str | None = None, markers: Iterable[str] = (), follow: bool = True
) -> tuple[list[Found], str | None]:
    """Every number in ``text`` that is not structure, static text or a marker; and the KPI in context at its end.

    ``kpi`` is the KPI in context where the text starts; with ``follow`` each KPI label met switches to it.
    """
    text = fold(text)
    hidden = bytearray(len(text))

    def hide(start: int, end: int) -> None:
        hidden[start:end] = b"\x01" * (end - start)

    for _, pattern in STRUCTURE:
        for match in re.finditer(pattern, text):
            hide(*match.span())
    for static in static_texts():
        start = text.find(static)
        while start >= 0:
            hide(start, start + len(static))
            start = text.find(static, start + 1)
    for marker in markers:
        for match in re.finditer(re.escape(marker) + r"(?!\d)", text):
            hide(*match.span())
    marks = kpi_marks(text) if follow else []
    starts = [m[0] for m in marks]
    charts, wards = chart_zones(text, starts), [m.span() for m in re.finditer(WARD_ZONE, text)]
    found = []
    for match in NUMBER.finditer(text):
        start, end = match.span()
        if all(hidden[start:end]):
            continue
        before = bisect.bisect_right(starts, start) - 1
        here = marks[before][1] if before >= 0 else kpi
        context = text[max(0, start - 30) : end + 30]
        in_chart, in_wards = (any(a <= start < b for a, b in zones) for zones in (charts, wards))
        found.append(Found(match.group(), where, here, context, in_chart, in_wards))
    return found, (marks[-1][1] if marks else kpi)


TREND_END = "SPC mean: solid grey"  # the last line of every trend's legend
FUNNEL_ZONE = r"wards against the city, .*?Wolverhampton: solid black line"  # a funnel's heading to its legend
WARD_ZONE = r" by ward, .*?Map: "  # a ward map's heading, its legend and the ranked table, to the map's caption


def chart_zones(text: str, marks: list[int]) -> list[tuple[int, int]]:
    """Where the PDF's charts are: a trend from its heading (a KPI label) to its legend; a funnel likewise."""
    zones = [m.span() for m in re.finditer(FUNNEL_ZONE, text)]
    for match in re.finditer(re.escape(TREND_END), text):
        heading = bisect.bisect_right(marks, match.start()) - 1
        zones.append((marks[heading] if heading >= 0 else 0, match.end()))
    return zones


# -- what the screens show -----------------------------------------------------------------------------------
FIGURE_FIELDS = ("value", "numerator", "denominator", "low", "high", "rate_per_1000")
WARD_COLUMNS = ("value", "low", "high", "numerator", "denominator", "rate_per_1000")
"""The ward table's figures (``swp_app.charts.ward_table`` shows and downloads these, and each ward's rank)."""
DRAWN = ("value", "low", "high", "mean", "lower", "upper", "target")
"""What a trend draws: the values, their intervals, the SPC mean and limits and the target (its axis spans them)."""
TREND_COLUMNS = (*DRAWN, "numerator", "denominator")
"""A trend's figures: those drawn, and the parts in its tooltip and download."""


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool | str) or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def nice_steps(low: float, high: float) -> Iterator[float]:
    """Round steps (1, 2, 2.5 or 5 times a power of ten) that put 2 to 12 intervals across low..high."""
    span = high - low
    for power in range(math.floor(math.log10(span / 12)) - 1, math.ceil(math.log10(span)) + 1):
        for m in (1, 2, 2.5, 5):
            step = m * 10.0**power
            if 2 <= span / step <= 12:
                yield step


def axis_ticks(values: Iterable[float]) -> set[float]:
    """Every tick an axis spanning ``values`` could carry: a round step's multiples, from the one at or
    below the lowest value to the one at or above the highest (one value alone: padded by a tenth, or 1)."""
    shown = [v for v in values if math.isfinite(v)]
    if not shown:
        return set()
    low, high = min(shown), max(shown)
    if high - low < 1e-9:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    ticks = set()
    for step in nice_steps(low, high):
        for i in range(math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9) + 1):
            ticks.add(round(i * step, 10))
    return ticks


def printings(values: Iterable[float]) -> frozenset[str]:
    """Each value as it prints with 0 to 4 decimals (sign dropped, as a printed number's is).

    Never x100: every percentage the screens show is held as 0-100 already (the workbook's 0.0% cells,
    which hold a hundredth of one, are matched by ``Figures.has_value``).
    """
    return frozenset(f"{abs(v):.{decimals}f}" for v in values for decimals in range(5))


@dataclass
class Figures:
    """What some part of the screens shows: figures, sentences holding numbers, and each chart's drawn extent."""

    values: set[float] = field(default_factory=set)
    words: list[str] = field(default_factory=list)  # the screens' own sentences (notes, a test's name)
    axes: list[list[float]] = field(default_factory=list)  # what each chart draws (its axis spans it)
    ranks: set[float] = field(default_factory=set)  # the wards' ranks (read in a ward table or on a map)

    def add(self, *values: object) -> None:
        for value in values:
            number = _number(value)
            if number is not None:
                self.values.add(number)

    def add_figure(self, figure: Figure | None) -> None:
        if figure is not None and not figure.suppressed:
            self.add(*(getattr(figure, name) for name in FIGURE_FIELDS))

    def add_frame(self, frame: pd.DataFrame, columns: Iterable[str]) -> None:
        for column in columns:
            if column in frame:
                self.add(*frame[column].tolist())

    def add_axis(self, values: Iterable[object]) -> None:
        self.axes.append([n for v in values if (n := _number(v)) is not None])

    @cached_property
    def printed(self) -> frozenset[str]:
        """Each figure as it prints with 0 to 4 decimals, and the numbers in the screens' sentences."""
        out = set(printings(self.values))
        for sentence in self.words:
            out |= {f.figure for f in numbers(sentence, "screen", follow=False)[0]}
        return frozenset(out)

    @cached_property
    def ticks(self) -> frozenset[str]:
        """Every tick the charts' axes could carry, as printed."""
        return printings({tick for axis in self.axes for tick in axis_ticks(axis)})

    @cached_property
    def printed_ranks(self) -> frozenset[str]:
        return printings(self.ranks)

    @cached_property
    def ordered(self) -> list[float]:
        return sorted(self.values)

    def has_value(self, value: float) -> bool:
        """A workbook number: one of the figures, or one hundredth of one (a percentage in a 0.0% cell)."""
        for wanted in (value, value * 100):
            i = bisect.bisect_left(self.ordered, wanted - abs(wanted) * 1e-9 - 1e-12)
            if i < len(self.ordered) and math.isclose(self.ordered[i], wanted, rel_tol=1e-9, abs_tol=1e-12):
                return True
        return False


@dataclass
class Screens:
    """The screens' figures for one view: by KPI, and for the parts of an artefact that are no KPI's."""

    kpis: dict[str, Figures]
    spend: Figures
    sources: Figures
    commentary: Figures
    results: dict[str, KpiResult]  # each KPI's result as the partner's card has it
    wards: dict[str, pd.DataFrame]  # each ward-level KPI's ward table as the partner's page has it

    def explains(self, found: Found, part: Figures | None) -> bool:
        """A printed number: its KPI's figure (a tick in a chart, a rank in a ward table), or its part's."""
        if part is not None and found.figure in part.printed:
            return True
        if found.kpi is None:
            return False
        shown = self.kpis[found.kpi]
        return (
            found.figure in shown.printed
            or (found.chart and found.figure in shown.ticks)
            or (found.wards and found.figure in shown.printed_ranks)
        )

    def explains_cell(self, value: float, kpi: str | None, part: Figures | None, rank: bool = False) -> bool:
        """A workbook number cell: its KPI's figure (a rank in a Rank column), or its part's."""
        if part is not None and part.has_value(value):
            return True
        if kpi is None:
            return False
        return self.kpis[kpi].has_value(value) or (rank and value in self.kpis[kpi].ranks)


def result_on_screen(shown: Figures, result: KpiResult) -> None:
    """What a KPI's card and Overview row show: its figures unless withheld, and its notes."""
    shown.words += [result.period, *result.notes, result.suppression_note or "", result.unavailable_reason or ""]
    shown.words += [result.rolling_label or "", result.target_note or ""]
    if result.availability == "partial":
        shown.add(result.unknown)  # the card says how many records could not be judged
    if result.suppressed:
        return  # the card and the Overview show the marker: no value, comparison, change, rolling or SPC
    shown.add_figure(result.current)
    if result.coverage is not None:
        shown.add(result.coverage.months, result.coverage.covered)
    comparison = result.comparison
    if comparison is not None:
        shown.add_figure(comparison.figure)
        shown.add(comparison.change, comparison.change_percent, comparison.p_value)
        shown.words += [comparison.test, comparison.period_label]
    if rolling_state(result) == "shown":
        shown.add_figure(result.rolling_12_months)
    spc = result.spc
    if spc is not None:
        shown.add(spc.mean, spc.lower, spc.upper, spc.target)
        shown.words += [*spc.latest_rules, spc.reason, *(r.reason for r in spc.rebases)]
    shown.add(result.target)


def kpi_on_screen(board: Dashboard, key: str, filters: Filters) -> tuple[Figures, KpiResult, pd.DataFrame | None]:
    """Everything a KPI's page shows (card, trend, ward map and table, funnel, breakdowns); its result and wards."""
    kpi = catalogue.get(key)
    shown = Figures()
    result = board.result(key, filters)
    result_on_screen(shown, result)
    series = board.series(key, filters)
    if not series.empty:
        drawn = series[series["value"].notna()]  # the trend draws (and downloads) only the periods with a figure
        shown.add_frame(drawn, TREND_COLUMNS)
        if not drawn.empty:
            extent = [v for c in DRAWN if c in drawn for v in drawn[c]]
            shown.add_axis([*extent, 0.0] if kpi.kind.axis_from_zero else extent)
    table = None
    if kpi.geography == "ward" and kpi.kind.by_ward_available:
        table = board.by_ward(key, filters)
        wards = table
        if "shown_as" in wards:  # a withheld ward shows its marker: none of its numbers is shown
            wards = wards[~wards["shown_as"].map(lambda m: isinstance(m, str) and bool(m))]
        shown.add_frame(wards, WARD_COLUMNS)
        shown.ranks |= {n for r in wards["rank"] if (n := _number(r)) is not None}
        funnel = board.funnel(key, filters)
        if funnel is not None:
            shown.add_frame(funnel.points, ("size", "value"))
            shown.add(funnel.city_value, funnel.phi)
            # The limit curves are lines (no figure is read off them): they stretch the axes only.
            limits = funnel.limits
            curves = [v for c in ("lower_95", "upper_95", "lower_998", "upper_998") for v in limits[c]]
            shown.add_axis([*funnel.points["value"], *curves, funnel.city_value])
            shown.add_axis([*funnel.points["size"], *limits["size"]])
    for breakdown in kpi.breakdowns:
        shown.add_frame(board.breakdown(key, breakdown.key, filters), FIGURE_FIELDS)
    if kpi.kind.league_table:  # the West Midlands CSPs' ranks and rates
        shown.add_frame(board.wm_ranks(filters), ("rank", "rate_per_1000"))
    return shown, result, table


def commentary_counts(cards: dict[str, KpiResult]) -> Figures:
    """The counts the draft commentary's summaries give: KPIs per priority, how many changed which way.

    Not on a screen as such, but counted from what the cards show (each KPI's change in words, its SPC icon).
    """
    counts = Figures()
    for key in PRIORITIES:
        results = [cards[kpi.key] for kpi in catalogue.for_priority(key)]
        shown = [r for r in results if not r.suppressed]
        changes = [r.comparison.label for r in shown if r.comparison is not None]
        counts.add(len(results), *(changes.count(label) for label in set(changes)))
        counts.add(sum(1 for r in shown if r.spc and r.spc.variation in ("improvement", "concern")))
    return counts


def screens(board: Dashboard, filters: Filters) -> Screens:
    """What every page shows for the filters at the board's access level (the pages' own Dashboard calls)."""
    spend = Figures()
    _year, lines, summary = board.spend(filters)
    spend.add_frame(lines, ("allocation", "actual_spend", "difference"))
    spend.add_frame(summary, ("services", "allocation", "actual_spend", "difference", "headline_value"))
    sources = Figures()
    table = board.sources()
    sources.add_frame(table, [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])])
    sources.words += list(table["caveat"])
    # The pack's "months behind" is counted from two things About the data shows: a source's last month, as of.
    latest = pd.Timestamp(board.as_of).to_period("M")
    sources.add(*((latest - pd.Timestamp(m).to_period("M")).n for m in table["last_month"] if pd.notna(m)))
    sources.add_frame(board.skipped(), ("rows",))
    # (The Ward Profile page adds nothing: its figures are the ward's results, the city's and the wards' ranks.)
    pages = {key: kpi_on_screen(board, key, filters) for key in catalogue.catalogue()}
    cards = {key: result for key, (_, result, _) in pages.items()}
    return Screens(
        {key: figures for key, (figures, _, _) in pages.items()},
        spend,
        sources,
        commentary_counts(cards),
        cards,
        {key: wards for key, (_, _, wards) in pages.items() if wards is not None},
    )


# -- the artefacts -------------------------------------------------------------------------------------------
@dataclass
class Artefacts:
    """A view's PDF, workbook and Word document, and the Dashboard and filters they were built from."""

    board: Dashboard
    filters: Filters
    pdf: list[str]  # the text of each page, in drawing order
    rows: list[tuple[str, int, tuple[object, ...]]]  # each workbook row: sheet, row number, values
    docx: list[tuple[str, str | None, str]]  # where, the table row's first cell (None: a paragraph), text

    @property
    def link(self) -> str:
        return get_settings().app_url.rstrip("/") + "/" + query_string(self.filters)

    @property
    def markers(self) -> list[str]:
        """What a withheld figure prints as: '<5' (the disclosure threshold's own) and '[c]'."""
        return [SUPPRESSED, WITHHELD]

    def pdf_numbers(self, shown: Screens) -> list[tuple[Found, Figures | None]]:
        """Every number in the PDF, with the part of the pack it is in (spend, commentary, sources; else None)."""
        link = r"\s?".join(re.escape(c) for c in self.link)  # the footer wraps the link anywhere
        parts: dict[str, Figures | None] = {"Summary of every KPI": None}
        parts |= {page(key).title: None for key in PRIORITY_PAGES}
        parts |= {
            "Commissioned spend, ": shown.spend,
            "DRAFT for the officer to edit": shown.commentary,
            "Appendix A: definitions": None,
            "Appendix B: data quality": shown.sources,
        }
        out: list[tuple[Found, Figures | None]] = []
        part, kpi = None, None
        for number, text in enumerate(self.pdf, start=1):
            text = re.sub(link, " ", fold(text))
            body = text.split(" ", 1)[-1]  # after the marking
            starting = [heading for heading in parts if body.startswith(heading)]
            if starting and number > 2:  # a section's first page starts with its heading
                part, kpi = parts[starting[0]], None
            found, kpi = numbers(text, f"PDF page {number}", kpi, self.markers)
            if body.startswith("Contents"):  # the contents: each heading's page number
                found = [f for f in found if not (f.figure.isdigit() and 1 <= int(f.figure) <= len(self.pdf))]
            out += [(f, part) for f in found]
        return out

    def workbook_numbers(
        self, shown: Screens
    ) -> tuple[list[tuple[Found, Figures | None]], list[tuple[str, float, str | None, Figures | None, bool]]]:
        """The numbers in the workbook's text cells, and its number cells (where, value, KPI, part, a rank?)."""
        keys = {kpi.label: kpi.key for kpi in catalogue.catalogue().values()}
        parts = {"Spend": shown.spend, "Notes": shown.sources}
        texts: list[tuple[Found, Figures | None]] = []
        cells = []
        header: dict[str, tuple[object, ...]] = {}
        for sheet, row, values in self.rows:
            part = parts.get(sheet)
            if values and values[0] == "Priority":
                header[sheet] = values  # a table's header row: its cells' column names
            kpi = keys.get(str(values[1])) if len(values) > 1 else None  # a KPI table's second column
            names = header.get(sheet, ())
            for column, value in enumerate(values):
                where = f"{sheet}!{get_column_letter(column + 1)}{row}"
                if value is None or isinstance(value, bool | datetime | date):
                    continue  # dates: the sources' months and loads (structure)
                if isinstance(value, int | float):
                    rank = column < len(names) and names[column] == "Rank"
                    cells.append((where, float(value), kpi, part, rank))
                else:
                    found, _ = numbers(str(value).replace(self.link, " "), where, kpi, self.markers, follow=False)
                    texts += [(f, part) for f in found]
        return texts, cells

    def docx_numbers(self, shown: Screens) -> list[tuple[Found, Figures | None]]:
        """The numbers in the Word document: a table row's are its KPI's; a paragraph follows the labels in it."""
        keys = {kpi.label: kpi.key for kpi in catalogue.catalogue().values()}
        out: list[tuple[Found, Figures | None]] = []
        for where, first, text in self.docx:
            spend = where.startswith("spend table")
            kpi = keys.get(first.strip()) if first and not spend else None
            found, _ = numbers(text.replace(self.link, " "), where, kpi, self.markers, follow=first is None)
            part = shown.spend if spend else shown.commentary if first is None else None
            out += [(f, part) for f in found]
        return out


def _pdf_pages(path: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    pages = done.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _rows(path: Path) -> list[tuple[str, int, tuple[object, ...]]]:
    book = load_workbook(path)
    return [
        (sheet.title, number, values)
        for sheet in book.worksheets
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]


def _docx_texts(path: Path) -> list[tuple[str, str | None, str]]:
    document = Document(str(path))
    out: list[tuple[str, str | None, str]] = [
        (f"paragraph {i}", None, p.text) for i, p in enumerate(document.paragraphs)
    ]
    for t, table in enumerate(document.tables):
        # The commissioned spend table (headed "Priority") holds spend figures, not a KPI's.
        name = "spend table" if table.rows[0].cells[0].text == "Priority" else f"table {t + 1}"
        for r, row in enumerate(table.rows):
            texts = [cell.text for cell in row.cells]
            out += [(f"{name} row {r + 1}", texts[0], text) for text in texts]
    for s, section in enumerate(document.sections):
        for part in (section.header, section.footer):
            out += [(f"section {s + 1} header or footer", None, p.text) for p in part.paragraphs]
    return out


def build(board: Dashboard, folder: Path, where: str, period: str | None) -> Artefacts:
    """A view's pack written as PDF (charts drawn), workbook and Word document, and read back."""
    chosen = city() if where == "city" else resolve(where)
    filters = Filters(chosen, Period.parse(*(period or board.default_quarter()).split("-")))
    pack = build_pack(board, filters, charts=True)
    name = f"{pack.access}-{where.replace(' ', '_')}-{filters.period.label.replace('/', '-').replace(' ', '_')}"
    pdf = write_pdf(pack, folder / f"{name}.pdf")
    book = write_xlsx(pack, folder / f"{name}.xlsx")
    words = write_docx(pack, folder / f"{name}.docx")
    return Artefacts(board, filters, _pdf_pages(pdf), _rows(book), _docx_texts(words))


@dataclass
class Read:
    """Every number read out of a view's artefacts, with the part of the artefact each is in."""

    pdf: list[tuple[Found, Figures | None]]
    texts: list[tuple[Found, Figures | None]]  # the workbook's text cells
    cells: list[tuple[str, float, str | None, Figures | None, bool]]  # its number cells
    docx: list[tuple[Found, Figures | None]]


def read(artefacts: Artefacts, shown: Screens) -> Read:
    texts, cells = artefacts.workbook_numbers(shown)
    return Read(artefacts.pdf_numbers(shown), texts, cells, artefacts.docx_numbers(shown))


def unexplained(numbers_read: Read, shown: Screens) -> list[str]:
    """Every number read that the screens' figures do not explain, with its context."""
    found = numbers_read.pdf + numbers_read.texts + numbers_read.docx
    out = [str(f) for f, part in found if not shown.explains(f, part)]
    out += [
        f"{value!r} in {where} ({kpi or 'no KPI'}): a number cell"
        for where, value, kpi, part, rank in numbers_read.cells
        if not shown.explains_cell(value, kpi, part, rank)
    ]
    return out


# -- the strong direction: what the analyst sees and the partner does not ---------------------------------------
def _texts_numbers(texts: Iterable[str]) -> set[str]:
    """The numbers printed in ``texts`` (markers are none)."""
    return {f.figure for text in texts for f in numbers(text, "row", markers=(SUPPRESSED, WITHHELD), follow=False)[0]}


def withheld_figures(result: KpiResult) -> set[str]:
    """Every figure an analyst's card and row give for a KPI, as printed (value, comparison, change, parts)."""
    measure, texts = result.measure, []
    for figure in (result.current, result.rolling_12_months):
        if figure is not None:
            texts += [format_value(v, measure) for v in (figure.value, figure.low, figure.high) if v is not None]
            texts += [f"{v:,.0f}" for v in (figure.numerator, figure.denominator) if v is not None]
            texts += [f"{figure.rate_per_1000:.2f}"] if figure.rate_per_1000 is not None else []
    comparison = result.comparison
    if comparison is not None:
        if comparison.figure.value is not None:
            texts.append(format_value(comparison.figure.value, measure))
        if comparison.change is not None:
            texts.append(kind(measure).format_change(comparison))
    return _texts_numbers(texts)


def ward_figures(kpi_measure: str, row: dict[str, object]) -> set[str]:
    """A ward's figures as the analyst's ward table prints them."""
    texts = [
        format_value(float(row[c]), kpi_measure) for c in ("value", "low", "high") if _number(row.get(c)) is not None
    ]
    texts += [f"{float(row[c]):,.0f}" for c in ("numerator", "denominator") if _number(row.get(c)) is not None]
    texts += [f"{float(row['rate_per_1000']):.2f}"] if _number(row.get("rate_per_1000")) is not None else []
    return _texts_numbers(texts)


@dataclass(frozen=True)
class Withheld:
    """Figures the partner's screens withhold where the analyst's show them, for one KPI (and ward)."""

    key: str
    ward: str | None  # None: the KPI's own figure for the view
    shown_as: str  # what the partner reads instead (the result's value text, or the ward's marker)
    figures: frozenset[str]


def withheld(shown: Screens, analyst: Dashboard, filters: Filters) -> list[Withheld]:
    """Every KPI result and ward figure the partner's screens withhold for the filters, with the analyst's figures."""
    out = []
    for kpi in catalogue.catalogue().values():
        mine = shown.results[kpi.key]
        if mine.suppressed:
            # Less what the partner's card says of its own ('6 of 12 months loaded'): that is not withheld.
            coverage = [f"{c.covered} of {c.months}" for c in (mine.coverage, mine.rolling_coverage) if c]
            public = _texts_numbers([*mine.notes, mine.suppression_note or "", *coverage])
            figures = withheld_figures(analyst.result(kpi.key, filters)) - public
            out.append(Withheld(kpi.key, None, value_text(mine), frozenset(figures)))
        wards = shown.wards.get(kpi.key)
        if wards is None or "shown_as" not in wards:
            continue
        theirs = analyst.by_ward(kpi.key, filters).set_index("ward_name")
        for row in wards.to_dict("records"):
            marker = row.get("shown_as")
            if isinstance(marker, str) and marker and row["ward_name"] in theirs.index:
                figures = ward_figures(kpi.measure, theirs.loc[row["ward_name"]].to_dict())
                out.append(Withheld(kpi.key, str(row["ward_name"]), marker, frozenset(figures)))
    return [w for w in out if w.figures]


def pdf_rows(artefacts: Artefacts, item: Withheld) -> list[str]:
    """The PDF's rows for a withheld KPI: its table rows (label, then its marker) up to the next KPI's label,
    the marker notes beneath the table or the page's end.

    (A ward's figures are in a PDF only in a priority's ward map and table, drawn for its first KPI with a
    funnel: none of those has a withheld ward in these views, so a ward's rows are read in the workbook.)
    """
    if item.ward is not None:
        return []
    label = catalogue.get(item.key).label
    link = r"\s?".join(re.escape(c) for c in artefacts.link)
    rows = []
    for printed in artefacts.pdf:
        text = re.sub(link, " ", fold(printed))
        ends = [start for start, _ in kpi_marks(text)] + [
            m.start() for m in re.finditer(r"Markers: |Page \d+ of", text)
        ]
        for match in re.finditer(re.escape(f"{label} {item.shown_as}"), text, re.IGNORECASE):
            end = min((e for e in ends if e > match.start()), default=len(text))
            rows.append(text[match.end() : end])
    return rows


def workbook_rows(artefacts: Artefacts, item: Withheld) -> list[tuple[object, ...]]:
    """The workbook's rows for a withheld figure: the KPI's row in each KPI sheet, or the ward's ward figures row."""
    label = catalogue.get(item.key).label
    out = []
    for sheet, _, values in artefacts.rows:
        if len(values) < 3 or values[1] != label or sheet in ("Notes", "Spend"):
            continue  # the Notes sheet's definitions name every KPI: no figure there
        if (item.ward is None and sheet != "Ward figures") or (item.ward is not None and values[2] == item.ward):
            out.append(values)
    return out


def docx_rows(artefacts: Artefacts, item: Withheld) -> list[str]:
    """The Word summary table's row for a withheld KPI (its cells, after the label)."""
    label = catalogue.get(item.key).label
    cells: dict[str, list[str]] = {}
    for where, first, text in artefacts.docx:
        if first is not None and first.strip() == label:
            cells.setdefault(where, []).append(text)
    return [" ".join(texts[1:]) for texts in cells.values()] if item.ward is None else []


def leaks(artefacts: Artefacts, items: list[Withheld]) -> list[str]:
    """Each withheld figure found in its rows of the artefacts, with the row."""
    found = []
    for item in items:
        texts = pdf_rows(artefacts, item) + docx_rows(artefacts, item)
        cells = workbook_rows(artefacts, item)
        for text in texts:
            hits = _texts_numbers([text]) & item.figures
            found += [f"{item.key} {item.ward or ''}: {sorted(hits)} in {text[:120]!r}"] if hits else []
        for values in cells:
            printed = {canonical(f"{v:.{d}f}") for v in values[2:] if _number(v) is not None for d in range(4)}
            words = _texts_numbers(v for v in values[2:] if isinstance(v, str))
            hits = (printed | words) & item.figures
            found += [f"{item.key} {item.ward or ''}: {sorted(hits)} in workbook row {values}"] if hits else []
    return found


# -- the tests -----------------------------------------------------------------------------------------------
@dataclass
class View:
    """A view's artefacts, what the partner's screens show for its filters, and what they withhold."""

    artefacts: Artefacts
    shown: Screens
    withheld: list[Withheld]

    @cached_property
    def numbers(self) -> Read:
        return read(self.artefacts, self.shown)


@pytest.fixture(scope="module")
def boards(demo_db: Path) -> dict[str, Dashboard]:
    """A partner's and an analyst's Dashboard over the demo store, sharing one grid cache (as the app's sessions do)."""
    connection = duckdb.connect(str(demo_db), read_only=True)
    cache = GridCache()
    return {"partner": Dashboard(connection, cache), ANALYST: Dashboard(connection, cache, access=ANALYST)}


@pytest.fixture(scope="module")
def view(boards: dict[str, Dashboard], tmp_path_factory: pytest.TempPathFactory) -> Callable[..., View]:
    """Each view's artefacts and the partner's screens, built once for the module (a pack takes seconds)."""
    made: dict[tuple[str, str], View] = {}
    folder = tmp_path_factory.mktemp("partner-artefacts")

    def get(name: str, access: str = "partner") -> View:
        if (name, access) not in made:
            artefacts = build(boards[access], folder, *VIEWS[name])
            if access == "partner":
                shown = screens(artefacts.board, artefacts.filters)
                made[(name, access)] = View(artefacts, shown, withheld(shown, boards[ANALYST], artefacts.filters))
            else:  # the analyst's artefacts, read against the partner's screens for the same filters
                partner = get(name)
                made[(name, access)] = View(artefacts, partner.shown, partner.withheld)
        return made[(name, access)]

    return get


def test_reading_numbers_sets_aside_what_is_no_figure() -> None:
    text = (
        "OFFICIAL Page 3 of 34 Heath Town, 2025/26 Q1 to 2026/27 Q2 (Data as of 30 Sep 2026; 12 months to Mar 2026) "
        "Violence with injury 1,991 -6.7% (improved); p = 0.025 -£4,500 <5 [c] 95% interval 214 to 277; "
        "2.24 per 1,000 a year; Proven reoffending, youths 10-17 <3"
    )
    found, last = numbers(text, "test", None, [SUPPRESSED, WITHHELD])
    assert [(f.token, f.kpi) for f in found] == [
        ("1,991", "violence_with_injury"),
        ("-6.7%", "violence_with_injury"),
        ("0.025", "violence_with_injury"),
        ("-£4,500", "violence_with_injury"),
        ("214", "violence_with_injury"),
        ("277", "violence_with_injury"),
        ("2.24", "violence_with_injury"),
        ("3", "reoffending_rate_youth"),  # '<3' is no marker: a count, as printed
    ]
    assert last == "reoffending_rate_youth" and canonical("-£4,500") == "4500"
    assert [f.figure for f in found[:3]] == ["1991", "6.7", "0.025"]


def test_axis_ticks_are_round_steps_across_what_is_drawn() -> None:
    ticks = axis_ticks([0.0, 0.955])
    assert {0.0, 0.25, 0.5, 0.75, 1.0} <= ticks and not {-0.25, 0.33, 1.25, 1.5} & ticks
    ticks = axis_ticks([252.0, 375.0])
    assert {250.0, 300.0, 325.0, 350.0, 375.0, 400.0} <= ticks
    assert not {200.0, 425.0, 1000.0} & ticks  # an axis to 1,000 would need a figure drawn near it
    assert axis_ticks([5.0, 5.0]) >= {4.5, 5.0, 5.5} and max(axis_ticks([5.0])) <= 5.6  # padded by 0.5


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_number_in_a_partner_artefact_is_on_a_partner_screen(view: Callable[..., View], name: str) -> None:
    """Issue 12 item 4: each number of the PDF (charts' axes too), the workbook and the Word document is explained."""
    built = view(name)
    got = built.numbers
    # Enough was read for the check to mean something: every table, chart, map and cell.
    assert len(got.pdf) > 1_000 and len(got.cells) > 1_000 and len(got.docx) > 150
    assert sum(f.chart for f, _ in got.pdf) > 200 and sum(f.wards for f, _ in got.pdf) > 100
    bad = unexplained(got, built.shown)
    assert not bad, f"{len(bad)} numbers no partner screen shows:\n" + "\n".join(bad[:60])


@pytest.mark.parametrize("name", list(VIEWS))
def test_no_withheld_figure_is_in_its_rows_of_a_partner_artefact(view: Callable[..., View], name: str) -> None:
    """The analyst's figures the partner's screens withhold (a KPI's, a ward's) appear in none of their rows."""
    built = view(name)
    artefacts, items = built.artefacts, built.withheld
    kpis, wards = [i for i in items if i.ward is None], [i for i in items if i.ward is not None]
    assert len(kpis) >= (1 if name == "city_year" else 8) and len(wards) >= 20
    # Each withheld KPI has its summary and priority table rows in the PDF, its Overview and priority sheet
    # rows in the workbook, its summary row in Word; a withheld ward its row of the workbook's ward figures.
    for item in kpis:
        assert len(pdf_rows(artefacts, item)) >= 2 and len(workbook_rows(artefacts, item)) == 2, item
        assert len(docx_rows(artefacts, item)) == 1, item
    assert all(len(workbook_rows(artefacts, item)) == 1 for item in wards)
    found = leaks(artefacts, items)
    assert not found, "\n".join(found[:40])


def test_the_checks_find_the_analysts_figures(view: Callable[..., View]) -> None:
    """Run on the analyst's artefacts with the partner's screens, both checks find the withheld figures."""
    analyst = view("ward_year", ANALYST)
    got, shown = analyst.numbers, analyst.shown
    for where, found in (("PDF", got.pdf), ("workbook", got.texts), ("Word", got.docx)):
        assert any(not shown.explains(f, part) for f, part in found), where
    assert any(not shown.explains_cell(value, kpi, part, rank) for _, value, kpi, part, rank in got.cells)
    bad = unexplained(got, shown)
    firearms = next(i for i in analyst.withheld if i.key == "firearm_crime" and i.ward is None)
    assert firearms.shown_as == "<5" and "3" in firearms.figures  # 3 crimes in Heath Town in 2025/26
    assert any(line.startswith("'3' in PDF") and "(firearm_crime)" in line for line in bad)
    kpis = {i.key for i in analyst.withheld if i.ward is None}
    assert len({key for key in kpis if any(f"({key})" in line for line in bad)}) >= 5
    found = leaks(analyst.artefacts, analyst.withheld)
    assert any(line.startswith("firearm_crime :") for line in found)
    assert len({line.split(" ", 1)[0] for line in found}) >= 5
