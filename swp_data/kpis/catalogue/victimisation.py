"""Reducing Victimisation (seed 001 priority 3; seed 002 safety of women and girls)."""

from __future__ import annotations

from swp_data import vocab
from swp_data.kpis.compose import breakdown, count, repeat, share
from swp_data.kpis.model import Kpi, Target
from swp_data.kpis.queries import SURVEY_NO_RECORDS, survey_grid
from swp_data.sources.community import PARTNER_RETURNS
from swp_data.sources.police import CRIME
from swp_data.vocab import SAFE_ANSWERS

crime = CRIME.measures
partner = PARTNER_RETURNS.measures
SWG = "survey_name = 'Safety of Women and Girls' and sex = 'female'"
RESIDENTS = "survey_name = 'Residents survey'"

KPIS = [
    repeat(
        crime.person_victim,
        person="victim_id",
        key="repeat_victimisation",
        label="Repeat victimisation",
        priority="victimisation",
        definition="Of people who were victims of crime in the 12 months to the period end, the share who were victims 2 or more times.",
        numerator="Victims with 2+ crimes in 12 months",
        denominator="Victims in 12 months",
        direction="down",
        better="down",
        sensitive=True,
    ),
    count(
        partner.marac_cases,
        key="marac_cases",
        label="High-risk domestic abuse cases heard at MARAC",
        priority="victimisation",
        definition="Cases heard at the Multi-Agency Risk Assessment Conference (651 in 2017/18). A city-wide partner return.",
        direction="up",
        better="up (cases identified)",
        sensitive=True,
        zero_is_disclosive=True,  # as its share's: the same cells, one zero rule (else a zero shown here opens it)
        geography="city",
        frequency="quarter",
        target=Target(value=651, kind="baseline", per_year=True, note="651 cases in 2017/18 (SWP annual report)"),
    ),
    share(
        partner.marac_repeat_cases,
        of=partner.marac_cases,
        key="marac_repeat_rate",
        label="MARAC repeat referrals (%)",
        priority="victimisation",
        parent="marac_cases",
        definition="Share of MARAC cases that are repeat referrals within 12 months.",
        direction="down",
        better="down",
        sensitive=True,
        geography="city",
        frequency="quarter",
    ),
    count(
        crime.hate_crime,
        key="hate_crime",
        label="Hate crimes recorded",
        priority="victimisation",
        definition="Crimes flagged as hate crimes, by strand. More reporting is wanted (reporting rose 31% in 2018/19).",
        direction="up",
        better="up (reporting)",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        breakdowns=(
            breakdown(
                "strand",
                "By strand",
                by="coalesce(hate_strand, 'not recorded')",
                of=crime.hate_crime,
                categories=(*vocab.HATE_STRANDS, "not recorded"),
            ),
        ),
    ),
    count(
        crime.hidden_harm,
        key="hidden_harm",
        label="Hidden harm: forced marriage, honour-based abuse, FGM, modern slavery",
        priority="victimisation",
        definition="Crimes carrying a hidden harm marker. These harms are under-reported; more reporting is wanted.",
        direction="up",
        better="up (reporting)",
        sensitive=True,
        zero_is_disclosive=True,
        breakdowns=(
            breakdown(
                "type", "By type", by="hidden_harm_type", of=crime.hidden_harm, categories=vocab.HIDDEN_HARM_TYPES
            ),
        ),
    ),
    count(
        crime.vawg_female_victim,
        key="vawg_offences",
        label="Violence against women and girls: offences with a female victim",
        priority="victimisation",
        definition="Domestic abuse, sexual offences and stalking and harassment with a female victim. More reporting is wanted.",
        numerator="Offences with a female victim",
        direction="up",
        better="up (reporting)",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
    ),
    # A weighted survey proportion, no count of records: declared with its SQL.
    Kpi(
        key="women_feel_safe_night",
        label="Women and girls who feel safe out after dark",
        priority="victimisation",
        definition=(
            "Share of female respondents to the Safety of Women and Girls survey who feel safe out after dark, "
            "with a 95% Wilson interval (seed 002: 48% of 2,216 did not)."
        ),
        source="survey_response",
        measure="survey",
        numerator="Respondents feeling very or fairly safe (weighted)",
        denominator="Respondents answering (weighted)",
        direction="up",
        better="up",
        sensitive=False,
        frequency="quarter",
        sql=survey_grid("feels_safe_night", SAFE_ANSWERS, SWG),
        no_records=SURVEY_NO_RECORDS,
        target=Target(value=52, kind="baseline", note="52% felt safe (48% did not), 2022 survey of 2,216 (seed 002)"),
    ),
    # A weighted survey proportion, no count of records: declared with its SQL.
    Kpi(
        key="residents_feel_safe",
        label="Residents who feel safe after dark",
        priority="victimisation",
        definition="Share of residents' survey respondents who feel safe in their neighbourhood after dark (weighted, 95% Wilson interval).",
        source="survey_response",
        measure="survey",
        numerator="Respondents feeling safe after dark (weighted)",
        denominator="Respondents answering (weighted)",
        direction="up",
        better="up",
        sensitive=False,
        frequency="quarter",
        sql=survey_grid("feels_safe_night", SAFE_ANSWERS, RESIDENTS),
        no_records=SURVEY_NO_RECORDS,
    ),
    # A weighted survey proportion, no count of records: declared with its SQL.
    Kpi(
        key="residents_feel_safe_day",
        label="Residents who feel safe during the day",
        priority="victimisation",
        parent="residents_feel_safe",
        definition="Share of residents' survey respondents who feel safe in their neighbourhood during the day (weighted).",
        source="survey_response",
        measure="survey",
        numerator="Respondents feeling safe in the day (weighted)",
        denominator="Respondents answering (weighted)",
        direction="up",
        better="up",
        sensitive=False,
        frequency="quarter",
        sql=survey_grid("feels_safe_day", SAFE_ANSWERS, RESIDENTS),
        no_records=SURVEY_NO_RECORDS,
    ),
    count(
        crime.business_victim,
        key="business_crime_repeat",
        label="Crimes against businesses",
        priority="victimisation",
        definition="Recorded crimes whose victim is a business (shops, offices, community buildings).",
        direction="down",
        better="down",
        sensitive=False,
    ),
    repeat(
        crime.business_victim,
        person="victim_id",
        key="business_repeat_victims",
        label="Repeat business victims",
        priority="victimisation",
        parent="business_crime_repeat",
        definition="Of businesses that were victims in the 12 months to the period end, the share victimised 2 or more times.",
        numerator="Businesses with 2+ crimes in 12 months",
        denominator="Business victims in 12 months",
        direction="down",
        better="down",
        sensitive=False,
    ),
    count(
        partner.sarc_referrals,
        key="sarc_referrals",
        label="Referrals to sexual assault services",
        priority="victimisation",
        definition="Referrals (including self-referrals) to the sexual assault referral centre from Wolverhampton. A city-wide partner return.",
        direction="up",
        better="up",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        geography="city",
    ),
    share(
        partner.pact_issues_resolved,
        of=partner.pact_issues_raised,
        key="pact_issues_resolved",
        label="Community issues resolved through PACT",
        priority="victimisation",
        definition="Share of community issues raised at PACT meetings that were resolved (over 80% in 2013/14, seed 003).",
        direction="up",
        better="up",
        sensitive=False,
        frequency="quarter",
        target=Target(value=80, kind="target", note="Over 80% of issues resolved in 2013/14 (seed 003)"),
    ),
    count(
        partner.pact_meetings,
        key="pact_meetings",
        label="PACT meetings held",
        priority="victimisation",
        parent="pact_issues_resolved",
        definition="Partners and Communities Together (PACT) meetings held (over 90 in 2013/14, seed 003).",
        direction="up",
        better="up",
        sensitive=False,
        frequency="quarter",
        target=Target(value=90, kind="target", per_year=True, note="Over 90 meetings in 2013/14 (seed 003)"),
    ),
]
