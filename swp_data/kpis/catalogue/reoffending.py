"""Reducing Reoffending (seed 001 priority 1; seed 003)."""

from __future__ import annotations

from swp_data import vocab
from swp_data.kpis.compose import breakdown, count, rate, share
from swp_data.kpis.model import Breakdown, Kpi, Target
from swp_data.kpis.queries import category_grid
from swp_data.sources.health import CJ, DRUG_TESTS, TREATMENT
from swp_data.sources.justice import FIRST_TIME_ENTRANTS, PROBATION

entrants = FIRST_TIME_ENTRANTS.measures
probation = PROBATION.measures
treatment = TREATMENT.measures
drug_tests = DRUG_TESTS.measures

MOJ_CAVEAT = (
    "MoJ proven reoffending: a cohort is followed for 12 months, with 6 more months for reoffences to be "
    "proven in court, so a cohort is final 18 months after it closes; later cohorts are provisional."
)

COHORT_NO_RECORDS = (
    "an MoJ cohort measure declared with its own SQL over the cohort table, not composed from a record "
    "condition: there is no declared predicate to list the cohort's offenders with, so none are listed "
    "rather than the wrong ones"
)


def _cohort_grid(
    condition: str,
    numerator: str = "count(*) filter (where reoffended)",
    denominator: str = "count(*)",
    unknown: str = "0",
) -> str:
    return f"""
select ward_code, month,
       {numerator} as numerator,
       {denominator} as denominator,
       {unknown} as unknown
from reoffending_cohort
where {condition}
group by all
"""


