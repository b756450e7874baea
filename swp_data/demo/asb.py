"""Demo ASB incidents from police, council and housing systems."""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd

from swp_data import vocab
from swp_data.demo import calibration as cal
from swp_data.demo.crime import _allocate, _choose, _ward_drift, _year_total
from swp_data.demo.identities import assign_repeating_ids

ASB_PER_YEAR = {
    2019: 11_800,
    2020: 14_900,
    2021: 11_200,
    2022: 10_400,
    2023: 10_100,
    2024: 9_800,
    2025: 9_600,
    2026: 9_500,
}
CATEGORIES = {"personal": 0.20, "nuisance": 0.70, "environmental": 0.10}
THEMES = {
    "youth-related": 0.22,
    "off-road motorbikes": 0.08,
    "vagrancy/begging": 0.06,
    "alcohol": 0.09,
    "drugs": 0.10,
    "neighbour dispute": 0.15,
    "vehicle nuisance": 0.10,
    "other": 0.20,
}
AGENCIES = {"police": 0.60, "council": 0.30, "housing": 0.10}
INTERVENTIONS = {
    "warning letter": 0.08,
    "acceptable behaviour contract": 0.03,
    "community protection warning": 0.04,
    "community protection notice": 0.02,
    "injunction": 0.007,
    "criminal behaviour order": 0.005,
    "closure order": 0.003,
    "restorative justice": 0.015,
}
SUMMER_THEMES = {"off-road motorbikes": 1.9, "youth-related": 1.3, "alcohol": 1.2}


def generate_asb(rng: np.random.Generator) -> pd.DataFrame:
    """Every demo ASB incident, April 2019 to September 2026, in the ASB template's columns."""
    places = cal.city()
    drift = _ward_drift(rng, len(cal.FINANCIAL_YEARS), sigma=0.08)
    months_parts, lsoa_parts = [], []
    for year_no, fy in enumerate(cal.FINANCIAL_YEARS):
        total = _year_total(ASB_PER_YEAR[fy], fy, "asb")
        months, lsoas = _allocate(
            total,
            cal.months_in_year(fy),
            cal.month_weights("asb"),
            cal.spatial_weights(vocab.ASB_CRIME_TYPE),
            drift[year_no],
            rng,
        )
        months_parts.append(months)
        lsoa_parts.append(lsoas)
    month_idx = np.concatenate(months_parts)
    lsoa_idx = np.concatenate(lsoa_parts)
    n = len(month_idx)
    ward_idx = places.lsoa["ward_code"].astype("category").cat.codes.to_numpy()[lsoa_idx]
    calendar_month = np.array([m.month for m in cal.MONTHS])[month_idx]
    summer = np.isin(calendar_month, [5, 6, 7, 8])

    theme_names = list(THEMES)
    base = np.array([THEMES[t] for t in theme_names])
    summer_boost = np.array([SUMMER_THEMES.get(t, 1.0) for t in theme_names])
    themes = np.empty(n, dtype=object)
    for is_summer in (False, True):
        rows = np.flatnonzero(summer == is_summer)
        probs = base * (summer_boost if is_summer else 1.0)
        themes[rows] = rng.choice(np.array(theme_names, dtype=object), size=len(rows), p=probs / probs.sum())

    days = np.array([calendar.monthrange(m.year, m.month)[1] for m in cal.MONTHS])[month_idx]
    dates = np.array(cal.MONTHS, dtype="datetime64[D]")[month_idx] + (rng.random(n) * days).astype("timedelta64[D]")
    year_no = month_idx // 12
    # Tools and powers are used more each year (the strategy asks for more positive outcomes).
    intervention_rate = 0.16 + 0.012 * year_no
    used = rng.random(n) < intervention_rate
    interventions = np.where(used, _choose(INTERVENTIONS, n, rng), "none")
    frame = pd.DataFrame(
        {
            "incident_id": [f"ASB-{i:07d}" for i in rng.permutation(n) + 1],
            "incident_date": pd.to_datetime(dates).strftime("%Y-%m-%d"),
            "lsoa_code": places.codes[lsoa_idx],
            "category": _choose(CATEGORIES, n, rng),
            "theme": themes,
            "caller_id": assign_repeating_ids(month_idx, ward_idx, np.full(n, 0.22), "C", rng),
            "location_id": assign_repeating_ids(month_idx, ward_idx, np.full(n, 0.30), "L", rng),
            "reporting_agency": _choose(AGENCIES, n, rng),
            "intervention": interventions,
        }
    )
    anonymous = rng.random(n) < 0.12  # anonymous reports carry no caller
    frame.loc[anonymous, "caller_id"] = None
    return frame.sort_values("incident_date", kind="stable", ignore_index=True)
