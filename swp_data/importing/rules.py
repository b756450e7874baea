"""Rules across fields of one row, per source (beyond each field's own type)."""

from __future__ import annotations

from swp_data import vocab
from swp_data.importing.validate import Check, clean_expr, literal, text_of
from swp_data.sources import SOURCES


def _typed(table: str, column: str) -> str:
    return clean_expr(SOURCES[table].column(column))


def _expected_by_subgroup(position: int) -> str:
    cases = " ".join(
        f"when {literal(sub)} then {literal(pair[position])}" for sub, pair in vocab.OFFENCE_SUBGROUPS.items()
    )
    return f"(case {_typed('crime', 'offence_subgroup')} {cases} end)"


def crime_derived(column: str) -> str:
    """offence_group or police_crime_type: as given, else implied by the subgroup."""
    position = 0 if column == "offence_group" else 1
    return f"coalesce({_typed('crime', column)}, {_expected_by_subgroup(position)})"


def _first_of_month(table: str, column: str) -> str:
    return f"day({_typed(table, column)}) <> 1"


RULES: dict[str, list[Check]] = {
    "crime": [
        Check(
            "offence_group",
            f"{_typed('crime', 'offence_group')} <> {_expected_by_subgroup(0)}",
            "does not match the offence_subgroup (leave it blank to fill it from the subgroup)",
        ),
        Check(
            "police_crime_type",
            f"{_typed('crime', 'police_crime_type')} <> {_expected_by_subgroup(1)}",
            "does not match the offence_subgroup (leave it blank to fill it from the subgroup)",
        ),
        Check(
            "offence_subgroup",
            f"{_typed('crime', 'offence_subgroup')} is null and {_typed('crime', 'police_crime_type')} is null",
            "is missing: give the Home Office offence subgroup (or at least police_crime_type)",
        ),
    ],
    "reoffending_cohort": [
        Check(
            "reoffences",
            f"({_typed('reoffending_cohort', 'reoffended')} and {_typed('reoffending_cohort', 'reoffences')} = 0) or"
            f" (not {_typed('reoffending_cohort', 'reoffended')} and {_typed('reoffending_cohort', 'reoffences')} > 0)",
            "contradicts 'reoffended' (a reoffender has 1 or more reoffences, others 0)",
        ),
        Check(
            "cohort_start",
            f"day({_typed('reoffending_cohort', 'cohort_start')}) <> 1"
            f" or month({_typed('reoffending_cohort', 'cohort_start')}) not in (1, 4, 7, 10)",
            "is not the first day of a financial quarter (1 April, 1 July, 1 October or 1 January)",
        ),
    ],
    "treatment_episode": [
        Check(
            "discharge_date",
            f"{_typed('treatment_episode', 'discharge_date')} < {_typed('treatment_episode', 'start_date')}",
            "is before the start_date",
        ),
        Check(
            "discharge_reason",
            f"{_typed('treatment_episode', 'discharge_date')} is not null"
            f" and coalesce({_typed('treatment_episode', 'discharge_reason')}, 'still in treatment')"
            " = 'still in treatment'",
            "is missing although the episode has a discharge_date",
        ),
        Check(
            "represented_6m",
            f"{_typed('treatment_episode', 'represented_6m')} is not null"
            f" and {_typed('treatment_episode', 'discharge_reason')} is distinct from 'successful completion'",
            "is only recorded after a successful completion",
        ),
    ],
    "partner_return": [
        Check("period_start", _first_of_month("partner_return", "period_start"), "is not the first day of a month"),
        Check(
            "period_start",
            f"{_typed('partner_return', 'period_type')} = 'quarter'"
            f" and month({_typed('partner_return', 'period_start')}) not in (1, 4, 7, 10)",
            "is not the first day of a financial quarter",
        ),
    ],
    "comparator_area": [
        Check("month", _first_of_month("comparator_area", "month"), "is not the first day of a month"),
    ],
    "commissioned_spend": [
        Check(
            "financial_year",
            f"not regexp_full_match({text_of('financial_year')}, '\\d{{4}}/\\d{{2}}')",
            "is not a financial year (write it like 2024/25)",
        ),
    ],
}