KPIS = [
    # An MoJ cohort figure (its own grid over the cohort table): declared with its SQL.
    Kpi(
        key="reoffending_rate_adult",
        label="Proven reoffending, adults",
        priority="reducing_reoffending",
        definition="Share of adults (18+) in a quarterly cohort who commit a proven reoffence within 12 months.",
        source="reoffending_cohort",
        measure="share",
        numerator="Adults in the cohort who reoffended",
        denominator="Adults in the cohort",
        direction="down",
        better="down",
        sensitive=True,
        frequency="quarter",
        provisional_months=18,
        caveat=MOJ_CAVEAT,
        sql=_cohort_grid("age_group = 'adult'"),
        no_records=COHORT_NO_RECORDS,
        breakdowns=(
            # Over the cohort table, like its KPI: declared with its SQL.
            Breakdown(
                key="index_disposal",
                label="By index disposal",
                sql=category_grid("reoffending_cohort", "index_disposal", "reoffended", "age_group = 'adult'"),
            ),
        ),
    ),
    # An MoJ cohort figure (its own grid over the cohort table): declared with its SQL.
    Kpi(
        key="reoffending_rate_youth",
        label="Proven reoffending, youths 10-17",
        priority="reducing_reoffending",
        definition="Share of young people (10-17) in a quarterly cohort who commit a proven reoffence within 12 months.",
        source="reoffending_cohort",
        measure="share",
        numerator="Young people in the cohort who reoffended",
        denominator="Young people in the cohort",
        direction="down",
        better="down",
        sensitive=True,
        frequency="quarter",
        provisional_months=18,
        caveat=MOJ_CAVEAT,
        sql=_cohort_grid("age_group = 'youth'"),
        no_records=COHORT_NO_RECORDS,
    ),
    # An MoJ cohort figure (its own grid over the cohort table): declared with its SQL.
    Kpi(
        key="reoffences_per_reoffender",
        label="Proven reoffences per reoffender",
        priority="reducing_reoffending",
        definition="MoJ frequency measure: proven reoffences divided by the number of reoffenders in the cohort.",
        source="reoffending_cohort",
        measure="ratio",
        numerator="Proven reoffences",
        denominator="Reoffenders",
        direction="down",
        better="down",
        sensitive=True,
        frequency="quarter",
        provisional_months=18,
        caveat=MOJ_CAVEAT,
        sql=_cohort_grid("true", numerator="sum(reoffences)", denominator="count(*) filter (where reoffended)"),
        no_records=COHORT_NO_RECORDS,
    ),
    # An MoJ cohort figure (its own grid over the cohort table): declared with its SQL.
    Kpi(
        key="iom_reoffending_rate",
        label="Reoffending, Integrated Offender Management cohort",
        priority="reducing_reoffending",
        definition="Proven reoffending rate of offenders managed under Integrated Offender Management (IOM).",
        source="reoffending_cohort",
        measure="share",
        numerator="IOM offenders who reoffended",
        denominator="IOM offenders in the cohort",
        direction="down",
        better="down",
        sensitive=True,
        frequency="quarter",
        provisional_months=18,
        caveat=MOJ_CAVEAT,
        sql=_cohort_grid(
            "age_group = 'adult' and iom is not false",
            numerator="count(*) filter (where iom and reoffended)",
            denominator="count(*) filter (where iom)",
            unknown="count(*) filter (where iom is null)",
        ),
        no_records=COHORT_NO_RECORDS,
    ),
    rate(
        entrants.first_time_entrants,
        per=100_000,
        of="population aged 10-17",
        key="first_time_entrants",
        label="First-time entrants to the youth justice system",
        priority="reducing_reoffending",
        definition="Young people (10-17) receiving their first youth caution or conviction, per 100,000 residents aged 10-17.",
        denominator="Residents aged 10-17",
        direction="down",
        better="down",
        sensitive=True,
    ),
    share(
        probation.completed,
        of=probation.community_orders_ending,
        key="community_order_completion",
        label="Community orders and suspended sentences completed",
        priority="reducing_reoffending",
        definition="Share of community orders and suspended sentence orders ending in the period that were completed successfully.",
        direction="up",
        better="up",
        sensitive=False,
        target=Target(
            value=76, kind="baseline", note="Compliance 'now up to 76%' (PCC end-of-year report 2013/14, seed 003)"
        ),
    ),
    share(
        probation.completed,
        of=probation.unpaid_work_ending,
        key="unpaid_work_completion",
        label="Unpaid work requirements completed",
        priority="reducing_reoffending",
        definition="Share of orders with an unpaid work requirement, ending in the period, that were completed.",
        numerator="Unpaid work orders completed",
        direction="up",
        better="up",
        sensitive=False,
    ),
    share(
        probation.completed,
        of=probation.post_release_ending,
        key="post_release_completion",
        label="Post-release supervision completed",
        priority="reducing_reoffending",
        definition="Share of post-release supervision periods ending in the period that were completed successfully.",
        numerator="Licences completed successfully",
        direction="up",
        better="up",
        sensitive=False,
    ),
    share(
        probation.completed,
        of=probation.drr_atr_ending,
        key="drr_atr_completion",
        label="Drug rehabilitation and alcohol treatment requirements completed",
        priority="reducing_reoffending",
        definition="Share of orders with a drug rehabilitation (DRR) or alcohol treatment (ATR) requirement, ending in the period, that were completed.",
        numerator="DRR and ATR orders completed",
        direction="up",
        better="up",
        sensitive=True,
        breakdowns=(
            breakdown(
                "requirement",
                "By requirement",
                by="requirement",
                of=probation.completed,
                within=probation.drr_atr_ending,
            ),
        ),
    ),
    count(
        treatment.cj_referrals,
        key="cj_treatment_referrals",
        label="Referrals into treatment from criminal justice routes",
        priority="reducing_reoffending",
        definition="Treatment episodes starting with a referral from arrest referral (drug tests on arrest), prison or probation.",
        direction="up",
        better="up",
        sensitive=True,
        zero_is_disclosive=True,  # as its share's: the same cells, one zero rule (else a zero shown here opens it)
        breakdowns=(
            breakdown(
                "referral_source",
                "By route",
                by="referral_source",
                of=treatment.cj_referrals,
                categories=vocab.CRIMINAL_JUSTICE_REFERRALS,
            ),
        ),
    ),
    share(
        treatment.cj_referrals,
        of=treatment.all_referrals,
        key="cj_treatment_referral_share",
        label="Criminal justice share of treatment referrals",
        priority="reducing_reoffending",
        parent="cj_treatment_referrals",
        definition="Criminal justice referrals as a share of all referrals into treatment (34% in 2013/14, seed 003).",
        direction="up",
        better="up",
        sensitive=True,
        target=Target(value=34, kind="baseline", note="34% of referrals came through DIP in 2013/14 (seed 003)"),
    ),
    share(
        treatment.successful_completion,
        of=treatment.cj_discharged,
        key="treatment_successful_completion",
        label="Successful completions from treatment, criminal justice clients",
        priority="reducing_reoffending",
        definition="Of criminal justice clients leaving treatment in the period, the share who completed successfully (by month of discharge).",
        direction="up",
        better="up",
        sensitive=True,
        breakdowns=(
            # Bespoke SQL: by month of discharge, which the composed breakdowns do not group by.
            Breakdown(
                key="substance_group",
                label="By substance group",
                sql=f"""
select ward_code, discharge_month as month, substance_group as category,
       count(*) filter (where discharge_reason = 'successful completion') as numerator,
       count(*) as denominator,
       0 as unknown
from treatment_episode
where {CJ} and discharge_month is not null and discharge_reason <> 'still in treatment'
group by all
""",
            ),
        ),
    ),
    share(
        treatment.represented_6m,
        of=treatment.cj_completed_followed_up,
        unknown=treatment.cj_completed_followed_up.unknown,
        key="treatment_representation",
        label="Re-presentations within 6 months of a successful completion",
        priority="reducing_reoffending",
        definition=(
            "Of criminal justice clients completing treatment successfully in the period, the share who came back "
            "into treatment within 6 months. Completions less than 6 months ago are not yet known and left out."
        ),
        direction="down",
        better="down",
        sensitive=True,
    ),
    share(
        drug_tests.positive,
        of=drug_tests.tests,
        key="drug_tests_positive",
        label="Drug tests on arrest: share positive",
        priority="reducing_reoffending",
        definition="Share of drug tests on arrest positive for opiates and/or cocaine (about 1,000 tests and 47% positive in 2013/14, seed 003).",
        direction="neutral",
        better="neutral (context for treatment referrals)",
        sensitive=True,
        breakdowns=(breakdown("result", "By result", by="result", of=drug_tests.tests),),
    ),
    count(
        drug_tests.tests,
        key="drug_tests",
        label="Drug tests on arrest",
        priority="reducing_reoffending",
        parent="drug_tests_positive",
        definition="Drug tests carried out on people arrested for a trigger offence.",
        numerator="Drug tests",
        direction="neutral",
        better="neutral",
        sensitive=True,
        zero_is_disclosive=True,  # as its share's: the same cells, one zero rule (else a zero shown here opens it)
        target=Target(value=1000, kind="baseline", per_year=True, note="Over 1,000 tests in 2013/14 (seed 003)"),
    ),
]
