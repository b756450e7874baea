"""Survey responses and partner returns."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from swp_data import vocab
from swp_data.sources.base import Source, SourceRecord
from swp_data.sources.justice import WARD_DESCRIPTION
from swp_data.sources.measures import Measure

SafetyAnswer = Literal[vocab.SAFETY_ANSWERS]  # type: ignore[valid-type]


class SurveyResponseRecord(SourceRecord):
    """One respondent to a community safety survey."""

    response_id: str = Field(description="Response identifier (unique within the survey).", examples=["R00017"])
    survey_name: str = Field(
        description="The survey, e.g. 'Safety of Women and Girls' or 'Residents survey'.",
        examples=["Safety of Women and Girls"],
    )
    fieldwork_date: date = Field(description="Date the response was given.", examples=["2024-10-14"])
    ward: str = Field(description=WARD_DESCRIPTION, examples=["Graiseley"])
    sex: Literal[vocab.SEXES] | None = Field(default=None, description="Respondent's sex.", examples=["female"])  # type: ignore[valid-type]
    age_band: str | None = Field(default=None, description="Respondent's age band.", examples=["25-34"])
    feels_safe_day: SafetyAnswer | None = Field(
        default=None,
        description="Feels safe in the neighbourhood during the day (yes/no or 5-point).",
        examples=["yes"],
    )
    feels_safe_night: SafetyAnswer | None = Field(
        default=None, description="Feels safe out after dark (yes/no or 5-point).", examples=["fairly unsafe"]
    )
    confident_to_report: Literal[vocab.YES_NO] | None = Field(  # type: ignore[valid-type]
        default=None, description="Would feel confident reporting a crime or incident.", examples=["yes"]
    )
    weight: float | None = Field(
        default=None, ge=0, le=1000, description="Survey weight (blank = 1, unweighted).", examples=["1.0"]
    )


class PartnerReturnRecord(SourceRecord):
    """One figure a partner agency reports for a month or quarter."""

    indicator_key: Literal[tuple(vocab.PARTNER_INDICATORS)] = Field(  # type: ignore[valid-type]
        description="Which figure: " + "; ".join(f"{k} = {v}" for k, v in vocab.PARTNER_INDICATORS.items()),
        examples=["marac_cases"],
    )
    period_start: date = Field(description="First day of the month or quarter reported.", examples=["2024-04-01"])
    period_type: Literal["month", "quarter"] = Field(description="month or quarter.", examples=["quarter"])
    ward: str = Field(description="Current ward (code or name), or 'city' for a city-wide figure.", examples=["city"])
    value: float = Field(ge=0, description="The figure.", examples=["163"])
    numerator: float | None = Field(default=None, ge=0, description="Numerator, where the figure is a rate.")
    denominator: float | None = Field(default=None, ge=0, description="Denominator, where the figure is a rate.")


def returned(indicator: str, label: str) -> Measure:
    """A partner-returned figure: the sum of the values returned for one indicator."""
    if indicator not in vocab.PARTNER_INDICATORS:
        raise ValueError(f"no partner indicator {indicator!r}")
    return Measure(indicator, label, f"indicator_key = '{indicator}'", value="sum(value)")


PARTNER_MEASURES: tuple[Measure, ...] = (
    returned("marac_cases", "MARAC cases heard"),
    returned("marac_repeat_cases", "Repeat MARAC cases"),
    returned("sarc_referrals", "SARC referrals"),
    returned("pact_meetings", "PACT meetings"),
    returned("pact_issues_raised", "Issues raised"),
    returned("pact_issues_resolved", "Issues resolved"),
    returned("asb_case_reviews_requested", "Case reviews requested"),
    returned("asb_case_reviews_held", "Case reviews held"),
    returned("diversion_engaged", "People engaged"),
)
"""What partner returns can be summed for (modern slavery referrals are collected but no KPI reports them)."""

SURVEY = Source(
    table="survey_response",
    title="Survey responses",
    grain="one respondent",
    description="Community safety perception surveys, one row per respondent, with weights where the survey has them.",
    record=SurveyResponseRecord,
    key=("survey_name", "response_id"),
    placement="ward",
    month_from="fieldwork_date",
    caveat="Survey percentages are weighted where weights exist; intervals use the effective sample size.",
    flows_monthly=False,  # a wave stands alone: a quarter with fieldwork in one month is complete
)

PARTNER_RETURNS = Source(
    table="partner_return",
    title="Partner returns",
    grain="one figure a partner reports",
    description="MARAC, SARC, PACT, ASB case review, diversion and modern slavery figures returned by partners.",
    record=PartnerReturnRecord,
    key=("indicator_key", "period_start", "period_type", "ward"),
    placement="ward_or_city",
    month_from="period_start",
    caveat="MARAC, SARC, case review and modern slavery figures are city-wide returns, not by ward.",
    record_level=False,
    declared_measures=PARTNER_MEASURES,
    record_months="case period_type when 'quarter' then 3 else 1 end",
    coverage_by="rows",
)
