"""Overview KPIs: total recorded crime and the alcohol and drug keyword shares (seed 002)."""

from __future__ import annotations

from swp_data.kpis.model import Kpi, Target
from swp_data.kpis.queries import count_grid, share_grid

KPIS = [
    Kpi(
        key="total_recorded_crime",
        label="Total recorded crime",
        priority="overview",
        definition="All crimes recorded by the police in the selected wards and period (per 1,000 residents).",
        source="crime",
        measure="count",
        per_1000=True,
        numerator="Crimes recorded",
        direction="down",
        better="down",
        sensitive=False,
        sql=count_grid("crime", "true"),
    ),
    Kpi(
        key="alcohol_related_share",
        label="Alcohol-related crime (% of all crime)",
        priority="overview",
        definition=(
            "Share of recorded crimes flagged as alcohol-related. Seed 002: 11.6% in Wolverhampton against "
            "10.6% across the West Midlands (October 2021 to September 2022)."
        ),
        source="crime",
        measure="share",
        numerator="Crimes flagged alcohol-related",
        denominator="Crimes whose alcohol flag is recorded",
        direction="down",
        better="down",
        sensitive=False,
        sql=share_grid("crime", "alcohol_related", "alcohol_related is not null", "alcohol_related is null"),
        target=Target(value=10.6, kind="comparator", note="West Midlands, Oct 2021 - Sep 2022 (seed 002)"),
    ),
    Kpi(
        key="drug_related_share",
        label="Drug-related crime (% of all crime)",
        priority="overview",
        definition=(
            "Share of recorded crimes flagged as drug-related. Seed 002: 3.3% in Wolverhampton against 5.7% "
            "across the West Midlands (October 2021 to September 2022)."
        ),
        source="crime",
        measure="share",
        numerator="Crimes flagged drug-related",
        denominator="Crimes whose drug flag is recorded",
        direction="down",
        better="down",
        sensitive=False,
        sql=share_grid("crime", "drug_related", "drug_related is not null", "drug_related is null"),
        target=Target(value=5.7, kind="comparator", note="West Midlands, Oct 2021 - Sep 2022 (seed 002)"),
    ),
]
