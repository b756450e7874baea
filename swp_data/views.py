"""What the dashboard shows, assembled in the data layer: pages only lay it out.

``Dashboard`` wraps the calculation engine with the page-level tables (the
Overview, a ward profile, ward rankings, sources) so that no page computes
anything. Disclosure control for partner access is applied here too.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Literal

import duckdb
import pandas as pd

from swp_data import ward_population
from swp_data.access import ANALYST, PARTNER, Access, AccessDenied
from swp_data.calc.engine import Engine
from swp_data.disclosure.policy import PartnerPolicy
from swp_data.filters import Filters
from swp_data.funnels import WardFunnel, ward_funnel
from swp_data.grid import GridCache
from swp_data.kinds.base import ward_record
from swp_data.kinds.rank import ranks
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.kpis.scope import Part
from swp_data.memo import shared
from swp_data.periods import Period, Quarter
from swp_data.records import RecordSet, list_records, record_parts, unavailable_reason
from swp_data.results import KpiResult, State, shown_value, state
from swp_data.selection import canonical, city, from_codes
from swp_data.settings import get_settings
from swp_data.site import PRIORITIES
from swp_data.sources import SOURCES
from swp_data.spend import spend_view
from swp_data.status import placement_counts, skipped_reasons, source_status

PLACEMENT_NOTE = (
    "**Wards** are the 20 current (May 2023) wards, the polygons every map draws. A record with coordinates "
    "(every data.police.uk record has them) is placed by its point in those polygons; a point within 150 m "
    "outside the city's generalised edge goes to the nearest ward. A record without coordinates is placed "
    "through its LSOA's best-fit ward (the ward holding the LSOA's centre point), which can differ from the "
    "polygon: on the real June 2018 records, 204 of 2,463 (8%) lie in another ward by their own coordinates. "
    "Each record keeps how it was placed (`placed_by`: point or LSOA). Records placed by LSOA are counted "
    "on their best-fit ward while the population is the polygon's."
)

RECORD_LIMIT = 5_000
"""Records a page shows (and offers to download) behind one figure; the count is always the full one."""


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
        version: tuple[object, ...] | None = None,
    ) -> None:
        self.engine = Engine(connection, cache, aggregates_only=access != ANALYST, version=version)
        self.access = access
        self.policy = PartnerPolicy(self.engine, threshold or get_settings().disclosure_threshold)
        # A page asks for the ward table and then its funnel: the funnel (and the city result and ward
        # table it is built from) is worked out once per Dashboard (one per rerun).

    @property
    def partner(self) -> bool:
        """Whether figures are disclosure-controlled."""
        return self.access != ANALYST

    @property
    def threshold(self) -> int:
        """The disclosure threshold: partners' sensitive counts from 1 to it are withheld (shown as '<5' at 4)."""
        return self.policy.threshold

    def _protect(self, kpi: Kpi) -> bool:
        return self.partner and kpi.sensitive

    # -- the store ----------------------------------------------------------------------------------
    @property
    def as_of(self) -> date:
        """The last day of the latest month loaded: every figure is as of this date."""
        return self.engine.as_of

    @shared()
    def quarters(self) -> list[str]:
        """Quarter codes the store covers, oldest first (e.g. '2022/23Q1')."""
        return [q.code for q in self.engine.quarters()]

    @shared()
    def default_quarter(self) -> str:
        """The quarter a first visit shows: the latest complete one (e.g. '2025/26Q3')."""
        return self.engine.default_quarter.code

    @shared()
    def sources(self) -> pd.DataFrame:
        """Each source: period covered, rows, last load, skipped rows, and its caveat."""
        frame = source_status(self.engine.connection)
        frame["caveat"] = frame["table"].map({table: source.caveat for table, source in SOURCES.items()}).fillna("")
        return frame

    @shared()
    def skipped(self) -> pd.DataFrame:
        """Rows skipped when loading, by table and reason."""
        return skipped_reasons(self.engine.connection)

    @shared()
    def placement(self) -> pd.DataFrame:
        """How crime and ASB records were placed on wards, with counts: analysts only.

        Empty for partners: the split is not derived from any published figure.
        """
        if self.partner:
            return pd.DataFrame(columns=["source", "placed_by", "records"])
        return placement_counts(self.engine.connection)

    @staticmethod
    def geography_note() -> str:
        """How records are placed and how ward populations were derived, with their error (About the Data)."""
        return f"{PLACEMENT_NOTE}\n\n{ward_population.method_note()}"

    # -- KPIs -----------------------------------------------------------------------------------------
    @shared()
    def result(self, key: str, filters: Filters, with_spc: bool = True) -> KpiResult:
        """One KPI for the filters (disclosure-controlled for partners)."""
        filters = canonical_filters(filters)
        kpi = catalogue.get(key)
        protect = self._protect(kpi)
        # For partners the SPC verdict is read from the published trend (the policy's), not the monthly one.
        result = self.engine.result(
            key, filters.selection, filters.period, filters.compare_to, with_spc and not protect
        )
        if not protect:
            return result
        period, before = filters.period, filters.compare_to
        if kpi.provisional_months:
            period, before, _ = self.engine.latest_available(kpi, period, before)
        return self.policy.result(kpi, result, filters.selection, period, before, with_spc=with_spc)

    def results(self, keys: list[str], filters: Filters) -> list[KpiResult]:
        """Several KPIs for the filters."""
        return [self.result(key, filters) for key in keys]

    @shared()
    def series(self, key: str, filters: Filters) -> pd.DataFrame:
        """The KPI's trend up to the period's end, with SPC columns."""
        filters = canonical_filters(filters)
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

    @shared(ignore=("city_result",))
    def by_ward(self, key: str, filters: Filters, city_result: KpiResult | None = None) -> pd.DataFrame:
        """The KPI in each ward for the period, ranked, selected or not, and against the city.

        ``versus_city`` is higher / similar / lower (outside the funnel's 95% limits, overdispersion
        allowed for) and ``judgement`` better / worse / similar for the desired direction.
        """
        filters = canonical_filters(filters)
        frame, _ = self._wards_against_city(key, _every_ward(filters), city_result)
        frame["selected"] = _chosen(frame["ward_code"], filters)
        return frame

    @shared(ignore=("city_result",))
    def _wards_against_city(
        self, key: str, every_ward: Filters, city_result: KpiResult | None
    ) -> tuple[pd.DataFrame, WardFunnel | None]:
        """Every ward's figure, rank and funnel judgement: the same whichever wards are chosen.

        Shared across selections (the Ward Profile asks it of all 54 KPIs for each new ward), so a
        new selection only marks its wards.
        """
        frame = self._by_ward(key, every_ward)
        found = self.funnel(key, every_ward, frame, city_result)
        placed: dict[str, tuple[str, str]] = {}
        if found is not None:
            points = found.points
            pairs = zip(points["versus_city"].tolist(), points["judgement"].tolist(), strict=True)
            placed = dict(zip(points["ward_code"].tolist(), pairs, strict=True))
        # None for a ward left out of the funnel (withheld, or no figure).
        marks = [placed.get(code, (None, None)) for code in frame["ward_code"].tolist()]
        frame["versus_city"] = pd.Series([mark[0] for mark in marks], index=frame.index, dtype=object)
        frame["judgement"] = pd.Series([mark[1] for mark in marks], index=frame.index, dtype=object)
        return frame, found

    @shared(ignore=("city_result",))
    def _ward_places(
        self, key: str, every_ward: Filters, city_result: KpiResult | None
    ) -> dict[str, dict[str, object]]:
        """Each ward's rank and judgement against the city (``_wards_against_city``), by ward code.

        What the Ward Profile reads of every KPI's ward table: looked up, not copied per ward and
        KPI. Read it, never change it (it is shared).
        """
        frame, _ = self._wards_against_city(key, every_ward, city_result)
        if "ward_code" not in frame:
            return {}
        columns = [c for c in ("rank", "versus_city", "judgement") if c in frame]
        values = zip(*(frame[c].tolist() for c in columns), strict=True)
        return {
            code: dict(zip(columns, row, strict=True))
            for code, row in zip(frame["ward_code"].tolist(), values, strict=True)
        }

    @shared()
    def ward_period_offer(self, key: str, filters: Filters) -> Period | None:
        """The latest period whose ward figures partners see, where the filters' period is not one.

        For partners and a sensitive KPI only: a closed financial year. None when the period is
        published, for analysts, and when no year is closed yet.
        """
        kpi = catalogue.get(key)
        if not self._protect(kpi) or kpi.geography == "city" or not kpi.kind.by_ward_available:
            return None
        some_ward = from_codes([self.engine.axis.wards[0]])
        if self.policy.cells.closed(kpi, some_ward, filters.period):
            return None
        fy = self.policy.cells.latest_closed_year(kpi)
        return None if fy is None else Period(Quarter(fy, 1), Quarter(fy, 4))

    def _by_ward(self, key: str, filters: Filters) -> pd.DataFrame:
        kpi = catalogue.get(key)
        period = filters.period
        if self._protect(kpi) and self.engine.ward_parts(kpi, period.start, period.months[-1]) is not None:
            frame = self.policy.by_ward(kpi, None, period)  # judged on the grid's parts: no analysts' table
        else:
            frame = self.engine.by_ward(key, period)
            if self._protect(kpi) and not frame.empty:
                frame = self.policy.by_ward(kpi, frame, period)
        frame["selected"] = _chosen(frame["ward_code"], filters)
        return frame

    @shared(bypass=("wards",), ignore=("city_result",))
    def funnel(
        self,
        key: str,
        filters: Filters,
        wards: pd.DataFrame | None = None,
        city_result: KpiResult | None = None,
    ) -> WardFunnel | None:
        """Wards against the city (a funnel plot), from the figures this viewer receives (None: no funnel).

        ``city_result`` is the city's result for the same period, where the caller already has it.
        """
        filters = canonical_filters(filters)
        kpi = catalogue.get(key)
        if kpi.geography == "city" or not kpi.kind.by_ward_available or kpi.kind.funnel_family is None:
            return None
        if wards is None:  # the wards' figures and judgements are shared across selections: mark this one's
            _, found = self._wards_against_city(key, _every_ward(filters), city_result)
            if found is None:
                return None
            return dataclasses.replace(
                found, points=found.points.assign(selected=_chosen(found.points["ward_code"], filters))
            )
        if wards.empty:
            return None
        whole = city_result or self.result(key, Filters(city(), filters.period, filters.comparison), with_spc=False)
        if whole.suppressed or whole.current.value is None or (whole.coverage and not whole.coverage.complete):
            return None
        population = self.engine.population(city(), kpi.population_band)
        city_record = ward_record("city", "Wolverhampton", whole.current, population)
        return ward_funnel(kpi, wards, city_record, filters.period.month_count)

    @shared()
    def breakdown(self, key: str, breakdown_key: str, filters: Filters) -> pd.DataFrame:
        """The KPI split by one of its breakdowns (for partners, sensitive ones city-wide only)."""
        filters = canonical_filters(filters)
        frame = self.engine.breakdown(key, breakdown_key, filters.selection, filters.period)
        kpi = catalogue.get(key)
        if not self._protect(kpi):
            return frame
        if not filters.selection.is_city or self.policy.count_breakdown(kpi) != breakdown_key:
            return frame.iloc[0:0]
        return self.policy.breakdown(kpi, frame, filters.period)

    def records(
        self, key: str, filters: Filters, part: Part = "numerator", limit: int | None = RECORD_LIMIT
    ) -> RecordSet:
        """The records behind one part of a KPI's figure for the filters: analysts only.

        Exactly the rows the figure counts (``swp_data.records``); ``RecordsUnavailable`` says
        why a KPI has none (aggregate returns, a survey or cohort figure declared with its SQL).
        """
        if self.partner:
            raise AccessDenied("record-level data is for signed-in analysts only")
        return list_records(self.engine, key, filters.selection, filters.period, part, limit)

    def record_parts(self, key: str, filters: Filters) -> dict[Part, str]:
        """The parts of a KPI's figure whose records an analyst can list (empty for partners, or with a reason)."""
        kpi = catalogue.get(key)
        if self.partner or unavailable_reason(kpi, filters.selection):
            return {}
        return record_parts(kpi)

    def records_unavailable(self, key: str, filters: Filters) -> str | None:
        """Why no records can be listed behind the KPI for the filters (None when they can)."""
        if self.partner:
            return "Record-level data is for signed-in analysts only."
        return unavailable_reason(catalogue.get(key), filters.selection)

    @shared()
    def wm_ranks(self, filters: Filters) -> pd.DataFrame:
        """Rates per 1,000 and ranks (1 = safest) of the 7 West Midlands CSPs by neighbourhood crime group."""
        kpi = catalogue.get("wm_safety_rank")
        frame = ranks(self.engine, kpi, filters.period.start, filters.period.months[-1])
        return frame.rename(columns={"offence_group": "group"})[["group", "rank", "area", "rate_per_1000"]]

    @shared()
    def spend(self, filters: Filters) -> tuple[str, pd.DataFrame, pd.DataFrame]:
        """Commissioned spend for the financial year of the period's end (``swp_data.spend.spend_view``)."""
        return spend_view(self, filters)

    # -- page tables -----------------------------------------------------------------------------------
    @shared()
    def overview(self, filters: Filters) -> pd.DataFrame:
        """Every KPI in one table, grouped by priority: typed values (swp_app makes the display strings)."""
        rows = []
        for kpi in catalogue.catalogue().values():
            result = self.result(kpi.key, filters)
            rows.append(overview_row(kpi, result, filters.period.label))
        return pd.DataFrame(rows)

    @shared()
    def ward_profile(self, ward_code: str, filters: Filters) -> pd.DataFrame:
        """One ward across every ward-level KPI against the city, with its rank among the 20 wards (typed)."""
        ward = from_codes([ward_code])
        ward_filters = Filters(ward, filters.period, filters.comparison)
        city_filters = Filters(city(), filters.period, filters.comparison)
        rows = []
        for kpi in catalogue.catalogue().values():
            if kpi.geography == "city" or not kpi.kind.by_ward_available:
                continue
            here = self.result(kpi.key, ward_filters, with_spc=False)
            whole = self.result(kpi.key, city_filters, with_spc=False)
            mine = self._ward_places(kpi.key, _every_ward(ward_filters), whole).get(ward_code, {})
            rows.append(
                {
                    "priority": kpi.priority_title,
                    "kpi": kpi.label,
                    "key": kpi.key,
                    "measure": kpi.measure,
                    "per_1000": kpi.per_1000,
                    "ward_value": shown_value(here, rate=kpi.per_1000),
                    "ward_state": state(here),
                    "city_value": shown_value(whole, rate=kpi.per_1000),
                    "city_state": state(whole),
                    "ward_reason": here.unavailable_reason,
                    "city_reason": whole.unavailable_reason,
                    # The marker a partner sees in place of a withheld figure, as the result sets it.
                    "ward_shown_as": here.shown_as if here.suppressed else None,
                    "city_shown_as": whole.shown_as if whole.suppressed else None,
                    "rank_of_20": None if pd.isna(mine.get("rank")) else int(mine["rank"]),
                    "rank_order": kpi.kind.rank_order(kpi),
                    "versus_city": mine.get("versus_city"),
                    "judgement": mine.get("judgement"),
                    "change": here.comparison.label if here.comparison else "no comparison",
                    "better": kpi.better,
                }
            )
        frame = pd.DataFrame(rows)
        frame["rank_of_20"] = frame["rank_of_20"].astype("Int64")
        return frame


