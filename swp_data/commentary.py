"""Draft commentary for a scrutiny paper, written from the signals the store already holds.

Deterministic and plain English: one paragraph per KPI that has something to say, and a
short summary per priority. It says only what the statistics support:

- a change is called a rise or a fall (or an improvement or a worsening) only when its test
  says it is significant; otherwise "no significant change";
- a special-cause SPC signal is named by its rule, never explained;
- target assurance follows Making Data Count's words (consistently met, consistently missed,
  hit and miss);
- wards are named as higher or lower than the city only outside the funnel's 95% limits;
- data-quality caveats (incomplete periods, partly known figures, provisional data) come first.

It never states a cause. It reads everything through the ``Dashboard`` it is given, so a
partner's draft holds only what a partner may see. It is marked as a draft for the officer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from swp_data.calc.render import assurance_text, coverage_text, format_value, variation_text
from swp_data.filters import Filters
from swp_data.kinds import kind
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.results import KpiResult
from swp_data.site import PRIORITIES
from swp_data.views import Dashboard

DRAFT_NOTICE = (
    "DRAFT for the officer to edit. Generated from the dashboard's figures: it states only what the "
    "statistics support (a change is called a rise or fall only when it is statistically significant) "
    "and says nothing about causes."
)
SIGNIFICANT = ("improved", "worsened", "increased", "decreased")


@dataclass(frozen=True)
class Paragraph:
    """What one KPI has to say, and why it was chosen (the signals behind it)."""

    key: str
    label: str
    text: str
    signals: tuple[str, ...]  # 'change', 'spc', 'assurance', 'wards', 'data quality'


@dataclass(frozen=True)
class Section:
    """One priority: a short summary, then its paragraphs."""

    priority: str
    title: str
    summary: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class Commentary:
    """The draft for one view: the filters it was drafted for, and a section per priority."""

    heading: str
    notice: str
    sections: list[Section]


def draft_commentary(board: Dashboard, filters: Filters) -> Commentary:
    """The draft commentary for the filters, at the board's access level."""
    sections = []
    for priority, title in PRIORITIES.items():
        kpis = catalogue.for_priority(priority)
        results = [board.result(kpi.key, filters) for kpi in kpis]
        paragraphs = [p for kpi, r in zip(kpis, results, strict=True) if (p := _paragraph(board, kpi, r, filters))]
        sections.append(Section(priority, title, _summary(results), paragraphs))
    heading = f"{filters.selection.label}, {filters.period.label}: compared with {filters.compare_to.label}"
    return Commentary(heading=heading, notice=DRAFT_NOTICE, sections=sections)


def _paragraph(board: Dashboard, kpi: Kpi, result: KpiResult, filters: Filters) -> Paragraph | None:
    sentences: list[str] = []
    signals: list[str] = []
    caveat = _caveat(result)
    if caveat:
        sentences.append(caveat)
        signals.append("data quality")
    change = _change(result)
    if change:
        sentences.append(change)
        signals.append("change")
    spc = _spc(result)
    if spc:
        sentences.append(spc)
        signals.append("spc")
    assurance = _assurance(result)
    if assurance:
        sentences.append(assurance)
        signals.append("assurance")
    wards = _wards(board, kpi, filters)
    if wards:
        sentences.append(wards)
        signals.append("wards")
    if not signals or (signals == ["data quality"] and result.suppressed):
        return None
    return Paragraph(kpi.key, kpi.label, " ".join(sentences), tuple(signals))


def _value(result: KpiResult, value: float | None) -> str:
    return format_value(value, result.measure)


def _caveat(result: KpiResult) -> str | None:
    if result.coverage is not None and result.coverage.state == "incomplete" and result.current.value is not None:
        return (
            f"{result.label} for {result.period} is {coverage_text(result.coverage)} loaded, so it is not compared "
            "with earlier periods or rated."
        )
    if result.availability == "partial":
        return f"{result.label} is partly known: some records could not be judged, and are left out."
    if result.provisional and result.current.value is not None:
        return f"{result.label} for {result.period} is provisional and may be revised."
    return None


