"""Demo police recorded crime and ASB incidents (see ``calibration`` for what they follow)."""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

from swp_data import vocab
from swp_data.demo import calibration as cal
from swp_data.demo.identities import assign_repeating_ids

# Per-subgroup rates, each a probability for one crime.
DOMESTIC = {
    "violence with injury": 0.36,
    "violence without injury": 0.33,
    "stalking and harassment": 0.42,
    "rape": 0.35,
    "other sexual offences": 0.14,
    "homicide": 0.25,
    "criminal damage and arson": 0.10,
    "public order": 0.04,
}
HATE = {
    "public order": 0.14,
    "violence without injury": 0.04,
    "stalking and harassment": 0.05,
    "violence with injury": 0.015,
    "criminal damage and arson": 0.02,
}
KNIFE = {
    "violence with injury": 0.07,
    "robbery of personal property": 0.22,
    "robbery of business property": 0.30,
    "possession of weapons": 0.45,
    "homicide": 0.5,
    "violence without injury": 0.01,
}
FIREARM = {
    "violence with injury": 0.003,
    "robbery of personal property": 0.008,
    "robbery of business property": 0.02,
    "possession of weapons": 0.05,
    "homicide": 0.12,
    "violence without injury": 0.002,
}
PUBLIC_PLACE = {
    "violence with injury": 0.44,
    "violence without injury": 0.38,
    "homicide": 0.3,
    "robbery of personal property": 0.95,
    "public order": 0.62,
    "stalking and harassment": 0.10,
    "rape": 0.12,
    "other sexual offences": 0.35,
    "theft from the person": 1.0,
    "criminal damage and arson": 0.40,
    "possession of weapons": 0.80,
    "drug offences": 0.85,
    "bicycle theft": 0.7,
    "other theft": 0.5,
    "theft from vehicle": 0.8,
    "theft of vehicle": 0.8,
    "vehicle interference": 0.8,
    "miscellaneous crimes against society": 0.2,
}
BUSINESS = {
    "shoplifting": 1.0,
    "burglary business and community": 1.0,
    "robbery of business property": 1.0,
    "criminal damage and arson": 0.18,
    "other theft": 0.22,
    "miscellaneous crimes against society": 0.05,
}
ALCOHOL_WEIGHT = {
    "violence with injury": 6.0,
    "violence without injury": 3.0,
    "public order": 4.0,
    "criminal damage and arson": 1.6,
    "homicide": 4.0,
    "other sexual offences": 1.5,
    "rape": 2.0,
}
DRUG_WEIGHT = {
    "drug offences": 30.0,
    "possession of weapons": 3.0,
    "robbery of personal property": 2.0,
    "shoplifting": 1.5,
    "violence with injury": 1.0,
}
FEMALE = {
    "rape": 0.90,
    "other sexual offences": 0.85,
    "stalking and harassment": 0.70,
    "violence with injury": 0.42,
    "violence without injury": 0.48,
    "robbery of personal property": 0.25,
    "theft from the person": 0.45,
}
UNDER_25 = {
    "violence with injury": 0.29,
    "violence without injury": 0.27,
    "robbery of personal property": 0.45,
    "stalking and harassment": 0.22,
    "rape": 0.45,
    "other sexual offences": 0.5,
}
OFFENDER_KNOWN = {
    "shoplifting": 0.55,
    "violence with injury": 0.65,
    "violence without injury": 0.6,
    "stalking and harassment": 0.75,
    "burglary residential": 0.12,
    "burglary business and community": 0.1,
    "theft from vehicle": 0.05,
    "theft of vehicle": 0.08,
    "vehicle interference": 0.05,
    "robbery of personal property": 0.25,
    "robbery of business property": 0.3,
    "theft from the person": 0.08,
    "drug offences": 0.98,
    "possession of weapons": 0.95,
    "public order": 0.5,
    "criminal damage and arson": 0.25,
    "other theft": 0.15,
    "bicycle theft": 0.08,
    "rape": 0.6,
    "other sexual offences": 0.6,
    "miscellaneous crimes against society": 0.7,
    "homicide": 0.95,
}
POSITIVE = {
    "shoplifting": 0.22,
    "violence with injury": 0.11,
    "violence without injury": 0.08,
    "stalking and harassment": 0.07,
    "rape": 0.04,
    "other sexual offences": 0.07,
    "robbery of personal property": 0.08,
    "robbery of business property": 0.1,
    "burglary residential": 0.05,
    "burglary business and community": 0.05,
    "theft from vehicle": 0.03,
    "theft of vehicle": 0.04,
    "vehicle interference": 0.03,
    "theft from the person": 0.02,
    "bicycle theft": 0.03,
    "other theft": 0.04,
    "criminal damage and arson": 0.06,
    "public order": 0.10,
    "possession of weapons": 0.55,
    "drug offences": 0.75,
    "miscellaneous crimes against society": 0.3,
    "homicide": 0.8,
}
NO_PERSON_VICTIM = {"drug offences", "possession of weapons", "miscellaneous crimes against society"}
HIDDEN_HARM_PER_YEAR = {
    "forced marriage": (5, 1.0),
    "honour-based abuse": (11, 1.6),
    "fgm": (2, 0.5),
    "modern slavery": (24, 3.5),
}  # (count in 2019/20, added each year)
HATE_STRANDS = {
    "race": 0.70,
    "religion": 0.09,
    "sexual orientation": 0.11,
    "disability": 0.06,
    "transgender": 0.03,
    "other": 0.01,
}
POSITIVE_OUTCOMES = {
    "Suspect charged": 0.55,
    "Offender given a caution": 0.15,
    "Local resolution": 0.2,
    "Offender given penalty notice": 0.1,
}
OTHER_OUTCOMES = {
    "Investigation complete; no suspect identified": 0.55,
    "Unable to prosecute suspect": 0.35,
    "Formal action is not in the public interest": 0.05,
    "Further investigation is not in the public interest": 0.05,
}