def canonical_filters(filters: Filters) -> Filters:
    """The filters with their selection rebuilt from its wards (``selection.canonical``)."""
    chosen = canonical(filters.selection)
    return filters if chosen == filters.selection else Filters(chosen, filters.period, filters.comparison)


def rolling_state(result: KpiResult) -> State | Literal["incomplete"]:
    """Whether the rolling 12 months is shown, or why not (incomplete: fewer than 12 months loaded)."""
    if result.suppressed:
        return "suppressed"
    if result.availability in ("city only", "not available"):
        return result.availability  # type: ignore[return-value]
    if result.rolling_12_months is not None and result.rolling_12_months.value is not None:
        return "shown"
    covered = result.rolling_coverage
    return "incomplete" if covered is not None and covered.state == "incomplete" else "no data"


def overview_row(kpi: Kpi, result: KpiResult, period_label: str | None = None) -> dict[str, object]:
    """One Overview row: latest value, comparison, change and its test, rolling 12 months, SPC, RAG (typed)."""
    comparison = result.comparison
    hidden = result.suppressed
    return {
        "priority": PRIORITIES[kpi.priority],
        "kpi": kpi.label,
        "key": kpi.key,
        "companion": kpi.parent is not None,
        "measure": kpi.measure,
        "value": shown_value(result),
        # A lagging source (reoffending cohorts) is shown under its own latest period, named.
        "latest_available": result.period if period_label and result.period != period_label else None,
        "state": state(result),
        "shown_as": result.shown_as if hidden else None,
        "partial": result.availability == "partial",
        "comparison_period": comparison.period_label if comparison else None,
        "comparison_value": None if hidden or comparison is None else comparison.figure.value,
        "change": None if comparison is None else comparison.change,
        "change_percent": None if comparison is None else comparison.change_percent,
        "change_label": comparison.label if comparison else "no comparison",
        "p_value": None if comparison is None else comparison.p_value,
        "test": None if comparison is None else comparison.test,
        "rolling_12_months": None if hidden or result.rolling_12_months is None else result.rolling_12_months.value,
        "rolling_state": rolling_state(result),
        "coverage": result.coverage.state if result.coverage else None,
        "months_loaded": result.coverage.covered if result.coverage else None,
        "months_in_period": result.coverage.months if result.coverage else None,
        "unknown_records": result.unknown,
        "unavailable_reason": result.unavailable_reason,
        "spc": result.spc.variation if result.spc else "not applicable",
        "spc_side": result.spc.side if result.spc else None,
        "assurance": result.spc.assurance if result.spc else None,
        "target_kind": kpi.target.kind if kpi.target else None,
        "better": kpi.better,
        "rag": result.rag,
        "availability": result.availability,
        "page": kpi.priority,
    }


def _chosen(ward_codes: pd.Series, filters: Filters) -> pd.Series:
    """Which of these wards the filters select (none when they select the city)."""
    chosen = set() if filters.selection.is_city else set(filters.selection.wards)
    # A set lookup per ward: ``isin`` on a string column costs more than the twenty lookups.
    return pd.Series([code in chosen for code in ward_codes], index=ward_codes.index, dtype=bool)


def _every_ward(filters: Filters) -> Filters:
    """The same period and comparison for the whole city: what every ward's figures are asked with."""
    return Filters(city(), filters.period, filters.comparison)
