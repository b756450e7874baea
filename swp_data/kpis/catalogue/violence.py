"""Violence Prevention (seed 001 priority 2; seed 002 public place violence; seed 004)."""

from __future__ import annotations

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
from swp_data.vocab import UNDER_25_AGE_BANDS

VWI = subgroup_in("violence with injury")
VWI_UNKNOWN = subgroup_unknown("violence with injury")
VIOLENCE_AND_ROBBERY = "offence_group in ('violence against the person', 'robbery') or police_crime_type = 'Robbery'"
SEXUAL = subgroup_in("rape", "other sexual offences")
UNDER_25 = f"victim_age_band in ({quoted(UNDER_25_AGE_BANDS)})"
PPV = f"{VWI} and public_place"
AGE_GROUP = (
    f"case when {UNDER_25} then 'under 25' when victim_age_band is not null then '25 and over' "
    "else 'age not recorded' end"
)

KPIS = [
    Kpi(
        key="violence_with_injury",
        label="Violence with injury",
        priority="violence_prevention",
        definition=(
            "Recorded violence with injury (Home Office subgroup), per 1,000 residents, split by victim age "
            "under 25 / 25 and over. Seed 002: 3,964 in 2021/22 and 3,950 in 2022/23."
        ),
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Violence with injury crimes",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid("crime", VWI, VWI_UNKNOWN),
        breakdowns=(Breakdown(key="victim_age", label="By victim age", sql=category_grid("crime", AGE_GROUP, VWI)),),
    ),
    Kpi(
        key="public_place_violence",
        label="Public place violence with injury",
        priority="violence_prevention",
        definition="Violence with injury flagged as happening in a public place (per 1,000 residents).",
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Violence with injury in a public place",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid("crime", PPV, f"({VWI} and public_place is null) or ({VWI_UNKNOWN})"),
    ),
    Kpi(
        key="knife_crime",
        label="Knife crime (violence and robbery)",
        priority="violence_prevention",
        definition="Violence against the person and robbery involving a knife or sharp instrument.",
        source="crime",
        measure="count",
        numerator="Violence and robbery with a knife or sharp instrument",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid(
            "crime",
            f"({VIOLENCE_AND_ROBBERY}) and knife_crime",
            f"(({VIOLENCE_AND_ROBBERY}) and knife_crime is null) or ({subgroup_unknown('violence with injury')})",
        ),
    ),
    Kpi(
        key="firearm_crime",
        label="Crimes involving a firearm",
        priority="violence_prevention",
        definition="Recorded crimes in which a firearm was used or threatened.",
        source="crime",
        measure="count",
        numerator="Crimes involving a firearm",
        direction="down",
        better="down",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        sql=count_grid("crime", "firearm", "firearm is null"),
    ),
    Kpi(
        key="personal_robbery",
        label="Personal robbery",
        priority="violence_prevention",
        definition="Robbery of personal property (per 1,000 residents).",
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Robberies of personal property",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid(
            "crime", subgroup_in("robbery of personal property"), subgroup_unknown("robbery of personal property")
        ),
        breakdowns=(
            Breakdown(
                key="victim_age",
                label="By victim age",
                sql=category_grid("crime", AGE_GROUP, subgroup_in("robbery of personal property")),
            ),
        ),
    ),
    Kpi(
        key="personal_robbery_under_25",
        label="Personal robbery with a victim under 25",
        priority="violence_prevention",
        parent="personal_robbery",
        definition="Robbery of personal property where the victim was under 25.",
        source="crime",
        measure="count",
        numerator="Personal robberies of victims under 25",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid(
            "crime",
            f"{subgroup_in('robbery of personal property')} and {UNDER_25}",
            f"({subgroup_in('robbery of personal property')} and victim_age_band is null)"
            f" or ({subgroup_unknown('robbery of personal property')})",
        ),
    ),
    Kpi(
        key="alcohol_related_violence",
        label="Alcohol-related violence with injury (%)",
        priority="violence_prevention",
        definition="Share of violence with injury flagged as alcohol-related.",
        source="crime",
        measure="share",
        numerator="Violence with injury flagged alcohol-related",
        denominator="Violence with injury whose alcohol flag is recorded",
        direction="down",
        better="down",
        sensitive=False,
        sql=share_grid(
            "crime",
            "alcohol_related",
            f"{VWI} and alcohol_related is not null",
            f"({VWI} and alcohol_related is null) or ({VWI_UNKNOWN})",
        ),
    ),
    Kpi(
        key="domestic_abuse_crimes",
        label="Domestic abuse-related crimes",
        priority="violence_prevention",
        definition=(
            "Crimes flagged as domestic abuse-related. The partnership wants more reporting: a rise means more "
            "confidence to report. Non-crime domestic incidents are not in the police crime extract."
        ),
        source="crime",
        measure="count",
        numerator="Domestic abuse-related crimes",
        direction="up",
        better="up (confidence to report)",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        sql=count_grid("crime", "domestic_abuse", "domestic_abuse is null"),
    ),
    Kpi(
        key="serious_sexual_offences",
        label="Rape and other serious sexual offences",
        priority="violence_prevention",
        definition="Recorded rape and other sexual offences. More reporting is wanted (confidence to report).",
        source="crime",
        measure="count",
        numerator="Rape and other sexual offences",
        direction="up",
        better="up (confidence to report)",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        sql=count_grid("crime", SEXUAL, subgroup_unknown("rape", "other sexual offences")),
        breakdowns=(
            Breakdown(key="offence", label="By offence", sql=category_grid("crime", "offence_subgroup", SEXUAL)),
        ),
    ),
    Kpi(
        key="repeat_ppv",
        label="Repeat victims of public place violence",
        priority="violence_prevention",
        definition="Of victims of public place violence with injury in the 12 months to the period end, the share with 2 or more such crimes.",
        source="crime",
        measure="repeat",
        numerator="Victims with 2+ public place violence crimes in 12 months",
        denominator="Victims of public place violence in 12 months",
        direction="down",
        better="down",
        sensitive=True,
        sql=people_events("crime", "victim_id", PPV),
    ),
    Kpi(
        key="repeat_ppv_offenders",
        label="Repeat offenders of public place violence",
        priority="violence_prevention",
        parent="repeat_ppv",
        definition="Of offenders (suspects) of public place violence with injury in the 12 months to the period end, the share with 2 or more.",
        source="crime",
        measure="repeat",
        numerator="Offenders with 2+ public place violence crimes in 12 months",
        denominator="Offenders of public place violence in 12 months",
        direction="down",
        better="down",
        sensitive=True,
        sql=people_events("crime", "offender_id", PPV),
    ),
]
