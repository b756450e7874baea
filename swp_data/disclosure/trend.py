"""The trends partners see for sensitive KPIs: published cells only (city quarters, ward years).

Their SPC, and the overdispersion a partner's test of change allows for, are computed on the
published series alone: a withheld point is a gap, and an open period no point at all.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from swp_data.disclosure.cells import Cell
from swp_data.disclosure.closed import PublishedCells
from swp_data.kpis.model import Kpi
from swp_data.periods import Period, Quarter
from swp_data.results import Figure, Spc
from swp_data.selection import WardSelection
from swp_data.stats.dispersion import Dispersion
from swp_data.stats.spc import MINIMUM_POINTS
from swp_data.stats.spc_columns import add_spc, summary

if TYPE_CHECKING:
    from swp_data.calc.engine import Engine

WARD_YEARS = 7  # the yearly trend partners see for wards and groups
PARTNER_SPC_NOTE = "For partners, SPC is read from the published quarterly (city) or yearly (ward) figures."


class PartnerTrends:
    """The partner policy's trends (a mixin: ``figure`` decides what each point shows)."""

    engine: Engine
    cells: PublishedCells

    def figure(self, kpi: Kpi, shown: Figure, selection: WardSelection, period: Period) -> tuple[Figure, Cell]:
        """The partner-facing version of a figure (``PartnerPolicy.figure``)."""
        raise NotImplementedError

    def spc(self, kpi: Kpi, selection: WardSelection, period: Period) -> Spc:
        """SPC read from the trend partners see (published cells only), never from the monthly series.

        The partner trend is the 16 quarters shown: a declared baseline counts from the first of
        them, not from the data's start (the analysts' monthly series goes back to it).
        """
        if not (self.cells.city_level(kpi, selection)) and WARD_YEARS < MINIMUM_POINTS:
            # Wards and groups are published by whole years: never enough points for limits.
            reason = f"SPC needs at least {MINIMUM_POINTS} periods with data to set limits"
            return Spc(variation="not applicable", points=0, reason=f"{reason}. {PARTNER_SPC_NOTE}")
        frame = self.cell_series(kpi, pd.DataFrame(), selection, period)
        verdict = summary(frame, kpi.direction, kpi.rebase_reasons)
        if verdict.variation == "not applicable":
            return verdict.model_copy(update={"reason": f"{verdict.reason}. {PARTNER_SPC_NOTE}"})
        return verdict

    def dispersion(self, kpi: Kpi, selection: WardSelection, period: Period) -> Dispersion:
        """The overdispersion of the trend a partner sees (city quarters, ward years): its shown cells only."""
        city_level = self.cells.city_level(kpi, selection)
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
        if self.cells.city_level(kpi, selection):
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
            figure, cell = self.figure(kpi, kpi.kind.figure(kpi, parts), selection, span)
            if cell.status == "unpublished":
                continue  # an open period: no point at all, not a withheld one
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
        city_level = self.cells.city_level(kpi, selection)
        return add_spc(out, kpi.direction, **kpi.spc_inputs(3 if city_level else 12))
