"""Repeat measures: people (or places) with ``threshold``+ incidents in the 12 months to a period's end.

A repeat measure counts people (victims, offenders, callers) or places with at
least ``threshold`` incidents in the 12 months to a period's end, within the
selected wards. Consecutive rolling windows overlap, so SPC does not apply;
change is tested between non-overlapping windows a year apart.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar

import duckdb
import pandas as pd

from swp_data import derived
from swp_data.frames import records_frame
from swp_data.kinds.base import (
    EngineView,
    Parts,
    PolicyView,
    Unit,
    base_result,
    compared,
    incomplete_note,
    register,
    ward_record,
)
from swp_data.kinds.gridded import Share
from swp_data.kinds.repeat_windows import WINDOW_MONTHS, incident_select, repeat_counts, window_select
from swp_data.periods import Period, Quarter, add_months, month_end
from swp_data.results import Figure, KpiResult, Spc
from swp_data.selection import WardSelection, ward_names
from swp_data.stats.spc_columns import no_spc

if TYPE_CHECKING:
    from swp_data.kinds.base import KpiSpec as Kpi

Engine = EngineView

ROLLING_SPC_REASON = (
    "SPC does not apply to a rolling 12-month measure: consecutive windows overlap, so points are not independent."
)


def _window(period_last_month: date) -> tuple[date, date]:
    return add_months(period_last_month, -(WINDOW_MONTHS - 1)), period_last_month


def _parts(frame: pd.DataFrame, window_id: int) -> Parts:
    rows = frame["window_id"].to_numpy() == window_id  # arrays: a frame's boolean filter costs more than the sums
    return Parts(
        float(frame["numerator"].to_numpy()[rows].sum()),
        float(frame["denominator"].to_numpy()[rows].sum()),
        has_data=bool(rows.any()),
    )


def repeat_result(engine: Engine, kpi: Kpi, selection: WardSelection, period: Period, before: Period) -> KpiResult:
    """A repeat KPI for the 12 months to the period's end, against the 12 months to a year earlier."""
    windows = [_window(period.months[-1]), _window(before.months[-1])]
    counts = repeat_counts(engine, kpi, selection.wards, windows)
    covered, then_covered = (engine.coverage(kpi, first, last) for first, last in windows)
    # Whether there is data is a matter of what was loaded for the window, not of whether anyone had an incident.
    now = replace(_parts(counts, 0), has_data=covered.covered > 0)
    then = replace(_parts(counts, 1), has_data=then_covered.covered > 0)
    current = kpi.kind.figure(kpi, now) if now.has_data else Figure(value=None)
    label = f"12 months to {month_end(windows[0][1]):%b %Y}"
    comparison = None
    if now.has_data:
        comparison = compared(
            kpi.kind.compare(kpi, now, then, f"12 months to {month_end(windows[1][1]):%b %Y}"), covered, then_covered
        )
    notes = [f"Measured over the {label}: a person counts as a repeat with {kpi.threshold} or more incidents."]
    if covered.state == "incomplete":
        notes.insert(0, incomplete_note(label, covered))
    return base_result(kpi, selection.label, period.label).model_copy(
        update=dict(
            current=current,
            comparison=comparison,
            rolling_12_months=current,
            rolling_label=label,
            spc=Spc(variation="not applicable", reason=ROLLING_SPC_REASON),
            availability="available" if now.has_data else "no data",
            coverage=covered,
            rolling_coverage=covered,
            notes=notes,
        )
    )


def repeat_series(engine: Engine, kpi: Kpi, selection: WardSelection, period: Period) -> pd.DataFrame:
    """The rolling 12-month share at each of the last 8 quarter ends (a trend, not an SPC chart)."""
    quarters = [period.last.shift(-i) for i in reversed(range(8))]
    windows = [_window(q.months[-1]) for q in quarters]
    counts = repeat_counts(engine, kpi, selection.wards, windows)
    records = []
    for window_id, quarter in enumerate(quarters):
        parts = _parts(counts, window_id)
        if parts.has_data:
            records.append(
                {
                    "period_start": quarter.start,
                    "period": f"12 months to {month_end(quarter.end):%b %Y}",
                    "numerator": parts.numerator,
                    "denominator": parts.denominator,
                    "value": kpi.kind.figure(kpi, parts).value,
                }
            )
    frame = pd.DataFrame(records, columns=["period_start", "period", "numerator", "denominator", "value"])
    frame["low"], frame["high"] = None, None
    no_spc(frame)
    frame["provisional"] = False
    return frame


