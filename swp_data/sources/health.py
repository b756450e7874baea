"""Drug and alcohol treatment episodes and drug tests on arrest (placed by ward)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from swp_data import vocab
from swp_data.sources.base import Source, SourceRecord
from swp_data.sources.justice import WARD_DESCRIPTION
from swp_data.sources.measures import Measure, quoted

CJ = f"referral_source in ({quoted(list(vocab.CRIMINAL_JUSTICE_REFERRALS))})"
"""Referred into treatment from a criminal justice route (arrest referral, prison, probation)."""
CJ_COMPLETED = f"{CJ} and discharge_reason = 'successful completion'"
"""Criminal justice clients who completed treatment successfully."""

TREATMENT_MEASURES: tuple[Measure, ...] = (
    Measure("all_referrals", "All referrals into treatment", "true"),
    Measure("cj_referrals", "Criminal justice referrals", CJ),
    # Outcomes count in the month of discharge.
    Measure(
        "successful_completion",
        "Successful completions",
        "discharge_reason = 'successful completion'",
        month="discharge_month",
    ),
    Measure(
        "cj_discharged",
        "Criminal justice clients discharged",
        f"{CJ} and discharge_reason <> 'still in treatment'",
        month="discharge_month",
    ),
    Measure(
        "represented_6m",
        "Re-presented within 6 months",
        "represented_6m",
        "represented_6m is null",
        month="discharge_month",
    ),
    Measure(
        "cj_completed_followed_up",
        "Successful completions with 6 months' follow-up",
        f"{CJ_COMPLETED} and represented_6m is not null",
        f"{CJ_COMPLETED} and represented_6m is null",
        month="discharge_month",
    ),
)

DRUG_TEST_MEASURES: tuple[Measure, ...] = (
    Measure("tests", "Drug tests on arrest", "true"),
    Measure("positive", "Tests positive for opiates, cocaine or both", "result <> 'negative'"),
)


class TreatmentEpisodeRecord(SourceRecord):
    """One episode of structured drug or alcohol treatment."""

    episode_id: str = Field(description="Treatment episode identifier.", examples=["T000981"])
    client_id: str = Field(description="Pseudonymised client identifier.", examples=["CL0422"])
    ward: str = Field(description=WARD_DESCRIPTION, examples=["St Peters"])
    substance_group: Literal[vocab.SUBSTANCE_GROUPS] = Field(  # type: ignore[valid-type]
        description="NDTMS substance group.", examples=["opiate"]
    )
    referral_source: Literal[vocab.REFERRAL_SOURCES] = Field(  # type: ignore[valid-type]
        description="Route into treatment; arrest referral, prison and probation are criminal justice routes.",
        examples=["arrest referral"],
    )
    start_date: date = Field(description="Date treatment started (the referral date).", examples=["2024-05-02"])
    discharge_date: date | None = Field(default=None, description="Date of discharge; blank while in treatment.")
    discharge_reason: Literal[vocab.DISCHARGE_REASONS] | None = Field(  # type: ignore[valid-type]
        default=None, description="Why the episode ended.", examples=["successful completion"]
    )
    represented_6m: bool | None = Field(
        default=None,
        description="After a successful completion: re-presented within 6 months (blank if not yet known).",
    )


class DrugTestRecord(SourceRecord):
    """One drug test on arrest for a trigger offence."""

    test_id: str = Field(description="Test identifier.", examples=["DT2024-0191"])
    test_date: date = Field(description="Date of the test.", examples=["2024-07-19"])
    ward: str = Field(description=WARD_DESCRIPTION, examples=["Blakenhall"])
    trigger_offence: str = Field(description="The trigger offence.", examples=["shoplifting"])
    result: Literal[vocab.DRUG_TEST_RESULTS] = Field(  # type: ignore[valid-type]
        description="Test result.", examples=["cocaine"]
    )
    referred_to_treatment: bool | None = Field(default=None, description="Referred on to treatment.")


TREATMENT = Source(
    table="treatment_episode",
    title="Treatment episodes",
    grain="one episode",
    description="Structured drug and alcohol treatment episodes (NDTMS-style).",
    record=TreatmentEpisodeRecord,
    key=("episode_id",),
    placement="ward",
    month_from="start_date",
    store_only={"discharge_month": "date"},
    caveat="Re-presentation is known only 6 months after a successful completion.",
    declared_measures=TREATMENT_MEASURES,
)

DRUG_TESTS = Source(
    table="drug_test",
    title="Drug tests on arrest",
    grain="one test",
    description="Tests for opiates and cocaine after arrest for a trigger offence.",
    record=DrugTestRecord,
    key=("test_id",),
    placement="ward",
    month_from="test_date",
    declared_measures=DRUG_TEST_MEASURES,
)
