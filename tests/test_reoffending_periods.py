"""Reoffending lags: the Overview shows the latest cohort under its own quarter, and a part-year is marked.

On the demo store the latest cohort starts July 2025 (2025/26 Q2); cohorts are loaded to the end of
September 2025, so 2025/26 holds 6 of its 12 months and is not compared with 2024/25 as if whole.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from swp_data import store
from swp_data.access import ANALYST
from swp_data.filters import Filters
from swp_data.periods import Period
from swp_data.selection import city
from swp_data.views import Dashboard


@pytest.fixture(scope="module")
def board(demo_db: Path):  # type: ignore[no-untyped-def]
    connection = store.connect(demo_db, read_only=True)
    yield Dashboard(connection, access=ANALYST)
    connection.close()


def test_the_overview_files_the_latest_cohort_under_its_own_quarter(board: Dashboard) -> None:
    from swp_app.tables import overview_display

    filters = Filters(city(), Period.parse("2026/27Q2"))
    typed = board.overview(filters).set_index("key")
    assert typed.loc["reoffending_rate_adult", "latest_available"] == "2025/26 Q2"
    assert typed.loc["reoffending_rate_adult", "comparison_period"] == "2024/25 Q2"
    assert pd.isna(typed.loc["total_recorded_crime", "latest_available"])
    shown = overview_display(board.overview(filters)).set_index("key")
    assert shown.loc["reoffending_rate_adult", "value"].endswith("(latest cohort available: 2025/26 Q2)")


def test_a_partial_cohort_year_is_marked_and_not_compared_as_whole(board: Dashboard) -> None:
    result = board.result("reoffending_rate_adult", Filters(city(), Period.parse("2025/26Q1", "2025/26Q4")))
    assert result.coverage is not None
    assert (result.coverage.covered, result.coverage.months, result.coverage.complete) == (6, 12, False)
    assert result.comparison is not None and result.comparison.label == "incomplete period"
    assert result.comparison.p_value is None and result.rag is None
    whole = board.result("reoffending_rate_adult", Filters(city(), Period.parse("2024/25Q1", "2024/25Q4")))
    assert whole.coverage is not None and whole.coverage.complete
