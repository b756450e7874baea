"""Commissioned spend against allocation per priority, with its headline outcome, on the Overview."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_pages import open_page

from swp_app.tables import spend_display
from swp_data.filters import Filters
from swp_data.periods import Period
from swp_data.selection import city
from swp_data.spend import financial_year, spend_by_priority
from swp_data.views import Dashboard


def test_spend_is_summed_per_priority_and_an_allocation_only_where_every_line_gives_one() -> None:
    lines = pd.DataFrame(
        {
            "priority": ["Violence Prevention", "Violence Prevention", "Reducing Victimisation"],
            "service": ["A", "B", "C"],
            "allocation": [100_000.0, 40_000.0, None],
            "actual_spend": [90_000.0, 45_500.0, 12_000.0],
        }
    )
    summary = spend_by_priority(lines).set_index("priority")
    # By hand: 100,000 + 40,000 = 140,000 allocated; 90,000 + 45,500 = 135,500 spent; -4,500.
    assert summary.loc["Violence Prevention", ["services", "allocation", "actual_spend", "difference"]].tolist() == [
        2,
        140_000.0,
        135_500.0,
        -4_500.0,
    ]
    assert pd.isna(summary.loc["Reducing Victimisation", "allocation"])  # not given: never summed as zero
    assert pd.isna(summary.loc["Reducing Victimisation", "difference"])
    shown = spend_display(spend_by_priority(lines))
    assert shown["allocation"].tolist() == ["not given", "£140,000"]
    assert shown["difference"].tolist() == ["not given", "-£4,500"]
    assert financial_year(Period.parse("2025/26Q3")) == "2025/26"


@pytest.mark.usefixtures("app_on_demo")
def test_the_overview_shows_spend_with_each_priority_headline(demo_db: Path) -> None:
    app = open_page("overview")
    assert any(h.value == "Commissioned spend, 2026/27" for h in app.subheader)
    board = Dashboard(duckdb.connect(str(demo_db), read_only=True))
    year, _lines, summary = board.spend(Filters(city(), Period.parse("2026/27Q2")))
    shown = next(frame.value for frame in app.dataframe if "headline" in frame.value.columns)
    assert year == "2026/27" and list(shown["priority"]) == list(summary["priority"])
    assert list(shown) == list(spend_display(summary))
    violence = shown[shown["priority"] == "Violence Prevention"].iloc[0]
    assert violence["headline"].startswith("Violence with injury: ")
    assert violence["actual_spend"].startswith("£")
