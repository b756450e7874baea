"""Reducing Reoffending (seed 001 priority 1; seed 003)."""

from __future__ import annotations

from swp_data.kpis.model import Breakdown, Kpi, Target
from swp_data.kpis.queries import category_grid, count_grid, quoted, share_grid
from swp_data.vocab import CRIMINAL_JUSTICE_REFERRALS

MOJ_CAVEAT = (
    "MoJ proven reoffending: a cohort is followed for 12 months, with 6 more months for reoffences to be "
    "proven in court, so a cohort is final 18 months after it closes; later cohorts are provisional."
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


CJ = f"referral_source in ({quoted(list(CRIMINAL_JUSTICE_REFERRALS))})"

KPIS = [
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
        breakdowns=(
            Breakdown(
                key="index_disposal",
                label="By index disposal",
                sql=category_grid("reoffending_cohort", "index_disposal", "reoffended", "age_group = 'adult'"),
            ),
        ),
    ),
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
    ),
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
    ),
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
    ),
    Kpi(
        key="first_time_entrants",
        label="First-time entrants to the youth justice system",
        priority="reducing_reoffending",
        definition="Young people (10-17) receiving their first youth caution or conviction, per 100,000 residents aged 10-17.",
        source="youth_first_time_entrant",
        measure="population_rate",
        population_band="10-17",
        numerator="First-time entrants",
        denominator="Residents aged 10-17",
        direction="down",
        better="down",
        sensitive=True,
        sql=count_grid("youth_first_time_entrant", "true"),
    ),
    Kpi(
        key="community_order_completion",
        label="Community orders and suspended sentences completed",
        priority="reducing_reoffending",
        definition="Share of community orders and suspended sentence orders ending in the period that were completed successfully.",
        source="probation_termination",
        measure="share",
        numerator="Orders completed successfully",
        denominator="Community and suspended sentence orders ending",
        direction="up",
        better="up",
        sensitive=False,
        sql=share_grid(
            "probation_termination", "completed", "order_type in ('community order', 'suspended sentence order')"
        ),
        target=Target(
            value=76, kind="baseline", note="Compliance 'now up to 76%' (PCC end-of-year report 2013/14, seed 003)"
        ),
    ),
    Kpi(
        key="unpaid_work_completion",
        label="Unpaid work requirements completed",
        priority="reducing_reoffending",
        definition="Share of orders with an unpaid work requirement, ending in the period, that were completed.",
        source="probation_termination",
        measure="share",
        numerator="Unpaid work orders completed",
        denominator="Unpaid work orders ending",
        direction="up",
        better="up",
        sensitive=False,
        sql=share_grid("probation_termination", "completed", "requirement = 'unpaid work'"),
    ),
    Kpi(
        key="post_release_completion",
        label="Post-release supervision completed",
        priority="reducing_reoffending",
        definition="Share of post-release supervision periods ending in the period that were completed successfully.",
        source="probation_termination",
        measure="share",
        numerator="Licences completed successfully",
        denominator="Post-release supervision periods ending",
        direction="up",
        better="up",
        sensitive=False,
        sql=share_grid("probation_termination", "completed", "order_type = 'post-release supervision'"),
    ),
    Kpi(
        key="drr_atr_completion",
        label="Drug rehabilitation and alcohol treatment requirements completed",
        priority="reducing_reoffending",
        definition="Share of orders with a drug rehabilitation (DRR) or alcohol treatment (ATR) requirement, ending in the period, that were completed.",
        source="probation_termination",
        measure="share",
        numerator="DRR and ATR orders completed",
        denominator="DRR and ATR orders ending",
        direction="up",
        better="up",
        sensitive=True,
        sql=share_grid(
            "probation_termination",
            "completed",
            "requirement in ('drug rehabilitation requirement', 'alcohol treatment requirement')",
        ),
        breakdowns=(
            Breakdown(
                key="requirement",
                label="By requirement",
                sql=category_grid(
                    "probation_termination",
                    "requirement",
                    "completed",
                    "requirement in ('drug rehabilitation requirement', 'alcohol treatment requirement')",
                ),
            ),
        ),
    ),
    Kpi(
        key="cj_treatment_referrals",
        label="Referrals into treatment from criminal justice routes",
        priority="reducing_reoffending",
        definition="Treatment episodes starting with a referral from arrest referral (drug tests on arrest), prison or probation.",
        source="treatment_episode",
        measure="count",
        numerator="Criminal justice referrals",
        direction="up",
        better="up",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        sql=count_grid("treatment_episode", CJ),
        breakdowns=(
            Breakdown(
                key="referral_source", label="By route", sql=category_grid("treatment_episode", "referral_source", CJ)
            ),
        ),
    ),
    Kpi(
        key="cj_treatment_referral_share",
        label="Criminal justice share of treatment referrals",
        priority="reducing_reoffending",
        parent="cj_treatment_referrals",
        definition="Criminal justice referrals as a share of all referrals into treatment (34% in 2013/14, seed 003).",
        source="treatment_episode",
        measure="share",
        numerator="Criminal justice referrals",
        denominator="All referrals into treatment",
        direction="up",
        better="up",
        sensitive=True,
        sql=share_grid("treatment_episode", CJ, "true"),
        target=Target(value=34, kind="baseline", note="34% of referrals came through DIP in 2013/14 (seed 003)"),
    ),
    Kpi(
        key="treatment_successful_completion",
        label="Successful completions from treatment, criminal justice clients",
        priority="reducing_reoffending",
        definition="Of criminal justice clients leaving treatment in the period, the share who completed successfully (by month of discharge).",
        source="treatment_episode",
        measure="share",
        numerator="Successful completions",
        denominator="Criminal justice clients discharged",
        direction="up",
        better="up",
        sensitive=True,
        sql=share_grid(
            "treatment_episode",
            "discharge_reason = 'successful completion'",
            f"{CJ} and discharge_reason <> 'still in treatment'",
            month="discharge_month",
        ),
        breakdowns=(
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
    Kpi(
        key="treatment_representation",
        label="Re-presentations within 6 months of a successful completion",
        priority="reducing_reoffending",
        definition=(
            "Of criminal justice clients completing treatment successfully in the period, the share who came back "
            "into treatment within 6 months. Completions less than 6 months ago are not yet known and left out."
        ),
        source="treatment_episode",
        measure="share",
        numerator="Re-presented within 6 months",
        denominator="Successful completions with 6 months' follow-up",
        direction="down",
        better="down",
        sensitive=True,
        sql=share_grid(
            "treatment_episode",
            "represented_6m",
            f"{CJ} and discharge_reason = 'successful completion' and represented_6m is not null",
            f"{CJ} and discharge_reason = 'successful completion' and represented_6m is null",
            month="discharge_month",
        ),
    ),
    Kpi(
        key="drug_tests_positive",
        label="Drug tests on arrest: share positive",
        priority="reducing_reoffending",
        definition="Share of drug tests on arrest positive for opiates and/or cocaine (about 1,000 tests and 47% positive in 2013/14, seed 003).",
        source="drug_test",
        measure="share",
        numerator="Tests positive for opiates, cocaine or both",
        denominator="Drug tests on arrest",
        direction="neutral",
        better="neutral (context for treatment referrals)",
        sensitive=True,
        sql=share_grid("drug_test", "result <> 'negative'", "true"),
        breakdowns=(Breakdown(key="result", label="By result", sql=category_grid("drug_test", "result", "true")),),
    ),
    Kpi(
        key="drug_tests",
        label="Drug tests on arrest",
        priority="reducing_reoffending",
        parent="drug_tests_positive",
        definition="Drug tests carried out on people arrested for a trigger offence.",
        source="drug_test",
        measure="count",
        numerator="Drug tests",
        direction="neutral",
        better="neutral",
        sensitive=True,
        zero_is_disclosive=False,  # a count of events: no one is identified by a zero
        sql=count_grid("drug_test", "true"),
        target=Target(value=1000, kind="baseline", per_year=True, note="Over 1,000 tests in 2013/14 (seed 003)"),
    ),
]
