"""What the dashboard shows, assembled in the data layer: pages only lay it out.

``Dashboard`` wraps the calculation engine with the page-level tables (the
Overview, a ward profile, ward rankings, sources) so that no page computes
anything. Disclosure control for partner access is applied here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb
import pandas as pd

from swp_data.access import ANALYST, PARTNER, Access, AccessDenied
from swp_data.calc.engine import Engine
from swp_data.calc.render import format_value
from swp_data.disclosure.policy import PartnerPolicy
from swp_data.grid import GridCache
from swp_data.kinds.rank import ranks
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.periods import Period
from swp_data.results import KpiResult
from swp_data.selection import WardSelection, city, from_codes, ward_names
from swp_data.settings import get_settings
from swp_data.site import PRIORITIES
from swp_data.sources import SOURCES
from swp_data.status import skipped_reasons, source_status

Comparison = Literal["year", "previous"]
COMPARISONS: dict[str, str] = {"year": "Same period last year", "previous": "Previous period"}

CAVEATS: dict[str, str] = {
    "crime": (
        "data.police.uk locations are approximate (snapped to a nearby street point), rows with no location "
        "cannot be placed on a ward and are skipped, and the files carry no flags, victims or offenders."
    ),
    "asb_incident": "ASB from data.police.uk has no category, theme, caller or intervention.",
    "reoffending_cohort": (
        "Proven reoffending lags: a cohort is followed for 12 months plus 6 months for proof, so it is final "
        "18 months after it closes. Later cohorts are provisional."
    ),
    "treatment_episode": "Re-presentation is known only 6 months after a successful completion.",
    "survey_response": "Survey percentages are weighted where weights exist; intervals use the effective sample size.",
    "partner_return": "MARAC, SARC, case review and modern slavery figures are city-wide returns, not by ward.",
    "comparator_area": "Comparator areas are ranked on rates per 1,000 residents (1 = safest).",
    "ward_population": (
        "Census 2021 all-ages counts are official; a 10-17 figure may be a demo estimate (see its note)."
    ),
}


@dataclass(frozen=True)
class Filters:
    """What a page is showing: wards, period and comparison."""

    selection: WardSelection
    period: Period
    comparison: Comparison = "year"

    @property
    def compare_to(self) -> Period:
        """The comparison period."""
        if self.comparison == "previous":
            return self.period.shift(-len(self.period.quarters))
        return self.period.year_earlier()

    def heading_lines(self, as_of: str) -> list[str]:
        """Lines naming the filters and the as-of date (for download headers)."""
        return [
            "Safer Wolverhampton Partnership performance dashboard",
            f"Wards: {self.selection.label}",
            f"Period: {self.period.label}; compared with {self.compare_to.label}",
            as_of,
        ]


class Dashboard:
    """Every figure the app shows, for one store connection and one access level.

    For partners (the default) every sensitive figure passes through disclosure control
    and record-level data is refused.
    """

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        cache: GridCache | None = None,
        access: Access = PARTNER,
        threshold: int | None = None,
    ) -> None:
        self.engine = Engine(connection, cache, aggregates_only=access != ANALYST)
        self.access = access
        self.policy = PartnerPolicy(self.engine, threshold or get_settings().disclosure_threshold)

    @property
    def partner(self) -> bool:
        """Whether figures are disclosure-controlled."""
        return self.access != ANALYST

    def _protect(self, kpi: Kpi) -> bool:
        return self.partner and kpi.sensitive

    # -- the store ----------------------------------------------------------------------------------
    @property
    def as_of(self) -> str:
        """'Data as of 30 Sep 2026'."""
        return f"Data as of {self.engine.as_of:%d %b %Y}"

    def quarters(self) -> list[str]:
        """Quarter codes the store covers, oldest first (e.g. '2022/23Q1')."""
        return [q.code for q in self.engine.quarters()]

    def sources(self) -> pd.DataFrame:
        """Each source: period covered, rows, last load, skipped rows, and its caveat."""
        frame = source_status(self.engine.connection)
        frame["caveat"] = frame["table"].map(CAVEATS).fillna("")
        return frame

    def skipped(self) -> pd.DataFrame:
        """Rows skipped when loading, by table and reason."""
        return skipped_reasons(self.engine.connection)

    # -- KPIs -----------------------------------------------------------------------------------------
    def result(self, key: str, filters: Filters, with_spc: bool = True) -> KpiResult:
        """One KPI for the filters (disclosure-controlled for partners)."""
        result = self.engine.result(key, filters.selection, filters.period, filters.compare_to, with_spc)
        kpi = catalogue.get(key)
        if not self._protect(kpi):
            return result
        period, before = filters.period, filters.compare_to
        if kpi.provisional_months:
            period, before, _ = self.engine.latest_available(kpi, period, before)
        return self.policy.result(kpi, result, filters.selection, period, before)

    def results(self, keys: list[str], filters: Filters) -> list[KpiResult]:
        """Several KPIs for the filters."""
        return [self.result(key, filters) for key in keys]

    def series(self, key: str, filters: Filters) -> pd.DataFrame:
        """The KPI's trend up to the period's end, with SPC columns."""
        frame = self.engine.series(key, filters.selection, filters.period)
        kpi = catalogue.get(key)
        if not self._protect(kpi):
            return frame
        period = filters.period
        if kpi.provisional_months:
            period = self.engine.latest_available(kpi, period, filters.compare_to)[0]
        return self.policy.series(kpi, frame, filters.selection, period)

    def series_step(self, key: str, filters: Filters) -> str:
        """What one point of ``series`` spans, in words ("monthly", "yearly", "rolling 12 months ...")."""
        kpi = catalogue.get(key)
        if self._protect(kpi):
            return kpi.kind.partner_series_step(kpi, filters.selection.is_city or kpi.geography == "city")
        return kpi.kind.series_step(kpi)

    def by_ward(self, key: str, filters: Filters) -> pd.DataFrame:
        """The KPI in each ward for the period, ranked, with whether each ward is selected."""
        frame = self.engine.by_ward(key, filters.period)
        kpi = catalogue.get(key)
        if self._protect(kpi) and not frame.empty:
            frame = self.policy.by_ward(kpi, frame, filters.period)
        frame["selected"] = frame["ward_code"].isin(filters.selection.wards) & (not filters.selection.is_city)
        return frame

    def breakdown(self, key: str, breakdown_key: str, filters: Filters) -> pd.DataFrame:
        """The KPI split by one of its breakdowns (for partners, sensitive ones city-wide only)."""
        frame = self.engine.breakdown(key, breakdown_key, filters.selection, filters.period)
        kpi = catalogue.get(key)
        if not self._protect(kpi):
            return frame
        if not filters.selection.is_city or self.policy.count_breakdown(kpi) != breakdown_key:
            return frame.iloc[0:0]
        return self.policy.breakdown(kpi, frame, filters.period)

    def records(self, key: str, filters: Filters, limit: int = 5_000) -> pd.DataFrame:
        """The records behind a KPI for the filters: analysts only."""
        if self.partner:
            raise AccessDenied("record-level data is for signed-in analysts only")
        kpi = catalogue.get(key)
        if kpi.source in ("comparator_area", "commissioned_spend", "partner_return"):
            return pd.DataFrame()
        columns = [c for c in SOURCES[kpi.source].store_columns if c != "load_id"]
        return self.engine.connection.execute(
            f"""
            select {", ".join(columns)}
            from {kpi.source}
            where list_contains(?::varchar[], ward_code) and month between ? and ?
            order by month
            limit ?
            """,
            [list(filters.selection.wards), filters.period.start, filters.period.months[-1], limit],
        ).df()

    def wm_ranks(self, filters: Filters) -> pd.DataFrame:
        """Rates per 1,000 and ranks (1 = safest) of the 7 West Midlands CSPs by neighbourhood crime group."""
        kpi = catalogue.get("wm_safety_rank")
        frame = ranks(self.engine, kpi, filters.period.start, filters.period.months[-1])
        return frame.rename(columns={"offence_group": "group"})[["group", "rank", "area", "rate_per_1000"]]

    # -- page tables -----------------------------------------------------------------------------------
    def overview(self, filters: Filters) -> pd.DataFrame:
        """Every KPI in one table, grouped by priority, ready to show."""
        rows = []
        for kpi in catalogue.catalogue().values():
            result = self.result(kpi.key, filters)
            rows.append(overview_row(kpi, result))
        return pd.DataFrame(rows)

    def ward_profile(self, ward_code: str, filters: Filters) -> pd.DataFrame:
        """One ward across every ward-level KPI against the city, with its rank among the 20 wards."""
        ward = from_codes([ward_code])
        ward_filters = Filters(ward, filters.period, filters.comparison)
        city_filters = Filters(city(), filters.period, filters.comparison)
        rows = []
        for kpi in catalogue.catalogue().values():
            if kpi.geography == "city" or not kpi.kind.by_ward_available:
                continue
            here = self.result(kpi.key, ward_filters, with_spc=False)
            whole = self.result(kpi.key, city_filters, with_spc=False)
            table = self.by_ward(kpi.key, ward_filters)
            rank = table.loc[table["ward_code"] == ward_code, "rank"]
            shown_rate = kpi.per_1000
            rows.append(
                {
                    "priority": kpi.priority_title,
                    "kpi": kpi.label,
                    "key": kpi.key,
                    "ward": _shown(here, rate=shown_rate),
                    "city": _shown(whole, rate=shown_rate),
                    "measure": kpi.kind.map_title(kpi).lower() if shown_rate else kpi.unit,
                    "rank_of_20": None if rank.empty or pd.isna(rank.iloc[0]) else int(rank.iloc[0]),
                    "change": here.comparison.label if here.comparison else "no comparison",
                    "better": kpi.better,
                }
            )
        frame = pd.DataFrame(rows)
        frame["rank_of_20"] = frame["rank_of_20"].astype("Int64")
        return frame


def _shown(result: KpiResult, rate: bool = False) -> str:
    if result.suppressed:
        return "suppressed"
    if result.availability in ("no data", "city only", "not available"):
        return result.availability
    value = result.current.rate_per_1000 if rate else result.current.value
    if rate:
        return "not available" if value is None else f"{value:.2f}"
    return format_value(value, result.measure)


def overview_row(kpi: Kpi, result: KpiResult) -> dict[str, object]:
    """One Overview row: latest value, same period last year, change, rolling 12 months, SPC, direction, RAG."""
    comparison = result.comparison
    change = "no comparison"
    if comparison is not None and comparison.change is not None:
        change = f"{kpi.kind.format_change(comparison)} ({comparison.label})"
    elif comparison is not None:
        change = comparison.label
    return {
        "priority": PRIORITIES[kpi.priority],
        "kpi": kpi.label if kpi.parent is None else f"  {kpi.label}",
        "key": kpi.key,
        "value": _shown(result) if result.availability != "partial" else _shown(result) + " *",
        "comparison": "suppressed"
        if result.suppressed
        else (format_value(comparison.figure.value, result.measure) if comparison else "no comparison"),
        "change": change,
        "rolling_12_months": (
            "suppressed"
            if result.suppressed
            else format_value(result.rolling_12_months.value, result.measure)
            if result.rolling_12_months
            else "not available"
        ),
        "spc": result.spc.variation if result.spc else "not applicable",
        "better": kpi.better,
        "rag": result.rag or "",
        "availability": result.availability,
        "page": kpi.priority,
    }


def ward_options() -> dict[str, str]:
    """Current ward code -> name, in name order (for filters)."""
    return dict(sorted(ward_names().items(), key=lambda item: item[1]))
