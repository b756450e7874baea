"""A partner's test of change allows for overdispersion from the cells they see, never from unpublished months.

An analyst's test of a count divides it by the dispersion phi of the selection's monthly
counts. Partners do not see months (city figures are quarterly, ward figures yearly), and
with the published counts of both periods a p-value built on monthly phi would give phi
away. So two stores whose quarters agree but whose months differ must give a partner the
same test, while an analyst's differs.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import numpy as np
import pytest

from swp_data import access, geography, selection, store
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.periods import Period, Quarter
from swp_data.sources import SOURCES
from swp_data.stats.dispersion import estimate
from swp_data.stats.tests_of_change import count_change_test, poisson_e_test
from swp_data.views import Dashboard

WARDS = sorted(selection.ward_names())
QUARTERS = [Quarter(fy, n) for fy in (2022, 2023) for n in (1, 2, 3, 4)]
YEAR = Period(QUARTERS[4], QUARTERS[7])  # 2023/24, compared with 2022/23
THRESHOLD = 4


def _counts() -> np.ndarray:
    """Hate crimes per ward and quarter: 10 to 30, so every published cell is shown."""
    return np.random.default_rng(10).integers(10, 31, size=(len(WARDS), len(QUARTERS)))


def _lsoa(ward: str) -> str:
    lsoa = geography.reference_tables().lsoa
    return str(lsoa[(lsoa["ward_code"] == ward) & (lsoa["vintage"] != "2011")]["lsoa_code"].iloc[0])


def build(folder: Path, counts: np.ndarray, lumpy: bool) -> duckdb.DuckDBPyConnection:
    """The same quarterly counts, spread evenly over each quarter's months or (lumpy) all in its first month."""
    folder.mkdir()
    rows: list[dict[str, object]] = []
    for w, ward in enumerate(WARDS):
        for q, quarter in enumerate(QUARTERS):
            for i in range(int(counts[w, q])):
                month = quarter.months[0 if lumpy else i % 3]
                rows.append(
                    {
                        "crime_id": f"H{w}-{q}-{i}",
                        "recorded_date": f"{month:%Y-%m}-15",
                        "lsoa_code": _lsoa(ward),
                        "offence_subgroup": "public order",
                        "hate_crime": "yes",
                        "hate_strand": ("race", "religion", "disability")[i % 3],
                    }
                )
    for q, quarter in enumerate(QUARTERS):  # the source covers every month
        for m, month in enumerate(quarter.months):
            rows.append(
                {
                    "crime_id": f"Z{q}-{m}",
                    "recorded_date": f"{month:%Y-%m}-15",
                    "lsoa_code": _lsoa(WARDS[0]),
                    "offence_subgroup": "shoplifting",
                    "hate_crime": "no",
                }
            )
    path = folder / "crime.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, [c.name for c in SOURCES["crime"].columns])
        writer.writeheader()
        writer.writerows(rows)
    connection = store.memory_store()
    import_paths([path], connection=connection)
    return connection


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("significance")
    counts = _counts()
    return {"even": build(folder / "even", counts, False), "lumpy": build(folder / "lumpy", counts, True)}


def _comparison(connection: duckdb.DuckDBPyConnection, level: access.Access, chosen: selection.WardSelection):
    board = Dashboard(connection, access=level, threshold=THRESHOLD)
    result = board.result("hate_crime", Filters(chosen, YEAR))
    assert not result.suppressed and result.comparison is not None
    return result.comparison


def test_analysts_test_allows_for_the_monthly_counts(stores: dict[str, duckdb.DuckDBPyConnection]) -> None:
    even = _comparison(stores["even"], access.ANALYST, selection.city())
    lumpy = _comparison(stores["lumpy"], access.ANALYST, selection.city())
    # All of a quarter's crimes in its first month: the months swing from hundreds to none, phi is large.
    assert "from 24 monthly counts" in lumpy.test and "allowing for overdispersion" in lumpy.test
    assert even.test != lumpy.test and even.p_value != lumpy.p_value  # so a p-value would carry phi


def test_partners_test_uses_only_the_quarters_they_see(stores: dict[str, duckdb.DuckDBPyConnection]) -> None:
    """The city's trend for partners is its quarters; phi is estimated from the 8 quarterly counts and
    the change tested on the year's counts, each derived from published cells only."""
    counts = _counts()
    city = counts.sum(axis=0)
    expected = count_change_test(
        int(city[4:].sum()),
        int(city[:4].sum()),
        dispersion=estimate([(float(c), 1.0) for c in city], "quarterly"),
    )
    for name in ("even", "lumpy"):
        shown = _comparison(stores[name], access.PARTNER, selection.city())
        assert (shown.p_value, shown.test) == (pytest.approx(expected[0]), expected[1])
    assert "8 quarterly counts" in expected[1]


def test_a_wards_partner_test_uses_its_published_years(stores: dict[str, duckdb.DuckDBPyConnection]) -> None:
    """A ward's trend for partners is yearly: two years are too few to estimate phi, so the plain E-test
    of its two published year counts (and the test says why it does not allow for overdispersion)."""
    counts = _counts()
    park = selection.resolve("Park")
    row = WARDS.index(park.wards[0])
    now, then = int(counts[row, 4:].sum()), int(counts[row, :4].sum())
    for name in ("even", "lumpy"):
        shown = _comparison(stores[name], access.PARTNER, park)
        assert shown.p_value == pytest.approx(poisson_e_test(now, then))
        assert shown.test == "Poisson E-test, overdispersion not estimated: too few consecutive yearly counts"
    assert _comparison(stores["lumpy"], access.ANALYST, park).test.endswith("from 24 monthly counts)")
