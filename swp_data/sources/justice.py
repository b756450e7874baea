"""Reoffending cohorts, youth first-time entrants and probation terminations (placed by ward)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from swp_data import vocab
from swp_data.sources.base import Source, SourceRecord
from swp_data.sources.measures import Measure

WARD_DESCRIPTION = "Current ward of residence: code (E05014838-E05014857) or name."

FIRST_TIME_ENTRANT_MEASURES: tuple[Measure, ...] = (Measure("first_time_entrants", "First-time entrants", "true"),)

PROBATION_MEASURES: tuple[Measure, ...] = (
    Measure("completed", "Orders completed successfully", "completed"),
    Measure(
        "community_orders_ending",
        "Community and suspended sentence orders ending",
        "order_type in ('community order', 'suspended sentence order')",
    ),
    Measure("unpaid_work_ending", "Unpaid work orders ending", "requirement = 'unpaid work'"),
    Measure(
        "post_release_ending", "Post-release supervision periods ending", "order_type = 'post-release supervision'"
    ),
    Measure(
        "drr_atr_ending",
        "DRR and ATR orders ending",
        "requirement in ('drug rehabilitation requirement', 'alcohol treatment requirement')",
    ),
)


class ReoffendingRecord(SourceRecord):
    """One offender in a quarterly proven-reoffending cohort (MoJ definition)."""

    offender_id: str = Field(description="Pseudonymised offender identifier.", examples=["O001877"])
    cohort_start: date = Field(
        description="First day of the cohort quarter (the quarter of release, court order or caution).",
        examples=["2023-04-01"],
    )
    age_group: Literal[vocab.COHORT_AGE_GROUPS] = Field(  # type: ignore[valid-type]
        description="adult (18+) or youth (10-17) at the index date.", examples=["adult"]
    )
    ward: str = Field(description=WARD_DESCRIPTION, examples=["Heath Town"])
    index_disposal: Literal[vocab.INDEX_DISPOSALS] = Field(  # type: ignore[valid-type]
        description="The index event that put the offender in the cohort.", examples=["court order"]
    )
    iom: bool | None = Field(default=None, description="Managed under Integrated Offender Management.")
    reoffended: bool = Field(
        description="Committed a proven reoffence within 12 months (proven within a further 6 months).",
        examples=["yes"],
    )
    reoffences: int = Field(ge=0, le=500, description="Number of proven reoffences in the 12 months.", examples=["2"])


class FirstTimeEntrantRecord(SourceRecord):
    """One young person entering the youth justice system for the first time."""

    person_id: str = Field(description="Pseudonymised person identifier.", examples=["Y00321"])
    entry_date: date = Field(
        description="Date of the first reprimand, warning, caution or conviction.", examples=["2024-02-12"]
    )
    ward: str = Field(description=WARD_DESCRIPTION, examples=["Park"])
    age: int = Field(ge=10, le=17, description="Age at entry, 10 to 17.", examples=["15"])
    sex: Literal[vocab.SEXES] | None = Field(default=None, description="Sex.", examples=["male"])  # type: ignore[valid-type]


class ProbationTerminationRecord(SourceRecord):
    """One community order, suspended sentence or licence ending."""

    order_id: str = Field(description="Order or licence identifier.", examples=["P2024-00871"])
    end_date: date = Field(description="Date the order or licence ended.", examples=["2024-09-30"])
    ward: str = Field(description=WARD_DESCRIPTION, examples=["Bilston North"])
    order_type: Literal[vocab.ORDER_TYPES] = Field(  # type: ignore[valid-type]
        description="Type of order or licence.", examples=["community order"]
    )
    requirement: Literal[vocab.REQUIREMENTS] | None = Field(  # type: ignore[valid-type]
        default=None, description="Main requirement of the order, if any.", examples=["unpaid work"]
    )
    completed: bool = Field(description="Ended by successful completion (not revoked or breached).", examples=["yes"])


REOFFENDING = Source(
    table="reoffending_cohort",
    title="Proven reoffending cohort",
    grain="one offender in a quarterly cohort",
    description=(
        "MoJ proven reoffending: offenders released from custody, given a court order or cautioned in a "
        "quarter, followed for 12 months with 6 more months for reoffences to be proven."
    ),
    record=ReoffendingRecord,
    key=("offender_id", "cohort_start"),
    placement="ward",
    month_from="cohort_start",
    record_months="3",  # a cohort is a quarter
    caveat=(
        "Proven reoffending lags: a cohort is followed for 12 months plus 6 months for proof, so it is "
        "final 18 months after it closes. Later cohorts are provisional."
    ),
)

FIRST_TIME_ENTRANTS = Source(
    table="youth_first_time_entrant",
    title="Youth justice first-time entrants",
    grain="one young person",
    description="Young people aged 10-17 receiving their first youth caution or conviction.",
    record=FirstTimeEntrantRecord,
    key=("person_id",),
    placement="ward",
    month_from="entry_date",
    declared_measures=FIRST_TIME_ENTRANT_MEASURES,
)

PROBATION = Source(
    table="probation_termination",
    title="Probation terminations",
    grain="one order or licence ending",
    description="Community orders, suspended sentence orders and post-release supervision that ended.",
    record=ProbationTerminationRecord,
    key=("order_id",),
    placement="ward",
    month_from="end_date",
    declared_measures=PROBATION_MEASURES,
)
