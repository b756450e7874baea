"""Demo surveys, partner returns, West Midlands comparators, commissioned spend and 10-17 population."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from swp_data import geography
from swp_data.demo import calibration as cal
from swp_data.demo.crime import _choose
from swp_data.demo.services import _dates_in, _iso, _wards, ward_weights
from swp_data.periods import Quarter


def _answers(safe: np.ndarray, rng: np.random.Generator, neutral_share: float = 0.0) -> np.ndarray:
    """Five-point answers from safe / not safe."""
    strong = rng.random(len(safe)) < 0.4
    out = np.where(safe, np.where(strong, "very safe", "fairly safe"), np.where(strong, "very unsafe", "fairly unsafe"))
    neutral = (~safe) & (rng.random(len(safe)) < neutral_share)
    return np.where(neutral, "neither safe nor unsafe", out).astype(object)


def generate_surveys(rng: np.random.Generator) -> pd.DataFrame:
    """A quarterly residents' tracker, and the Safety of Women and Girls survey (2022 and a 2025 repeat)."""
    frames = []
    deprivation = ward_weights(1.0) / ward_weights(0.0)  # >1 in deprived wards
    quarter = Quarter.containing(cal.FIRST_MONTH)
    step = 0
    while quarter.start <= cal.LAST_MONTH:
        count = rng.poisson(420)
        wards = _wards(count, rng, power=0.0)
        ward_effect = -0.12 * (deprivation.reindex(wards).to_numpy() - 1)
        day = rng.random(count) < 0.86 + 0.002 * step + ward_effect / 2
        night = rng.random(count) < 0.53 + 0.004 * step + ward_effect
        frames.append(
            pd.DataFrame(
                {
                    "response_id": [f"RS{step:02d}-{i + 1:04d}" for i in range(count)],
                    "survey_name": "Residents survey",
                    "fieldwork_date": _iso(_dates_in(quarter.start, 3, count, rng)),
                    "ward": wards,
                    "sex": np.where(rng.random(count) < 0.51, "female", "male"),
                    "age_band": _choose(
                        {"16-24": 0.14, "25-34": 0.17, "35-44": 0.16, "45-54": 0.17, "55-64": 0.15, "65+": 0.21},
                        count,
                        rng,
                    ),
                    "feels_safe_day": np.where(day, "yes", "no"),
                    "feels_safe_night": _answers(night, rng, neutral_share=0.2),
                    "confident_to_report": np.where(rng.random(count) < 0.68 + 0.002 * step, "yes", "no"),
                    "weight": np.round(rng.lognormal(0, 0.35, size=count) / np.exp(0.35**2 / 2), 3),
                }
            )
        )
        quarter = quarter.shift(1)
        step += 1
    # Seed 002: 2,216 women and girls answered; 48% do not feel safe out at night.
    for name, start, count, not_safe in (
        ("SWG 2022", date(2022, 10, 1), 2_216, 1_064),
        ("SWG 2025", date(2025, 10, 1), 1_980, 871),
    ):
        safe = np.ones(count, dtype=bool)
        safe[rng.choice(count, not_safe, replace=False)] = False
        frames.append(
            pd.DataFrame(
                {
                    "response_id": [f"{name.split()[1]}-{i + 1:05d}" for i in range(count)],
                    "survey_name": "Safety of Women and Girls",
                    "fieldwork_date": _iso(_dates_in(start, 2, count, rng)),
                    "ward": _wards(count, rng, power=0.0),
                    "sex": "female",
                    "age_band": _choose(
                        {
                            "under 16": 0.06,
                            "16-24": 0.2,
                            "25-34": 0.2,
                            "35-44": 0.18,
                            "45-54": 0.15,
                            "55-64": 0.11,
                            "65+": 0.10,
                        },
                        count,
                        rng,
                    ),
                    "feels_safe_day": np.where(rng.random(count) < 0.84, "yes", "no"),
                    "feels_safe_night": _answers(safe, rng),
                    "confident_to_report": np.where(rng.random(count) < 0.55, "yes", "no"),
                    "weight": None,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def generate_partner_returns(rng: np.random.Generator) -> pd.DataFrame:
    """MARAC (651 cases in 2017/18), SARC, PACT (90+ meetings, 80% resolved), case reviews, diversion, NRM."""
    rows: list[dict[str, object]] = []
    wards = ward_weights(1.0)
    quarter = Quarter.containing(cal.FIRST_MONTH)
    step = 0
    while quarter.start <= cal.LAST_MONTH:
        year = step // 4
        start = quarter.start.isoformat()

        def add(key: str, value: float, ward: str = "city", period: str = "quarter", when: str = start) -> None:
            rows.append(
                {
                    "indicator_key": key,
                    "period_start": when,
                    "period_type": period,
                    "ward": ward,
                    "value": float(value),
                    "numerator": None,
                    "denominator": None,
                }
            )

        cases = rng.poisson(168 * (1 + 0.02 * year))
        add("marac_cases", cases)
        add("marac_repeat_cases", rng.binomial(cases, 0.29 - 0.006 * year))
        add("asb_case_reviews_requested", requested := rng.poisson(4 + 0.3 * year))
        add("asb_case_reviews_held", rng.binomial(requested, 0.75))
        add("modern_slavery_referrals", rng.poisson(17 + 2 * year))
        for month in quarter.months:
            add("sarc_referrals", rng.poisson(29 + 0.8 * year), period="month", when=month.isoformat())
        for ward, weight in wards.items():
            add("pact_meetings", rng.poisson(1.2), ward=str(ward))
            raised = rng.poisson(6)
            add("pact_issues_raised", raised, ward=str(ward))
            add("pact_issues_resolved", rng.binomial(raised, 0.80), ward=str(ward))
            add("diversion_engaged", rng.poisson(900 * weight * (1 + 0.05 * year)), ward=str(ward))
        quarter = quarter.shift(1)
        step += 1
    return pd.DataFrame(rows)


# Rates relative to Wolverhampton's, chosen so 2022/23 ranks match seed 002 (1 = safest):
# vehicle crime 2nd, robbery 5th, burglary 5th, all neighbourhood crime 2nd.
COMPARATOR_RATES: dict[str, dict[str, float]] = {
    "Birmingham": {"vehicle crime": 1.45, "robbery": 1.9, "burglary": 1.2, "theft from the person": 2.5},
    "Coventry": {"vehicle crime": 1.3, "robbery": 0.9, "burglary": 0.95, "theft from the person": 1.3},
    "Dudley": {"vehicle crime": 1.35, "robbery": 0.55, "burglary": 0.9, "theft from the person": 0.5},
    "Sandwell": {"vehicle crime": 1.25, "robbery": 1.15, "burglary": 1.08, "theft from the person": 0.8},
    "Solihull": {"vehicle crime": 0.85, "robbery": 0.45, "burglary": 0.75, "theft from the person": 0.6},
    "Walsall": {"vehicle crime": 1.3, "robbery": 0.8, "burglary": 0.85, "theft from the person": 0.7},
}
POPULATIONS = {
    "Birmingham": 1_144_900,
    "Coventry": 345_300,
    "Dudley": 323_500,
    "Sandwell": 341_900,
    "Solihull": 216_200,
    "Walsall": 284_100,
}
GROUP_OF_TYPE = {
    "Vehicle crime": "vehicle crime",
    "Robbery": "robbery",
    "Burglary": "burglary",
    "Theft from the person": "theft from the person",
}


def generate_comparators(crimes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly counts for the 7 West Midlands CSPs; Wolverhampton's are its own demo crimes."""
    from swp_data.vocab import OFFENCE_SUBGROUPS

    crime_type = crimes["offence_subgroup"].map(lambda s: OFFENCE_SUBGROUPS[s][1])
    group = crime_type.map(GROUP_OF_TYPE)
    month = crimes["recorded_date"].str[:7] + "-01"
    own = pd.DataFrame({"month": month, "group": group}).dropna().value_counts().rename("count").reset_index()
    population = int(geography.reference_tables().ward["population"].sum())
    frames = [own.assign(area="Wolverhampton", population=population)]
    for area, multipliers in COMPARATOR_RATES.items():
        expected = own["count"].to_numpy() * own["group"].map(multipliers).to_numpy() * POPULATIONS[area] / population
        frames.append(own.assign(area=area, population=POPULATIONS[area], count=rng.poisson(expected)))
    frame = pd.concat(frames, ignore_index=True).rename(columns={"group": "offence_group"})
    return frame[["area", "month", "offence_group", "count", "population"]]


SEED_003_SPEND = [  # PCC end-of-year report 2013/14 (seed 003): actual spend by line
    ("Substance Misuse", "Substance Misuse (including DIP)", 236_533),
    ("Reducing Reoffending", "Reducing Re-offending (Adults and Youth)", 48_900),
    ("Violence Prevention", "Gangs and Youth Violence", 60_000),
    ("Reducing Victimisation", "Domestic and Sexual Violence", 69_000),
    ("Violence Prevention", "Early Intervention Youth Work", 35_892),
    ("Reducing Victimisation", "DHRs", 7_400),
    ("Infrastructure", "Infrastructure (including Analyst post)", 40_407),
    ("Reducing Reoffending", "Youth Offending Team", 66_392),
    ("Neighbourhood Crime", "Domehawks deployment & maintenance", 6_500),
]


def generate_spend(rng: np.random.Generator) -> pd.DataFrame:
    """Seed 003's real 2013/14 lines, then demo lines for each financial year of the demo."""
    rows = [
        {"financial_year": "2013/14", "priority": p, "service": s, "allocation": None, "actual_spend": a}
        for p, s, a in SEED_003_SPEND
    ]
    services = {
        "Reducing Reoffending": ["Integrated Offender Management", "Youth Offending Team"],
        "Violence Prevention": ["Serious Youth Violence outreach", "Night-time economy marshals"],
        "Reducing Victimisation": ["Domestic abuse advocacy (IDVA)", "SARC contribution", "DHRs"],
        "Anti-Social Behaviour": ["ASB case management", "Diversionary activities"],
        "Neighbourhood Crime": ["Target hardening", "Active Citizens grants"],
        "Substance Misuse": ["Drug and alcohol treatment (criminal justice)"],
    }
    for fy in cal.FINANCIAL_YEARS:
        label = Quarter(fy, 1).fy_label
        for priority, names in services.items():
            for name in names:
                allocation = float(round(rng.uniform(20_000, 140_000), -2))
                rows.append(
                    {
                        "financial_year": label,
                        "priority": priority,
                        "service": name,
                        "allocation": allocation,
                        "actual_spend": round(allocation * rng.uniform(0.85, 1.03)),
                    }
                )
    return pd.DataFrame(rows)


def generate_youth_population() -> pd.DataFrame:
    """Residents aged 10-17 by ward: a demo estimate (10.4% of Census 2021 residents, higher where deprived)."""
    wards = geography.reference_tables().ward
    deprivation = (ward_weights(1.0) / ward_weights(0.0)).reindex(wards["ward_code"]).to_numpy()
    share = 0.104 * (1 + 0.15 * (deprivation - 1))
    return pd.DataFrame(
        {
            "ward": wards["ward_code"],
            "age_band": "10-17",
            "year": 2021,
            "population": np.round(wards["population"].to_numpy() * share).astype(int),
            "source_note": "demo estimate, not an official figure: replace with ONS mid-year estimates",
        }
    )
