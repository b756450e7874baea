"""What police recorded crimes can be counted for: the measures of the ``crime`` source.

Each measure says which crimes meet it and which cannot be judged (``unknown``: the field it
needs is not recorded, as on data.police.uk files). KPIs compose these (``swp_data.kpis.compose``).
"""

from __future__ import annotations

from swp_data.sources.measures import POLICE_UK, Measure, quoted, subgroup_in, subgroup_unknown
from swp_data.vocab import POSITIVE_OUTCOMES, UNDER_25_AGE_BANDS

VWI = subgroup_in("violence with injury")
VWI_UNKNOWN = subgroup_unknown("violence with injury")
VIOLENCE_AND_ROBBERY = "offence_group in ('violence against the person', 'robbery') or police_crime_type = 'Robbery'"
SEXUAL = subgroup_in("rape", "other sexual offences")
UNDER_25 = f"victim_age_band in ({quoted(UNDER_25_AGE_BANDS)})"
PPV = f"{VWI} and public_place"
ROBBERY = subgroup_in("robbery of personal property")
ROBBERY_UNKNOWN = subgroup_unknown("robbery of personal property")
KNIFE = f"({VIOLENCE_AND_ROBBERY}) and knife_crime"
VAWG_OFFENCES = f"(domestic_abuse or {subgroup_in('rape', 'other sexual offences', 'stalking and harassment')})"
NC_SUBGROUPS = (
    "burglary residential",
    "robbery of personal property",
    "theft from the person",
    "theft of vehicle",
    "theft from vehicle",
    "vehicle interference",
)
# data.police.uk records carry a crime type but no subgroup. Every subgroup of 'Vehicle crime' and of
# 'Theft from the person' is neighbourhood crime, so those records count; burglary and robbery without
# a subgroup could be business offences, so they are unknown (reported, never counted as zero).
NC_BY_TYPE_ALONE = "offence_subgroup is null and police_crime_type in ('Vehicle crime', 'Theft from the person')"
NC = f"({subgroup_in(*NC_SUBGROUPS)} or ({NC_BY_TYPE_ALONE}))"
NC_UNKNOWN = subgroup_unknown("burglary residential", "robbery of personal property")
VEHICLE = "police_crime_type = 'Vehicle crime'"
POSITIVE = f"last_outcome in ({quoted(POSITIVE_OUTCOMES)})"

CRIME_MEASURES: tuple[Measure, ...] = (
    Measure("all_crime", "Crimes recorded", "true"),
    Measure("violence_with_injury", "Violence with injury crimes", VWI, VWI_UNKNOWN),
    Measure(
        "public_place_violence",
        "Violence with injury in a public place",
        PPV,
        f"({VWI} and public_place is null) or ({VWI_UNKNOWN})",
    ),
    Measure(
        "knife_crime",
        "Violence and robbery with a knife or sharp instrument",
        KNIFE,
        f"(({VIOLENCE_AND_ROBBERY}) and knife_crime is null) or ({VWI_UNKNOWN})",
    ),
    Measure("firearm", "Crimes involving a firearm", "firearm", "firearm is null"),
    Measure("personal_robbery", "Robberies of personal property", ROBBERY, ROBBERY_UNKNOWN),
    Measure(
        "personal_robbery_under_25",
        "Personal robberies of victims under 25",
        f"{ROBBERY} and {UNDER_25}",
        f"({ROBBERY} and victim_age_band is null) or ({ROBBERY_UNKNOWN})",
    ),
    Measure("alcohol_related", "Crimes flagged alcohol-related", "alcohol_related", "alcohol_related is null"),
    Measure("alcohol_recorded", "Crimes whose alcohol flag is recorded", "alcohol_related is not null"),
    Measure("drug_related", "Crimes flagged drug-related", "drug_related", "drug_related is null"),
    Measure("drug_recorded", "Crimes whose drug flag is recorded", "drug_related is not null"),
    Measure(
        "violence_with_injury_alcohol_recorded",
        "Violence with injury whose alcohol flag is recorded",
        f"{VWI} and alcohol_related is not null",
        f"({VWI} and alcohol_related is null) or ({VWI_UNKNOWN})",
    ),
    Measure("domestic_abuse", "Domestic abuse-related crimes", "domestic_abuse", "domestic_abuse is null"),
    Measure(
        "serious_sexual_offences",
        "Rape and other sexual offences",
        SEXUAL,
        subgroup_unknown("rape", "other sexual offences"),
    ),
    Measure("hate_crime", "Hate crimes", "hate_crime", "hate_crime is null"),
    Measure("hidden_harm", "Crimes with a hidden harm marker", "hidden_harm_type is not null", POLICE_UK),
    Measure(
        "vawg_female_victim",
        "Domestic abuse, sexual offences and stalking and harassment with a female victim",
        f"{VAWG_OFFENCES} and victim_sex = 'female'",
        f"({VAWG_OFFENCES} and victim_sex is null) or domestic_abuse is null",
    ),
    Measure("person_victim", "Crimes against a person (not a business)", "not coalesce(business_victim, false)"),
    Measure("business_victim", "Crimes against businesses", "business_victim", "business_victim is null"),
    Measure("neighbourhood_crime", "Neighbourhood crimes", NC, NC_UNKNOWN),
    Measure(
        "residential_burglary",
        "Residential burglaries",
        subgroup_in("burglary residential"),
        subgroup_unknown("burglary residential"),
    ),
    Measure("vehicle_crime", "Vehicle crimes", VEHICLE),
    Measure("theft_from_person", "Thefts from the person", "police_crime_type = 'Theft from the person'"),
    Measure("positive_outcome", "Crimes with a positive outcome", POSITIVE, "last_outcome is null"),
    Measure(
        "neighbourhood_crime_outcome_recorded",
        "Neighbourhood crimes with an outcome recorded",
        f"{NC} and last_outcome is not null",
        f"({NC} and last_outcome is null) or ({NC_UNKNOWN})",
    ),
)
