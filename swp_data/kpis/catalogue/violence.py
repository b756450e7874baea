"""Violence Prevention (seed 001 priority 2; seed 002 public place violence; seed 004)."""

from __future__ import annotations

from swp_data.kpis.compose import breakdown, count, rate, repeat, share
from swp_data.sources.crime_measures import UNDER_25
from swp_data.sources.police import CRIME

crime = CRIME.measures
AGE_GROUP = (
    f"case when {UNDER_25} then 'under 25' when victim_age_band is not null then '25 and over' "
    "else 'age not recorded' end"
)
BY_VICTIM_AGE = {"key": "victim_age", "label": "By victim age", "by": AGE_GROUP}

KPIS = [
    count(
        crime.violence_with_injury,
        key="violence_with_injury",
        label="Violence with injury",
        priority="violence_prevention",
        definition=(
            "Recorded violence with injury (Home Office subgroup), per 1,000 residents, split by victim age "
            "under 25 / 25 and over. Seed 002: 3,964 in 2021/22 and 3,950 in 2022/23."
        ),
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
        breakdowns=(breakdown(**BY_VICTIM_AGE, of=crime.violence_with_injury),),
    ),
    count(
        crime.public_place_violence,
        key="public_place_violence",
        label="Public place violence with injury",
        priority="violence_prevention",
        definition="Violence with injury flagged as happening in a public place (per 1,000 residents).",
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
    ),
    count(
        crime.knife_crime,
        key="knife_crime",
        label="Knife crime (violence and robbery)",
        priority="violence_prevention",
        definition="Violence against the person and robbery involving a knife or sharp instrument.",
        direction="down",
        better="down",
        sensitive=False,
    ),
    rate(
        crime.knife_crime,
        per=1_000,
        of="population",
        key="knife_crime_rate",
        label="Knife crime per 1,000 residents",
        priority="violence_prevention",
        parent="knife_crime",
        definition="Knife crime (violence and robbery with a knife or sharp instrument) per 1,000 residents (Census 2021).",
        direction="down",
        better="down",
        sensitive=False,
    ),
    count(
        crime.firearm,
        key="firearm_crime",
        label="Crimes involving a firearm",
        priority="violence_prevention",
        definition="Recorded crimes in which a firearm was used or threatened.",
        direction="down",
        better="down",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
    ),
    count(
        crime.personal_robbery,
        key="personal_robbery",
        label="Personal robbery",
        priority="violence_prevention",
        definition="Robbery of personal property (per 1,000 residents).",
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
        breakdowns=(breakdown(**BY_VICTIM_AGE, of=crime.personal_robbery),),
    ),
    count(
        crime.personal_robbery_under_25,
        key="personal_robbery_under_25",
        label="Personal robbery with a victim under 25",
        priority="violence_prevention",
        parent="personal_robbery",
        definition="Robbery of personal property where the victim was under 25.",
        direction="down",
        better="down",
        sensitive=False,
    ),
    share(
        crime.alcohol_related,
        of=crime.violence_with_injury_alcohol_recorded,
        unknown=crime.violence_with_injury_alcohol_recorded.unknown,
        key="alcohol_related_violence",
        label="Alcohol-related violence with injury (%)",
        priority="violence_prevention",
        definition="Share of violence with injury flagged as alcohol-related.",
        numerator="Violence with injury flagged alcohol-related",
        direction="down",
        better="down",
        sensitive=False,
    ),
    count(
        crime.domestic_abuse,
        key="domestic_abuse_crimes",
        label="Domestic abuse-related crimes",
        priority="violence_prevention",
        definition=(
            "Crimes flagged as domestic abuse-related. The partnership wants more reporting: a rise means more "
            "confidence to report. Non-crime domestic incidents are not in the police crime extract."
        ),
        direction="up",
        better="up (confidence to report)",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
    ),
    count(
        crime.serious_sexual_offences,
        key="serious_sexual_offences",
        label="Rape and other serious sexual offences",
        priority="violence_prevention",
        definition="Recorded rape and other sexual offences. More reporting is wanted (confidence to report).",
        direction="up",
        better="up (confidence to report)",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        breakdowns=(
            breakdown(
                "offence",
                "By offence",
                by="offence_subgroup",
                of=crime.serious_sexual_offences,
                categories=("other sexual offences", "rape"),
            ),
        ),
    ),
    repeat(
        crime.public_place_violence,
        person="victim_id",
        key="repeat_ppv",
        label="Repeat victims of public place violence",
        priority="violence_prevention",
        definition="Of victims of public place violence with injury in the 12 months to the period end, the share with 2 or more such crimes.",
        numerator="Victims with 2+ public place violence crimes in 12 months",
        denominator="Victims of public place violence in 12 months",
        direction="down",
        better="down",
        sensitive=True,
    ),
    repeat(
        crime.public_place_violence,
        person="offender_id",
        key="repeat_ppv_offenders",
        label="Repeat offenders of public place violence",
        priority="violence_prevention",
        parent="repeat_ppv",
        definition="Of offenders (suspects) of public place violence with injury in the 12 months to the period end, the share with 2 or more.",
        numerator="Offenders with 2+ public place violence crimes in 12 months",
        denominator="Offenders of public place violence in 12 months",
        direction="down",
        better="down",
        sensitive=True,
    ),
]
