"""Plain-text and flat renderings of a KPI result (for the command line and CSV exports)."""

from __future__ import annotations

from datetime import date

from swp_data.kinds import kind
from swp_data.results import Comparison, KpiResult


def as_of_text(day: date) -> str:
    """'Data as of 30 Sep 2026'."""
    return f"Data as of {day:%d %b %Y}"


def format_value(value: float | None, measure: str) -> str:
    """A value of a measure kind (``result.measure``) in its unit, rounded for reading."""
    return kind(measure).format(value)


def significance_text(comparison: Comparison) -> str:
    """'p = 0.192, Poisson E-test, allowing for overdispersion (...)': the p-value and the test that gave it."""
    return "" if comparison.p_value is None else f"p = {comparison.p_value:.3f}, {comparison.test}"


def describe(result: KpiResult) -> str:
    """A short human-readable account of a result."""
    lines = [f"{result.label} ({result.key})", f"  {result.selection}, {result.period}"]
    current = result.current
    if result.suppressed:
        lines.append(f"  value: {result.shown_as} ({result.suppression_note})")
    else:
        value = format_value(current.value, result.measure)
        parts = []
        if current.denominator is not None and kind(result.measure).shows_parts:
            parts.append(f"{current.numerator:,.0f} of {current.denominator:,.0f}")
        if current.low is not None and current.high is not None:
            low, high = format_value(current.low, result.measure), format_value(current.high, result.measure)
            parts.append(f"95% interval {low} to {high}")
        if current.rate_per_1000 is not None:
            parts.append(f"{current.rate_per_1000:.2f} per 1,000 residents")
        lines.append(f"  value: {value}" + (f" ({'; '.join(parts)})" if parts else ""))
    if result.comparison:
        comparison = result.comparison
        lines.append(
            f"  vs {comparison.period_label}: {format_value(comparison.figure.value, result.measure)} -> "
            f"{comparison.label}" + (f" ({significance_text(comparison)})" if comparison.p_value is not None else "")
        )
    if result.rolling_12_months and result.rolling_label:
        lines.append(f"  {result.rolling_label}: {format_value(result.rolling_12_months.value, result.measure)}")
    if result.spc:
        lines.append(f"  SPC: {result.spc.variation}" + (f" ({result.spc.reason})" if result.spc.reason else ""))
    if result.target is not None:
        lines.append(
            f"  target/baseline: {format_value(result.target, result.measure)} -> {result.rag} ({result.target_note})"
        )
    lines.append(f"  better: {result.better}; availability: {result.availability}")
    lines += [f"  note: {note}" for note in result.notes]
    return "\n".join(lines)


def flat(result: KpiResult) -> dict[str, object]:
    """One row of plain columns for CSV."""
    comparison = result.comparison
    return {
        "key": result.key,
        "label": result.label,
        "wards": result.selection,
        "period": result.period,
        "value": result.current.value,
        "numerator": result.current.numerator,
        "denominator": result.current.denominator,
        "low_95": result.current.low,
        "high_95": result.current.high,
        "rate_per_1000": result.current.rate_per_1000,
        "comparison_period": comparison.period_label if comparison else None,
        "comparison_value": comparison.figure.value if comparison else None,
        "change": comparison.change if comparison else None,
        "p_value": comparison.p_value if comparison else None,
        "test": comparison.test if comparison and comparison.p_value is not None else None,
        "change_label": comparison.label if comparison else None,
        "rolling_12_months": result.rolling_12_months.value if result.rolling_12_months else None,
        "spc": result.spc.variation if result.spc else None,
        "target": result.target,
        "rag": result.rag,
        "better": result.better,
        "availability": result.availability,
        "provisional": result.provisional,
        "suppressed": result.suppressed,
        "shown_as": result.shown_as,
    }
