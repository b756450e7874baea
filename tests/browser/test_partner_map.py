"""A partner's by-ward map in a real browser at 1280x720: withheld wards drawn hatched grey, the selected ward outlined.

AppTest checks the spec (tests/test_partner_maps.py); this checks the pixels the spec becomes: a map of
a sensitive KPI over a whole year is not blank, its withheld wards are drawn in the hatch's two greys,
the selected ward's outline is there, and the page text reads no 'None' or 'NaN'.
"""

from __future__ import annotations

import io
import re

from PIL import Image

from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import wait_for_app

YEAR = "/violence_prevention?wards=Heath+Town&from=2025/26Q1&to=2025/26Q4&kpi=Crimes+involving+a+firearm"
HATCH = {(0xBD, 0xBD, 0xBD), (0xE3, 0xE3, 0xE3)}  # swp_app.charts.WITHHELD_FILL's stripes
CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll('.vega-embed')];
    return charts.length >= 2 && charts.every(c => c.querySelector('svg, canvas') &&
        c.getBoundingClientRect().height > 50);
}"""


def test_a_partners_map_draws_withheld_wards_and_the_selected_outline(app_url: str, page: object) -> None:
    page.goto(app_url + YEAR)  # type: ignore[attr-defined]
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)  # type: ignore[attr-defined]
    chart = page.locator(".vega-embed").nth(1)  # type: ignore[attr-defined]  # the trend first, then the map
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    shot = chart.screenshot()
    (ARTIFACTS / "partner-map.png").write_bytes(shot)
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    counts = {colour: count for count, colour in image.getcolors(image.width * image.height)}
    hatched = sum(counts.get(colour, 0) for colour in HATCH)
    outline = counts.get((0, 0, 0), 0)
    assert hatched > 0.05 * image.width * image.height, hatched  # the withheld wards are drawn, not left blank
    assert outline > 100, outline  # Heath Town (withheld) outlined in black
    text = page.locator('[data-testid="stMain"]').inner_text()  # type: ignore[attr-defined]
    assert not re.search(r"\b(None|NaN|nan)\b|<NA>", text), re.findall(r".{30}(?:None|NaN).{30}", text)
    assert "Hatched grey: withheld for partners" in text and "fewer than 5" in text