def _change(result: KpiResult) -> str | None:
    """A significant change, in words; nothing for a change the test does not support."""
    comparison = result.comparison
    if result.suppressed or comparison is None or comparison.label not in SIGNIFICANT:
        return None
    now, then = _value(result, result.current.value), _value(result, comparison.figure.value)
    amount = kind(result.measure).format_change(comparison)
    verb = {
        "improved": "improved",
        "worsened": "worsened",
        "increased": "rose",
        "decreased": "fell",
    }[comparison.label]
    movement = "rose" if (comparison.change or 0) > 0 else "fell"
    if verb in ("improved", "worsened"):
        verb = f"{movement}, which is {'an improvement' if verb == 'improved' else 'a worsening'},"
    p = comparison.p_value
    evidence = "p < 0.001" if p is not None and p < 0.001 else f"p = {p:.3f}"
    return (
        f"{result.label} {verb} from {then} in {comparison.period_label} to {now} in {result.period} "
        f"({amount}); the change is statistically significant ({evidence}, {comparison.test})."
    )


def _spc(result: KpiResult) -> str | None:
    spc = result.spc
    if result.suppressed or spc is None or spc.variation in ("common cause", "not applicable"):
        return None
    rules = f" ({'; '.join(spc.latest_rules)})" if spc.latest_rules else ""
    return f"The control chart shows {variation_text(spc.variation, spc.side).lower()} at the latest point{rules}."


def _assurance(result: KpiResult) -> str | None:
    spc = result.spc
    if result.suppressed or spc is None or spc.assurance is None or spc.target is None:
        return None
    return f"Against its target, {result.label.lower()} {assurance_text(spc.assurance).lower()}."


def _wards(board: Dashboard, kpi: Kpi, filters: Filters) -> str | None:
    """Wards outside the funnel's 95% limits (the city view), or where the selected wards stand."""
    found = board.funnel(kpi.key, filters)
    if found is None:
        return None
    points = found.points
    if filters.selection.is_city:
        higher = sorted(points.loc[points["versus_city"] == "higher", "ward_name"])
        lower = sorted(points.loc[points["versus_city"] == "lower", "ward_name"])
        if not higher and not lower:
            return None
        parts = []
        if higher:
            parts.append(f"higher than the city in {_names(higher)}")
        if lower:
            parts.append(f"lower than the city in {_names(lower)}")
        return f"By ward, {kpi.label.lower()} is " + " and ".join(parts) + " (outside the 95% funnel limits)."
    chosen = points[points["ward_code"].isin(filters.selection.wards)]
    outside = chosen[chosen["versus_city"].isin(["higher", "lower"])]
    if outside.empty:
        return None
    said = [f"{row.ward_name} is {row.versus_city} than the city" for row in outside.itertuples()]
    return "; ".join(said) + " (outside the 95% funnel limits)."


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _summary(results: list[KpiResult]) -> str:
    """How many KPIs changed significantly, which way, and how many show a special cause."""
    counted = [r for r in results if not r.suppressed and r.comparison is not None]
    labels = [r.comparison.label for r in counted if r.comparison is not None]
    special = sum(1 for r in results if not r.suppressed and r.spc and r.spc.variation in ("improvement", "concern"))
    parts = [
        f"{labels.count(label)} {word}"
        for label, word in (
            ("improved", "improved significantly"),
            ("worsened", "worsened significantly"),
            ("increased", "rose significantly"),
            ("decreased", "fell significantly"),
        )
        if labels.count(label)
    ]
    unchanged = labels.count("no significant change")
    if unchanged:
        parts.append(f"{unchanged} showed no significant change")
    text = f"Of {len(results)} KPIs, " + (", ".join(parts) if parts else "none could be compared") + "."
    if special:
        text += f" {special} {'shows' if special == 1 else 'show'} special-cause variation on its control chart."
    return text
