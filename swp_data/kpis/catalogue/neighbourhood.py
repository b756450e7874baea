"""Neighbourhood Crime (seed 002)."""

from __future__ import annotations

from swp_data.kpis.compose import breakdown, count, repeat, share
from swp_data.kpis.model import Kpi
from swp_data.sources.police import CRIME

crime = CRIME.measures
NC_TYPE = (
    "case when offence_subgroup = 'burglary residential' then 'residential burglary' "
    "when offence_subgroup = 'robbery of personal property' then 'personal robbery' "
    "when offence_subgroup is null and police_crime_type = 'Vehicle crime' "
    "then 'vehicle crime (subgroup not recorded)' "
    "when police_crime_type = 'Vehicle crime' then 'vehicle crime' "
    "else 'theft from the person' end"
)

KPIS = [
    count(
        crime.neighbourhood_crime,
        key="neighbourhood_crime",
        label="Neighbourhood crime",
        priority="neighbourhood_crime",
        definition="Residential burglary, personal robbery, theft from the person and vehicle crime together, per 1,000 residents.",
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
        breakdowns=(breakdown("type", "By type", by=NC_TYPE, of=crime.neighbourhood_crime),),
    ),
    count(
        crime.residential_burglary,
        key="burglary_residential",
        label="Residential burglary",
        priority="neighbourhood_crime",
        definition="Burglary of homes (residential burglary), per 1,000 residents.",
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
    ),
    count(
        crime.vehicle_crime,
        key="vehicle_crime",
        label="Vehicle crime",
        priority="neighbourhood_crime",
        definition="Theft of and from vehicles and vehicle interference, per 1,000 residents.",
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
        breakdowns=(
            breakdown("offence", "By offence", by="coalesce(offence_subgroup, 'not recorded')", of=crime.vehicle_crime),
        ),
    ),
    count(
        crime.theft_from_person,
        key="theft_from_person",
        label="Theft from the person",
        priority="neighbourhood_crime",
        definition="Theft from the person (such as pickpocketing and snatch theft), per 1,000 residents.",
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
    ),
    # A rank of the 7 West Midlands CSPs, no count of records: declared with its SQL.
    Kpi(
        key="wm_safety_rank",
        label="West Midlands safety rank, neighbourhood crime",
        priority="neighbourhood_crime",
        definition=(
            "Wolverhampton's rank among the 7 West Midlands CSPs by neighbourhood crime per 1,000 residents "
            "(1 = safest), with the ranks for vehicle crime, robbery and burglary. Seed 002: vehicle crime 2nd, "
            "robbery 5th, burglary 5th, all neighbourhood (serious acquisitive) crime 2nd. City-wide."
        ),
        source="comparator_area",
        measure="rank",
        numerator="Rank by rate per 1,000 (1 = lowest rate)",
        direction="down",
        better="up the table (towards 1st)",
        sensitive=False,
        geography="city",
        sql="""
select area, month, offence_group, count, population
from comparator_area
""",
    ),
    repeat(
        crime.neighbourhood_crime,
        person="victim_id",
        key="nc_repeat_victims",
        label="Repeat victims of neighbourhood crime",
        priority="neighbourhood_crime",
        definition="Of victims of neighbourhood crime in the 12 months to the period end, the share victimised 2 or more times.",
        numerator="Victims with 2+ neighbourhood crimes in 12 months",
        denominator="Victims of neighbourhood crime in 12 months",
        direction="down",
        better="down",
        sensitive=False,
    ),
    repeat(
        crime.neighbourhood_crime,
        person="offender_id",
        key="nc_repeat_offenders",
        label="Repeat offenders of neighbourhood crime",
        priority="neighbourhood_crime",
        definition="Of offenders (suspects) of neighbourhood crime in the 12 months to the period end, the share with 2 or more such crimes.",
        numerator="Offenders with 2+ neighbourhood crimes in 12 months",
        denominator="Offenders of neighbourhood crime in 12 months",
        direction="down",
        better="down",
        sensitive=True,
    ),
    share(
        crime.positive_outcome,
        of=crime.neighbourhood_crime_outcome_recorded,
        unknown=crime.neighbourhood_crime_outcome_recorded.unknown,
        key="nc_positive_outcomes",
        label="Neighbourhood crimes with a positive outcome",
        priority="neighbourhood_crime",
        definition="Share of neighbourhood crimes whose latest outcome is positive: charge or summons, caution, or community resolution.",
        numerator="Neighbourhood crimes with a positive outcome",
        direction="up",
        better="up",
        sensitive=False,
    ),
]
