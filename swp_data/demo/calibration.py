"""What the demo data is calibrated to: real places, real mixes, the partnership's own figures.

- Where crime and ASB happen: the real June 2018 data.police.uk records for
  Wolverhampton (placed in LSOAs by their coordinates), blended with a prior of
  population x deprivation (IMD 2019), so sparse categories still spread sensibly.
- The mix of non-violent crime types: the same June 2018 records.
- Violence, its victims' ages, and the alcohol and drug keyword shares: the
  figures in the strategy documents (seed 002) and the KPI catalogue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from swp_data import geography, vocab
from swp_data.periods import Quarter, add_months
from swp_data.settings import REFERENCE_DIR

FIRST_MONTH = date(2019, 4, 1)
LAST_MONTH = date(2026, 9, 1)  # 2026/27 Q2: a fixed range, so figures never shift with the calendar
MONTHS: list[date] = [add_months(FIRST_MONTH, i) for i in range(90)]
FINANCIAL_YEARS: list[int] = sorted({Quarter.containing(m).fy_start for m in MONTHS})
SEED = 20190401

# Total recorded crime per financial year (2026/27 is scaled to its six months).
TOTAL_RECORDED_CRIME: dict[int, int] = {
    2019: 33_400,
    2020: 30_600,
    2021: 34_700,
    2022: 35_300,
    2023: 34_600,
    2024: 33_900,
    2025: 33_200,
    2026: 32_800,
}
# Seed 002: violence with injury 3,964 (2021/22) and 3,950 (2022/23); other years follow the trend.
VIOLENCE_WITH_INJURY: dict[int, int] = {
    2019: 3_720,
    2020: 3_310,
    2021: 3_964,
    2022: 3_950,
    2023: 3_890,
    2024: 3_810,
    2025: 3_700,
    2026: 3_640,
}
# Seed 002 victim ages for violence with injury: (under 25, 25+); the rest have no age recorded.
VWI_VICTIM_AGES: dict[int, tuple[int, int]] = {2021: (1_119, 2_690), 2022: (1_011, 2_882)}
# Seed 002 keyword shares of total recorded crime, Oct 21 - Sep 22: alcohol 11.6%, drugs 3.3%.
ALCOHOL_SHARE: dict[int, float] = {
    2019: 0.121,
    2020: 0.104,
    2021: 0.117,
    2022: 0.117,
    2023: 0.113,
    2024: 0.111,
    2025: 0.108,
    2026: 0.107,
}
DRUG_SHARE: dict[int, float] = {
    2019: 0.031,
    2020: 0.036,
    2021: 0.033,
    2022: 0.033,
    2023: 0.034,
    2024: 0.035,
    2025: 0.034,
    2026: 0.034,
}

# Share of total recorded crime by subgroup (violence with injury is set by its own target).
VIOLENCE_SHARES: dict[str, float] = {  # seed 002: violence against the person ~45% of crime
    "violence without injury": 0.158,
    "stalking and harassment": 0.178,
    "homicide": 0.00015,
    "rape": 0.011,
    "other sexual offences": 0.017,
}
NON_VIOLENT_SHARE = 1 - 0.114 - sum(VIOLENCE_SHARES.values())
# How a data.police.uk crime type splits into Home Office subgroups.
TYPE_SPLITS: dict[str, dict[str, float]] = {
    "Burglary": {"burglary residential": 0.74, "burglary business and community": 0.26},
    "Robbery": {"robbery of personal property": 0.88, "robbery of business property": 0.12},
    "Vehicle crime": {"theft from vehicle": 0.55, "theft of vehicle": 0.35, "vehicle interference": 0.10},
}

# Monthly seasonality (index by calendar month 1..12), relative to an even year.
SEASONALITY: dict[str, list[float]] = {
    "violence": [0.92, 0.86, 0.97, 0.98, 1.06, 1.08, 1.10, 1.06, 1.00, 0.98, 0.96, 1.03],
    "acquisitive": [1.05, 0.93, 0.97, 0.94, 0.96, 0.93, 0.96, 0.98, 0.99, 1.07, 1.10, 1.12],
    "asb": [0.82, 0.80, 0.92, 1.04, 1.12, 1.18, 1.22, 1.14, 1.00, 0.98, 0.92, 0.86],
    "flat": [1.0] * 12,
}
ACQUISITIVE_TYPES = {
    "Burglary",
    "Vehicle crime",
    "Robbery",
    "Theft from the person",
    "Bicycle theft",
    "Shoplifting",
    "Other theft",
}


def covid_factor(month: date, kind: str) -> float:
    """The spring 2020 lockdown: most crime fell, ASB reports (including breaches) rose."""
    effects = {
        date(2020, 4, 1): 0.72,
        date(2020, 5, 1): 0.80,
        date(2020, 6, 1): 0.90,
        date(2021, 1, 1): 0.86,
        date(2021, 2, 1): 0.88,
    }
    factor = effects.get(month, 1.0)
    if kind == "asb":
        return 1 + 2.2 * (1 - factor)
    return factor


def season_kind(crime_type: str) -> str:
    """Which seasonal profile a crime type follows."""
    if crime_type == vocab.ASB_CRIME_TYPE:
        return "asb"
    if crime_type in ACQUISITIVE_TYPES:
        return "acquisitive"
    if crime_type in ("Violence and sexual offences", "Public order", "Criminal damage and arson"):
        return "violence"
    return "flat"


def month_weights(kind: str) -> np.ndarray:
    """Relative weight of each demo month for a seasonal profile, lockdown included."""
    return np.array([SEASONALITY[season_kind_key(kind)][m.month - 1] * covid_factor(m, kind) for m in MONTHS])


def season_kind_key(kind: str) -> str:
    """Seasonal profile name from a profile or a crime type."""
    return kind if kind in SEASONALITY else season_kind(kind)


@dataclass(frozen=True)
class Geography:
    """LSOA 2021 codes with their ward, population and deprivation."""

    lsoa: pd.DataFrame  # lsoa_code, ward_code, population, imd_score

    @property
    def codes(self) -> np.ndarray:
        """LSOA codes, in a fixed order."""
        return self.lsoa["lsoa_code"].to_numpy()

    def prior(self, deprivation_power: float = 1.2) -> np.ndarray:
        """Where things happen absent data: population x deprivation, normalised."""
        weights = self.lsoa["population"].to_numpy() * (self.lsoa["imd_score"].to_numpy() / 30) ** deprivation_power
        return weights / weights.sum()


@cache
def city() -> Geography:
    """The 161 current LSOAs of Wolverhampton."""
    lsoa = geography.reference_tables().lsoa
    current = lsoa[lsoa["vintage"] != "2011"][["lsoa_code", "ward_code", "population", "imd_score"]]
    return Geography(current.reset_index(drop=True))


@cache
def june_2018_records() -> pd.DataFrame:
    """The real June 2018 records (deduplicated on id) with their LSOA 2021 from coordinates."""
    records: dict[int, dict[str, object]] = {}
    for path in sorted((REFERENCE_DIR / "police_api_2018_06").glob("*.json")):
        for record in json.loads(path.read_text()):
            records[record["id"]] = {
                "crime_type": vocab.POLICE_API_CATEGORIES[record["category"]],
                "longitude": float(record["location"]["longitude"]),
                "latitude": float(record["location"]["latitude"]),
            }
    frame = pd.DataFrame(records.values())
    frame["lsoa_code"] = geography.lsoa_locator().locate(frame["longitude"].to_numpy(), frame["latitude"].to_numpy())
    return frame


@cache
def spatial_weights(crime_type: str) -> np.ndarray:
    """Share of a crime type in each LSOA: half the real June 2018 pattern, half the prior."""
    places = city()
    records = june_2018_records()
    counts = records[records["crime_type"] == crime_type]["lsoa_code"].value_counts()
    observed = np.array([counts.get(code, 0) for code in places.codes], dtype=float)
    prior = places.prior()
    if observed.sum() == 0:
        return prior
    blended = 0.5 * observed / observed.sum() + 0.5 * prior
    return blended / blended.sum()


@cache
def non_violent_mix() -> dict[str, float]:
    """Shares of the non-violent crime types, from the real June 2018 records."""
    records = june_2018_records()
    crimes = records[~records["crime_type"].isin([vocab.ASB_CRIME_TYPE, "Violence and sexual offences"])]
    shares = crimes["crime_type"].value_counts(normalize=True)
    return {str(k): float(v) for k, v in shares.items()}


def subgroup_shares() -> dict[str, float]:
    """Share of total recorded crime for every subgroup except violence with injury."""
    shares = dict(VIOLENCE_SHARES)
    for crime_type, share in non_violent_mix().items():
        split = TYPE_SPLITS.get(crime_type)
        if split is None:
            subgroup = vocab.subgroup_for_crime_type(crime_type)
            assert subgroup is not None, crime_type
            split = {subgroup: 1.0}
        for subgroup, part in split.items():
            shares[subgroup] = shares.get(subgroup, 0.0) + NON_VIOLENT_SHARE * share * part
    return shares


def months_in_year(fy_start: int) -> list[int]:
    """Indexes into MONTHS of a financial year's demo months."""
    return [i for i, m in enumerate(MONTHS) if Quarter.containing(m).fy_start == fy_start]
