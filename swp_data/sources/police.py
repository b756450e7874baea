"""Police recorded crime and ASB incidents: placed by their coordinates in the ward polygons, else their LSOA."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from swp_data import vocab
from swp_data.sources.asb_measures import ASB_MEASURES
from swp_data.sources.base import Source, SourceRecord
from swp_data.sources.crime_measures import CRIME_MEASURES

OffenceSubgroup = Literal[tuple(vocab.OFFENCE_SUBGROUPS)]  # type: ignore[valid-type]
OffenceGroup = Literal[vocab.OFFENCE_GROUPS]  # type: ignore[valid-type]
CrimeType = Literal[vocab.POLICE_CRIME_TYPES]  # type: ignore[valid-type]

LSOA_DESCRIPTION = (
    "LSOA code where the crime happened, 2011 or 2021 vintage (E01...). It places the record on a current ward "
    "when the row has no longitude and latitude (with them, the point places it)."
)
POINT_DESCRIPTION = (
    "With both coordinates, the record is placed by its point in the May 2023 ward polygons "
    "(within 150 m of the city edge: the nearest ward); a point outside the city falls back to the LSOA."
)


class CrimeRecord(SourceRecord):
    """One police recorded crime."""

    crime_id: str = Field(description="Police crime reference (unique per crime).", examples=["20WV/123456/24"])
    recorded_date: date | None = Field(
        default=None, description="Date the crime was recorded (or committed).", examples=["2024-04-17"]
    )
    lsoa_code: str = Field(description=LSOA_DESCRIPTION, examples=["E01010520"])
    offence_subgroup: OffenceSubgroup | None = Field(
        default=None, description="Home Office offence subgroup.", examples=["violence with injury"]
    )
    offence_group: OffenceGroup | None = Field(
        default=None,
        description="Home Office offence group (filled from the subgroup when blank).",
        examples=["violence against the person"],
    )
    police_crime_type: CrimeType | None = Field(
        default=None,
        description="data.police.uk crime type (filled from the subgroup when blank).",
        examples=["Violence and sexual offences"],
    )
    last_outcome: str | None = Field(
        default=None, description="Last outcome category, in data.police.uk wording.", examples=["Suspect charged"]
    )
    domestic_abuse: bool | None = Field(default=None, description="Flagged domestic abuse-related.")
    alcohol_related: bool | None = Field(default=None, description="Flagged alcohol-related.")
    drug_related: bool | None = Field(default=None, description="Flagged drug-related.")
    hate_crime: bool | None = Field(default=None, description="Flagged as a hate crime.")
    hate_strand: Literal[vocab.HATE_STRANDS] | None = Field(  # type: ignore[valid-type]
        default=None, description="Hate crime strand, when flagged.", examples=["race"]
    )
    knife_crime: bool | None = Field(default=None, description="Involved a knife or sharp instrument.")
    firearm: bool | None = Field(default=None, description="Involved a firearm.")
    public_place: bool | None = Field(default=None, description="Happened in a public place.")
    business_victim: bool | None = Field(default=None, description="The victim is a business.")
    hidden_harm_type: Literal[vocab.HIDDEN_HARM_TYPES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Hidden harm marker, if any.", examples=["modern slavery"]
    )
    victim_id: str | None = Field(default=None, description="Pseudonymised victim identifier.", examples=["V004512"])
    victim_age_band: Literal[vocab.VICTIM_AGE_BANDS] | None = Field(  # type: ignore[valid-type]
        default=None, description="Victim's age band at the time.", examples=["18-24"]
    )
    victim_sex: Literal[vocab.SEXES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Victim's sex.", examples=["female"]
    )
    offender_id: str | None = Field(
        default=None, description="Pseudonymised offender (suspect) identifier.", examples=["O001877"]
    )
    longitude: float | None = Field(default=None, description=f"Longitude (WGS84). {POINT_DESCRIPTION}")
    latitude: float | None = Field(default=None, description=f"Latitude (WGS84). {POINT_DESCRIPTION}")
    location: str | None = Field(default=None, description="Location description, e.g. 'On or near Maxwell Road'.")


class AsbRecord(SourceRecord):
    """One anti-social behaviour incident reported to the police, the council or a housing provider."""

    incident_id: str = Field(description="Incident reference (unique).", examples=["ASB-2024-000123"])
    incident_date: date | None = Field(default=None, description="Date of the incident.", examples=["2024-05-02"])
    lsoa_code: str = Field(description=LSOA_DESCRIPTION, examples=["E01010520"])
    category: Literal[vocab.ASB_CATEGORIES] | None = Field(  # type: ignore[valid-type]
        default=None, description="National ASB category.", examples=["nuisance"]
    )
    theme: Literal[vocab.ASB_THEMES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Local theme.", examples=["off-road motorbikes"]
    )
    caller_id: str | None = Field(default=None, description="Pseudonymised caller identifier.", examples=["C00912"])
    location_id: str | None = Field(
        default=None, description="Pseudonymised location (address or place) identifier.", examples=["L20331"]
    )
    reporting_agency: Literal[vocab.ASB_AGENCIES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Agency the incident was reported to.", examples=["council"]
    )
    intervention: Literal[vocab.ASB_INTERVENTIONS] | None = Field(  # type: ignore[valid-type]
        default=None, description="Intervention, tool or power used.", examples=["warning letter"]
    )
    longitude: float | None = Field(default=None, description=f"Longitude (WGS84). {POINT_DESCRIPTION}")
    latitude: float | None = Field(default=None, description=f"Latitude (WGS84). {POINT_DESCRIPTION}")
    location: str | None = Field(default=None, description="Location description.")


PLACED_COLUMNS = {"source_format": "varchar", "placed_by": "varchar"}
"""Derived columns: the file format, and how the record was placed ('point' in the ward polygons, or 'lsoa')."""

CRIME = Source(
    table="crime",
    title="Police recorded crime",
    grain="one crime",
    description=(
        "Crimes recorded by West Midlands Police in Wolverhampton: the force's extract (this template) "
        "or data.police.uk street files and API responses. data.police.uk carries no flags, victims or "
        "offenders, so KPIs needing them are 'not available' for those records."
    ),
    record=CrimeRecord,
    key=("crime_id",),
    placement="lsoa",
    month_from="recorded_date",
    store_only=PLACED_COLUMNS,
    caveat=(
        "data.police.uk locations are approximate (snapped to a nearby street point); records are placed by "
        "that point in the ward polygons. Rows with no location cannot be placed on a ward and are skipped, "
        "and the files carry no flags, victims or offenders."
    ),
    declared_measures=CRIME_MEASURES,
)

ASB = Source(
    table="asb_incident",
    title="ASB incidents",
    grain="one incident",
    description="Anti-social behaviour incidents from police, council and housing systems, or data.police.uk.",
    record=AsbRecord,
    key=("incident_id",),
    placement="lsoa",
    month_from="incident_date",
    store_only=PLACED_COLUMNS,
    caveat="ASB from data.police.uk has no category, theme, caller or intervention.",
    declared_measures=ASB_MEASURES,
)
