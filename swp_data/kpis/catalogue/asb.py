"""Anti-Social Behaviour (seed 002; seed 000)."""

from __future__ import annotations

from swp_data.kpis.compose import breakdown, count, repeat
from swp_data.kpis.model import Kpi
from swp_data.kpis.queries import SURVEY_NO_RECORDS, survey_grid
from swp_data.sources.community import PARTNER_RETURNS
from swp_data.sources.police import ASB
from swp_data.vocab import SAFE_ANSWERS

asb = ASB.measures
partner = PARTNER_RETURNS.measures

KPIS = [
    count(
        asb.all_incidents,
        key="asb_incidents",
        label="ASB incidents",
        priority="anti_social_behaviour",
        definition=(
            "Anti-social behaviour incidents reported to the police, the council and housing providers, per 1,000 "
            "residents, by category and theme. Reporting is wanted, so the count is context, not a target."
        ),
        per_1000=True,
        direction="neutral",
        better="neutral (reporting is wanted; context)",
        sensitive=False,
        breakdowns=(
            breakdown("category", "By category", by="coalesce(category, 'not recorded')", of=asb.all_incidents),
            breakdown("theme", "By theme", by="coalesce(theme, 'not recorded')", of=asb.all_incidents),
        ),
    ),
    repeat(
        asb.all_incidents,
        person="caller_id",
        key="asb_repeat_callers",
        label="Repeat ASB callers",
        priority="anti_social_behaviour",
        definition="Of people reporting ASB in the 12 months to the period end, the share who reported 3 or more times.",
        threshold=3,
        numerator="Callers reporting 3+ times in 12 months",
        denominator="Callers in 12 months",
        direction="down",
        better="down",
        sensitive=False,
    ),
    repeat(
        asb.all_incidents,
        person="location_id",
        key="asb_repeat_locations",
        label="Repeat ASB locations",
        priority="anti_social_behaviour",
        parent="asb_repeat_callers",
        definition="Of places with ASB reported in the 12 months to the period end, the share with 3 or more incidents.",
        threshold=3,
        numerator="Locations with 3+ incidents in 12 months",
        denominator="Locations with an incident in 12 months",
        direction="down",
        better="down",
        sensitive=False,
    ),
    count(
        asb.intervention,
        key="asb_interventions",
        label="ASB interventions, tools and powers used",
        priority="anti_social_behaviour",
        definition="Incidents where an intervention was used: warning letters, acceptable behaviour contracts, community protection warnings and notices, injunctions, criminal behaviour orders, closure orders, restorative justice.",
        direction="up",
        better="up",
        sensitive=False,
        breakdowns=(breakdown("intervention", "By intervention", by="intervention", of=asb.intervention),),
    ),
    count(
        partner.asb_case_reviews_requested,
        key="asb_case_reviews",
        label="ASB case reviews requested",
        priority="anti_social_behaviour",
        definition="ASB case reviews (the community trigger) requested. A city-wide partner return.",
        direction="neutral",
        better="neutral",
        sensitive=False,
        geography="city",
        frequency="quarter",
    ),
    count(
        partner.asb_case_reviews_held,
        key="asb_case_reviews_held",
        label="ASB case reviews held",
        priority="anti_social_behaviour",
        parent="asb_case_reviews",
        definition="ASB case reviews (the community trigger) held. A city-wide partner return.",
        direction="neutral",
        better="neutral",
        sensitive=False,
        geography="city",
        frequency="quarter",
    ),
    count(
        partner.diversion_engaged,
        key="diversion_engagement",
        label="People engaging in diversionary activity",
        priority="anti_social_behaviour",
        definition="People engaging in diversionary and prevention activity, as returned by providers.",
        direction="up",
        better="up",
        sensitive=False,
        frequency="quarter",
    ),
    # A weighted survey proportion, no count of records: declared with its SQL.
    Kpi(
        key="asb_feel_safe",
        label="Residents who feel safe in their neighbourhood",
        priority="anti_social_behaviour",
        definition="Share of residents' survey respondents who feel safe in their neighbourhood during the day (weighted, 95% Wilson interval).",
        source="survey_response",
        measure="survey",
        numerator="Respondents feeling safe (weighted)",
        denominator="Respondents answering (weighted)",
        direction="up",
        better="up",
        sensitive=False,
        frequency="quarter",
        sql=survey_grid("feels_safe_day", SAFE_ANSWERS, "survey_name = 'Residents survey'"),
        no_records=SURVEY_NO_RECORDS,
    ),
]
