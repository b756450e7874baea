"""Controlled vocabularies shared by the sources, the imports and the KPIs.

Home Office offence subgroups are the grain of recorded crime; each belongs to
one offence group and one data.police.uk crime type.
"""

from __future__ import annotations

# subgroup -> (Home Office offence group, data.police.uk "Crime type")
OFFENCE_SUBGROUPS: dict[str, tuple[str, str]] = {
    "homicide": ("violence against the person", "Violence and sexual offences"),
    "violence with injury": ("violence against the person", "Violence and sexual offences"),
    "violence without injury": ("violence against the person", "Violence and sexual offences"),
    "stalking and harassment": ("violence against the person", "Violence and sexual offences"),
    "rape": ("sexual offences", "Violence and sexual offences"),
    "other sexual offences": ("sexual offences", "Violence and sexual offences"),
    "robbery of personal property": ("robbery", "Robbery"),
    "robbery of business property": ("robbery", "Robbery"),
    "burglary residential": ("theft offences", "Burglary"),
    "burglary business and community": ("theft offences", "Burglary"),
    "theft of vehicle": ("theft offences", "Vehicle crime"),
    "theft from vehicle": ("theft offences", "Vehicle crime"),
    "vehicle interference": ("theft offences", "Vehicle crime"),
    "theft from the person": ("theft offences", "Theft from the person"),
    "bicycle theft": ("theft offences", "Bicycle theft"),
    "shoplifting": ("theft offences", "Shoplifting"),
    "other theft": ("theft offences", "Other theft"),
    "criminal damage and arson": ("criminal damage and arson", "Criminal damage and arson"),
    "public order": ("public order offences", "Public order"),
    "possession of weapons": ("possession of weapons offences", "Possession of weapons"),
    "drug offences": ("drug offences", "Drugs"),
    "miscellaneous crimes against society": ("miscellaneous crimes against society", "Other crime"),
}

OFFENCE_GROUPS: tuple[str, ...] = tuple(dict.fromkeys(group for group, _ in OFFENCE_SUBGROUPS.values()))

ASB_CRIME_TYPE = "Anti-social behaviour"

# data.police.uk API category slug -> bulk CSV "Crime type"
POLICE_API_CATEGORIES: dict[str, str] = {
    "anti-social-behaviour": ASB_CRIME_TYPE,
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-crime": "Other crime",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
}

POLICE_CRIME_TYPES: tuple[str, ...] = tuple(sorted(set(POLICE_API_CATEGORIES.values())))


def subgroup_for_crime_type(crime_type: str) -> str | None:
    """The Home Office subgroup a data.police.uk crime type pins down, if exactly one."""
    matches = [sub for sub, (_, ctype) in OFFENCE_SUBGROUPS.items() if ctype == crime_type]
    return matches[0] if len(matches) == 1 else None


def group_for_crime_type(crime_type: str) -> str | None:
    """The Home Office offence group a data.police.uk crime type pins down, if exactly one."""
    groups = {group for group, ctype in OFFENCE_SUBGROUPS.values() if ctype == crime_type}
    return groups.pop() if len(groups) == 1 else None


# Outcomes counted as positive (charge/summons, caution, community resolution).
POSITIVE_OUTCOMES: tuple[str, ...] = (
    "Offender sent to prison",
    "Offender given suspended prison sentence",
    "Offender given community sentence",
    "Offender fined",
    "Offender given conditional discharge",
    "Offender given absolute discharge",
    "Offender otherwise dealt with",
    "Offender ordered to pay compensation",
    "Offender deprived of property",
    "Defendant found not guilty",
    "Defendant sent to Crown Court",
    "Court case unable to proceed",
    "Court result unavailable",
    "Awaiting court outcome",
    "Suspect charged",
    "Suspect charged as part of another case",
    "Offender given a caution",
    "Offender given a drugs possession warning",
    "Offender given penalty notice",
    "Local resolution",
    "Community resolution",
)