def _rate(table: dict[str, float], subgroups: np.ndarray, default: float = 0.0) -> np.ndarray:
    lookup = {sub: table.get(sub, default) for sub in vocab.OFFENCE_SUBGROUPS}
    return np.array([lookup[s] for s in subgroups])


def _pick_exactly(weights: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Indexes of ``count`` items drawn without replacement in proportion to weights (Efraimidis-Spirakis)."""
    positive = np.flatnonzero(weights > 0)
    count = min(count, len(positive))
    keys = rng.random(len(positive)) ** (1 / weights[positive])
    return positive[np.argpartition(-keys, count - 1)[:count]] if count else np.array([], dtype=int)


def _choose(options: dict[str, float], size: int, rng: np.random.Generator) -> np.ndarray:
    labels = np.array(list(options), dtype=object)
    probs = np.array(list(options.values()))
    return rng.choice(labels, size=size, p=probs / probs.sum())


def _allocate(
    total: int,
    month_ids: list[int],
    month_w: np.ndarray,
    space_w: np.ndarray,
    ward_drift: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Spread an exact total over (month, LSOA) cells; returns month and LSOA index per record."""
    cells = np.outer(month_w[month_ids], space_w * ward_drift)
    counts = rng.multinomial(total, (cells / cells.sum()).ravel())
    flat = np.repeat(np.arange(counts.size), counts)
    return np.asarray(month_ids)[flat // len(space_w)], flat % len(space_w)


def _year_total(target: int, fy: int, kind: str) -> int:
    """A financial year's total; the part-year 2026/27 gets its seasonal share."""
    month_ids = cal.months_in_year(fy)
    if len(month_ids) == 12:
        return target
    profile = cal.SEASONALITY[cal.season_kind_key(kind)]
    share = sum(profile[cal.MONTHS[i].month - 1] for i in month_ids) / sum(profile)
    return round(target * share)


def _ward_drift(rng: np.random.Generator, years: int, sigma: float = 0.06) -> np.ndarray:
    """A slow random trend per ward (so wards differ, as they do), one row per year."""
    places = cal.city()
    wards = places.lsoa["ward_code"].astype("category").cat.codes.to_numpy()
    steps = rng.normal(0, sigma, size=(years, wards.max() + 1)).cumsum(axis=0)
    return np.exp(steps[:, wards])


def generate_crimes(rng: np.random.Generator) -> pd.DataFrame:
    """Every demo crime, April 2019 to September 2026, in the crime template's columns."""
    places = cal.city()
    drift = _ward_drift(rng, len(cal.FINANCIAL_YEARS))
    shares = cal.subgroup_shares()
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    for year_no, fy in enumerate(cal.FINANCIAL_YEARS):
        month_ids = cal.months_in_year(fy)
        for subgroup, (_, crime_type) in vocab.OFFENCE_SUBGROUPS.items():
            target = (
                cal.VIOLENCE_WITH_INJURY[fy]
                if subgroup == "violence with injury"
                else round(cal.TOTAL_RECORDED_CRIME[fy] * shares[subgroup])
            )
            total = _year_total(target, fy, crime_type)
            months, lsoas = _allocate(
                total, month_ids, cal.month_weights(crime_type), cal.spatial_weights(crime_type), drift[year_no], rng
            )
            parts.append((subgroup, months, lsoas))
    subgroup = np.concatenate([np.full(len(m), s, dtype=object) for s, m, _ in parts])
    month_idx = np.concatenate([m for _, m, _ in parts])
    lsoa_idx = np.concatenate([lsoa for _, _, lsoa in parts])
    n = len(subgroup)
    months = np.array(cal.MONTHS, dtype="datetime64[D]")[month_idx]
    fy = np.array([2019 + (i + 0) // 12 for i in range(90)])[month_idx]  # MONTHS start in April 2019
    ward_idx = places.lsoa["ward_code"].astype("category").cat.codes.to_numpy()[lsoa_idx]

    days = np.array([calendar.monthrange(m.year, m.month)[1] for m in cal.MONTHS])[month_idx]
    recorded = months + (rng.random(n) * days).astype("timedelta64[D]")

    frame = pd.DataFrame(
        {
            "crime_id": [f"20WV/{i:07d}" for i in rng.permutation(n) + 1_000_000],
            "recorded_date": recorded,
            "lsoa_code": places.codes[lsoa_idx],
            "offence_subgroup": subgroup,
        }
    )
    trend = 1 + (fy - 2019) * 0.03  # reporting of hidden harms rises
    domestic = rng.random(n) < _rate(DOMESTIC, subgroup, 0.01) * trend
    frame["domestic_abuse"] = domestic
    hate = rng.random(n) < _rate(HATE, subgroup) * (1 + (fy - 2019) * 0.06)
    frame["hate_crime"] = hate
    frame["hate_strand"] = np.where(hate, _choose(HATE_STRANDS, n, rng), None)
    frame["knife_crime"] = rng.random(n) < _rate(KNIFE, subgroup)
    frame["firearm"] = rng.random(n) < _rate(FIREARM, subgroup)
    frame["public_place"] = (rng.random(n) < _rate(PUBLIC_PLACE, subgroup)) & ~domestic
    business = rng.random(n) < _rate(BUSINESS, subgroup)
    frame["business_victim"] = business

    alcohol = np.zeros(n, dtype=bool)
    drugs = np.zeros(n, dtype=bool)
    hidden = np.full(n, None, dtype=object)
    for year in cal.FINANCIAL_YEARS:
        in_year = np.flatnonzero(fy == year)
        alcohol[
            in_year[
                _pick_exactly(
                    _rate(ALCOHOL_WEIGHT, subgroup[in_year], 0.25), round(len(in_year) * cal.ALCOHOL_SHARE[year]), rng
                )
            ]
        ] = True
        drugs[
            in_year[
                _pick_exactly(
                    _rate(DRUG_WEIGHT, subgroup[in_year], 0.06), round(len(in_year) * cal.DRUG_SHARE[year]), rng
                )
            ]
        ] = True
        part_year = len(cal.months_in_year(year)) / 12
        for harm, (base, growth) in HIDDEN_HARM_PER_YEAR.items():
            eligible = np.isin(
                subgroup[in_year],
                [
                    "violence without injury",
                    "stalking and harassment",
                    "miscellaneous crimes against society",
                    "violence with injury",
                ],
            )
            weights = eligible.astype(float) * np.where(domestic[in_year], 3.0, 1.0) * (hidden[in_year] == None)  # noqa: E711
            wanted = rng.poisson((base + growth * (year - 2019)) * part_year)
            hidden[in_year[_pick_exactly(weights, wanted, rng)]] = harm
    frame["alcohol_related"], frame["drug_related"], frame["hidden_harm_type"] = alcohol, drugs, hidden

    person = ~business & ~np.isin(subgroup, list(NO_PERSON_VICTIM))
    repeat_victim = np.where(
        domestic,
        0.30,
        np.where(
            np.isin(subgroup, ["violence with injury", "violence without injury", "stalking and harassment"]),
            0.14,
            0.06,
        ),
    )
    victims = np.full(n, None, dtype=object)
    victims[person] = assign_repeating_ids(month_idx[person], ward_idx[person], repeat_victim[person], "V", rng)
    victims[business] = assign_repeating_ids(
        month_idx[business], ward_idx[business], np.full(int(business.sum()), 0.4), "B", rng
    )
    frame["victim_id"] = victims
    frame["victim_sex"] = np.where(
        person,
        np.where(rng.random(n) < np.where(domestic, 0.78, _rate(FEMALE, subgroup, 0.45)), "female", "male"),
        None,
    )
    frame["victim_age_band"] = _victim_ages(subgroup, fy, person, rng)

    positive = rng.random(n) < _rate(POSITIVE, subgroup)
    known = positive | (rng.random(n) < _rate(OFFENDER_KNOWN, subgroup))
    offenders = np.full(n, None, dtype=object)
    offenders[known] = assign_repeating_ids(
        month_idx[known], ward_idx[known], np.full(int(known.sum()), 0.38), "O", rng
    )
    frame["offender_id"] = offenders
    outcomes = np.where(positive, _choose(POSITIVE_OUTCOMES, n, rng), _choose(OTHER_OUTCOMES, n, rng))
    recent = month_idx >= len(cal.MONTHS) - 3
    outcomes = np.where(recent & (rng.random(n) < 0.45), "Under investigation", outcomes)
    frame["last_outcome"] = outcomes
    frame["recorded_date"] = pd.to_datetime(frame["recorded_date"]).dt.strftime("%Y-%m-%d")
    return frame.sort_values("recorded_date", kind="stable", ignore_index=True)


def _victim_ages(subgroup: np.ndarray, fy: np.ndarray, person: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Victim age bands; violence with injury matches seed 002's under-25 / 25+ counts exactly."""
    n = len(subgroup)
    under_25 = rng.random(n) < _rate(UNDER_25, subgroup, 0.18)
    unknown = rng.random(n) < 0.03
    for year, (young, older) in cal.VWI_VICTIM_AGES.items():
        rows = rng.permutation(np.flatnonzero((subgroup == "violence with injury") & (fy == year) & person))
        under_25[rows] = False
        unknown[rows] = True
        under_25[rows[:young]] = True
        unknown[rows[: young + older]] = False
    young_bands = np.where(rng.random(n) < 0.35, "0-17", "18-24")
    older_bands = _choose({"25-34": 0.32, "35-44": 0.27, "45-54": 0.2, "55-64": 0.12, "65+": 0.09}, n, rng)
    bands = np.where(under_25, young_bands, older_bands).astype(object)
    bands[unknown | ~person] = None
    return bands
