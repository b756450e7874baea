"""Everything a scrutiny pack holds for one view, gathered once from a Dashboard.

Every writer (PDF, Excel, Word) reads a ``Pack``, never the store: so each artefact holds
exactly what the screens show at the same access level (a partner's pack is built from a
partner's Dashboard, through the same disclosure control).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from swp_data.access import ANALYST
from swp_data.commentary import Commentary, draft_commentary
from swp_data.disclosure.cells import DEFAULT_THRESHOLD
from swp_data.filters import COMPARISONS, Filters, query_string
from swp_data.funnels import WardFunnel
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.results import KpiResult
from swp_data.settings import get_settings
from swp_data.site import PRIORITY_PAGES, page
from swp_data.views import Dashboard

TITLE = "Safer Wolverhampton Partnership: performance pack"
MARKINGS = {"partner": "OFFICIAL", "analyst": "OFFICIAL-SENSITIVE"}
"""The protective marking of a pack (Government Security Classifications), by access level."""


@dataclass(frozen=True)
class KpiCharts:
    """One KPI's trend, ward table and funnel, as the priority page draws them."""

    kpi: Kpi
    series: pd.DataFrame
    step: str
    wards: pd.DataFrame | None
    funnel: WardFunnel | None


@dataclass(frozen=True)
class PrioritySection:
    """One priority: its KPIs' results and charts."""

    key: str
    title: str
    results: list[KpiResult]
    charts: list[KpiCharts] = field(default_factory=list)


@dataclass(frozen=True)
class Pack:
    """A scrutiny pack for one view at one access level."""

    title: str
    filters: Filters
    access: str
    marking: str
    as_of: date
    link: str
    overview: pd.DataFrame
    priorities: list[PrioritySection]
    commentary: Commentary
    definitions: pd.DataFrame
    sources: pd.DataFrame
    skipped: pd.DataFrame
    spend_year: str = ""
    spend: pd.DataFrame = field(default_factory=pd.DataFrame)  # per priority, with its headline outcome
    spend_lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    threshold: int = DEFAULT_THRESHOLD  # the disclosure threshold partners' figures were withheld under

    @property
    def geography(self) -> str:
        """The wards the pack covers, in words."""
        return self.filters.selection.label

    @property
    def period(self) -> str:
        """The period and what it is compared with, in words."""
        comparison = COMPARISONS[self.filters.comparison].lower()
        return f"{self.filters.period.label} (compared with {self.filters.compare_to.label}: {comparison})"

    @property
    def footer(self) -> str:
        """The line every page carries: the filters and the link that reopens the view."""
        return f"{self.geography} · {self.filters.period.label} · {self.marking} · {self.link}"


def build_pack(board: Dashboard, filters: Filters, charts: bool = True) -> Pack:
    """Gather a pack for the filters at the board's access level (``charts``: trends, ward tables, funnels)."""
    access = "analyst" if board.access == ANALYST else "partner"
    spend_year, spend_lines, spend = board.spend(filters)
    sections = []
    for key in PRIORITY_PAGES:
        kpis = catalogue.for_priority(key)
        results = [board.result(k.key, filters) for k in kpis]
        drawn = [_charts(board, kpi, filters) for kpi in kpis] if charts else []
        sections.append(PrioritySection(key, page(key).title, results, drawn))
    return Pack(
        title=TITLE,
        filters=filters,
        access=access,
        marking=MARKINGS[access],
        as_of=board.as_of,
        link=get_settings().app_url.rstrip("/") + "/" + query_string(filters),
        overview=board.overview(filters),
        priorities=sections,
        commentary=draft_commentary(board, filters),
        definitions=definitions(),
        sources=board.sources(),
        skipped=board.skipped(),
        spend_year=spend_year,
        spend=spend,
        threshold=board.threshold,
        spend_lines=spend_lines,
    )


def _charts(board: Dashboard, kpi: Kpi, filters: Filters) -> KpiCharts:
    wards = funnel = None
    if kpi.geography == "ward" and kpi.kind.by_ward_available:
        wards = board.by_ward(kpi.key, filters)
        funnel = board.funnel(kpi.key, filters)
    return KpiCharts(kpi, board.series(kpi.key, filters), board.series_step(kpi.key, filters), wards, funnel)


def definitions() -> pd.DataFrame:
    """Every KPI's definition, source, desired direction and sensitivity (the pack's appendix)."""
    rows = [
        {
            "priority": page(kpi.priority).title if kpi.priority in PRIORITY_PAGES else kpi.priority_title,
            "kpi": kpi.label,
            "key": kpi.key,
            "definition": kpi.definition,
            "source": kpi.source,
            "better": kpi.better,
            "sensitive": kpi.sensitive,
        }
        for kpi in catalogue.catalogue().values()
    ]
    return pd.DataFrame(rows)
