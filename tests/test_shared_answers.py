"""Answers shared across sessions (issue 13 item 4): keyed by filters and access, never mixed, never mutated.

A second session asking what the first asked reads the first's answer; a rerun that changed
nothing recomputes nothing; a partner never receives an analyst's answer; a caller changing its
frame changes nobody else's; a new snapshot is never answered from the old one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from test_pages import APP

from swp_data import snapshots
from swp_data.access import ANALYST
from swp_data.filters import Filters
from swp_data.grid import GridCache, ResultCache
from swp_data.periods import Period
from swp_data.selection import city, resolve
from swp_data.views import Dashboard

YEAR = Period.parse("2025/26Q1", "2025/26Q4")


@pytest.fixture(scope="module")
def connection(demo_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(demo_db), read_only=True)


def test_a_second_session_reads_the_first_sessions_answers(connection: duckdb.DuckDBPyConnection) -> None:
    shared = GridCache()
    filters = Filters(resolve("Heath Town"), YEAR)
    first = Dashboard(connection.cursor(), shared)
    table = first.overview(filters)
    misses = shared.results.misses
    assert misses > 0
    second = Dashboard(connection.cursor(), shared)  # another session, the same snapshot
    assert second.overview(filters).equals(table)
    assert shared.results.misses == misses  # nothing recomputed
    second.overview(Filters(resolve("Park"), YEAR))  # new filters: computed
    assert shared.results.misses > misses


def test_partners_and_analysts_never_share_an_answer(connection: duckdb.DuckDBPyConnection) -> None:
    shared = GridCache()
    filters = Filters(resolve("Heath Town"), YEAR)
    partner = Dashboard(connection.cursor(), shared)
    analyst = Dashboard(connection.cursor(), shared, access=ANALYST)
    withheld = partner.result("firearm_crime", filters)
    assert withheld.suppressed and withheld.current.value is None
    exact = analyst.result("firearm_crime", filters)  # asked second: must not be the partner's answer
    assert not exact.suppressed and exact.current.value is not None
    assert partner.result("firearm_crime", filters).suppressed  # ... nor the other way round
    misses = shared.results.misses
    Dashboard(connection.cursor(), shared, threshold=2).result("firearm_crime", filters)
    assert shared.results.misses > misses  # another threshold is another question


def test_a_caller_changing_its_frame_changes_nobody_elses(connection: duckdb.DuckDBPyConnection) -> None:
    shared = GridCache()
    filters = Filters(city(), YEAR)
    board = Dashboard(connection.cursor(), shared)
    mine = board.by_ward("violence_with_injury", filters)
    expected = mine["value"].sum()
    mine["value"] = 0
    del mine["ward_name"]
    theirs = Dashboard(connection.cursor(), shared).by_ward("violence_with_injury", filters)
    assert theirs["value"].sum() == expected and "ward_name" in theirs
    funnel = board.funnel("violence_with_injury", filters)
    assert funnel is not None
    funnel.points.loc[:, "versus_city"] = "tampered"
    again = board.funnel("violence_with_injury", filters)
    assert again is not None and "tampered" not in set(again.points["versus_city"])


def test_the_cache_is_bounded_least_recently_used_first_out() -> None:
    cache = ResultCache(max_items=2)
    built: list[str] = []

    def build(name: str) -> object:
        built.append(name)
        return name

    cache.get(("a",), lambda: build("a"))
    cache.get(("b",), lambda: build("b"))
    cache.get(("a",), lambda: build("a"))  # a is now the most recent
    cache.get(("c",), lambda: build("c"))  # b goes
    cache.get(("a",), lambda: build("a"))
    cache.get(("b",), lambda: build("b"))
    assert built == ["a", "b", "c", "b"] and len(cache) == 2


def test_a_rerun_that_changed_nothing_recomputes_nothing(app_on_demo: Path) -> None:
    from swp_app import session

    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params["wards"] = "Heath Town"
    app.run()
    app.switch_page("pages/violence_prevention.py").run()
    assert not app.exception
    answers = session._grid_cache(str(app_on_demo), snapshots.snapshot_id(app_on_demo)).results
    misses = answers.misses
    app.run()  # the same page, the same filters
    assert not app.exception
    assert answers.misses == misses and answers.hits > 0


def test_every_wards_figures_are_shared_by_every_selection_each_marking_its_own(
    connection: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ward table and funnel do not depend on the wards chosen: a second ward reuses them, marked anew."""
    built: list[Filters] = []
    build = Dashboard._by_ward
    monkeypatch.setattr(
        Dashboard, "_by_ward", lambda self, key, filters: built.append(filters) or build(self, key, filters)
    )
    shared = GridCache()
    board = Dashboard(connection.cursor(), shared, access=ANALYST)
    heath_town = board.by_ward("violence_with_injury", Filters(resolve("Heath Town"), YEAR))
    funnel = board.funnel("violence_with_injury", Filters(resolve("Heath Town"), YEAR))
    misses = shared.results.misses
    park = Dashboard(connection.cursor(), shared, access=ANALYST).by_ward(
        "violence_with_injury", Filters(resolve("Park"), YEAR)
    )
    # Only the new question's own entry was computed: the wards' figures were built once, for the city.
    assert shared.results.misses == misses + 1
    assert built == [Filters(city(), YEAR)]
    assert park.drop(columns="selected").equals(heath_town.drop(columns="selected"))
    assert park.loc[park["selected"], "ward_name"].tolist() == ["Park"]
    assert heath_town.loc[heath_town["selected"], "ward_name"].tolist() == ["Heath Town"]
    assert funnel is not None and funnel.points.loc[funnel.points["selected"], "ward_name"].tolist() == ["Heath Town"]
    city_wide = board.by_ward("violence_with_injury", Filters(city(), YEAR))
    assert not city_wide["selected"].any()


def test_a_snapshots_data_version_is_read_once(demo_db: Path) -> None:
    """Every rerun builds a Dashboard; the snapshot's version is asked of the store once, then remembered."""
    from swp_app.session import _snapshot_version
    from swp_data.store import data_version

    cache = GridCache()
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        first = connection.cursor()
        expected = data_version(first)
        assert _snapshot_version(cache, first) == expected and expected[0] > 0
        first.close()  # a second read of the store would now fail
        assert _snapshot_version(cache, first) == expected
        board = Dashboard(connection.cursor(), cache, version=_snapshot_version(cache, first))
        assert board.engine.version == expected
    assert (
        _snapshot_version(GridCache(), duckdb.connect(str(demo_db), read_only=True)) == expected
    )  # a new snapshot's cache asks again
