"""Every chart has a text alternative (WCAG 2.2, non-text content) built from the figures it draws."""

from __future__ import annotations

import pytest
from test_pages import open_page

from swp_data import site

pytestmark = pytest.mark.usefixtures("app_on_demo")
YEAR = {"from": "2025/26 Q1", "to": "2025/26 Q4", "wards": "Heath Town"}


@pytest.mark.parametrize("key", list(site.PRIORITY_PAGES))
def test_every_chart_on_a_priority_page_says_what_it_shows(key: str) -> None:
    app = open_page(key, YEAR)
    charts = app.get("vega_lite_chart")
    assert charts, key
    texts = [chart.proto.alt for chart in charts]
    assert all(texts), [i for i, t in enumerate(texts) if not t]
    assert texts[0].startswith("Line chart, ")
    kinds = {t.split(",")[0].split(" of ")[0] for t in texts}
    assert kinds <= {"Line chart", "Map", "Funnel plot", "Bar chart"}, kinds
    for text in texts:
        assert "nan" not in text.lower().split() and "None" not in text, text


def test_a_partners_map_text_names_only_shown_wards() -> None:
    app = open_page("violence_prevention", {**YEAR, "kpi": "Crimes involving a firearm"})
    [text] = [c.proto.alt for c in app.get("vega_lite_chart") if c.proto.alt.startswith("Map")]
    assert "have no figure shown (withheld for partners, or no data)" in text
