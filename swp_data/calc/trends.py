"""A KPI's trend: its monthly (or quarterly) series with SPC columns, and the dispersion its tests use.

``Trends`` is part of ``Engine`` (the engine's grids, parts and coverage serve both); it is a
module of its own because the series, its SPC columns and its overdispersion are one idea.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.periods import Period, add_months, month_end
from swp_data.results import Spc
from swp_data.selection import WardSelection
from swp_data.stats import dispersion
from swp_data.stats.spc_columns import SPC_COLUMNS, add_spc, summary

SERIES_POINTS = {"month": 36, "quarter": 16}


class Trends:
    """The series, SPC and dispersion methods of ``Engine`` (its grids, parts and coverage serve them)."""

    # Provided by Engine: parts, coverage, shown_figure, latest_available, axis, as_of, _rows.

    def series(self, key: str, selection: WardSelection, period: Period, points: int | None = None) -> pd.DataFrame:
        """The KPI by month (or quarter) up to the period's end, with SPC mean, limits and special causes."""
        kpi = catalogue.get(key)
        return kpi.kind.series(self, kpi, selection, period, points)

    def gridded_series(
        self, kpi: Kpi, selection: WardSelection, period: Period, points: int | None = None
    ) -> pd.DataFrame:
        """A gridded KPI by month (or quarter) up to the period's end, with SPC columns."""
        if kpi.provisional_months:
            period = self.latest_available(kpi, period, period.year_earlier())[0]
        rows = self._rows(kpi, selection)
        columns = [
            "period_start",
            "period",
            "numerator",
            "denominator",
            "value",
            *SPC_COLUMNS,
        ]
        if rows is None:
            return pd.DataFrame(columns=[*columns, "low", "high", "provisional", "complete"])
        count = points or SERIES_POINTS[kpi.frequency]
        steps = self._steps(kpi.frequency, period, count)
        shown_from = steps[0][0] if steps else None
        if kpi.spc is not None and shown_from is not None:
            # Limits belong to a segment (from a rebase, or the data's start), not to the window
            # shown: the series is computed from the segment's start and then cut to the window.
            anchor = max(kpi.spc.segment_start(shown_from) or self.axis.months[0], self.axis.months[0])
            months = (shown_from.year - anchor.year) * 12 + shown_from.month - anchor.month
            extra = -(-months // months_per_point(kpi))
            steps = self._steps(kpi.frequency, period, count + extra)
        records = []
        spans = self.parts_over(kpi, selection, [(start, last) for start, last, _ in steps])
        assert spans is not None
        for (start, last, label), parts in zip(steps, spans, strict=True):
            if not parts.has_data and not records:
                continue  # before the source began
            value = kpi.kind.value(kpi, parts) if self.shown_figure(kpi, parts).value is not None else None
            low, high = kpi.kind.series_interval(kpi, parts) if value is not None else (None, None)
            records.append(
                {
                    "period_start": start,
                    "period": label,
                    "numerator": parts.numerator,
                    "denominator": kpi.kind.series_denominator(parts),
                    "value": value,
                    "low": low,
                    "high": high,
                    "provisional": self.is_provisional(kpi, last),
                    "complete": self.coverage(kpi, start, last).complete,
                }
            )
        while records and records[-1]["value"] is None:
            records.pop()  # after the source's latest data (reoffending lags): not part of the series
        frame = pd.DataFrame(records, columns=[*columns[:5], "low", "high", "provisional", "complete"])
        frame = with_spc_on_complete_points(frame, kpi.direction, **kpi.spc_inputs(months_per_point(kpi)))
        if shown_from is not None and len(frame):
            frame = frame[frame["period_start"] >= shown_from].reset_index(drop=True)
        return frame

    def is_provisional(self, kpi: Kpi, last_month: date) -> bool:
        """Whether figures for a period ending in ``last_month`` are still provisional."""
        return (
            bool(kpi.provisional_months) and add_months(month_end(last_month), kpi.provisional_months or 0) > self.as_of
        )

    def _steps(self, frequency: str, period: Period, count: int) -> list[tuple[date, date, str]]:
        if frequency == "quarter":
            quarters = [period.last.shift(-i) for i in reversed(range(count))]
            return [(q.start, q.months[-1], q.label) for q in quarters if q.start >= self.axis.months[0]]
        months = [add_months(period.months[-1], -i) for i in reversed(range(count))]
        return [(m, m, f"{m:%b %Y}") for m in months if m >= self.axis.months[0]]

    def _spc(self, kpi: Kpi, selection: WardSelection, period: Period) -> Spc:
        """The SPC verdict of the series the trend chart shows."""
        frame = self.series(kpi.key, selection, period)
        if "complete" in frame:
            frame = frame[frame["complete"].astype(bool)]  # a part-loaded period is drawn, not judged
        return summary(frame, kpi.direction, kpi.rebase_reasons)

    def dispersion(self, kpi: Kpi, selection: WardSelection, period: Period) -> dispersion.Dispersion | None:
        """The extra-Poisson variation of the KPI's series to the period's end (None: its test does not use it).

        Estimated from the points of the SPC chart beside the card (the last 36 months, or 16
        quarters), so the card's test and the chart read the same variation.
        """
        if not kpi.kind.allows_for_overdispersion:
            return None
        steps = self._steps(kpi.frequency, period, SERIES_POINTS[kpi.frequency])
        spans: list[tuple[date, date] | None] = [(first, last) for first, last, _ in steps]
        return self.dispersion_over(kpi, selection, spans, kpi.kind.series_step(kpi))

    def dispersion_over(
        self, kpi: Kpi, selection: WardSelection, spans: list[tuple[date, date] | None], step: str
    ) -> dispersion.Dispersion:
        """The dispersion of the KPI's counts over runs of months ``(first, last)``, oldest first.

        ``None`` is a gap (a cell a partner may not see); so is a span with no data or one the
        store does not wholly cover (a part-year is not comparable with whole years).
        """
        first_month, last_month = self.axis.months[0], self.axis.months[-1]
        inside = [span for span in spans if span is not None and span[0] >= first_month and span[1] <= last_month]
        summed = dict(zip(inside, self.parts_over(kpi, selection, inside) or [None] * len(inside), strict=True))
        points: list[tuple[float, float] | None] = []
        for span in spans:
            parts = summed.get(span) if span is not None else None
            points.append(kpi.kind.dispersion_point(parts) if parts is not None and parts.has_data else None)
        return dispersion.estimate(points, step)


def with_spc_on_complete_points(frame: pd.DataFrame, direction: str, **spc_inputs: Any) -> pd.DataFrame:
    """SPC columns computed from the complete points only: a part-loaded quarter is drawn, not judged."""
    complete = frame["complete"].astype(bool)
    if complete.all():
        return add_spc(frame, direction, **spc_inputs)  # type: ignore[arg-type]
    judged = add_spc(frame[complete].copy(), direction, **spc_inputs)  # type: ignore[arg-type]
    out = frame.join(judged[[c for c in judged.columns if c not in frame.columns]])
    added = [c for c in judged.columns if c not in frame.columns]
    out[added] = out[added].ffill()  # the limits carry on past a part-loaded point
    for column, blank in (("special_high", False), ("special_low", False), ("baseline", False)):
        if column in out:
            out[column] = out[column].astype("boolean").fillna(blank).astype(bool)
            out.loc[~complete, column] = blank
    for column in ("signal", "rules"):
        if column in out:
            out[column] = out[column].fillna("")
            out.loc[~complete, column] = ""
    return out


def months_per_point(kpi: Kpi) -> int:
    """How many months one point of the KPI's own series spans."""
    return 3 if kpi.frequency == "quarter" else 1


__all__ = ["SERIES_POINTS", "Trends", "months_per_point", "with_spc_on_complete_points"]
