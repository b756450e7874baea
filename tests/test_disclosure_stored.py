"""Partner protections solved when a snapshot is sealed (``swp_data.disclosure.stored``).

The stored cells must be exactly what solving the period on the spot gives, for every sensitive
family and closed period of the demo store (built through the real import path), and they must
be used only for the loads, threshold and ward groups they were solved for.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from swp_data import selection
from swp_data.calc.engine import Engine
from swp_data.disclosure import closed
from swp_data.disclosure.closed import PublishedCells
from swp_data.filters import Filters
from swp_data.grid import GridCache
from swp_data.periods import Period
from swp_data.settings import get_settings
from swp_data.views import Dashboard


def _cells(connection: duckdb.DuckDBPyConnection, threshold: int | None = None) -> PublishedCells:
    chosen = get_settings().disclosure_threshold if threshold is None else threshold
    return PublishedCells(Engine(connection, GridCache(), aggregates_only=True), chosen)


def test_the_demo_snapshot_stores_every_closed_period_of_every_family_as_solving_it_gives(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        cells = _cells(connection)
        solved = cells.stored()
        assert solved is not None
        families = {family for family, _ in solved}
        years = {period for _, period in solved if period.startswith("FY")}
        assert len(families) >= 10 and {"FY2019", "FY2024"} <= years
        fresh = _cells(connection)
        fresh._stored = lambda *_: None  # type: ignore[method-assign]  # solve every period now
        for (family, period), (values, protection) in solved.items():
            kpi = next(k for k in _sensitive(fresh) if fresh.family(k).name == family)
            if period.startswith("FY"):
                again = fresh.year(kpi, "numerator", int(period[2:]))
            else:
                again = fresh.quarter(kpi, "numerator", Period.parse(period).first)
            assert again[0] == values, (family, period)
            assert again[1].status == protection.status, (family, period)


def _sensitive(cells: PublishedCells) -> list:  # type: ignore[type-arg]
    from swp_data.kpis.catalogue import catalogue

    return [k for k in catalogue().values() if k.sensitive and k.kind.gridded]


def test_partner_pages_read_the_stored_protections_and_solve_nothing(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a stored period was solved again")

    monkeypatch.setattr(closed, "protect_family_year", refuse)
    monkeypatch.setattr(closed, "protect_family_quarter", refuse)
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        partner = Dashboard(connection, GridCache(), access="partner")
        year = Period.parse("2024/25Q1", "2024/25Q4")
        ward_year = partner.result("domestic_abuse_crimes", Filters(selection.resolve("Park"), year))
        assert ward_year.current.value is not None or ward_year.current.suppressed
        city_quarter = partner.result("firearm_crime", Filters(selection.city(), Period.parse("2025/26Q1")))
        assert city_quarter.current.value is not None or city_quarter.current.suppressed
        # And the figure is the stored cell: the same as an analyst's count, where it is shown.
        analyst = Dashboard(connection, GridCache(), access="analyst")
        if not ward_year.current.suppressed:
            expected = analyst.result("domestic_abuse_crimes", Filters(selection.resolve("Park"), year)).current.value
            assert ward_year.current.value == expected


@pytest.mark.parametrize(
    "change",
    ["another threshold", "other ward groups", "other loads"],
)
def test_protections_solved_for_something_else_are_not_used(demo_db: Path, tmp_path: Path, change: str) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        cells = _cells(connection, get_settings().disclosure_threshold + (2 if change == "another threshold" else 0))
        if change == "other ward groups":
            cells.groups = {"Somewhere": (0, 1)}
        if change == "other loads":
            cells.engine.version = ("a later load",)
        assert cells.stored() is None
        assert _cells(connection).stored() is not None
