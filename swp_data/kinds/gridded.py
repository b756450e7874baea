"""Kinds summed over ward x month grids: counts, shares, survey proportions, ratios, population rates."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from swp_data.kinds.base import GRID_COLUMNS, MeasureKind, Parts, Unit, register, signed
from swp_data.results import Comparison, Figure
from swp_data.stats import intervals
from swp_data.stats.dispersion import Dispersion
from swp_data.stats.tests_of_change import E_TEST, Z_TEST, count_change_test, proportion_test

if TYPE_CHECKING:
    from collections.abc import Mapping

    from swp_data.kinds.base import KpiSpec as Kpi


@register
class Count(MeasureKind):
    """Records meeting a condition (optionally also per 1,000 residents); Poisson interval and E-test."""

    name = "count"
    unit: ClassVar[Unit] = "count"
    funnel_family = "poisson"
    axis_from_zero = True
    number_format = "%d"
    publishes_count = True
    per_1000_allowed = True
    allows_for_overdispersion = True

    def figure(self, kpi: Kpi, parts: Parts) -> Figure:
        """The count, its exact Poisson 95% interval and, where declared, its rate per 1,000 a year."""
        num = parts.numerator
        low, high = intervals.poisson_interval(round(num))
        rate = num / parts.population * 1000 * parts.per_year if kpi.per_1000 and parts.population else None
        return Figure(value=num, numerator=num, low=low, high=high, rate_per_1000=rate)

    def value(self, kpi: Kpi, parts: Parts) -> float | None:
        """The count."""
        return parts.numerator

    def series_denominator(self, parts: Parts) -> float | None:
        """A count has no denominator."""
        return None

    def known(self, parts: Parts) -> float:
        """Records counted."""
        return parts.numerator

    def change_test(
        self, kpi: Kpi, now: Parts, then: Parts, dispersion: Dispersion | None = None
    ) -> tuple[float | None, str]:
        """The exact Poisson E-test of two counts over equal exposure, allowing for the series' overdispersion."""
        return count_change_test(round(now.numerator), round(then.numerator), dispersion=dispersion)

    def ranking_score(self, kpi: Kpi, frame: pd.DataFrame) -> pd.Series:
        """The rate per resident: wards differ in size, so counts are ranked per head (the count if no population)."""
        if "population" in frame and frame["population"].notna().all() and (frame["population"] > 0).all():
            return frame["value"] / frame["population"]
        return frame["value"]

    def breakdowns_add_up(self) -> bool:
        """A count's categories add up to it."""
        return True

    def ranked_on(self, kpi: Kpi) -> str:
        """Counts are ranked per resident."""
        return "rate per resident"

    def funnel_inputs(self, kpi: Kpi, columns: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
        """The count, out of the ward's residents."""
        return columns["value"], columns["population"]

    def funnel_scale(self, kpi: Kpi, per_year: float) -> float:
        """Per 1,000 residents a year."""
        return 1000 * per_year

    def funnel_title(self, kpi: Kpi) -> str:
        """The funnel's vertical axis."""
        return "Per 1,000 residents a year"

    def format(self, value: float | None) -> str:
        """Whole numbers with thousands separators."""
        return "not available" if value is None else f"{value:,.0f}"

    def format_change(self, comparison: Comparison) -> str:
        """The change in per cent of the comparison figure."""
        if comparison.change is None:
            return comparison.label
        if comparison.change_percent is not None:
            return signed(comparison.change_percent, f"{abs(comparison.change_percent):.1f}%")
        return signed(comparison.change, self.format(abs(comparison.change)))

    def format_change_amount(self, change: float) -> str:
        """The change in records, for a card."""
        return signed(change, f"{abs(change):,.0f}")

    def axis_title(self, kpi: Kpi) -> str:
        """'Count'."""
        return "Count"

    def map_field(self, kpi: Kpi) -> str:
        """Wards are coloured by their rate per 1,000 a year where declared, else by the count."""
        return "rate_per_1000" if kpi.per_1000 else "value"

    def map_title(self, kpi: Kpi) -> str:
        """'Per 1,000 residents a year' or 'Count'."""
        return "Per 1,000 residents a year" if kpi.per_1000 else "Count"


class _Proportion(MeasureKind):
    """Shared by shares and survey proportions: percentages with a Wilson interval."""

    unit: ClassVar[Unit] = "percent"
    needs_denominator = True
    divides = True
    shows_parts = True
    disclosure_tables = ("numerator", "complement")
    funnel_family = "binomial"

    def value(self, kpi: Kpi, parts: Parts) -> float | None:
        """The percentage."""
        return 100 * parts.numerator / parts.denominator if parts.denominator > 0 else None

    def series_interval(self, kpi: Kpi, parts: Parts) -> tuple[float | None, float | None]:
        """Each point carries its interval."""
        shown = self.figure(kpi, parts)
        return shown.low, shown.high

    def format(self, value: float | None) -> str:
        """'12.3%'."""
        return "not available" if value is None else f"{value:,.1f}%"

    def format_change(self, comparison: Comparison) -> str:
        """The change in percentage points ('-0.5 pts'): a change in per cent of the figure would read the same."""
        if comparison.change is None:
            return comparison.label
        return self.format_change_amount(comparison.change)

    def format_change_amount(self, change: float) -> str:
        """The change in percentage points, for a card."""
        return signed(change, f"{abs(change):.1f}") + " pts"

    def axis_title(self, kpi: Kpi) -> str:
        """'Per cent'."""
        return "Per cent"

    def ranked_on(self, kpi: Kpi) -> str:
        """Percentages."""
        return "percentage"

    def funnel_inputs(self, kpi: Kpi, columns: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
        """The proportion, out of the people or records in scope (none where nobody is in scope)."""
        numerator, denominator = columns["numerator"], columns["denominator"]
        with np.errstate(invalid="ignore"):  # NaN denominators compare false
            in_scope = np.where(denominator > 0, denominator, np.nan)
        return numerator / in_scope, denominator

    def funnel_scale(self, kpi: Kpi, per_year: float) -> float:
        """Per cent."""
        return 100.0

    def funnel_size_title(self, kpi: Kpi) -> str:
        """Those in scope."""
        return "In scope (denominator)"

    def funnel_title(self, kpi: Kpi) -> str:
        """The funnel's vertical axis."""
        return "Per cent"


@register
class Share(_Proportion):
    """Records meeting a condition out of those in scope; Wilson interval, two-proportion test."""

    name = "share"

    def figure(self, kpi: Kpi, parts: Parts) -> Figure:
        """The percentage and its Wilson 95% interval."""
        num, den = parts.numerator, parts.denominator
        if den <= 0:
            return Figure(value=None, numerator=num, denominator=den)
        low, high = intervals.wilson_interval(num, den)
        return Figure(value=100 * num / den, numerator=num, denominator=den, low=100 * low, high=100 * high)

    def change_test(
        self, kpi: Kpi, now: Parts, then: Parts, dispersion: Dispersion | None = None
    ) -> tuple[float | None, str]:
        """The two-proportion z-test, or Fisher's exact test where an expected count is below 5."""
        if now.denominator <= 0 or then.denominator <= 0:
            return None, Z_TEST
        return proportion_test(now.numerator, now.denominator, then.numerator, then.denominator)


@register
class Survey(_Proportion):
    """A weighted share of survey respondents; interval and test use the Kish effective sample size."""

    name = "survey"
    columns = (*GRID_COLUMNS, "respondents", "weight_sq")

    def figure(self, kpi: Kpi, parts: Parts) -> Figure:
        """The weighted percentage and its weighted Wilson 95% interval."""
        num, den = parts.numerator, parts.denominator
        if den <= 0 or parts.weight_sq <= 0:
            return Figure(value=None, numerator=num, denominator=den)
        low, high = intervals.weighted_wilson_interval(num, den, parts.weight_sq)
        return Figure(value=100 * num / den, numerator=num, denominator=den, low=100 * low, high=100 * high)

    def change_test(
        self, kpi: Kpi, now: Parts, then: Parts, dispersion: Dispersion | None = None
    ) -> tuple[float | None, str]:
        """The two-proportion test on Kish effective sample sizes (Fisher's on them, rounded, where small)."""
        if min(now.denominator, then.denominator, now.weight_sq, then.weight_sq) <= 0:
            return None, f"{Z_TEST} (effective sample sizes)"
        n_now = intervals.effective_sample_size(now.denominator, now.weight_sq)
        n_then = intervals.effective_sample_size(then.denominator, then.weight_sq)
        p_value, test = proportion_test(
            now.numerator / now.denominator * n_now, n_now, then.numerator / then.denominator * n_then, n_then
        )
        return p_value, f"{test} (effective sample sizes{'' if test == Z_TEST else ', rounded'})"


@register
class Ratio(MeasureKind):
    """Events per person (MoJ frequency: reoffences per reoffender); E-test of rates."""

    name = "ratio"
    unit: ClassVar[Unit] = "ratio"
    needs_denominator = True
    divides = True
    shows_parts = True
    number_format = "%.2f"
    disclosure_tables = ("numerator", "denominator")
    allows_for_overdispersion = True

    def figure(self, kpi: Kpi, parts: Parts) -> Figure:
        """Numerator over denominator (no interval)."""
        num, den = parts.numerator, parts.denominator
        return Figure(value=num / den if den > 0 else None, numerator=num, denominator=den)

    def change_test(
        self, kpi: Kpi, now: Parts, then: Parts, dispersion: Dispersion | None = None
    ) -> tuple[float | None, str]:
        """The Poisson E-test of two rates, with the denominators as exposure, allowing for overdispersion."""
        if now.denominator <= 0 or then.denominator <= 0:
            return None, E_TEST
        return count_change_test(
            round(now.numerator),
            round(then.numerator),
            now.denominator,
            then.denominator,
            dispersion,
            name=f"{E_TEST} (rates per reoffender)",
        )

    def dispersion_point(self, parts: Parts) -> tuple[float, float] | None:
        """Reoffences over reoffenders: the cohort's size is the exposure (None with no reoffenders)."""
        return (parts.numerator, parts.denominator) if parts.denominator > 0 else None

    def format(self, value: float | None) -> str:
        """Two decimals."""
        return "not available" if value is None else f"{value:.2f}"

    def format_change_amount(self, change: float) -> str:
        """The change in the ratio, for a card (to two decimals, as the ratio itself)."""
        return signed(change, f"{abs(change):.2f}")

    def axis_title(self, kpi: Kpi) -> str:
        """What the ratio counts."""
        return "Reoffences per reoffender"


@register
class PopulationRate(MeasureKind):
    """Events per 100,000 residents of the KPI's population band (e.g. first-time entrants aged 10-17)."""

    name = "population_rate"
    unit: ClassVar[Unit] = "rate per 100,000"
    funnel_family = "poisson"
    publishes_count = True
    allows_for_overdispersion = True
    per = 100_000

    def figure(self, kpi: Kpi, parts: Parts) -> Figure:
        """The rate a year and its exact Poisson interval, scaled (annualised: times 12 / months)."""
        num = parts.numerator
        if not parts.population:
            return Figure(value=None, numerator=num)
        low, high = intervals.poisson_interval(round(num))
        scale = self.per / parts.population * parts.per_year
        return Figure(
            value=num * scale, numerator=num, denominator=parts.population, low=low * scale, high=high * scale
        )

    def value(self, kpi: Kpi, parts: Parts) -> float | None:
        """The rate a year."""
        return parts.numerator * self.per / parts.population * parts.per_year if parts.population else None

    def empty_note(self, kpi: Kpi, parts: Parts) -> str | None:
        """Without a population only the count can be shown."""
        if not parts.population:
            who = "population" if kpi.population_band == "all ages" else f"population aged {kpi.population_band}"
            return f"No {who} is loaded for these wards, so only the count is shown."
        return None

    def change_test(
        self, kpi: Kpi, now: Parts, then: Parts, dispersion: Dispersion | None = None
    ) -> tuple[float | None, str]:
        """The exact Poisson E-test of the counts (the population is the same in both periods), as for counts."""
        return count_change_test(round(now.numerator), round(then.numerator), dispersion=dispersion)

    def format(self, value: float | None) -> str:
        """'123.4 per 100,000 a year'."""
        return "not available" if value is None else f"{value:,.1f} per {self.per:,} a year"

    def card_value(self, value: float) -> tuple[str, str | None]:
        """'123.4', with 'per 100,000 a year' beneath (the whole would not fit a card)."""
        return f"{value:,.1f}", f"per {self.per:,} a year"

    def format_change_amount(self, change: float) -> str:
        """The change in the rate, for a card."""
        return signed(change, f"{abs(change):.1f}")

    def ranked_on(self, kpi: Kpi) -> str:
        """The rate."""
        return "rate"

    def funnel_inputs(self, kpi: Kpi, columns: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
        """The count, out of the population of the band."""
        return columns["numerator"], columns["denominator"]

    def funnel_scale(self, kpi: Kpi, per_year: float) -> float:
        """Per 1,000 or per 100,000 a year."""
        return self.per * per_year

    def funnel_title(self, kpi: Kpi) -> str:
        """The funnel's vertical axis."""
        return self.axis_title(kpi)

    def funnel_size_title(self, kpi: Kpi) -> str:
        """Residents of the band."""
        return "Residents" if kpi.population_band == "all ages" else f"Residents aged {kpi.population_band}"

    def axis_title(self, kpi: Kpi) -> str:
        """'Per 100,000 aged 10-17 a year', or 'Per 1,000 residents a year' for all ages."""
        if kpi.population_band == "all ages":
            return f"Per {self.per:,} residents a year"
        return f"Per {self.per:,} aged {kpi.population_band} a year"


@register
class ResidentRate(PopulationRate):
    """Events per 1,000 residents of all ages (Census 2021) as the headline figure."""

    name = "resident_rate"
    unit: ClassVar[Unit] = "rate per 1,000"
    per = 1_000

    def format(self, value: float | None) -> str:
        """'12.34 per 1,000 a year' (two decimals: ward rates per 1,000 are small numbers)."""
        return "not available" if value is None else f"{value:,.2f} per {self.per:,} a year"

    def card_value(self, value: float) -> tuple[str, str | None]:
        """'12.34', with 'per 1,000 a year' beneath."""
        return f"{value:,.2f}", f"per {self.per:,} a year"
