"""SPC through the engine and the dashboard on the demo store: declared baselines and rebases, and partners' SPC.

The limits are checked against the series' own values, recomputed here step by step (mean;
moving ranges; screening at 3.267 mR-bar; mean +/- 2.66 mR-bar), not by calling the SPC code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest

from swp_app.tables import overview_display
from swp_data import selection
from swp_data.access import ANALYST
from swp_data.filters import Filters
from swp_data.kpis import catalogue
from swp_data.kpis.model import Rebase, SpcPlan
from swp_data.periods import Period
from swp_data.views import Dashboard

LATEST = Period.parse("2026/27Q2")  # the demo's last quarter: the monthly series runs Oct 2023 - Sep 2026
KEY = "violence_with_injury"


def by_hand(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and limits of XmR baseline points, written out."""
    mean = values.sum() / len(values)
    ranges = np.abs(values[1:] - values[:-1])
    mr_bar = ranges.sum() / len(ranges)
    kept = ranges[ranges < 3.267 * mr_bar]
    mr_bar = kept.sum() / len(kept)
    return mean, mean - 2.66 * mr_bar, mean + 2.66 * mr_bar


@pytest.fixture(scope="module")
def connection(demo_db: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(demo_db), read_only=True)


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Violence with injury declared with a rebase at April 2025 and limits fixed on 12 months."""
    kpis = dict(catalogue.catalogue())
    plan = SpcPlan(baseline_months=12, rebase=(Rebase(at=date(2025, 4, 1), reason="new recording system"),))
    kpis[KEY] = kpis[KEY].model_copy(update={"spc": plan})
    monkeypatch.setattr(catalogue, "catalogue", lambda: kpis)
    monkeypatch.setattr(catalogue, "get", lambda key: kpis[key])
    yield


def test_a_declared_rebase_and_baseline_set_the_limits_shown(
    connection: duckdb.DuckDBPyConnection, planned: None
) -> None:
    board = Dashboard(connection, access=ANALYST)
    filters = Filters(selection.city(), LATEST)
    frame = board.series(KEY, filters)
    assert len(frame) == 36 and frame["period"].iloc[0] == "Oct 2023"
    rebased = frame.index[frame["period"] == "Apr 2025"][0]
    assert list(frame["segment"]) == [0] * rebased + [1] * (36 - rebased)
    # The new limits come from Apr 2025 - Mar 2026 only, and are extended to Sep 2026.
    baseline = frame.loc[rebased : rebased + 11, "value"].to_numpy(dtype=float)
    mean, lower, upper = by_hand(baseline)
    assert frame["mean"].iloc[-1] == pytest.approx(mean)
    assert (frame["lower"].iloc[-1], frame["upper"].iloc[-1]) == pytest.approx((max(lower, 0), upper))
    assert list(frame["baseline"].iloc[rebased:]) == [True] * 12 + [False] * (36 - rebased - 12)
    # The first segment began with the data (Apr 2019): its limits are fixed on Apr 2019 - Mar 2020,
    # months before the window shown.
    history = board.engine.series(KEY, filters.selection, LATEST, points=90)
    early = history[history["period_start"].between(date(2019, 4, 1), date(2020, 3, 1))]
    assert list(early["period"][[0, 11]]) == ["Apr 2019", "Mar 2020"]
    assert frame["mean"].iloc[0] == pytest.approx(by_hand(early["value"].to_numpy(dtype=float))[0])
    result = board.result(KEY, filters)
    assert result.spc is not None
    assert [(r.period, r.reason) for r in result.spc.rebases] == [("Apr 2025", "new recording system")]
    assert (result.spc.limits_from, result.spc.limits_to, result.spc.limits_fixed) == ("Apr 2025", "Mar 2026", True)
    assert result.spc.mean == pytest.approx(mean)


def test_partners_get_spc_from_the_published_quarters_only(connection: duckdb.DuckDBPyConnection) -> None:
    """A sensitive KPI for the city: the partner's verdict is the quarterly cells' (16 points), not the months'."""
    key = "domestic_abuse_crimes"
    assert catalogue.get(key).sensitive
    filters = Filters(selection.city(), LATEST)
    partner, analyst = Dashboard(connection), Dashboard(connection, access=ANALYST)
    mine = partner.result(key, filters).spc
    theirs = analyst.result(key, filters).spc
    assert mine is not None and theirs is not None
    assert (mine.points, theirs.points) == (16, 36)
    quarters = partner.series(key, filters)  # the chart partners see: 16 published city quarters
    assert quarters["value"].notna().all() and len(quarters) == 16
    assert mine.mean == pytest.approx(quarters["value"].astype(float).sum() / 16)
    assert mine.mean == pytest.approx(3 * theirs.mean, rel=0.2)  # quarters, not months
    ward = partner.result(key, Filters(selection.resolve("Park"), Period.parse("2025/26Q1", "2025/26Q4"))).spc
    assert ward is not None and ward.variation == "not applicable" and "yearly (ward)" in ward.reason


def test_the_overview_gives_variation_and_assurance_in_words(connection: duckdb.DuckDBPyConnection) -> None:
    table = overview_display(Dashboard(connection, access=ANALYST).overview(Filters(selection.city(), LATEST)))
    words = ("Common cause variation", "Special cause", "not applicable")
    assert table["spc"].map(lambda v: v.startswith(words)).all(), set(table["spc"])
    kpis = catalogue.catalogue()
    for _, row in table.iterrows():
        kpi = kpis[row["key"]]
        if kpi.target is None:
            assert row["assurance"] == "no target"
        elif kpi.direction == "neutral" or row["spc"] == "not applicable":
            assert row["assurance"] == "not applicable"
        else:
            what = kpi.target.kind
            assert row["assurance"] in {
                f"Always meets the {what} (consistently passes)",
                f"Never meets the {what} (consistently fails)",
                f"May or may not meet the {what} (inconsistent)",
            }
