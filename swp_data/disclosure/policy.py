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

from typing import TYPE_CHECKING

import pandas as pd

from swp_data.disclosure.cells import SUPPRESSION_NOTE, WITHHELD, Cell, marker_for, primary_only
from swp_data.disclosure.closed import UNPUBLISHED, PublishedCells
from swp_data.disclosure.trend import PartnerTrends
from swp_data.frames import records_frame
from swp_data.kinds.base import Parts, no_comparison, ranked_wards
from swp_data.kpis.model import Kpi
from swp_data.periods import Period, Quarter
from swp_data.results import Comparison, Figure, KpiResult, Spc
from swp_data.selection import WardSelection, city, ward_names

if TYPE_CHECKING:
    from swp_data.calc.engine import Engine


class PartnerPolicy(PartnerTrends):
    """Answers partner requests for sensitive KPIs from protected cells."""

    def __init__(self, engine: Engine, threshold: int) -> None:
        self.engine = engine
        self.threshold = threshold
        self.note = SUPPRESSION_NOTE.format(t=threshold, n=threshold + 1)
        self.cells = PublishedCells(engine, threshold)

    # -- cells (closed periods only: swp_data.disclosure.closed) ----------------------------------------
    def cell(self, kpi: Kpi, table: str, selection: WardSelection, period: Period) -> Cell:
        """The partner-facing value of a KPI table for a selection and period."""
        return self.cells.cell(kpi, table, selection, period)

    def category_cells(self, kpi: Kpi, period: Period) -> dict[str, Cell]:
        """City-wide cells per category of the KPI's count breakdown."""
        return self.cells.category_cells(kpi, period)

    def count_breakdown(self, kpi: Kpi) -> str | None:
        """The breakdown whose categories add up to the KPI's count (the one partners may see, city-wide)."""
        return self.cells.count_breakdown(kpi)

    # -- figures ---------------------------------------------------------------------------------------
    def figure(self, kpi: Kpi, shown: Figure, selection: WardSelection, period: Period) -> tuple[Figure, Cell]:
        """The partner-facing version of a figure, and the cell that decided it (the KPI's kind decides how).

        Nothing is published for a period that is not closed (``closed``): its figure would change
        with the next load, and the difference would be an unpublished count.
        """
        if not self.cells.closed(kpi, selection, period):
            return Figure(value=None, suppressed=True), UNPUBLISHED
        return kpi.kind.partner_figure(self, kpi, shown, selection, period)  # type: ignore[return-value]

    def window_published(self, kpi: Kpi, selection: WardSelection, last: Quarter) -> bool:
        """A 12-month window ending with ``last``: for the city, its quarters closed; for wards, a closed year."""
        if self.cells.city_level(kpi, selection):
            return self.cells.closed(kpi, selection, Period(last.shift(-3), last))
        return last.number == 4 and self.cells.closed(kpi, selection, Period(Quarter(last.fy_start, 1), last))

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
            return Figure(value=shown.value, numerator=shown.numerator, rate_per_1000=shown.rate_per_1000), decisive
        return Figure(value=shown.value), decisive  # the rate alone: no counts, no interval

    def marker(self, kpi: Kpi, cell: Cell) -> str:
        """What a partner reads in place of a withheld figure of this KPI (counts and rates differ)."""
        return marker_for(cell, counts=kpi.kind.publishes_count, threshold=self.threshold)

    def result(
        self,
        kpi: Kpi,
        result: KpiResult,
        selection: WardSelection,
        period: Period,
        before: Period,
        with_spc: bool = True,
    ) -> KpiResult:
        """The partner result, built afresh from published cells.

        Nothing is carried over from ``result`` but the KPI's identity, the catalogue's target and what
        was loaded (coverage), which say nothing about anyone. Every number in it is a function of shown
        cells (README, "Disclosure control").
        """
        public = {name: getattr(result, name) for name in PUBLIC_FIELDS}
        partner = KpiResult(**public, current=Figure(value=None))
        if result.availability == "city only":
            return partner.model_copy(update={"availability": "city only", "notes": result.notes})
        if result.coverage is not None and result.coverage.state == "no data":
            # Nothing was loaded for these months: that is about the loads, not about anyone.
            return partner.model_copy(update={"availability": "no data", "notes": self._load_notes(kpi, result, None)})
        if self._lacks_field(kpi, period):
            # No record loaded for these months city-wide carries the field: the files lack it.
            return partner.model_copy(
                update={"availability": "not available", "unavailable_reason": f"source has no {kpi.needs}"}
            )
        parts = self._parts(kpi, selection, period)
        judged = result.current
        if parts is not None and parts.has_data and result.current.value is None:
            # The analysts' figure is withheld as 'not available' or 'nothing to divide': for partners
            # those would say this selection's count is zero, so they get the judged figure under the
            # cells' rules instead (a zero cell is a small number where the catalogue says so).
            judged = kpi.kind.figure(kpi, parts)
        current, cell = self.figure(kpi, judged, selection, period)
        update: dict[str, object] = {
            "current": current,
            "availability": "partial" if self._city_partial(kpi, period) else "available",
            "notes": self._load_notes(kpi, result, parts) + self._partial_notes(kpi, period),
        }
        if result.comparison is not None:
            update["comparison"] = self._compare(kpi, result.comparison, current, selection, period, before)
        if current.suppressed:
            return partner.model_copy(update={**update, **self._withheld(kpi, cell, period)})
        if current.value is None:
            # Every cell is shown and still there is no value: nothing to divide, and a zero here
            # is not disclosive (it is a shown cell).
            update["availability"] = "no data"
            empty = kpi.kind.empty_note(kpi, parts) if parts is not None else None
            update["notes"] = update["notes"] + ([empty] if empty else [])  # type: ignore[operator]
            return partner.model_copy(update=update)
        update["rag"] = result.rag
        update["target"] = result.target
        update["rolling_12_months"] = self._rolling(kpi, result, current, selection, period)
        if with_spc and kpi.kind.spc_applies:
            update["spc"] = self.spc(kpi, selection, period)
        return partner.model_copy(update=update)

    def _withheld(self, kpi: Kpi, cell: Cell, period: Period) -> dict[str, object]:
        withheld: dict[str, object] = {
            "suppressed": True,
            "shown_as": self.marker(kpi, cell),
            "suppression_note": self.note,
            "spc": Spc(variation="not applicable", reason="Withheld for partners.") if kpi.kind.spc_applies else None,
        }
        if cell.status == "unpublished":
            withheld["suppression_note"] = unpublished_note(kpi, period)
        return withheld

    def _compare(
        self,
        kpi: Kpi,
        comparison: Comparison,
        current: Figure,
        selection: WardSelection,
        period: Period,
        before: Period,
    ) -> Comparison:
        previous, _ = self.figure(kpi, comparison.figure, selection, before)
        if comparison.label == "incomplete period":
            return no_comparison(comparison.period_label, previous).model_copy(
                update={"label": "incomplete period", "coverage": comparison.coverage}
            )
        if previous.suppressed or previous.value is None or current.value is None:
            return no_comparison(comparison.period_label, previous)
        return self._comparison(kpi, comparison, previous, selection, period, before)

    def _rolling(
        self, kpi: Kpi, result: KpiResult, current: Figure, selection: WardSelection, period: Period
    ) -> Figure | None:
        if kpi.kind.partner_rolling_is_current():
            return current
        if result.rolling_12_months is None:
            return None
        last = period.last
        rolling, _ = self.figure(kpi, result.rolling_12_months, selection, Period(last.shift(-3), last))
        return None if rolling.suppressed else rolling

    def _load_notes(self, kpi: Kpi, result: KpiResult, parts: Parts | None) -> list[str]:
        """The analysts' notes less those drawn from the selection's records (unknowns, nothing to divide).

        What is left is about what was loaded (incomplete months, lags, provisional data, windows).
        """
        from_records = set(self.engine.record_notes(kpi, parts)) if parts is not None else set()
        return [n for n in result.notes if n not in from_records]

    def _partial_notes(self, kpi: Kpi, period: Period) -> list[str]:
        if not self._city_partial(kpi, period):
            return []
        return [f"Some records could not be judged: their source does not record the {kpi.needs}."]

    def _city_partial(self, kpi: Kpi, period: Period) -> bool:
        """Whether some records city-wide could not be judged (said of the city, never of one ward)."""
        whole = self._parts(kpi, city(), period)
        return whole is not None and whole.unknown > 0

    def _parts(self, kpi: Kpi, selection: WardSelection, period: Period) -> Parts | None:
        """The gridded parts of a selection (None for measures not summed over grids, and city-only KPIs)."""
        if not kpi.kind.gridded:
            return None
        return self.engine.parts(kpi, selection, period.start, period.months[-1])

    def _lacks_field(self, kpi: Kpi, period: Period) -> bool:
        """Whether no record of the period, city-wide, could be judged for the KPI (the files lack its field).

        A ward that is 'not available' while the city has judged records would say its count is
        zero, so only a field missing from every record in the months passes to partners as such.
        """
        whole = self._parts(kpi, city(), period)
        return whole is not None and whole.unknown > 0 and not kpi.kind.known(whole)

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

    def by_ward(self, kpi: Kpi, frame: pd.DataFrame | None, period: Period) -> pd.DataFrame:
        """Ward figures partners may see, built afresh: closed years only, small values withheld.

        Only the ward, its published figure, its marker, its Census residents and its rank among shown wards.
        ``frame`` is the analysts' ward table; a gridded KPI needs none (``None``: judged on its
        grid's parts, as ``ward_parts`` gives them).
        """
        names = ward_names()
        availability = self._table_availability(kpi, period)
        every_ward = self.engine.ward_parts(kpi, period.start, period.months[-1]) or {}
        if frame is None:
            analysts = [{"ward_code": code} for code in every_ward]
        else:
            analysts = frame[["ward_code", "value", "numerator", "denominator"]].to_dict("records")
        rows = []
        for row in analysts:
            code = row["ward_code"]
            selection = WardSelection((code,), names[code], "ward")
            parts = every_ward.get(code)  # the gridded parts (as ``_parts`` gives for the one ward)
            if parts is None:  # not gridded (repeat people): the analysts' figure, under the primary rule
                judged = Figure(value=row["value"], numerator=row["numerator"], denominator=row["denominator"])
            else:
                judged = kpi.kind.figure(kpi, parts) if parts.has_data else Figure(value=None)
            figure, cell = self.figure(kpi, judged, selection, period)
            if availability in ("no data", "not available"):
                figure, marker = Figure(value=None), ""
            else:
                marker = self.marker(kpi, cell) if figure.suppressed else ""
            rows.append(
                {
                    "ward_code": code,
                    "ward_name": names[code],
                    "value": figure.value,
                    "numerator": figure.value if kpi.kind.publishes_count else None,
                    "denominator": None,
                    "low": None,
                    "high": None,
                    "rate_per_1000": figure.rate_per_1000 if not figure.suppressed else None,
                    "population": self.engine.population(selection, kpi.population_band),
                    "availability": availability,
                    "shown_as": marker,
                }
            )
        out = records_frame(rows)
        return ranked_wards(out, kpi.kind.ranking_score(kpi, out), kpi.direction)

    def _table_availability(self, kpi: Kpi, period: Period) -> str:
        """One state for every ward of a partner's table: about the loads and the files, never one ward."""
        covered = self.engine.coverage(kpi, period.start, period.months[-1])
        if covered.state == "no data":
            return "no data"
        if self._lacks_field(kpi, period):
            return "not available"
        return "partial" if self._city_partial(kpi, period) else "available"

    def breakdown(self, kpi: Kpi, frame: pd.DataFrame, period: Period) -> pd.DataFrame:
        """City-wide category counts partners may see: the category, its published count and its marker."""
        cells = self.category_cells(kpi, period)
        out = pd.DataFrame({"category": frame["category"]})
        out["value"] = [cells[c].value if c in cells and cells[c].shown else None for c in out["category"]]
        out["numerator"] = out["value"]
        out["denominator"] = None
        out["low"] = None
        out["high"] = None
        out["shown_as"] = [
            "" if c in cells and cells[c].shown else (self.marker(kpi, cells[c]) if c in cells else WITHHELD)
            for c in out["category"]
        ]
        return out


PUBLIC_FIELDS = (
    "key",
    "label",
    "measure",
    "unit",
    "direction",
    "better",
    "sensitive",
    "selection",
    "period",
    "rolling_label",
    "rolling_coverage",
    "target_note",
    "coverage",
    "provisional",
)
"""What a partner result carries over from the analysts': the KPI's identity and what was loaded."""


def unpublished_note(kpi: Kpi, period: Period) -> str:
    """Why a figure is not published for partners, in words."""
    return (
        f"Not published for partners: {kpi.label.lower()} is published for closed periods only: wards and "
        "groups for completed financial years, the city for completed quarters, so that no figure changes "
        f"from one data load to the next. {period.label} is not one of them."
    )
