"""Comparator areas, commissioned spend and ward population by age."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from swp_data import vocab
from swp_data.sources.base import Source, SourceRecord
from swp_data.sources.justice import WARD_DESCRIPTION


class ComparatorRecord(SourceRecord):
    """Crimes in one West Midlands CSP area, month and offence group."""

    area: Literal[vocab.WM_CSP_AREAS] = Field(description="West Midlands CSP area.", examples=["Walsall"])  # type: ignore[valid-type]
    month: date = Field(description="First day of the month.", examples=["2024-04-01"])
    offence_group: Literal[vocab.COMPARATOR_GROUPS] = Field(  # type: ignore[valid-type]
        description="Neighbourhood crime group (vehicle crime, robbery, burglary, theft from the person).",
        examples=["burglary"],
    )
    count: int = Field(ge=0, description="Crimes recorded.", examples=["212"])
    population: int = Field(ge=1, description="Resident population of the area.", examples=["284100"])


class SpendRecord(SourceRecord):
    """One budget line of community safety commissioning."""

    financial_year: str = Field(description="Financial year, e.g. 2013/14.", examples=["2024/25"])
    priority: str = Field(description="Strategic priority the line serves.", examples=["Reducing Reoffending"])
    service: str = Field(description="Commissioned service.", examples=["Substance Misuse (including DIP)"])
    allocation: float | None = Field(default=None, ge=0, description="Amount allocated (GBP).")
    actual_spend: float = Field(ge=0, description="Actual spend (GBP).", examples=["236533"])


class PopulationRecord(SourceRecord):
    """Resident population of a ward for an age band (beyond the Census all-ages counts shipped)."""

    ward: str = Field(description=WARD_DESCRIPTION, examples=["Oxley"])
    age_band: Literal[vocab.POPULATION_AGE_BANDS] = Field(  # type: ignore[valid-type]
        description="Age band.", examples=["10-17"]
    )
    year: int = Field(ge=2000, le=2100, description="Year of the estimate.", examples=["2021"])
    population: int = Field(ge=0, description="Residents.", examples=["1410"])
    source_note: str | None = Field(default=None, description="Where the figure comes from.")


COMPARATORS = Source(
    table="comparator_area",
    title="Comparator areas",
    grain="one area x month x offence group",
    description="Neighbourhood crime counts and populations of the seven West Midlands CSPs, for ranking.",
    record=ComparatorRecord,
    key=("area", "month", "offence_group"),
    placement="none",
    caveat="Comparator areas are ranked on rates per 1,000 residents (1 = safest).",
    record_level=False,
)

SPEND = Source(
    table="commissioned_spend",
    title="Commissioned spend",
    grain="one budget line",
    description="Allocation and actual spend of commissioned community safety services.",
    record=SpendRecord,
    key=("financial_year", "service"),
    placement="none",
    record_level=False,
)

POPULATION = Source(
    table="ward_population",
    title="Ward population by age",
    grain="one ward x age band x year",
    description=(
        "Resident population by ward and age band. Census 2021 all-ages counts are shipped; load 10-17 "
        "counts to give first-time entrant rates per 100,000."
    ),
    record=PopulationRecord,
    key=("ward", "age_band", "year"),
    placement="ward",
    caveat="Census 2021 all-ages counts are official; a 10-17 figure may be a demo estimate (see its note).",
    record_level=False,
)