def repeat_by_ward(engine: Engine, kpi: Kpi, period: Period) -> pd.DataFrame:
    """The repeat share within each ward for the 12 months to the period's end."""
    names = ward_names()
    counts = repeat_counts(engine, kpi, engine.axis.wards, [_window(period.months[-1])], by_ward=True)
    found: dict[str, tuple[int, int]] = {}  # one window: a ward's one row (summed in Python: twenty rows)
    rows = zip(counts["ward_code"].tolist(), counts["numerator"].tolist(), counts["denominator"].tolist(), strict=True)
    for code, numerator, denominator in rows:
        before = found.get(code, (0, 0))
        found[code] = (before[0] + numerator, before[1] + denominator)
    records = []
    for code in engine.axis.wards:
        numerator, denominator = found.get(code, (0, 0))  # a ward with nobody counted has no row
        shown = kpi.kind.figure(kpi, Parts(float(numerator), float(denominator)))
        records.append(ward_record(code, names[code], shown))
    return records_frame(records)


@register
class Repeat(Share):
    """The share of people with ``threshold``+ incidents among everyone with any, over 12 months.

    People do not add up across wards or windows, so it is not gridded: each selection and
    window is counted from the incidents. Consecutive windows overlap, so there is no SPC;
    partners get the primary rule only (differencing cannot isolate a person).
    """

    name = "repeat"
    unit: ClassVar[Unit] = "percent"
    columns = ("person", "ward_code", "month")
    gridded = False
    monthly = False
    spc_applies = False

    def derivations(self, connection: duckdb.DuckDBPyConnection, kpi: Kpi) -> list[derived.Derivation]:
        """The KPI's incidents per person, ward and month, then its counts for every 12-month window."""
        return [
            derived.Derivation(derived.INCIDENT_TABLE, incident_select(kpi), [kpi.key]),
            derived.Derivation(derived.WINDOW_TABLE, window_select(), [kpi.key, kpi.threshold]),
        ]

    def period_shown(self, period: Period) -> str:
        """The 12 months to the period's end."""
        return f"12 months to {period.end:%b %Y}"

    def result(
        self, engine: EngineView, kpi: Kpi, selection: WardSelection, period: Period, compare_to: Period, with_spc: bool
    ) -> KpiResult:
        """The 12 months to the period's end against the 12 months to the comparison period's end."""
        return repeat_result(engine, kpi, selection, period, compare_to)

    def series(
        self, engine: EngineView, kpi: Kpi, selection: WardSelection, period: Period, points: int | None
    ) -> pd.DataFrame:
        """The rolling share at each of the last 8 quarter ends (a trend, not an SPC chart)."""
        return repeat_series(engine, kpi, selection, period)

    def by_ward(self, engine: EngineView, kpi: Kpi, period: Period) -> pd.DataFrame | None:
        """The share within each ward."""
        return repeat_by_ward(engine, kpi, period)

    def partner_figure(
        self, policy: PolicyView, kpi: Kpi, shown: Figure, selection: WardSelection, period: Period
    ) -> tuple[Figure, object]:
        """The primary rule on the people counted, the repeats and the others: the rate alone, or suppressed."""
        return policy.primary_figure(shown, kpi.zero_disclosive)

    def partner_series(
        self, policy: PolicyView, kpi: Kpi, frame: pd.DataFrame, selection: WardSelection, period: Period
    ) -> pd.DataFrame:
        """Each rolling point under the primary rule, without its counts."""
        rows = []
        for _, row in frame.iterrows():
            if not policy.window_published(kpi, selection, Quarter.containing(row["period_start"])):
                continue  # an open window: it would change with the next load
            figure, _ = policy.primary_figure(
                Figure(value=row["value"], numerator=row["numerator"], denominator=row["denominator"]),
                kpi.zero_disclosive,
            )
            rows.append(
                {
                    **row.to_dict(),
                    "value": figure.value,
                    "numerator": None,
                    "denominator": None,
                    "suppressed": figure.suppressed,
                }
            )
        return pd.DataFrame(rows, columns=[*frame.columns, "suppressed"])

    def partner_rolling_is_current(self) -> bool:
        """The figure is itself a rolling 12 months."""
        return True

    def series_step(self, kpi: Kpi) -> str:
        """Rolling windows at quarter ends."""
        return "rolling 12 months, at each quarter end"

    def partner_series_step(self, kpi: Kpi, city_level: bool) -> str:
        """Partners see the same rolling points."""
        return self.series_step(kpi)
