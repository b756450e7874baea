"""Computing KPIs for any ward selection and run of financial-year quarters.

``Engine(connection).result(key, selection, period)`` gives one ``KpiResult``;
``series``, ``by_ward`` and ``breakdown`` give the frames behind charts and
tables. Each KPI's measure kind (``swp_data.kinds``) says how: gridded kinds are sums
over cached ward x month grids, answered here; repeat-person measures and the West
Midlands rank compute their own figures from the store.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from swp_data import derived
from swp_data.calc import coverage as coverage_of
from swp_data.calc.trends import SERIES_POINTS, Trends, months_per_point, with_spc_on_complete_points
from swp_data.frames import records_frame
from swp_data.grid import MEASURES, Axis, Cells, Grid, GridCache, store_axis
from swp_data.kinds import KINDS, Parts, base_result
from swp_data.kinds.base import compared, incomplete_note, ranked_wards, ward_record
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.periods import Period, Quarter, add_months, month_end
from swp_data.results import Coverage, Figure, KpiResult, Rag
from swp_data.selection import WardSelection, ward_names
from swp_data.store import data_version

AMBER_MARGIN = 0.05


# Spans shorter than this are summed for all spans at once (``Engine._short_spans``): below eight
# values numpy adds a slice's values one by one, in order, which the array steps repeat exactly.
SHORT_SPAN = 8


class Engine(Trends):
    """KPI calculations over one store connection (one per session; the cache may be shared)."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        cache: GridCache | None = None,
        aggregates_only: bool = False,
        version: tuple[object, ...] | None = None,
    ) -> None:
        """``version``: the store's ``data_version``, where the caller knows it (an immutable snapshot's)."""
        self.connection = connection
        # Partner sessions run only queries that return aggregates (never a row per record).
        self.aggregates_only = aggregates_only
        self.cache = cache or GridCache()
        self.version = version if version is not None else data_version(connection)
        self.axis: Axis = self.cache.get((self.version, "axis"), lambda: store_axis(connection))  # type: ignore[assignment]
        self._population: dict[str, np.ndarray] = self.cache.get(  # type: ignore[assignment]
            (self.version, "population"), self._load_population
        )
        self._vector_memo: dict[tuple[str, bytes], dict[str, np.ndarray]] = {}
        self._ward_parts_memo: dict[tuple[str, int, int], dict[str, Parts]] = {}
        self._all_rows = np.arange(len(self.axis.wards) + 1)

    # -- the store's extent -------------------------------------------------------------------
    @property
    def as_of(self) -> date:
        """The last day of the latest month the stored data covers: figures are 'as of' this date."""
        return month_end(self.axis.months[-1])

    @property
    def latest_quarter(self) -> Quarter:
        """The latest financial-year quarter with data."""
        return Quarter.containing(self.axis.months[-1])

    @property
    def default_quarter(self) -> Quarter:
        """The latest complete quarter (every month holds loaded data), else the latest with any."""
        loaded = self._loaded()
        covered_any = np.logical_or.reduce(list(loaded.values())) if loaded else np.zeros(len(self.axis.months), bool)
        return coverage_of.latest_complete(covered_any, self.axis) or self.latest_quarter

    def quarters(self) -> list[Quarter]:
        """Every financial-year quarter the store covers, oldest first."""
        first = Quarter.containing(self.axis.months[0])
        return Period(first, self.latest_quarter).quarters

    # -- grids ---------------------------------------------------------------------------------
    def grid(self, kpi: Kpi) -> Grid:
        """The KPI's cached grid."""

        def build() -> Grid:
            if derived.current(self.connection, self.version, self.cache):
                # Every KPI's rows read at once (a first visit needs most grids); this KPI's measures kept.
                every = self.cache.get((self.version, "grid cells"), self._stored_grid_cells)
                found = every.get(kpi.key)  # type: ignore[attr-defined]
                if found is None:  # no rows at all: zeros
                    return Grid(derived.grid_frame(self.connection, kpi), self.axis)
                wanted = derived.grid_columns(self.connection, kpi)
                measures = {name: values for name, values in found.measures.items() if name in wanted}
                return Grid.from_cells(dataclasses.replace(found, measures=measures), self.axis)
            return Grid(self.connection.execute(kpi.sql).df(), self.axis)

        return self.cache.get((self.version, "grid", kpi.key), build)  # type: ignore[return-value]

    def _stored_grid_cells(self) -> dict[str, Cells]:
        return derived.stored_grid_cells(self.connection, self.axis)

    def breakdown_grids(self, kpi: Kpi, breakdown_key: str) -> dict[str, Grid]:
        """One grid per category of a breakdown."""
        spec = next((b for b in kpi.breakdowns if b.key == breakdown_key), None)
        if spec is None:
            raise KeyError(f"{kpi.key} has no breakdown {breakdown_key!r}")

        def build() -> dict[str, Grid]:
            if derived.current(self.connection, self.version, self.cache):
                frame = derived.breakdown_frame(self.connection, kpi.key, spec)
            else:
                frame = self.connection.execute(spec.sql).df()
            grids = {str(cat): Grid(part, self.axis) for cat, part in frame.groupby("category", sort=True)}
            for name in spec.categories:  # a declared category with no records is a zero, not a missing row
                grids.setdefault(name, Grid(frame.iloc[0:0], self.axis))
            return dict(sorted(grids.items()))

        return self.cache.get((self.version, "breakdown", kpi.key, breakdown_key), build)  # type: ignore[return-value]

    # -- coverage --------------------------------------------------------------------------------
    def _loaded(self) -> dict[str, np.ndarray]:
        return self.cache.get(  # type: ignore[return-value]
            (self.version, "coverage"), lambda: coverage_of.table_coverage(self.connection, self.axis)
        )

    def covered_months(self, kpi: Kpi) -> np.ndarray:
        """A boolean per month of the axis: every source the KPI reads was loaded for it."""
        key = (kpi.key, b"coverage")
        if key not in self._vector_memo:
            present = self._vectors(kpi, self._all_rows)["present"] if kpi.kind.gridded else None
            self._vector_memo[key] = {"covered": coverage_of.kpi_months(kpi, self._loaded(), present, self.axis)}
        return self._vector_memo[key]["covered"]

    def coverage(self, kpi: Kpi, first: date, last: date) -> Coverage:
        """How many of the months ``first``..``last`` the KPI's sources cover, and whether that is complete."""
        return coverage_of.period_coverage(kpi, self.covered_months(kpi), self.axis, first, last)

    def _load_population(self) -> dict[str, np.ndarray]:
        frame = self.connection.execute(
            """
            with latest as (
                select ward_code, age_band, population,
                       row_number() over (partition by ward_code, age_band order by year desc) as newest
                from ward_population
            )
            select ward_code, age_band, population from latest where newest = 1
            """
        ).df()
        out = {}
        for band in ("all ages", "10-17"):
            values = frame[frame["age_band"] == band].set_index("ward_code")["population"]
            out[band] = np.array([float(values.get(code, np.nan)) for code in self.axis.wards])
        return out

    # -- selections ----------------------------------------------------------------------------
    def _rows(self, kpi: Kpi, selection: WardSelection) -> np.ndarray | None:
        """Grid rows for a selection, or None when the KPI is city-wide and the selection is not."""
        if kpi.geography == "city":
            return np.array([self.axis.city_row]) if selection.is_city else None
        rows = self.axis.ward_rows(selection.wards)
        return np.append(rows, self.axis.city_row) if selection.is_city else rows

    def population(self, selection: WardSelection, band: str = "all ages") -> float | None:
        """Residents of the selected wards (None if a ward's figure is not loaded)."""
        values = self._population[band][self.axis.ward_rows(selection.wards)]
        return None if np.isnan(values).any() else float(values.sum())

    def _span(self, first: date, last: date) -> tuple[int, int]:
        return self.axis.month_index(first), self.axis.month_index(last)

    def parts(self, kpi: Kpi, selection: WardSelection, first: date, last: date) -> Parts | None:
        """Summed parts for months ``first``..``last`` (None: not available for this selection)."""
        spans = self.parts_over(kpi, selection, [(first, last)])
        return None if spans is None else spans[0]

    def parts_over(self, kpi: Kpi, selection: WardSelection, spans: list[tuple[date, date]]) -> list[Parts] | None:
        """``parts`` for each run of months ``(first, last)``: the selection's sums are looked up once.

        A series asks for dozens of spans of one selection; the rows, month vectors, coverage and
        population are the same for all of them.
        """
        rows = self._rows(kpi, selection)
        if rows is None:
            return None
        vectors = self._vectors(kpi, rows)
        covered = self.covered_months(kpi)
        population = self.population(selection, kpi.population_band)
        bounds = np.array([self._span(first, last) for first, last in spans], dtype=np.int64).reshape(-1, 2)
        lows = np.maximum(bounds[:, 0], 0)
        highs = np.minimum(bounds[:, 1], len(self.axis.months) - 1)
        if len(spans) > 1 and len(self.axis.months) and int((highs - lows).max(initial=0)) + 1 < SHORT_SPAN:
            return self._short_spans(vectors, covered, population, lows, highs)
        out = []
        for lo, hi in zip(lows.tolist(), highs.tolist(), strict=True):
            _, _, months, has_data = self._summed_months(covered, lo, hi)
            totals = {
                name: float(vector[lo : hi + 1].sum()) if vector is not None and hi >= lo else 0.0
                for name, vector in ((name, vectors.get(name)) for name in MEASURES)
            }
            out.append(Parts(**totals, population=population, months=months, has_data=has_data))
        return out

    def _short_spans(
        self,
        vectors: dict[str, np.ndarray],
        covered: np.ndarray,
        population: float | None,
        lows: np.ndarray,
        highs: np.ndarray,
    ) -> list[Parts]:
        """``parts_over`` for many spans of under ``SHORT_SPAN`` months (a series, a dispersion) at once.

        Each span's months are added in order, month by month, as ``ndarray.sum`` adds so few: the
        same figures to the last bit as one sum per span, in a few array operations for all spans.
        """
        lengths = highs - lows + 1  # 0 or less: the span is off the axis
        sums = {name: np.zeros(len(lows)) for name in MEASURES if name in vectors}
        loaded = np.zeros(len(lows), dtype=np.int64)
        for step in range(int(lengths.max(initial=0))):
            inside = step < lengths
            month = np.where(inside, lows + step, 0)
            for name, total in sums.items():
                total += np.where(inside, vectors[name][month], 0.0)
            loaded += inside & covered[month]
        has_data = loaded > 0
        # As ``_summed_months``: rates annualised over the months loaded, or the span's length.
        months = np.where(has_data, loaded, np.maximum(lengths, 1)).tolist()
        columns = {name: total.tolist() for name, total in sums.items()}
        zeros = [0.0] * len(lows)
        return [
            Parts(
                **{name: columns.get(name, zeros)[i] for name in MEASURES},
                population=population,
                months=months[i],
                has_data=bool(has_data[i]),
            )
            for i in range(len(lows))
        ]

    def _summed_months(self, covered: np.ndarray, lo: int, hi: int) -> tuple[int, int, int, bool]:
        """Months ``lo``..``hi`` clipped to the axis, the months a rate is annualised over, and any data."""
        lo, hi = max(lo, 0), min(hi, len(self.axis.months) - 1)
        # "No data" means no load covers these months; a ward with no records in months a load covers
        # has a real zero.
        has_data = hi >= lo and bool(covered[lo : hi + 1].any())
        # Rates a year are annualised over the months actually loaded (a part-loaded quarter of one
        # month is one month's rate times 12, not times 4).
        months = int(covered[lo : hi + 1].sum()) if has_data else max(hi - lo + 1, 1)
        return lo, hi, months, has_data

    def ward_parts(self, kpi: Kpi, first: date, last: date) -> dict[str, Parts] | None:
        """``parts`` of each ward on its own for months ``first``..``last`` (None: a city-wide KPI).

        Every ward's sums in one pass over the grid (a ward table asked 20 ward selections each its
        own lookup); the same figures as ``parts`` for each one-ward selection. Memoised per engine.
        """
        if kpi.geography == "city" or not kpi.kind.gridded:
            return None
        lo, hi = self._span(first, last)
        key = (kpi.key, lo, hi)
        if key not in self._ward_parts_memo:
            self._ward_parts_memo[key] = self._every_ward_parts(kpi, lo, hi)
        return self._ward_parts_memo[key]

    def _every_ward_parts(self, kpi: Kpi, lo: int, hi: int) -> dict[str, Parts]:
        grid, wards = self.grid(kpi), self.axis.wards
        lo, hi, months, has_data = self._summed_months(self.covered_months(kpi), lo, hi)
        none = np.zeros(len(wards))
        totals = {
            name: grid.arrays[name][: len(wards), lo : hi + 1].sum(axis=1) if name in grid.arrays and hi >= lo else none
            for name in MEASURES
        }
        residents = self._population[kpi.population_band][: len(wards)]
        return {
            code: Parts(
                **{name: float(values[row]) for name, values in totals.items()},
                population=None if np.isnan(residents[row]) else float(residents[row]),
                months=months,
                has_data=has_data,
            )
            for row, code in enumerate(wards)
        }

    def _vectors(self, kpi: Kpi, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The KPI's measures summed over the selected rows, per month (memoised for this engine)."""
        key = (kpi.key, rows.tobytes())
        if key not in self._vector_memo:
            self._vector_memo[key] = self.grid(kpi).vectors(rows)
        return self._vector_memo[key]

    # -- one KPI ---------------------------------------------------------------------------------
    def result(
        self,
        key: str,
        selection: WardSelection,
        period: Period,
        compare_to: Period | None = None,
        with_spc: bool = True,
    ) -> KpiResult:
        """The KPI for a selection and period, against ``compare_to`` (default: a year earlier).

        ``with_spc=False`` skips the SPC series for views that do not show it.
        """
        kpi = catalogue.get(key)
        return kpi.kind.result(self, kpi, selection, period, compare_to or period.year_earlier(), with_spc)

    def gridded_result(
        self, kpi: Kpi, selection: WardSelection, period: Period, compare_to: Period, with_spc: bool
    ) -> KpiResult:
        """A gridded KPI's result: sums of its grid over the selection and period."""
        comparison_period = compare_to
        if kpi.provisional_months:
            period, comparison_period, lag_note = self.latest_available(kpi, period, comparison_period)
        else:
            lag_note = None
        base = base_result(kpi, selection.label, period.label)
        now = self.parts(kpi, selection, period.start, period.months[-1])
        if now is None:
            return base.model_copy(
                update={
                    "current": Figure(value=None),
                    "availability": "city only",
                    "notes": ["A city-wide figure: it is not reported by ward. Select the whole city to see it."],
                }
            )
        then = self.parts(kpi, selection, comparison_period.start, comparison_period.months[-1])
        assert then is not None
        kind = kpi.kind
        covered = self.coverage(kpi, period.start, period.months[-1])
        availability = self._availability(kpi, now)
        current = self.shown_figure(kpi, now)
        notes = self.record_notes(kpi, now)
        if lag_note:
            notes.insert(0, lag_note)
        if covered.state == "incomplete":
            notes.insert(0, incomplete_note(period.label, covered))
        rolling_first = add_months(period.months[-1], -11)
        rolling_covered = self.coverage(kpi, rolling_first, period.months[-1])
        rolling_parts = self.parts(kpi, selection, rolling_first, period.months[-1])
        rolling = None
        if rolling_parts is not None and rolling_covered.complete:
            rolling = self.shown_figure(kpi, rolling_parts)
        comparison = None
        if current.value is not None:
            then_covered = self.coverage(kpi, comparison_period.start, comparison_period.months[-1])
            comparison = compared(
                kind.compare(kpi, now, then, comparison_period.label, self.dispersion(kpi, selection, period)),
                covered,
                then_covered,
            )
            if not then.has_data or self._availability(kpi, then) == "not available":
                comparison = comparison.model_copy(update={"figure": Figure(value=None)})
        provisional = self.is_provisional(kpi, period.months[-1])
        if provisional:
            notes.append(
                f"Provisional: figures are final {kpi.provisional_months} months after the period closes "
                f"(data as of {self.as_of:%d %b %Y})."
            )
        target, rag = self._rag(kpi, current.value, period) if covered.complete else (None, None)
        target_note = base.target_note
        if kpi.target is not None and kpi.target.applies_to == "city" and not selection.is_city:
            target, rag = None, None  # a city target says nothing about one ward's share of it
            target_note = f"The target ({kpi.target.note}) is set for the whole city, so wards are not rated."
        spc_result = self._spc(kpi, selection, period) if with_spc else None
        if spc_result is not None and not covered.complete and spc_result.variation != "not applicable":
            spc_result = spc_result.model_copy(
                update={"variation": "not applicable", "reason": f"No SPC verdict: {period.label} is incomplete."}
            )
        return base.model_copy(
            update={
                "current": current,
                "comparison": comparison,
                "rolling_12_months": rolling,
                "rolling_label": f"12 months to {month_end(period.months[-1]):%b %Y}",
                "rolling_coverage": rolling_covered,
                "spc": spc_result,
                "rag": rag,
                "target": target,
                "target_note": target_note,
                "availability": availability,
                "coverage": covered,
                "unknown": now.unknown if now.has_data else None,
                "unavailable_reason": f"source has no {kpi.needs}" if availability == "not available" else None,
                "notes": notes,
                "provisional": provisional,
            }
        )

    def shown_figure(self, kpi: Kpi, parts: Parts) -> Figure:
        """The figure, or no value where the months hold no data or the source cannot say (never a zero)."""
        if not parts.has_data or self._availability(kpi, parts) == "not available":
            return Figure(value=None)
        return kpi.kind.figure(kpi, parts)

    def latest_available(self, kpi: Kpi, period: Period, before: Period) -> tuple[Period, Period, str | None]:
        """For lagging sources: if the period has no cohort yet, the latest period of the same length that has."""
        coverage = self._vectors(kpi, self._all_rows)["present"]
        lo, hi = self._span(period.start, period.months[-1])
        if coverage[max(lo, 0) : max(hi + 1, 0)].any() or not coverage.any():
            return period, before, None
        last_month = self.axis.months[int(np.flatnonzero(coverage).max())]
        length = len(period.quarters)
        last = Quarter.containing(last_month)
        latest = Period(last.shift(1 - length), last)
        gap = len(Period(latest.last, period.last).quarters) - 1
        note = f"{period.label} has no cohort yet (reoffending lags): latest cohort available: {latest.label}."
        return latest, before.shift(-gap), note

    def results(self, keys: list[str], selection: WardSelection, period: Period) -> list[KpiResult]:
        """Several KPIs for one selection and period."""
        return [self.result(key, selection, period) for key in keys]

    def record_notes(self, kpi: Kpi, parts: Parts) -> list[str]:
        """Notes drawn from the selection's records (unknowns, nothing to divide): never for partners."""
        notes = []
        if parts.unknown:
            notes.append(
                f"{parts.unknown:,.0f} records could not be counted: their source does not record the "
                f"{kpi.needs}. They are left out, not counted as zero."
            )
        empty = kpi.kind.empty_note(kpi, parts)
        if empty:
            notes.append(empty)
        return notes

    def _availability(self, kpi: Kpi, parts: Parts) -> str:
        if not parts.has_data:
            return "no data"
        if kpi.kind.nothing_to_divide(parts) and not parts.unknown:
            return "no data"  # nothing to take a share of in these wards and months
        if parts.unknown and not kpi.kind.known(parts):
            return "not available"
        return "partial" if parts.unknown else "available"

    def _rag(self, kpi: Kpi, value: float | None, period: Period) -> tuple[float | None, Rag | None]:
        if kpi.target is None or value is None:
            return None, None
        target = kpi.target.value * (period.month_count / 12 if kpi.target.per_year else 1)
        return target, rag_rating(value, target, kpi.direction)

    # -- wards, breakdowns (series and dispersion: calc.trends) -------------------------------------
    def by_ward(self, key: str, period: Period) -> pd.DataFrame:
        """The KPI for each of the 20 wards in the period, ranked (1 = best for the desired direction)."""
        kpi = catalogue.get(key)
        frame = kpi.kind.by_ward(self, kpi, period)
        if frame is None:
            return pd.DataFrame(columns=["ward_code", "ward_name", "value"])
        return ranked_wards(frame, kpi.kind.ranking_score(kpi, frame), kpi.direction)

    def gridded_by_ward(self, kpi: Kpi, period: Period) -> pd.DataFrame:
        """A gridded KPI in each of the 20 wards for the period."""
        names = ward_names()
        every_ward = self.ward_parts(kpi, period.start, period.months[-1])
        assert every_ward is not None
        records = []
        for code, parts in every_ward.items():
            record = ward_record(code, names[code], self.shown_figure(kpi, parts), parts.population)
            records.append({**record, "availability": self._availability(kpi, parts)})
        return records_frame(records)

    def breakdown(self, key: str, breakdown_key: str, selection: WardSelection, period: Period) -> pd.DataFrame:
        """The KPI split by a category, for a selection and period (count, share of total or rate within)."""
        kpi = catalogue.get(key)
        rows = self._rows(kpi, selection)
        if rows is None:
            return pd.DataFrame(columns=["category", "numerator", "denominator", "value"])
        lo, hi = self._span(period.start, period.months[-1])
        records = []
        for category, grid in self.breakdown_grids(kpi, breakdown_key).items():
            num = grid.total("numerator", rows, lo, hi)
            den = grid.total("denominator", rows, lo, hi) if grid.has_denominator else None
            records.append({"category": category, "numerator": num, "denominator": den})
        frame = pd.DataFrame(records, columns=["category", "numerator", "denominator"])
        if frame["denominator"].notna().any():
            share = KINDS["share"]  # a breakdown with a denominator is a share within each category
            shares = [
                share.figure(kpi, Parts(n, d or 0))
                for n, d in zip(frame["numerator"], frame["denominator"], strict=True)
            ]
        else:
            total = frame["numerator"].sum()
            shares = [Figure(value=n, numerator=n, denominator=total) for n in frame["numerator"]]
        frame["value"] = [s.value for s in shares]
        frame["low"] = [s.low for s in shares]
        frame["high"] = [s.high for s in shares]
        return frame


def rag_rating(value: float, target: float, direction: str) -> Rag | None:
    """Green at or beyond the target in the desired direction, amber within 5% short of it, red otherwise."""
    if direction == "neutral":
        return None
    if direction == "up":
        return "green" if value >= target else "amber" if value >= target * (1 - AMBER_MARGIN) else "red"
    return "green" if value <= target else "amber" if value <= target * (1 + AMBER_MARGIN) else "red"


__all__ = [
    "SERIES_POINTS",
    "Engine",
    "compared",
    "data_version",
    "incomplete_note",
    "months_per_point",
    "rag_rating",
    "with_spc_on_complete_points",
]