VICTIM_AGE_BANDS: tuple[str, ...] = ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
UNDER_25_AGE_BANDS: tuple[str, ...] = ("0-17", "18-24")
SEXES: tuple[str, ...] = ("female", "male", "other")
HATE_STRANDS: tuple[str, ...] = ("race", "religion", "sexual orientation", "disability", "transgender", "other")
HIDDEN_HARM_TYPES: tuple[str, ...] = ("forced marriage", "honour-based abuse", "fgm", "modern slavery")

ASB_CATEGORIES: tuple[str, ...] = ("personal", "nuisance", "environmental")
ASB_THEMES: tuple[str, ...] = (
    "youth-related",
    "off-road motorbikes",
    "vagrancy/begging",
    "alcohol",
    "drugs",
    "neighbour dispute",
    "vehicle nuisance",
    "other",
)
ASB_AGENCIES: tuple[str, ...] = ("police", "council", "housing")
ASB_INTERVENTIONS: tuple[str, ...] = (
    "none",
    "warning letter",
    "acceptable behaviour contract",
    "community protection warning",
    "community protection notice",
    "injunction",
    "criminal behaviour order",
    "closure order",
    "restorative justice",
)

COHORT_AGE_GROUPS: tuple[str, ...] = ("adult", "youth")
INDEX_DISPOSALS: tuple[str, ...] = ("custody release", "court order", "caution")
ORDER_TYPES: tuple[str, ...] = ("community order", "suspended sentence order", "post-release supervision")
REQUIREMENTS: tuple[str, ...] = (
    "unpaid work",
    "drug rehabilitation requirement",
    "alcohol treatment requirement",
    "alcohol abstinence monitoring",
    "other",
)
SUBSTANCE_GROUPS: tuple[str, ...] = ("opiate", "non-opiate", "alcohol", "alcohol and non-opiate")
REFERRAL_SOURCES: tuple[str, ...] = ("arrest referral", "prison", "probation", "self", "gp", "other")
CRIMINAL_JUSTICE_REFERRALS: tuple[str, ...] = ("arrest referral", "prison", "probation")
DISCHARGE_REASONS: tuple[str, ...] = ("successful completion", "dropped out", "transferred", "still in treatment")
DRUG_TEST_RESULTS: tuple[str, ...] = ("opiates", "cocaine", "both", "negative")
SAFETY_ANSWERS: tuple[str, ...] = (
    "yes",
    "no",
    "very safe",
    "fairly safe",
    "neither safe nor unsafe",
    "fairly unsafe",
    "very unsafe",
    "don't know",
)
SAFE_ANSWERS: tuple[str, ...] = ("yes", "very safe", "fairly safe")
# "don't know" is a valid answer but excluded from the base of a percentage.
UNKNOWN_ANSWERS: tuple[str, ...] = ("don't know",)
YES_NO: tuple[str, ...] = ("yes", "no", "don't know")

PARTNER_INDICATORS: dict[str, str] = {
    "marac_cases": "High-risk domestic abuse cases heard at MARAC",
    "marac_repeat_cases": "MARAC cases that are repeat referrals (within 12 months)",
    "sarc_referrals": "Referrals to sexual assault referral services",
    "pact_meetings": "PACT (Partners and Communities Together) meetings held",
    "pact_issues_raised": "Community issues raised at PACT meetings",
    "pact_issues_resolved": "Community issues raised at PACT meetings that were resolved",
    "asb_case_reviews_requested": "ASB case reviews (community trigger) requested",
    "asb_case_reviews_held": "ASB case reviews (community trigger) held",
    "diversion_engaged": "People engaging in diversionary and prevention activity",
    "modern_slavery_referrals": "Modern slavery referrals (National Referral Mechanism)",
}

WM_CSP_AREAS: tuple[str, ...] = (
    "Birmingham",
    "Coventry",
    "Dudley",
    "Sandwell",
    "Solihull",
    "Walsall",
    "Wolverhampton",
)
COMPARATOR_GROUPS: tuple[str, ...] = ("vehicle crime", "robbery", "burglary", "theft from the person")
POPULATION_AGE_BANDS: tuple[str, ...] = ("all ages", "10-17")
