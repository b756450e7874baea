"""Neighbourhood Crime (seed 002)."""

from __future__ import annotations

from swp_data import vocab
from swp_data.kpis.model import Breakdown, Kpi
from swp_data.kpis.queries import (
    category_grid,
    count_grid,
    people_events,
    quoted,
    share_grid,
    subgroup_in,
    subgroup_unknown,
)

NC_SUBGROUPS = (
    "burglary residential",
    "robbery of personal property",
    "theft from the person",
    "theft of vehicle",
    "theft from vehicle",
    "vehicle interference",
)
NC = subgroup_in(*NC_SUBGROUPS)
NC_UNKNOWN = subgroup_unknown(*NC_SUBGROUPS)
NC_TYPE = (
    "case when offence_subgroup = 'burglary residential' then 'residential burglary' "
    "when offence_subgroup = 'robbery of personal property' then 'personal robbery' "
    "when police_crime_type = 'Vehicle crime' then 'vehicle crime' "
    "else 'theft from the person' end"
)
POSITIVE = f"last_outcome in ({quoted(vocab.POSITIVE_OUTCOMES)})"

KPIS = [
    Kpi(
        key="neighbourhood_crime",
        label="Neighbourhood crime",
        priority="neighbourhood_crime",
        definition="Residential burglary, personal robbery, theft from the person and vehicle crime together, per 1,000 residents.",
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Neighbourhood crimes",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid("crime", NC, NC_UNKNOWN),
        breakdowns=(Breakdown(key="type", label="By type", sql=category_grid("crime", NC_TYPE, NC)),),
    ),
    Kpi(
        key="burglary_residential",
        label="Residential burglary",
        priority="neighbourhood_crime",
        definition="Burglary of homes (residential burglary), per 1,000 residents.",
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Residential burglaries",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid("crime", subgroup_in("burglary residential"), subgroup_unknown("burglary residential")),
    ),
    Kpi(
        key="vehicle_crime",
        label="Vehicle crime",
        priority="neighbourhood_crime",
        definition="Theft of and from vehicles and vehicle interference, per 1,000 residents.",
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Vehicle crimes",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid("crime", "police_crime_type = 'Vehicle crime'"),
        breakdowns=(
            Breakdown(
                key="offence",
                label="By offence",
                sql=category_grid(
                    "crime", "coalesce(offence_subgroup, 'not recorded')", "police_crime_type = 'Vehicle crime'"
                ),
            ),
        ),
    ),
    Kpi(
        key="theft_from_person",
        label="Theft from the person",
        priority="neighbourhood_crime",
        definition="Theft from the person (such as pickpocketing and snatch theft), per 1,000 residents.",
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Thefts from the person",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid("crime", "police_crime_type = 'Theft from the person'"),
    ),
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
    Kpi(
        key="nc_repeat_victims",
        label="Repeat victims of neighbourhood crime",
        priority="neighbourhood_crime",
        definition="Of victims of neighbourhood crime in the 12 months to the period end, the share victimised 2 or more times.",
        source="crime",
        measure="repeat",
        numerator="Victims with 2+ neighbourhood crimes in 12 months",
        denominator="Victims of neighbourhood crime in 12 months",
        direction="down",
        better="down",
        sensitive=False,
        sql=people_events("crime", "victim_id", NC),
    ),
    Kpi(
        key="nc_repeat_offenders",
        label="Repeat offenders of neighbourhood crime",
        priority="neighbourhood_crime",
        definition="Of offenders (suspects) of neighbourhood crime in the 12 months to the period end, the share with 2 or more such crimes.",
        source="crime",
        measure="repeat",
        numerator="Offenders with 2+ neighbourhood crimes in 12 months",
        denominator="Offenders of neighbourhood crime in 12 months",
        direction="down",
        better="down",
        sensitive=True,
        sql=people_events("crime", "offender_id", NC),
    ),
    Kpi(
        key="nc_positive_outcomes",
        label="Neighbourhood crimes with a positive outcome",
        priority="neighbourhood_crime",
        definition="Share of neighbourhood crimes whose latest outcome is positive: charge or summons, caution, or community resolution.",
        source="crime",
        measure="share",
        numerator="Neighbourhood crimes with a positive outcome",
        denominator="Neighbourhood crimes with an outcome recorded",
        direction="up",
        better="up",
        sensitive=False,
        sql=share_grid(
            "crime",
            POSITIVE,
            f"{NC} and last_outcome is not null",
            f"({NC} and last_outcome is null) or ({NC_UNKNOWN})",
        ),
    ),
]
