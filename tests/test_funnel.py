"""Funnel plots and 'against the city' (Fingertips style), ranks that say what they order, targets by geography.

Hand computations:
- Poisson, city rate 0.01 per resident, wards of 1,000 and 4,000 residents with 20 and 40 events:
  expected 10 and 40; z = (20 - 10) / sqrt(10) = 3.1623 and (40 - 40) / sqrt(40) = 0. Without
  overdispersion the first ward is above the 99.8% limit (3.1623 > 3.0902). phi = mean(z^2) =
  (10 + 0) / 2 = 5 (no winsorising with 2 wards: floor(0.1 x 2) = 0), so z / sqrt(5) = 1.4142:
  within the limits once the wards' extra variation is allowed for.
- 95% limits for 1,000 residents at 0.01 (phi 1): 1.959964 x sqrt(0.01 x 1,000) / 1,000 = 0.0061981,
  so 0.0038019 to 0.0161981 per resident.
- Binomial, city 30%, 100 in scope: 1.959964 x sqrt(0.3 x 0.7 / 100) = 0.0898168 -> 21.018% to 38.982%.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from swp_data import store
from swp_data.access import ANALYST
from swp_data.filters import Filters
from swp_data.funnels import judgement
from swp_data.kinds import kind
from swp_data.kpis.catalogue import get
from swp_data.periods import Period
from swp_data.selection import city, resolve
from swp_data.stats import funnel
from swp_data.views import Dashboard

YEAR = Period.parse("2025/26Q1", "2025/26Q4")


def test_poisson_z_scores_and_dispersion_by_hand() -> None:
    observed, sizes = np.array([20.0, 40.0]), np.array([1_000.0, 4_000.0])
    z = funnel.z_scores(observed, sizes, 0.01, "poisson")
    assert z == pytest.approx([3.16228, 0.0], abs=1e-5)
    assert funnel.dispersion(observed, sizes, 0.01, "poisson") == pytest.approx(5.0)
    placed = funnel.place(observed, sizes, 0.01, "poisson")
    assert placed.phi == pytest.approx(5.0) and placed.position == ["within", "within"]
    assert z[0] > funnel.Z_998  # without allowing for overdispersion it would be 'above 99.8%'


def test_limits_by_hand() -> None:
    low, high = funnel.limits(0.01, np.array([1_000.0]), "poisson", funnel.Z_95)
    assert (low[0], high[0]) == pytest.approx((0.0038019, 0.0161981), abs=1e-6)
    low, high = funnel.limits(0.3, np.array([100.0]), "binomial", funnel.Z_95)
    assert (low[0], high[0]) == pytest.approx((0.2101832, 0.3898168), abs=1e-6)
    wide_low, wide_high = funnel.limits(0.3, np.array([100.0]), "binomial", funnel.Z_95, phi=4.0)
    assert wide_high[0] - 0.3 == pytest.approx(2 * (0.3898168 - 0.3), abs=1e-6)  # sqrt(4) = 2 times wider
    assert wide_low[0] == pytest.approx(0.3 - 2 * 0.0898168, abs=1e-6)


def test_one_extreme_ward_does_not_widen_every_limit() -> None:
    """Ten wards, nine on the city rate and one far above: winsorising the top 10% leaves phi at 1."""
    sizes = np.full(10, 1_000.0)
    observed = np.array([10.0] * 9 + [60.0])
    assert funnel.dispersion(observed, sizes, 0.01, "poisson") == 1.0
    assert funnel.place(observed, sizes, 0.01, "poisson").position[-1] == "above 99.8%"


def test_judgement_follows_the_desired_direction() -> None:
    assert judgement("down", "higher") == "worse" and judgement("down", "lower") == "better"
    assert judgement("up", "higher") == "better" and judgement("up", "lower") == "worse"
    assert judgement("neutral", "higher") == "not judged" and judgement("up", "similar") == "similar"


def test_ranks_say_what_they_order_and_never_best() -> None:
    assert kind("count").rank_order(get("total_recorded_crime")) == "1 = lowest rate per resident"
    assert kind("count").rank_order(get("domestic_abuse_crimes")) == "1 = highest rate per resident"  # up
    assert kind("share").rank_order(get("alcohol_related_share")).startswith("1 = lowest percentage")
    for key in ("domestic_abuse_crimes", "total_recorded_crime", "alcohol_related_share"):
        assert "best" not in get(key).kind.rank_order(get(key))


@pytest.fixture(scope="module")
def board(demo_db: Path):  # type: ignore[no-untyped-def]
    connection = store.connect(demo_db, read_only=True)
    yield Dashboard(connection, access=ANALYST)
    connection.close()


def test_ward_funnel_on_the_demo_matches_a_hand_calculation(board: Dashboard) -> None:
    filters = Filters(city(), YEAR)
    found = board.funnel("total_recorded_crime", filters)
    assert found is not None and found.family == "poisson"
    wards = board.by_ward("total_recorded_crime", filters)
    city_result = board.result("total_recorded_crime", filters)
    population = board.engine.population(city())
    assert population is not None and city_result.current.value is not None
    target = city_result.current.value / population
    assert found.city_value == pytest.approx(target * 1000)  # a full year: per 1,000 a year
    z = (wards["value"] - target * wards["population"]) / np.sqrt(target * wards["population"])
    z_sorted = np.sort(z.to_numpy())
    clipped = np.clip(z_sorted, z_sorted[2], z_sorted[-3])  # 20 wards: 10% is 2 at each end
    assert found.phi == pytest.approx(max(1.0, float(np.mean(clipped**2))))
    expected = np.where(
        z / np.sqrt(found.phi) > funnel.Z_95,
        "higher",
        np.where(z / np.sqrt(found.phi) < -funnel.Z_95, "lower", "similar"),
    )
    assert list(wards["versus_city"]) == list(expected)
    assert set(wards["judgement"]) <= {"better", "worse", "similar"}
    # Ranked by rate per resident, lowest first (the KPI wants fewer crimes).
    rates = wards["value"] / wards["population"]
    assert list(wards.sort_values("rank")["ward_code"]) == list(wards.assign(r=rates).sort_values(["r"])["ward_code"])


def test_a_city_target_is_not_applied_to_a_ward(board: Dashboard) -> None:
    ward = board.result("pact_meetings", Filters(resolve("Heath Town"), YEAR))
    whole = board.result("pact_meetings", Filters(city(), YEAR))
    assert ward.rag is None and ward.target is None
    assert ward.target_note is not None and "set for the whole city" in ward.target_note
    assert whole.target == 90 and whole.rag is not None


def test_the_ward_profile_reads_against_the_city_and_the_rank_order(board: Dashboard) -> None:
    from swp_app.tables import ward_profile_display

    profile = ward_profile_display(board.ward_profile("E05014848", Filters(city(), YEAR))).set_index("key")
    assert profile.loc["total_recorded_crime", "rank_order"] == "1 = lowest rate per resident"
    assert profile.loc["domestic_abuse_crimes", "rank_order"] == "1 = highest rate per resident"
    assert set(profile["versus_city"]) <= {
        "not compared",
        "similar to the city",
        "higher than the city (worse)",
        "lower than the city (better)",
        "higher than the city (better)",
        "lower than the city (worse)",
        "higher than the city",
        "lower than the city",
    }
    assert isinstance(pd.Series(profile["versus_city"]).iloc[0], str)
