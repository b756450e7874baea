"""Demo justice and health records: reoffending cohorts, first-time entrants, probation, treatment, drug tests."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from swp_data.demo import calibration as cal
from swp_data.demo.crime import _choose
from swp_data.periods import Quarter, add_months


def ward_weights(deprivation_power: float = 1.5) -> pd.Series:
    """Where offenders and clients live: population x deprivation, by current ward."""
    places = cal.city().lsoa
    weight = places["population"] * (places["imd_score"] / 30) ** deprivation_power
    by_ward = weight.groupby(places["ward_code"]).sum()
    return by_ward / by_ward.sum()


def _wards(size: int, rng: np.random.Generator, power: float = 1.5) -> np.ndarray:
    weights = ward_weights(power)
    return rng.choice(weights.index.to_numpy(), size=size, p=weights.to_numpy())


def _dates_in(start: date, months: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Random dates from ``start`` over ``months`` months."""
    first = np.datetime64(start, "D")
    span = (np.datetime64(add_months(start, months), "D") - first).astype(int)
    return first + rng.integers(0, span, size=size).astype("timedelta64[D]")


def _iso(days: np.ndarray) -> list[str]:
    return [str(d) for d in days.astype("datetime64[D]")]


def generate_reoffending(rng: np.random.Generator) -> pd.DataFrame:
    """Quarterly MoJ-style cohorts, 2019/20 Q1 to 2025/26 Q2 (the last ones provisional)."""
    rows = []
    quarter = Quarter(2019, 1)
    last = Quarter(2025, 2)
    serial = 0
    as_of = cal.LAST_MONTH
    while quarter <= last:
        step = (quarter.fy_start - 2019) * 4 + quarter.number - 1
        # Proofs keep arriving until 18 months after the cohort closes: provisional cohorts look lower.
        months_since_close = (as_of.year - quarter.end.year) * 12 + as_of.month - quarter.end.month + 1
        observed = min(1.0, 0.6 + 0.4 * months_since_close / 18)
        for age_group, size, rate, frequency in (
            ("adult", 440, 0.265 - 0.0015 * step, 3.6),
            ("youth", 34, 0.35 - 0.002 * step, 3.2),
        ):
            count = rng.poisson(size)
            iom = (rng.random(count) < 0.07) if age_group == "adult" else np.zeros(count, dtype=bool)
            probability = np.where(iom, 0.55 - 0.004 * step, rate) * observed
            reoffended = rng.random(count) < probability
            reoffences = np.where(reoffended, 1 + rng.poisson(frequency - 1, size=count), 0)
            disposals = _choose({"custody release": 0.2, "court order": 0.45, "caution": 0.35}, count, rng)
            for i in range(count):
                serial += 1
                rows.append(
                    {
                        "offender_id": f"R{serial:06d}",
                        "cohort_start": quarter.start.isoformat(),
                        "age_group": age_group,
                        "ward": None,
                        "index_disposal": disposals[i],
                        "iom": bool(iom[i]) if age_group == "adult" else None,
                        "reoffended": bool(reoffended[i]),
                        "reoffences": int(reoffences[i]),
                    }
                )
        quarter = quarter.shift(1)
    frame = pd.DataFrame(rows)
    frame["ward"] = _wards(len(frame), rng, power=1.8)
    return frame


def generate_first_time_entrants(rng: np.random.Generator) -> pd.DataFrame:
    """Young people entering the youth justice system for the first time (falling, as seed 001 reports)."""
    rows = []
    serial = 0
    for year_no, fy in enumerate(cal.FINANCIAL_YEARS):
        months = len(cal.months_in_year(fy))
        count = rng.poisson((112 - 5 * year_no) * months / 12)
        dates = _dates_in(date(fy, 4, 1), months, count, rng)
        ages = rng.choice(np.arange(10, 18), size=count, p=[0.02, 0.04, 0.08, 0.13, 0.18, 0.2, 0.19, 0.16])
        sexes = np.where(rng.random(count) < 0.8, "male", "female")
        for i in range(count):
            serial += 1
            rows.append(
                {
                    "person_id": f"Y{serial:05d}",
                    "entry_date": str(dates[i]),
                    "ward": None,
                    "age": int(ages[i]),
                    "sex": sexes[i],
                }
            )
    frame = pd.DataFrame(rows)
    frame["ward"] = _wards(len(frame), rng, power=1.6)
    return frame.sort_values("entry_date", ignore_index=True)


