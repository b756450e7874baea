"""What partners see of 'no data' and 'not available': the state where it says nothing about anyone, else suppression.

A store of force-extract crimes (flags recorded) in Penn and records with the domestic-abuse flag
blank in Park: for analysts Park's domestic abuse is 'not available' (every record in scope there
is unknown), but the city has judged records, so Park's state would tell a partner its judged count
is zero: partners get that count under the cells' rules instead (shown as partly known). A year
never loaded is 'no data' for both.
"""

from __future__ import annotations

import csv
from pathlib import Path

from swp_data import geography, store
from swp_data.access import ANALYST, PARTNER
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.periods import Period
from swp_data.selection import city, resolve
from swp_data.sources import SOURCES
from swp_data.views import Dashboard

PARK, PENN = "E05014851", "E05014852"
YEAR = Period.parse("2023/24Q1", "2023/24Q4")


def _lsoa_in(ward: str) -> str:
    lsoa = geography.reference_tables().lsoa
    return str(lsoa[(lsoa["ward_code"] == ward) & (lsoa["vintage"] != "2011")]["lsoa_code"].iloc[0])


def test_partners_see_a_state_only_where_it_discloses_nothing(tmp_path: Path) -> None:
    rows = []
    for i in range(24):  # two a month, April 2023 to March 2024
        ward, flag = (PENN, "yes" if i % 2 else "no") if i % 3 else (PARK, "")
        rows.append(
            {
                "crime_id": f"C{i}",
                "recorded_date": f"{2023 + (i // 2 + 3) // 12}-{(i // 2 + 3) % 12 + 1:02d}-10",
                "lsoa_code": _lsoa_in(ward),
                "offence_subgroup": "violence with injury",
                "domestic_abuse": flag,
            }
        )
    path = tmp_path / "crime.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, [c.name for c in SOURCES["crime"].columns])
        writer.writeheader()
        writer.writerows(rows)
    target = tmp_path / "s.duckdb"
    import_paths([path], target, progress=False)
    with store.opened(target, read_only=True) as connection:
        analyst, partner = Dashboard(connection, access=ANALYST), Dashboard(connection, access=PARTNER)
        park = Filters(resolve("Park"), YEAR)
        assert analyst.result("domestic_abuse_crimes", park).availability == "not available"
        shown = partner.result("domestic_abuse_crimes", park)
        # Its judged count under the cells' rules instead: 0, which the catalogue declares safe for this KPI.
        assert shown.availability == "partial" and shown.current.value == 0 and not shown.suppressed
        never_loaded = Filters(city(), Period.parse("2021/22Q1", "2021/22Q4"))
        assert partner.result("domestic_abuse_crimes", never_loaded).availability == "no data"
        assert not partner.result("domestic_abuse_crimes", never_loaded).suppressed
