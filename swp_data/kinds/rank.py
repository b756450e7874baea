"""The West Midlands rank: Wolverhampton's place among the 7 CSPs by neighbourhood crime rate."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from swp_data.kinds.base import EngineView, MeasureKind, Unit, base_result, register, signed
from swp_data.periods import Period
from swp_data.results import Comparison, Figure, KpiResult, Spc
from swp_data.selection import WardSelection
from swp_data.stats.spc_columns import no_spc

if TYPE_CHECKING:
    from swp_data.kinds.base import KpiSpec as Kpi

Engine = EngineView
AREAS = 7  # the West Midlands CSPs ranked

NEIGHBOURHOOD_TOTAL = "all neighbourhood crime"
HOME_AREA = "Wolverhampton"


def ranks(engine: Engine, kpi: Kpi, first: date, last: date) -> pd.DataFrame:
    """Each area's rate per 1,000 and rank (1 = lowest rate) by offence group and for the total."""
    frame: pd.DataFrame = engine.cache.get(
        (engine.version, "rank", kpi.key), lambda: engine.connection.execute(kpi.sql).df()
    )  # type: ignore[assignment]
    months = pd.to_datetime(frame["month"]).dt.date
    window = frame[(months >= first) & (months <= last)]
    if window.empty:
        return pd.DataFrame(columns=["area", "offence_group", "rate_per_1000", "rank"])
    rates = (
        window.groupby(["area", "offence_group"])
        .agg(count=("count", "sum"), population=("population", "max"))
        .reset_index()
    )
    rates["rate_per_1000"] = rates["count"] / rates["population"] * 1000
    total = rates.groupby("area", as_index=False)["rate_per_1000"].sum().assign(offence_group=NEIGHBOURHOOD_TOTAL)
    rates = pd.concat([rates[["area", "offence_group", "rate_per_1000"]], total], ignore_index=True)
    rates["rank"] = rates.groupby("offence_group")["rate_per_1000"].rank(method="min").astype(int)
    return rates.sort_values(["offence_group", "rank"], ignore_index=True)


def _home_rank(table: pd.DataFrame) -> float | None:
    row = table[(table["area"] == HOME_AREA) & (table["offence_group"] == NEIGHBOURHOOD_TOTAL)]
    return None if row.empty else float(row["rank"].iloc[0])


def rank_result(engine: Engine, kpi: Kpi, selection: WardSelection, period: Period, before: Period) -> KpiResult:
    """Wolverhampton's rank among the West Midlands CSPs for neighbourhood crime in the period (city-wide only)."""
    base = base_result(kpi, selection.label, period.label).model_copy(
        update={
            "spc": Spc(variation="not applicable", reason="A rank is not a measured quantity; SPC does not apply."),
        }
    )
    if not selection.is_city:
        return base.model_copy(
            update={
                "availability": "city only",
                "notes": ["A city-wide comparison with the other West Midlands CSPs: select the whole city to see it."],
            }
        )
    now = _home_rank(ranks(engine, kpi, period.start, period.months[-1]))
    then = _home_rank(ranks(engine, kpi, before.start, before.months[-1]))
    if now is None:
        return base.model_copy(update={"availability": "no data"})
    comparison = None
    if then is not None:
        change = now - then
        comparison = Comparison(
            period_label=before.label,
            figure=Figure(value=then),
            change=change,
            change_percent=None,
            p_value=None,
            significant=None,
            test="not tested (ranks)",
            label="not tested",
        )
    return base.model_copy(
        update={
            "current": Figure(value=now),
            "comparison": comparison,
            "notes": [f"1 = the lowest rate per 1,000 residents of the {AREAS} West Midlands CSPs."],
        }
    )


def rank_series(engine: Engine, kpi: Kpi, period: Period) -> pd.DataFrame:
    """Wolverhampton's rank for each of the last 8 quarters."""
    records = []
    for quarter in (period.last.shift(-i) for i in reversed(range(8))):
        rank = _home_rank(ranks(engine, kpi, quarter.start, quarter.months[-1]))
        if rank is not None:
            records.append(
                {
                    "period_start": quarter.start,
                    "period": quarter.label,
                    "numerator": None,
                    "denominator": None,
                    "value": rank,
                }
            )
    frame = pd.DataFrame(records, columns=["period_start", "period", "numerator", "denominator", "value"])
    frame["low"], frame["high"] = None, None
    no_spc(frame)
    frame["provisional"] = False
    return frame


@register
class Rank(MeasureKind):
    """A place in a league table (1 = lowest rate); city-wide only, not tested, no SPC."""

    name = "rank"
    unit: ClassVar[Unit] = "rank"
    columns = ("area", "month", "offence_group", "count", "population")
    gridded = False
    monthly = False
    by_ward_available = False
    spc_applies = False
    league_table = True
    number_format = "%d"

    def result(
        self, engine: EngineView, kpi: Kpi, selection: WardSelection, period: Period, compare_to: Period, with_spc: bool
    ) -> KpiResult:
        """The rank in the period against the comparison period."""
        return rank_result(engine, kpi, selection, period, compare_to)

    def series(
        self, engine: EngineView, kpi: Kpi, selection: WardSelection, period: Period, points: int | None
    ) -> pd.DataFrame:
        """The rank in each of the last 8 quarters."""
        return rank_series(engine, kpi, period)

    def series_step(self, kpi: Kpi) -> str:
        """One rank a quarter."""
        return "quarterly"

    def format(self, value: float | None) -> str:
        """'2 of 7'."""
        return "not available" if value is None else f"{value:.0f} of {AREAS}"

    def format_change_amount(self, change: float) -> str:
        """The change in places, for a card."""
        return signed(change, f"{abs(change):,.0f}")

    def axis_title(self, kpi: Kpi) -> str:
        """'Rank of 7 (1 = safest)'."""
        return f"Rank of {AREAS} (1 = safest)"
