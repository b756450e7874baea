"""The small-count marker follows the configured threshold: '<5' at 4 (the default), '<10' at 9."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from swp_data import selection
from swp_data.disclosure.cells import (
    MARKER_EXPLANATIONS,
    SUPPRESSED,
    explain_marker,
    marker_explanations,
    markers_in,
    small_count_marker,
)
from swp_data.display import marker_legend
from swp_data.filters import Filters
from swp_data.periods import Period
from swp_data.settings import Settings

YEAR = Filters(selection.city(), Period.parse("2025/26Q1", "2025/26Q4"))


def test_the_marker_is_one_above_the_threshold() -> None:
    assert Settings().disclosure_threshold == 4 and SUPPRESSED == "<5" == small_count_marker(4)
    assert small_count_marker(9) == "<10"
    assert explain_marker("<10") == "a small count (under 10), withheld to protect the people counted"
    assert explain_marker("12") is None and explain_marker("<0.1%") is None
    assert list(marker_explanations(9)) == ["<10", "suppressed (small numbers)", "[c]", "not published"]
    assert marker_explanations(4) == MARKER_EXPLANATIONS


def test_markers_are_found_in_text_and_explained_in_order() -> None:
    assert markers_in("<10 and [c]") == ["<10", "[c]"]
    assert markers_in("p < 0.05, <0.1%, 1,234") == []
    legend = marker_legend(["not published", "<10", "12", "[c]", "<10", None, "<5"])
    assert [marker for marker, _ in legend] == ["<5", "<10", "[c]", "not published"]


@pytest.mark.parametrize(("threshold", "marker"), [(4, "<5"), (9, "<10")])
def test_a_partners_ward_table_reads_the_marker_of_its_threshold(demo_db: Path, threshold: int, marker: str) -> None:
    """Each ward withheld as small holds 1 to ``threshold`` (the analysts' figure); its marker says so."""
    from swp_data.views import Dashboard

    with duckdb.connect(str(demo_db), read_only=True) as connection:
        partner = Dashboard(connection, access="partner", threshold=threshold)
        analyst = Dashboard(connection, access="analyst").by_ward("firearm_crime", YEAR).set_index("ward_code")
        table = partner.by_ward("firearm_crime", YEAR)
        small = table[table["shown_as"] == marker]
        assert len(small) > 0
        assert all(1 <= analyst.loc[code, "value"] <= threshold for code in small["ward_code"])
        assert not any(str(s).startswith("<") and s != marker for s in table["shown_as"])
        shown = [analyst.loc[code, "value"] for code in table.loc[table["shown_as"] == "", "ward_code"]]
        assert all(value > threshold or value == 0 for value in shown)
        assert (marker, explain_marker(marker)) in marker_legend(table["shown_as"])
        one = Filters(selection.from_codes([small["ward_code"].iloc[0]]), YEAR.period)
        card = partner.result("firearm_crime", one)
        assert card.suppressed and card.shown_as == marker
        assert f"shown as {marker}" in (card.suppression_note or "")
