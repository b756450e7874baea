"""From summed parts to figures, intervals and tests, for each kind of measure."""

from __future__ import annotations

from dataclasses import dataclass

from swp_data.calc.result import ChangeLabel, Comparison, Figure, KpiResult
from swp_data.kpis.model import Kpi
from swp_data.stats import intervals
from swp_data.stats.tests_of_change import SIGNIFICANCE_LEVEL, poisson_e_test, two_proportion_test


@dataclass(frozen=True)
class Parts:
    """Summed parts of a measure for one selection and run of months."""

    numerator: float
    denominator: float
    unknown: float = 0.0
    respondents: float = 0.0
    weight_sq: float = 0.0
    population: float | None = None  # residents of the selection (all ages, or the KPI's band)
    has_data: bool = True


def figure(kpi: Kpi, parts: Parts) -> Figure:
    """The value, its interval and (for counts) its rate per 1,000."""
    num, den = parts.numerator, parts.denominator
    if kpi.measure == "count":
        low, high = intervals.poisson_interval(round(num))
        rate = num / parts.population * 1000 if kpi.per_1000 and parts.population else None
        return Figure(value=num, numerator=num, low=low, high=high, rate_per_1000=rate)
    if kpi.measure in ("share", "repeat"):
        if den <= 0:
            return Figure(value=None, numerator=num, denominator=den)
        low, high = intervals.wilson_interval(num, den)
        return Figure(value=100 * num / den, numerator=num, denominator=den, low=100 * low, high=100 * high)
    if kpi.measure == "survey":
        if den <= 0 or parts.weight_sq <= 0:
            return Figure(value=None, numerator=num, denominator=den)
        low, high = intervals.weighted_wilson_interval(num, den, parts.weight_sq)
        return Figure(value=100 * num / den, numerator=num, denominator=den, low=100 * low, high=100 * high)
    if kpi.measure == "ratio":
        return Figure(value=num / den if den > 0 else None, numerator=num, denominator=den)
    if kpi.measure == "population_rate":
        if not parts.population:
            return Figure(value=None, numerator=num)
        low, high = intervals.poisson_interval(round(num))
        scale = 100_000 / parts.population
        return Figure(
            value=num * scale, numerator=num, denominator=parts.population, low=low * scale, high=high * scale
        )
    raise ValueError(f"{kpi.key}: no figure for measure {kpi.measure}")


def value_of(kpi: Kpi, parts: Parts) -> float | None:
    """Just the value (no interval): for series points."""
    num, den = parts.numerator, parts.denominator
    if kpi.measure == "count":
        return num
    if kpi.measure in ("share", "repeat", "survey"):
        return 100 * num / den if den > 0 else None
    if kpi.measure == "ratio":
        return num / den if den > 0 else None
    if kpi.measure == "population_rate":
        return num * 100_000 / parts.population if parts.population else None
    raise ValueError(f"{kpi.key}: no value for measure {kpi.measure}")


def change_test(kpi: Kpi, now: Parts, then: Parts) -> tuple[float | None, str]:
    """p-value of the change from ``then`` to ``now`` and the test's name."""
    if kpi.measure in ("count", "population_rate"):
        return poisson_e_test(round(now.numerator), round(then.numerator)), "Poisson E-test"
    if kpi.measure == "ratio":
        if now.denominator <= 0 or then.denominator <= 0:
            return None, "Poisson E-test"
        return (
            poisson_e_test(round(now.numerator), round(then.numerator), now.denominator, then.denominator),
            "Poisson E-test (rates per reoffender)",
        )
    if kpi.measure in ("share", "repeat"):
        if now.denominator <= 0 or then.denominator <= 0:
            return None, "two-proportion z-test"
        return two_proportion_test(now.numerator, now.denominator, then.numerator, then.denominator), (
            "two-proportion z-test"
        )
    if kpi.measure == "survey":
        if min(now.denominator, then.denominator, now.weight_sq, then.weight_sq) <= 0:
            return None, "two-proportion z-test (effective sample sizes)"
        n_now = intervals.effective_sample_size(now.denominator, now.weight_sq)
        n_then = intervals.effective_sample_size(then.denominator, then.weight_sq)
        return two_proportion_test(
            now.numerator / now.denominator * n_now, n_now, then.numerator / then.denominator * n_then, n_then
        ), ("two-proportion z-test (effective sample sizes)")
    return None, "not tested"


def change_label(kpi: Kpi, change: float | None, p_value: float | None) -> ChangeLabel:
    """Plain words for a change: only a significant change is called a rise or fall."""
    if change is None:
        return "no comparison"
    if p_value is None:
        return "not tested"
    if p_value >= SIGNIFICANCE_LEVEL or change == 0:
        return "no significant change"
    if kpi.direction == "neutral":
        return "increased" if change > 0 else "decreased"
    better = (change > 0) == (kpi.direction == "up")
    return "improved" if better else "worsened"


def base_result(kpi: Kpi, selection_label: str, period_label: str) -> KpiResult:
    """A result with the KPI's identity and no figures yet."""
    return KpiResult(
        key=kpi.key,
        label=kpi.label,
        unit=kpi.unit,
        direction=kpi.direction,
        better=kpi.better,
        sensitive=kpi.sensitive,
        selection=selection_label,
        period=period_label,
        current=Figure(value=None),
        target_note=kpi.target.note if kpi.target else None,
    )


def no_comparison(period_label: str, figure: Figure) -> Comparison:
    """A comparison period whose change cannot be given."""
    return Comparison(
        period_label=period_label,
        figure=figure,
        change=None,
        change_percent=None,
        p_value=None,
        significant=None,
        test="",
        label="no comparison",
    )


def compare(kpi: Kpi, now: Parts, then: Parts, period_label: str) -> Comparison:
    """The comparison period's figure, the change, and whether it is more than noise."""
    before = figure(kpi, then)
    current = figure(kpi, now)
    if not then.has_data or before.value is None or current.value is None:
        return no_comparison(period_label, before)
    change = current.value - before.value
    p_value, test = change_test(kpi, now, then)
    return Comparison(
        period_label=period_label,
        figure=before,
        change=change,
        change_percent=100 * change / before.value if before.value else None,
        p_value=p_value,
        significant=None if p_value is None else p_value < 0.05,
        test=test,
        label=change_label(kpi, change, p_value),
    )
