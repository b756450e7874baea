"""What an independent attack on the partner tier found, each now closed (issue 11's review).

Each test replays the attack on the demo store and checks the partner gets nothing the
published cells do not give: the recovered values are checked against the analyst view.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from swp_data import selection, settings
from swp_data.filters import Filters
from swp_data.grid import GridCache
from swp_data.periods import Period, Quarter
from swp_data.selection import WardSelection, load_ward_groups
from swp_data.views import Dashboard

YEAR_2019 = Period.parse("2019/20Q1", "2019/20Q4")
BILSTON_NORTH = selection.resolve("Bilston North")


@pytest.fixture(scope="module")
def connection(demo_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(demo_db), read_only=True)


def test_a_hand_built_selection_is_read_by_its_wards_not_its_label(connection: duckdb.DuckDBPyConnection) -> None:
    """A ward dressed as a group (or as the city) gets the ward's own published figure, never the analysts'."""
    partner = Dashboard(connection)
    analyst = Dashboard(connection, access="analyst")
    honest = partner.result("firearm_crime", Filters(BILSTON_NORTH, YEAR_2019))
    truth = analyst.result("firearm_crime", Filters(BILSTON_NORTH, YEAR_2019)).current.value
    assert honest.shown_as == "<5" and truth is not None and 1 <= truth <= 4  # the attack's target
    group_label = next(iter(load_ward_groups()))
    for forged in (
        WardSelection(BILSTON_NORTH.wards, group_label, "group"),
        WardSelection(BILSTON_NORTH.wards, "Wolverhampton", "city"),
    ):
        result = partner.result("firearm_crime", Filters(forged, YEAR_2019))
        assert result.current.value is None and result.shown_as == "<5", (forged, result.current)
        assert result.selection == "Bilston North"


def test_a_group_edited_while_the_app_runs_is_protected_as_it_now_is(
    connection: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Protections are cached per group definitions: adding a <5 ward to a shown group must not open it."""
    cache = GridCache()
    groups = tmp_path / "ward_groups.toml"
    groups.write_text('[[group]]\nname = "Pennfields"\nwards = ["Penn"]\n')
    monkeypatch.setenv("SWP_WARD_GROUPS_PATH", str(groups))
    settings.get_settings.cache_clear()
    try:
        before = Dashboard(connection, cache).result(
            "firearm_crime", Filters(selection.from_group("Pennfields"), YEAR_2019)
        )
        groups.write_text('[[group]]\nname = "Pennfields"\nwards = ["Penn", "Bilston North"]\n')
        grown = selection.from_group("Pennfields")
        after = Dashboard(connection, cache).result("firearm_crime", Filters(grown, YEAR_2019))
        fresh = Dashboard(connection, GridCache()).result("firearm_crime", Filters(grown, YEAR_2019))
    finally:
        settings.get_settings.cache_clear()
    assert before.selection == "Pennfields" and len(grown.wards) == 2
    assert (after.current.value, after.shown_as) == (fresh.current.value, fresh.shown_as)
    if before.current.value is not None and after.current.value is not None:
        bilston = Dashboard(connection, access="analyst").result("firearm_crime", Filters(BILSTON_NORTH, YEAR_2019))
        assert after.current.value - before.current.value != bilston.current.value or bilston.current.value > 4


def test_a_provisional_cohort_is_not_published_until_it_is_final(connection: duckdb.DuckDBPyConnection) -> None:
    """Reoffending cohorts are revised for 18 months: each revision would differ by people, so partners wait."""
    partner = Dashboard(connection)
    analyst = Dashboard(connection, access="analyst")
    latest = Period.parse(partner.default_quarter())
    shown = analyst.result("reoffending_rate_youth", Filters(selection.city(), latest))
    assert shown.provisional and shown.current.value is not None
    hidden = partner.result("reoffending_rate_youth", Filters(selection.city(), latest))
    assert hidden.current.value is None and hidden.shown_as == "not published"
    final = Period(Quarter(2022, 1), Quarter(2022, 1))
    assert not analyst.result("reoffending_rate_youth", Filters(selection.city(), final)).provisional
    published = partner.result("reoffending_rate_youth", Filters(selection.city(), final))
    assert published.current.value is not None or published.shown_as in ("suppressed (small numbers)",)


def test_a_repeat_kpis_ward_trend_has_closed_windows_only(connection: duckdb.DuckDBPyConnection) -> None:
    partner = Dashboard(connection)
    east_park = selection.resolve("East Park")
    checked = 0
    for key in ("repeat_ppv", "repeat_ppv_offenders", "repeat_victimisation", "nc_repeat_offenders"):
        series = partner.series(key, Filters(east_park, Period.parse("2026/27Q2")))
        checked += len(series)
        assert all(period.startswith("12 months to Mar") for period in series["period"]), (key, list(series["period"]))
        assert "12 months to Mar 2027" not in set(series["period"])
    assert checked >= 4  # closed years do have points


def _companions() -> list[tuple[str, str]]:
    """(count, other) pairs of sensitive ward KPIs built on one source measure."""
    from swp_data.kpis.catalogue import catalogue

    kpis = [k for k in catalogue().values() if k.sensitive and k.geography == "ward" and k.kind.gridded]
    return [
        (count.key, other.key)
        for count in kpis
        if count.kind.publishes_count
        for other in kpis
        if other.key != count.key and set(count.measures) & set(other.measures)
    ]


def test_there_are_companion_kpis() -> None:
    assert ("cj_treatment_referrals", "cj_treatment_referral_share") in _companions()
    assert ("drug_tests", "drug_tests_positive") in _companions()


@pytest.mark.parametrize(("count", "other"), _companions())
def test_a_companion_is_shown_only_where_its_count_is(
    connection: duckdb.DuckDBPyConnection, count: str, other: str
) -> None:
    """The review's attack 5: a share shown beside its count's withheld cell gave the count away."""
    partner = Dashboard(connection)
    for fy in (2023, 2024, 2025):
        filters = Filters(selection.city(), Period(Quarter(fy, 1), Quarter(fy, 4)))
        counts = partner.by_ward(count, filters).set_index("ward_code")
        others = partner.by_ward(other, filters).set_index("ward_code")
        for code, row in others.iterrows():
            if row["value"] is not None and row["value"] == row["value"]:
                assert not counts.loc[code, "shown_as"], (fy, code, counts.loc[code, "shown_as"])
