"""Plain-text and flat renderings of a KPI result (for the command line and CSV exports)."""

from __future__ import annotations

from datetime import date

from swp_data.kinds import kind
from swp_data.results import Comparison, Coverage, KpiResult, Spc

VARIATION_WORDS = {
    "improvement": "Special cause improving variation",
    "concern": "Special cause concerning variation",
    "neither": "Special cause variation, neither improving nor concerning",
    "common cause": "Common cause variation",
}
ASSURANCE_WORDS = {
    "always meets": "Always meets the {what} (consistently passes)",
    "never meets": "Never meets the {what} (consistently fails)",
    "may meet": "May or may not meet the {what} (inconsistent)",
}


def variation_text(variation: str | None, side: str | None = None) -> str:
    """The Making Data Count variation icon in words: 'Special cause improving variation (high)'."""
    if variation is None or variation not in VARIATION_WORDS:
        return "not applicable"
    words = VARIATION_WORDS[variation]
    return f"{words} ({side})" if side else words


def assurance_text(assurance: str | None, what: str = "target") -> str:
    """The Making Data Count assurance icon in words, or '' where there is no target to assure."""
    if assurance is None or assurance not in ASSURANCE_WORDS:
        return ""
    return ASSURANCE_WORDS[assurance].format(what=what)


def limits_text(spc: Spc | None) -> str:
    """Where the latest limits come from, when they are not simply the whole series: '' otherwise."""
    if spc is None or spc.variation == "not applicable":
        return ""
    parts = []
    if spc.rebases:
        latest = spc.rebases[-1]
        parts.append(f"limits rebased from {latest.period}" + (f" ({latest.reason})" if latest.reason else ""))
    if spc.limits_fixed and spc.limits_from and spc.limits_to:
        parts.append(f"limits fixed on the baseline {spc.limits_from} to {spc.limits_to}")
    return "; ".join(parts)


def as_of_text(day: date) -> str:
    """'Data as of 30 Sep 2026'."""
    return f"Data as of {day:%d %b %Y}"


def format_value(value: float | None, measure: str) -> str:
    """A value of a measure kind (``result.measure``) in its unit, rounded for reading."""
    return kind(measure).format(value)


def coverage_text(coverage: Coverage | None) -> str:
    """'complete', 'incomplete: 1 of 3 months' or 'no data'."""
    if coverage is None:
        return ""
    if coverage.state == "incomplete":
        return f"incomplete: {coverage.covered} of {coverage.months} months"
    return coverage.state


def value_text(result: KpiResult, short: bool = False) -> str:
    """The headline value as a reader sees it: the number, or which of no data / not available / city only.

    ``short`` is a card's headline: a rate without its unit, and no reason why a KPI is not available
    (the card gives both beneath its value).
    """
    if result.suppressed:
        return result.shown_as or "[c]"
    if result.current.value is not None:
        if short:
            return kind(result.measure).card_value(result.current.value)[0]
        return format_value(result.current.value, result.measure)
    if result.availability == "not available" and result.unavailable_reason and not short:
        return f"not available ({result.unavailable_reason})"
    if result.availability == "city only":
        return "city-wide only"
    return "no data" if result.availability in ("no data", "available", "partial") else result.availability


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
        value = value_text(result)
        if result.coverage and result.coverage.state == "incomplete" and current.value is not None:
            value += f" [{coverage_text(result.coverage)}]"
        parts = []
        if current.denominator is not None and kind(result.measure).shows_parts:
            parts.append(f"{current.numerator:,.0f} of {current.denominator:,.0f}")
        if current.low is not None and current.high is not None:
            low, high = format_value(current.low, result.measure), format_value(current.high, result.measure)
            parts.append(f"95% interval {low} to {high}")
        if current.rate_per_1000 is not None:
            parts.append(f"{current.rate_per_1000:.2f} per 1,000 residents a year")
        lines.append(f"  value: {value}" + (f" ({'; '.join(parts)})" if parts else ""))
    if result.comparison:
        comparison = result.comparison
        then = "no data" if comparison.figure.value is None else format_value(comparison.figure.value, result.measure)
        lines.append(
            f"  vs {comparison.period_label}: {then} -> "
            f"{comparison.label}" + (f" ({significance_text(comparison)})" if comparison.p_value is not None else "")
        )
    if result.rolling_12_months and result.rolling_label:
        lines.append(f"  {result.rolling_label}: {format_value(result.rolling_12_months.value, result.measure)}")
    elif result.rolling_label and result.rolling_coverage and result.rolling_coverage.state == "incomplete":
        lines.append(f"  {result.rolling_label}: not given ({coverage_text(result.rolling_coverage)} loaded)")
    if result.spc:
        lines.append(
            f"  SPC: {variation_text(result.spc.variation, result.spc.side)}"
            + (f" ({result.spc.reason})" if result.spc.reason else "")
        )
        if result.spc.assurance:
            lines.append(f"  assurance: {assurance_text(result.spc.assurance)}")
        if limits_text(result.spc):
            lines.append(f"  SPC {limits_text(result.spc)}")
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
        "coverage": coverage_text(result.coverage),
        "months_loaded": result.coverage.covered if result.coverage else None,
        "months_in_period": result.coverage.months if result.coverage else None,
        "unknown_records": result.unknown,
        "comparison_period": comparison.period_label if comparison else None,
        "comparison_value": comparison.figure.value if comparison else None,
        "change": comparison.change if comparison else None,
        "p_value": comparison.p_value if comparison else None,
        "test": comparison.test if comparison else None,
        "change_label": comparison.label if comparison else None,
        "rolling_12_months": result.rolling_12_months.value if result.rolling_12_months else None,
        "spc": result.spc.variation if result.spc else None,
        "spc_side": result.spc.side if result.spc else None,
        "assurance": result.spc.assurance if result.spc else None,
        "target": result.target,
        "rag": result.rag,
        "better": result.better,
        "availability": result.availability,
        "unavailable_reason": result.unavailable_reason,
        "provisional": result.provisional,
        "suppressed": result.suppressed,
        "shown_as": result.shown_as,
    }