def generate_probation(rng: np.random.Generator) -> pd.DataFrame:
    """Orders and licences ending; community order completion ~76% (seed 003)."""
    frames = []
    serial = 0
    for year_no, fy in enumerate(cal.FINANCIAL_YEARS):
        months = len(cal.months_in_year(fy))
        count = rng.poisson(1_380 * months / 12)
        order_type = _choose(
            {"community order": 0.55, "suspended sentence order": 0.25, "post-release supervision": 0.20}, count, rng
        )
        requirement = _choose(
            {
                "unpaid work": 0.42,
                "drug rehabilitation requirement": 0.08,
                "alcohol treatment requirement": 0.06,
                "alcohol abstinence monitoring": 0.04,
                "other": 0.25,
                "": 0.15,
            },
            count,
            rng,
        )
        requirement = np.where(order_type == "post-release supervision", "", requirement)
        base = np.select(
            [
                requirement == "unpaid work",
                requirement == "drug rehabilitation requirement",
                requirement == "alcohol treatment requirement",
                requirement == "alcohol abstinence monitoring",
                order_type == "post-release supervision",
            ],
            [0.78 - 0.004 * year_no, 0.52, 0.58, 0.86, 0.63 + 0.004 * year_no],
            default=0.80 + 0.003 * year_no,
        )
        frames.append(
            pd.DataFrame(
                {
                    "order_id": [f"P{serial + i + 1:06d}" for i in range(count)],
                    "end_date": _iso(_dates_in(date(fy, 4, 1), months, count, rng)),
                    "order_type": order_type,
                    "requirement": np.where(requirement == "", None, requirement),
                    "completed": rng.random(count) < base,
                }
            )
        )
        serial += count
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(2, "ward", _wards(len(frame), rng))
    return frame


def generate_treatment(rng: np.random.Generator) -> pd.DataFrame:
    """Treatment episodes; about a third of referrals come through criminal justice routes (seed 003: 34%)."""
    frames = []
    serial = 0
    last_day = np.datetime64(add_months(cal.LAST_MONTH, 1), "D") - np.timedelta64(1, "D")
    for year_no, fy in enumerate(cal.FINANCIAL_YEARS):
        months = len(cal.months_in_year(fy))
        count = rng.poisson(1_750 * months / 12)
        substance = _choose(
            {"opiate": 0.45, "non-opiate": 0.15, "alcohol": 0.30, "alcohol and non-opiate": 0.10}, count, rng
        )
        cj_share = 0.30 + 0.006 * year_no
        referral = _choose(
            {
                "arrest referral": 0.44 * cj_share,
                "prison": 0.30 * cj_share,
                "probation": 0.26 * cj_share,
                "self": 0.60 * (1 - cj_share),
                "gp": 0.22 * (1 - cj_share),
                "other": 0.18 * (1 - cj_share),
            },
            count,
            rng,
        )
        start = _dates_in(date(fy, 4, 1), months, count, rng)
        length = rng.gamma(2.2, 110, size=count).astype(int) + 30
        discharge = start + length.astype("timedelta64[D]")
        success_rate = np.select([substance == "opiate", substance == "alcohol"], [0.22, 0.56], default=0.48)
        outcome = np.where(
            rng.random(count) < success_rate,
            "successful completion",
            np.where(rng.random(count) < 0.78, "dropped out", "transferred"),
        )
        open_episode = discharge > last_day
        represented_known = discharge + np.timedelta64(183, "D") <= last_day
        represent_rate = np.where(substance == "opiate", 0.19, 0.08)
        represented = np.where(
            (outcome == "successful completion") & represented_known & ~open_episode,
            np.where(rng.random(count) < represent_rate, "true", "false"),
            "",
        )
        frames.append(
            pd.DataFrame(
                {
                    "episode_id": [f"T{serial + i + 1:06d}" for i in range(count)],
                    "client_id": [f"CL{rng.integers(1, 9000):05d}" for _ in range(count)],
                    "substance_group": substance,
                    "referral_source": referral,
                    "start_date": _iso(start),
                    "discharge_date": np.where(open_episode, "", _iso(discharge)),
                    "discharge_reason": np.where(open_episode, "", outcome),
                    "represented_6m": represented,
                }
            )
        )
        serial += count
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(2, "ward", _wards(len(frame), rng, power=1.7))
    return frame


def generate_drug_tests(rng: np.random.Generator) -> pd.DataFrame:
    """About 1,000 drug tests on arrest a year, about 47% positive (seed 003)."""
    frames = []
    serial = 0
    for fy in cal.FINANCIAL_YEARS:
        months = len(cal.months_in_year(fy))
        count = rng.poisson(1_020 * months / 12)
        result = _choose({"opiates": 0.11, "cocaine": 0.25, "both": 0.11, "negative": 0.53}, count, rng)
        frames.append(
            pd.DataFrame(
                {
                    "test_id": [f"DT{serial + i + 1:06d}" for i in range(count)],
                    "test_date": _iso(_dates_in(date(fy, 4, 1), months, count, rng)),
                    "trigger_offence": _choose(
                        {
                            "shoplifting": 0.35,
                            "theft": 0.15,
                            "burglary": 0.1,
                            "robbery": 0.05,
                            "possession of class A drugs": 0.2,
                            "fraud": 0.05,
                            "vehicle crime": 0.1,
                        },
                        count,
                        rng,
                    ),
                    "result": result,
                    "referred_to_treatment": np.where(result == "negative", False, rng.random(count) < 0.6),
                }
            )
        )
        serial += count
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(2, "ward", _wards(len(frame), rng, power=1.8))
    return frame
