"""Disclosure control for partners, applied to every figure they can reach.

Sensitive KPIs are answered for partners only from *published cells* (see ``published``):
each ward, named group and the city over a financial year; the city over each quarter;
and, city-wide, each category. Cells are protected per year (``protect``). A figure for any
other selection or period is a sum of cells and is shown only when every cell in it is shown:

- the city: any run of whole quarters (whole years use the year cell);
- a ward, a group, or several wards: whole financial years only (quarters of a single ward
  are not published: they are where small numbers live);
- rates and percentages: only when the counts they are built on are shown (numerator and
  the rest of the denominator); partners see the rate, not the counts, and no interval;
- comparisons, changes and their tests: only when both periods are shown; a count's test
  allows for overdispersion estimated from the trend partners see (quarters of the city,
  years of wards: shown cells only), never from the unpublished months analysts' tests use;
- trends: quarterly for the city, yearly for wards and groups;
- rolling 12 months: only where it is a sum of shown cells.

Repeat-person KPIs (victims with 2+ crimes in 12 months) count people, who do not add up
across wards or windows, so differencing cannot isolate one: they get the primary rule only.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from swp_data.disclosure.cells import SUPPRESSION_NOTE, WITHHELD, Cell, combine, primary_only
from swp_data.disclosure.protect import Key, Protection
from swp_data.disclosure.published import CITY, category, group, protect_year, quarter, ward
from swp_data.kinds.base import no_comparison
from swp_data.kpis.model import Kpi
from swp_data.periods import Period, Quarter
from swp_data.results import Comparison, Figure, KpiResult, Spc
from swp_data.selection import WardSelection, city, load_ward_groups, ward_names
from swp_data.stats.dispersion import Dispersion
from swp_data.stats.spc import MINIMUM_POINTS
from swp_data.stats.spc_columns import add_spc, summary

if TYPE_CHECKING:
    from swp_data.calc.engine import Engine

WARD_YEARS = 7  # the yearly trend partners see for wards and groups
PARTNER_SPC_NOTE = "For partners, SPC is read from the published quarterly (city) or yearly (ward) figures."


class PartnerPolicy:
    """Answers partner requests for sensitive KPIs from protected cells."""

    def __init__(self, engine: Engine, threshold: int) -> None:
        self.engine = engine
        self.threshold = threshold
        self.note = SUPPRESSION_NOTE.format(t=threshold, n=threshold + 1)
        groups = load_ward_groups()
        position = {code: i for i, code in enumerate(engine.axis.wards)}
        self._groups = {name: tuple(position[c] for c in g.wards) for name, g in groups.items()}

    # -- protected years ---------------------------------------------------------------------------
    def _year_quarters(self, fy: int) -> list[Quarter]:
        first, last = self.engine.axis.months[0], self.engine.axis.months[-1]
        return [q for q in (Quarter(fy, n) for n in range(1, 5)) if q.end >= first and q.start <= last]

    def _quarter_columns(self, quarters: list[Quarter]) -> list[np.ndarray]:
        axis = self.engine.axis
        return [
            np.array([axis.month_index(m) for m in q.months if 0 <= axis.month_index(m) < len(axis.months)])
            for q in quarters
        ]

    def _table(self, kpi: Kpi, table: str) -> np.ndarray:
        arrays = self.engine.grid(kpi).arrays
        numerator = arrays["numerator"]
        if table == "numerator":
            return numerator
        denominator = arrays.get("denominator", np.zeros_like(numerator))
        return denominator - numerator if table == "complement" else denominator

    def year(self, kpi: Kpi, table: str, fy: int) -> tuple[dict[Key, int], Protection]:
        """The protected cells of one KPI table for one financial year (cached per store version)."""

        def build() -> tuple[dict[Key, int], Protection]:
            quarters = self._year_quarters(fy)
            columns = self._quarter_columns(quarters)
            data = self._table(kpi, table)
            rows = [self.engine.axis.city_row] if kpi.geography == "city" else list(range(len(self.engine.axis.wards)))
            counts = np.array([[data[r, c].sum() for c in columns] for r in rows]).round().astype(int)
            groups = [] if kpi.geography == "city" else list(self._groups.values())
            split = self._categories(kpi, columns) if table == "numerator" else None
            return protect_year(counts, groups, self.threshold, kpi.zero_disclosive, split)

        return self.engine.cache.get((self.engine.version, "protected", kpi.key, table, fy, self.threshold), build)  # type: ignore[return-value]

    def _categories(self, kpi: Kpi, columns: list[np.ndarray]) -> np.ndarray | None:
        breakdown = self.count_breakdown(kpi)
        if breakdown is None:
            return None
        grids = self.engine.breakdown_grids(kpi, breakdown)
        every_row = np.arange(len(self.engine.axis.wards) + 1)
        return (
            np.array(
                [[grid.arrays["numerator"][np.ix_(every_row, c)].sum() for c in columns] for grid in grids.values()]
            )
            .round()
            .astype(int)
        )

    def count_breakdown(self, kpi: Kpi) -> str | None:
        """The breakdown whose categories add up to the KPI's count (the one partners may see, city-wide)."""
        if not kpi.kind.breakdowns_add_up() or not kpi.breakdowns:
            return None
        return kpi.breakdowns[0].key

    # -- cells for a selection and period -------------------------------------------------------------
    def cell(self, kpi: Kpi, table: str, selection: WardSelection, period: Period) -> Cell:
        """The partner-facing value of a KPI table for a selection and period."""
        by_year: dict[int, list[Quarter]] = {}
        for q in period.quarters:
            by_year.setdefault(q.fy_start, []).append(q)
        parts: list[Cell] = []
        for fy, quarters in by_year.items():
            available = self._year_quarters(fy)
            present = [q for q in quarters if q in available]
            if not present:
                continue
            values, protection = self.year(kpi, table, fy)
            whole_year = len(present) == len(available)
            if selection.is_city or kpi.geography == "city":
                keys = [CITY] if whole_year else [quarter(available.index(q)) for q in present]
            elif not whole_year:
                return Cell(None, "unpublished")
            elif selection.kind == "group" and selection.label in self._groups:
                keys = [group(list(self._groups).index(selection.label))]
            else:
                position = {code: i for i, code in enumerate(self.engine.axis.wards)}
                keys = [ward(position[code]) for code in selection.wards]
            parts += [Cell(float(values[k]), protection.status[k]) for k in keys]
        return combine(parts)

    def category_cells(self, kpi: Kpi, period: Period) -> dict[str, Cell]:
        """City-wide cells per category of the KPI's count breakdown."""
        breakdown = self.count_breakdown(kpi)
        if breakdown is None:
            return {}
        names = list(self.engine.breakdown_grids(kpi, breakdown))
        cells: dict[str, list[Cell]] = {name: [] for name in names}
        for fy in sorted({q.fy_start for q in period.quarters}):
            available = self._year_quarters(fy)
            present = [q for q in period.quarters if q in available]
            if not present:
                continue
            values, protection = self.year(kpi, "numerator", fy)
            for k, name in enumerate(names):
                keys = (
                    [category(k)]
                    if len(present) == len(available)
                    else [("BQ", k, available.index(q)) for q in present]
                )
                cells[name] += [Cell(float(values[key]), protection.status[key]) for key in keys]
        return {name: combine(parts) for name, parts in cells.items()}

    # -- figures ---------------------------------------------------------------------------------------
    def figure(self, kpi: Kpi, shown: Figure, selection: WardSelection, period: Period) -> tuple[Figure, Cell]:
        """The partner-facing version of a figure, and the cell that decided it (the KPI's kind decides how)."""
        return kpi.kind.partner_figure(self, kpi, shown, selection, period)  # type: ignore[return-value]

    def primary_figure(self, shown: Figure, zero_disclosive: bool) -> tuple[Figure, Cell]:
        """A figure under the primary rule only: suppressed when its repeats, others or total are small."""
        return primary_only(shown, self.threshold, zero_disclosive)

    def cell_figure(self, kpi: Kpi, shown: Figure, selection: WardSelection, period: Period) -> tuple[Figure, Cell]:
        """A figure built on protected cells (the kind's disclosure tables): shown only when every cell is."""
        tables = kpi.kind.disclosure_tables
        cells = [self.cell(kpi, t, selection, period) for t in tables]
        decisive = next((c for c in cells if not c.shown), cells[0])
        if not all(c.shown for c in cells):
            return Figure(value=None, suppressed=True), decisive
        if kpi.kind.publishes_count:
            return shown, decisive
        return Figure(value=shown.value), decisive  # the rate alone: no counts, no interval

    def result(
        self,
        kpi: Kpi,
        result: KpiResult,
        selection: WardSelection,
        period: Period,
        before: Period,
        with_spc: bool = True,
    ) -> KpiResult:
        """A result with everything partners may not see withheld; its SPC read from the partners' own trend."""
        if result.current.value is None and (
            (result.coverage is not None and result.coverage.state == "no data") or self._lacks_field(kpi, period)
        ):
            # Nothing was loaded for these months, or no record loaded for them city-wide carries the
            # field: which months were loaded and which fields the files have say nothing about anyone.
            return result.model_copy(update={"unknown": None, "notes": [], "comparison": None})
        if result.availability == "not available":
            # Here only: the city has judged records, so 'not available' would say this selection's judged
            # count is zero. Partners get that count under the cells' rules instead, as partly known.
            parts = self.engine.parts(kpi, selection, period.start, period.months[-1])
            if parts is not None:
                result = result.model_copy(update={"current": kpi.kind.figure(kpi, parts), "availability": "partial"})
        current, cell = self.figure(kpi, result.current, selection, period)
        comparison = None
        if result.comparison is not None:
            previous, _previous_cell = self.figure(kpi, result.comparison.figure, selection, before)
            if current.suppressed or previous.suppressed:
                comparison = no_comparison(result.comparison.period_label, previous)
            else:
                comparison = self._comparison(kpi, result.comparison, previous, selection, period, before)
        rolling = None
        if kpi.kind.partner_rolling_is_current():
            rolling = current
        elif result.rolling_12_months is not None:
            last = period.last
            rolling_period = Period(last.shift(-3), last)
            rolling_figure, _ = self.figure(kpi, result.rolling_12_months, selection, rolling_period)
            rolling = None if rolling_figure.suppressed else rolling_figure
        notes = [n for n in result.notes if "records could not be counted" not in n]
        if len(notes) < len(result.notes):
            notes.append("Some records could not be counted: their source does not record what this KPI needs.")
        update: dict[str, object] = {
            "current": current,
            "comparison": comparison,
            "rolling_12_months": rolling,
            "notes": notes,
        }
        if with_spc and kpi.kind.spc_applies and result.coverage is not None and not result.coverage.complete:
            # No verdict on a part-loaded period, and none of the analysts' limits either.
            update["spc"] = Spc(variation="not applicable", reason=f"No SPC verdict: {period.label} is incomplete.")
        elif with_spc and kpi.kind.spc_applies:
            update["spc"] = self.spc(kpi, selection, period)
        if current.suppressed:
            update.update(
                {
                    "suppressed": True,
                    "shown_as": cell.label,
                    "suppression_note": self.note,
                    "rag": None,
                    "spc": Spc(variation="not applicable", reason="Withheld for partners."),
                }
            )
            if cell.status == "unpublished":
                update["suppression_note"] = (
                    "Not published for partners at this level: ward figures for this KPI are given for whole "
                    "financial years, and city figures for whole quarters."
                )
        return result.model_copy(update=update)

    def _lacks_field(self, kpi: Kpi, period: Period) -> bool:
        """Whether no record of the period, city-wide, could be judged for the KPI (the files lack its field).

        A ward that is 'not available' while the city has judged records would say its count is
        zero, so only a field missing from every record in the months passes to partners as such.
        """
        whole = self.engine.parts(kpi, city(), period.start, period.months[-1])
        return whole is not None and whole.unknown > 0 and not kpi.kind.known(whole)

    def spc(self, kpi: Kpi, selection: WardSelection, period: Period) -> Spc:
        """SPC read from the trend partners see (published cells only), never from the monthly series.

        The partner trend is the 16 quarters shown: a declared baseline counts from the first of
        them, not from the data's start (the analysts' monthly series goes back to it).
        """
        if not (selection.is_city or kpi.geography == "city") and WARD_YEARS < MINIMUM_POINTS:
            # Wards and groups are published by whole years: never enough points for limits.
            reason = f"SPC needs at least {MINIMUM_POINTS} periods with data to set limits"
            return Spc(variation="not applicable", points=0, reason=f"{reason}. {PARTNER_SPC_NOTE}")
        frame = self.cell_series(kpi, pd.DataFrame(), selection, period)
        verdict = summary(frame, kpi.direction, kpi.rebase_reasons)
        if verdict.variation == "not applicable":
            return verdict.model_copy(update={"reason": f"{verdict.reason}. {PARTNER_SPC_NOTE}"})
        return verdict

    def _comparison(
        self,
        kpi: Kpi,
        comparison: Comparison,
        previous: Figure,
        selection: WardSelection,
        period: Period,
        before: Period,
    ) -> Comparison:
        """The comparison a partner sees (both periods shown): for counts, retested on published cells only.

        The analysts' test of a count allows for the overdispersion of the selection's monthly
        counts, which partners may not see (ward months are where small numbers live); its
        p-value, with the published counts of both periods, would give that dispersion away.
        So a partner's test uses the dispersion of the trend they are shown instead.
        """
        if not kpi.kind.allows_for_overdispersion or comparison.change is None:
            return comparison.model_copy(update={"figure": previous})
        now = self.engine.parts(kpi, selection, period.start, period.months[-1])
        then = self.engine.parts(kpi, selection, before.start, before.months[-1])
        if now is None or then is None:
            return no_comparison(comparison.period_label, previous)
        retested = kpi.kind.compare(kpi, now, then, comparison.period_label, self.dispersion(kpi, selection, period))
        return retested.model_copy(update={"figure": previous})

    def dispersion(self, kpi: Kpi, selection: WardSelection, period: Period) -> Dispersion:
        """The overdispersion of the trend a partner sees (city quarters, ward years): its shown cells only."""
        city_level = selection.is_city or kpi.geography == "city"
        spans: list[tuple[date, date] | None] = []
        for _, span in self._trend_steps(kpi, selection, period):
            parts = self.engine.parts(kpi, selection, span.start, span.months[-1])
            if parts is None or self.figure(kpi, kpi.kind.figure(kpi, parts), selection, span)[0].suppressed:
                spans.append(None)  # a withheld cell is a gap: nothing derived from it reaches a partner
            else:
                spans.append((span.start, span.months[-1]))
        return self.engine.dispersion_over(kpi, selection, spans, kpi.kind.partner_series_step(kpi, city_level))

    def series(self, kpi: Kpi, frame: pd.DataFrame, selection: WardSelection, period: Period) -> pd.DataFrame:
        """A trend partners may see (the KPI's kind decides how)."""
        return kpi.kind.partner_series(self, kpi, frame, selection, period)

    def _trend_steps(self, kpi: Kpi, selection: WardSelection, period: Period) -> list[tuple[str, Period]]:
        """The points of a partner's trend: 16 quarters for the city, 7 financial years for wards."""
        last = period.last
        if selection.is_city or kpi.geography == "city":
            return [(q.label, Period(q, q)) for q in (last.shift(-i) for i in reversed(range(16)))]
        return [
            (f"{fy}/{(fy + 1) % 100:02d}", Period(Quarter(fy, 1), Quarter(fy, 4)))
            for fy in range(last.fy_start - WARD_YEARS + 1, last.fy_start + 1)
        ]

    def cell_series(self, kpi: Kpi, frame: pd.DataFrame, selection: WardSelection, period: Period) -> pd.DataFrame:
        """A trend of protected cells: quarterly for the city, yearly for wards, small values withheld."""
        records = []
        for label, span in self._trend_steps(kpi, selection, period):
            if span.last.start < self.engine.axis.months[0]:
                continue
            parts = self.engine.parts(kpi, selection, span.start, span.months[-1])
            if parts is None or not parts.has_data:
                continue
            figure, _ = self.figure(kpi, kpi.kind.figure(kpi, parts), selection, span)
            records.append(
                {
                    "period_start": span.start,
                    "period": label,
                    "numerator": None,
                    "denominator": None,
                    "value": figure.value,
                    "low": None,
                    "high": None,
                    "provisional": self.engine.is_provisional(kpi, span.months[-1]),
                    "suppressed": figure.suppressed,
                }
            )
        out = pd.DataFrame(
            records,
            columns=[
                "period_start",
                "period",
                "numerator",
                "denominator",
                "value",
                "low",
                "high",
                "provisional",
                "suppressed",
            ],
        )
        city_level = selection.is_city or kpi.geography == "city"
        add_spc(out, kpi.direction, **kpi.spc_inputs(3 if city_level else 12))
        return out

    def by_ward(self, kpi: Kpi, frame: pd.DataFrame, period: Period) -> pd.DataFrame:
        """Ward figures partners may see: whole years only, small values withheld, ranked among shown wards."""
        names = ward_names()
        rows = []
        for _, row in frame.iterrows():
            selection = WardSelection((row["ward_code"],), names[row["ward_code"]], "ward")
            figure, cell = self.figure(
                kpi,
                Figure(
                    value=row["value"],
                    numerator=row["numerator"],
                    denominator=row["denominator"],
                    rate_per_1000=row.get("rate_per_1000"),
                ),
                selection,
                period,
            )
            rows.append(
                {
                    **row.to_dict(),
                    "value": figure.value,
                    "numerator": figure.value if kpi.kind.publishes_count else None,
                    "denominator": None,
                    "low": None,
                    "high": None,
                    "rate_per_1000": figure.rate_per_1000 if not figure.suppressed else None,
                    "shown_as": "" if not figure.suppressed else cell.label,
                }
            )
        out = pd.DataFrame(rows)
        score = kpi.kind.ranking_score(kpi, out)
        out["rank"] = score.rank(ascending=kpi.direction != "up", method="min").astype("Int64")
        return out.sort_values(["rank", "ward_name"], na_position="last", ignore_index=True)

    def breakdown(self, kpi: Kpi, frame: pd.DataFrame, period: Period) -> pd.DataFrame:
        """City-wide category counts partners may see."""
        cells = self.category_cells(kpi, period)
        out = frame.copy()
        out["value"] = [cells[c].value if c in cells and cells[c].shown else None for c in out["category"]]
        out["numerator"] = out["value"]
        out["denominator"] = None
        out["low"] = None
        out["high"] = None
        out["shown_as"] = [
            "" if c in cells and cells[c].shown else (cells[c].label if c in cells else WITHHELD)
            for c in out["category"]
        ]
        return out
