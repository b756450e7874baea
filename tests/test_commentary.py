"""Draft commentary: a hand-built store with a known signal says exactly what is expected, and no more.

The store: violence with injury in Park, 20 a month through 2023/24, then 60 a month through
2024/25 (24 monthly files). By hand: 2024/25 Q4 holds 3 x 60 = 180 against 3 x 20 = 60 in
2023/24 Q4, a change of +200.0%, far outside Poisson noise (an E-test gives p < 0.001); the
monthly chart's latest point is above its limits after a run of 12 higher months (a shift);
every crime is in Park, so Park is above the city's funnel limits.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from test_coverage import _month_of_crimes

from swp_data import store
from swp_data.commentary import DRAFT_NOTICE, draft_commentary
from swp_data.filters import Filters
from swp_data.importing import import_paths
from swp_data.periods import Period, add_months
from swp_data.selection import city, resolve
from swp_data.views import Dashboard

QUARTER = Period.parse("2024/25Q4")


@pytest.fixture(scope="module")
def stepped(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    folder = tmp_path_factory.mktemp("stepped")
    months = [add_months(date(2023, 4, 1), i) for i in range(24)]
    connection = store.memory_store()
    import_paths(
        [_month_of_crimes(folder, m, 20 if i < 12 else 60) for i, m in enumerate(months)], connection=connection
    )
    return connection


def test_a_known_rise_is_drafted_exactly(stepped: duckdb.DuckDBPyConnection) -> None:
    draft = draft_commentary(Dashboard(stepped, access="analyst"), Filters(city(), QUARTER))
    assert draft.notice == DRAFT_NOTICE and draft.notice.startswith("DRAFT for the officer to edit")
    assert draft.heading == "Wolverhampton, 2024/25 Q4: compared with 2023/24 Q4"
    violence = next(s for s in draft.sections if s.priority == "violence_prevention")
    [paragraph] = [p for p in violence.paragraphs if p.key == "violence_with_injury"]
    assert paragraph.signals == ("change", "spc", "wards")
    assert paragraph.text.startswith(
        "Violence with injury rose, which is a worsening, from 60 in 2023/24 Q4 to 180 in 2024/25 Q4 (+200.0%); "
        "the change is statistically significant (p < 0.001, Poisson E-test"
    )
    assert "The control chart shows special cause concerning variation (high) at the latest point" in paragraph.text
    assert paragraph.text.endswith(
        "By ward, violence with injury is higher than the city in Park (outside the 95% funnel limits)."
    )
    assert violence.summary.startswith("Of 12 KPIs, 1 worsened significantly")
    assert "1 shows special-cause variation on its control chart." in violence.summary


def test_no_change_is_called_a_rise_without_significance(stepped: duckdb.DuckDBPyConnection) -> None:
    """A flat year (2023/24 Q4 against Q3, both 60): nothing to say about change, no paragraph for it."""
    flat = Filters(city(), Period.parse("2023/24Q4"), "previous")
    draft = draft_commentary(Dashboard(stepped, access="analyst"), flat)
    texts = " ".join(p.text for s in draft.sections for p in s.paragraphs)
    for word in (" rose", " fell", "improvement", "worsening", "because", "due to"):
        assert word not in texts, word


def test_a_ward_draft_names_where_the_ward_stands(stepped: duckdb.DuckDBPyConnection) -> None:
    draft = draft_commentary(Dashboard(stepped, access="analyst"), Filters(resolve("Park"), QUARTER))
    violence = next(s for s in draft.sections if s.priority == "violence_prevention")
    [paragraph] = [p for p in violence.paragraphs if p.key == "violence_with_injury"]
    assert paragraph.text.endswith("Park is higher than the city (outside the 95% funnel limits).")


def test_a_partner_draft_says_nothing_a_partner_screen_withholds(demo_db: Path) -> None:
    """Every KPI a partner's draft writes about is one whose figure the partner screen shows."""
    connection = duckdb.connect(str(demo_db), read_only=True)
    partner = Dashboard(connection)
    filters = Filters(resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    draft = draft_commentary(partner, filters)
    for section in draft.sections:
        for paragraph in section.paragraphs:
            shown = partner.result(paragraph.key, filters)
            assert not shown.suppressed, paragraph
    analyst = draft_commentary(Dashboard(connection, access="analyst"), filters)
    written = {p.key for s in analyst.sections for p in s.paragraphs}
    hidden = {k for k in written if partner.result(k, filters).suppressed}
    assert hidden and not hidden & {p.key for s in draft.sections for p in s.paragraphs}
