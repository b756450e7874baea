"""The pack's tables as text, shared by the PDF and the Word document so both say exactly the same.

Every figure goes through ``swp_data.display`` (the strings the app's tables show), so a value
reads the same on the screen, in the PDF and in Word; suppressed figures read as their markers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from swp_data.calc.render import (
    as_of_text,
    assurance_text,
    significance_text,
    variation_text,
)
from swp_data.display import card_lines, marker_legend, overview_display
from swp_data.kinds import kind
from swp_data.results import Comparison, Figure, KpiResult
from swp_data.site import PRIORITIES

from .pack import Pack

SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kpi", "KPI"),
    ("value", "Value"),
    ("comparison", "Compared with"),
    ("change", "Change and its test"),
    ("rolling", "Rolling 12 months"),
    ("spc", "SPC variation"),
    ("assurance", "Assurance"),
    ("rag", "RAG"),
)
"""The summary table's columns: key and header (the PDF and Word tables both use these)."""

PARTIAL_NOTE = "* partly known: some records could not be judged (the source lacks a field) and are left out."
SPEND_HEADER = ("Priority", "Services", "Allocated", "Spent", "Spent less allocated", "Headline outcome")
"""The spend table's columns, in ``swp_data.display.spend_display``'s order (the PDF and Word share them)."""
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}


@dataclass(frozen=True)
class SummaryRow:
    """One KPI of the summary table: its texts (``cells``) and the signals its icons show."""

    key: str
    companion: bool
    cells: dict[str, str]
    variation: str | None  # improvement / concern / neither / common cause / None (not applicable)
    side: str | None
    assurance: str | None  # always meets / never meets / may meet / None
    rag: str | None  # green / amber / red / None


@dataclass(frozen=True)
class SummaryGroup:
    """The KPIs of one priority in the summary table."""

    priority: str
    title: str
    rows: list[SummaryRow]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _plain(value: object) -> object:
    return None if _missing(value) else value


def summary_groups(pack: Pack) -> list[SummaryGroup]:
    """The summary table of every KPI, by priority (the Overview's own KPIs first), as the app shows it."""
    typed = pack.overview
    shown = overview_display(typed)
    compare_label = pack.filters.compare_to.label
    groups: dict[str, list[SummaryRow]] = {key: [] for key in PRIORITIES}
    for raw, text in zip(typed.to_dict("records"), shown.to_dict("records"), strict=True):
        raw = {k: _plain(v) for k, v in raw.items()}
        comparison = str(text["comparison"])
        period = raw.get("comparison_period")
        if period and period != compare_label and raw["state"] != "suppressed":
            comparison += f" ({period})"  # a lagging source is compared with its own earlier period
        change = str(text["change"])
        if raw["state"] != "suppressed" and raw.get("change") is not None and raw.get("p_value") is not None:
            tested = Comparison(
                period_label=str(period or ""),
                figure=Figure(value=None),
                change=float(raw["change"]),  # type: ignore[arg-type]
                change_percent=None,
                p_value=float(raw["p_value"]),  # type: ignore[arg-type]
                significant=None,
                test=str(raw.get("test") or ""),
                label=raw["change_label"],  # type: ignore[arg-type]
            )
            change += f"; {significance_text(tested)}"
        rag = raw.get("rag")
        cells = {
            "kpi": str(text["kpi"]).strip(),
            "value": str(text["value"]),
            "comparison": comparison,
            "change": change,
            "rolling": str(text["rolling_12_months"]),
            "spc": str(text["spc"]),
            "assurance": str(text["assurance"]),
            "rag": RAG_WORDS.get(str(rag), "no target" if raw.get("target_kind") is None else "not rated"),
        }
        variation = raw.get("spc")
        groups[str(raw["page"])].append(
            SummaryRow(
                key=str(raw["key"]),
                companion=bool(raw["companion"]),
                cells=cells,
                variation=None if variation in (None, "not applicable") else str(variation),
                side=_text_or_none(raw.get("spc_side")),
                assurance=_text_or_none(raw.get("assurance")) if raw.get("target_kind") else None,
                rag=_text_or_none(rag),
            )
        )
    return [SummaryGroup(key, PRIORITIES[key], rows) for key, rows in groups.items() if rows]


def _text_or_none(value: object) -> str | None:
    return None if _missing(value) or value == "" else str(value)


def summary_cells(pack: Pack) -> dict[str, dict[str, str]]:
    """Every KPI's summary texts by key (what a test compares between the PDF and Word)."""
    return {row.key: row.cells for group in summary_groups(pack) for row in group.rows}


def markers_in(texts: list[str]) -> list[tuple[str, str]]:
    """The suppression markers among ``texts``, with their words (printed beneath the table)."""
    return marker_legend(texts)


def has_partial(texts: list[str]) -> bool:
    """Whether a value is marked partly known (' *')."""
    return any(text.endswith(" *") for text in texts)


def card_details(result: KpiResult, period_label: str) -> str:
    """What a KPI card says beneath its value, as one line (the marker's words are printed beneath the table)."""
    withheld = f"withheld for partners ({result.shown_as or 'small numbers'})"
    return "; ".join(card_lines(result, period_label, withheld, unit_beneath=False))


def change_text(result: KpiResult) -> str:
    """The change as a card gives it, with its test: '-13.0% (improved); p = 0.012, Poisson E-test ...'."""
    comparison = result.comparison
    if result.suppressed:
        return "withheld"
    if comparison is None:
        return "no comparison"
    if comparison.change is None:
        return comparison.label
    text = f"{kind(result.measure).format_change(comparison)} ({comparison.label}) against {comparison.period_label}"
    if comparison.p_value is not None:
        text += f"; {significance_text(comparison)}"
    return text


def spc_words(result: KpiResult, what: str) -> tuple[str, str]:
    """The variation and the assurance in words ('' where there is none)."""
    if result.spc is None or result.suppressed:
        return "not applicable", ""
    return variation_text(result.spc.variation, result.spc.side), assurance_text(result.spc.assurance, what)


def as_of_line(pack: Pack) -> str:
    """'Data as of 30 Sep 2026'."""
    return as_of_text(pack.as_of)


ACCESS_WORDS = {
    "partner": (
        "Partner: figures are disclosure-controlled exactly as on the partner screens (small numbers withheld, "
        "shown as their markers)."
    ),
    "analyst": (
        "Analyst: figures are unsuppressed and include small numbers that partners never see. Share only with "
        "those entitled to them."
    ),
}
MARKING_LINES = {
    "OFFICIAL": "OFFICIAL: may be shared with the partnership's members.",
    "OFFICIAL-SENSITIVE": "OFFICIAL-SENSITIVE: contains small numbers about people; handle and store accordingly.",
}


def spend_intro(pack: Pack) -> str:
    """The sentence above the spend table: what it holds, and that an outcome beside money is not its effect."""
    return (
        "Allocation against actual spend per priority; beside each, the priority's headline outcome for "
        f"{pack.filters.period.label} (what the money was for, not a measure of its effect)."
    )


def no_spend_line(pack: Pack) -> str:
    """What the pack says when no budget line is loaded for the year (no data, not zero)."""
    return f"No commissioned spend is loaded for {pack.spend_year}."
