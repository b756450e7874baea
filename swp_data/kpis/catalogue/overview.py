"""Overview KPIs: total recorded crime and the alcohol and drug keyword shares (seed 002)."""

from __future__ import annotations

from swp_data.kpis.compose import count, share
from swp_data.kpis.model import Target
from swp_data.sources.police import CRIME

crime = CRIME.measures

KPIS = [
    count(
        crime.all_crime,
        key="total_recorded_crime",
        label="Total recorded crime",
        priority="overview",
        definition="All crimes recorded by the police in the selected wards and period (per 1,000 residents).",
        per_1000=True,
        direction="down",
        better="down",
        sensitive=False,
    ),
    share(
        crime.alcohol_related,
        of=crime.alcohol_recorded,
        key="alcohol_related_share",
        label="Alcohol-related crime (% of all crime)",
        priority="overview",
        definition=(
            "Share of recorded crimes flagged as alcohol-related. Seed 002: 11.6% in Wolverhampton against "
            "10.6% across the West Midlands (October 2021 to September 2022)."
        ),
        direction="down",
        better="down",
        sensitive=False,
        target=Target(value=10.6, kind="comparator", note="West Midlands, Oct 2021 - Sep 2022 (seed 002)"),
    ),
    share(
        crime.drug_related,
        of=crime.drug_recorded,
        key="drug_related_share",
        label="Drug-related crime (% of all crime)",
        priority="overview",
        definition=(
            "Share of recorded crimes flagged as drug-related. Seed 002: 3.3% in Wolverhampton against 5.7% "
            "across the West Midlands (October 2021 to September 2022)."
        ),
        direction="down",
        better="down",
        sensitive=False,
        target=Target(value=5.7, kind="comparator", note="West Midlands, Oct 2021 - Sep 2022 (seed 002)"),
    ),
]
