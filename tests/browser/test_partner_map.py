"""A partner's by-ward map in a real browser at 1280x720: withheld wards drawn hatched grey, the selected ward outlined.

AppTest checks the spec (tests/test_partner_maps.py); this checks the pixels the spec becomes: a map of
a sensitive KPI over a whole year is not blank, its withheld wards are drawn in the hatch's two greys,
the selected ward's outline is there, and the page text reads no 'None' or 'NaN'.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote_plus

import pytest
from PIL import Image

from swp_data import site
from swp_data.disclosure.cells import MARKER_EXPLANATIONS
from swp_data.kpis import catalogue
from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import wait_for_app

YEAR = "/violence_prevention?wards=Heath+Town&from=2025/26Q1&to=2025/26Q4&kpi=Crimes+involving+a+firearm"
HATCH = {(0xBD, 0xBD, 0xBD), (0xE3, 0xE3, 0xE3)}  # swp_app.ward_map.WITHHELD_FILL's stripes
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
    assert "Hatched grey: withheld for partners" in text and MARKER_EXPLANATIONS["<5"] in text


def _sensitive_label(priority: str) -> str | None:
    """The first sensitive, ward-level KPI of a priority page (the one whose map partners see withheld)."""
    return next(
        (k.label for k in catalogue.for_priority(priority) if k.sensitive and k.geography == "ward"),
        None,
    )


VIEWS = [(page.key, None) for page in site.PAGES] + [
    (key, _sensitive_label(key)) for key in site.PRIORITY_PAGES if _sensitive_label(key)
]


@pytest.mark.parametrize(("page_key", "kpi"), VIEWS, ids=[f"{k}-{'sensitive' if v else 'default'}" for k, v in VIEWS])
def test_every_partner_page_reads_without_none_nan_or_a_blank_map(
    app_url: str, page: object, page_key: str, kpi: str | None
) -> None:
    """At 1280x720, the default period (where sensitive ward figures are not published) and a sensitive KPI."""
    path = (
        "/"
        if site.page(page_key).default
        else f"/{site.page(page_key).module.removeprefix('pages/').removesuffix('.py')}"
    )
    query = f"?kpi={quote_plus(kpi)}" if kpi else ""
    page.goto(app_url + path + query)  # type: ignore[attr-defined]
    wait_for_app(page)
    page.wait_for_timeout(1_000)  # type: ignore[attr-defined]
    text = page.locator('[data-testid="stMain"]').inner_text()  # type: ignore[attr-defined]
    assert not re.search(r"\b(None|NaN|nan|null)\b|<NA>", text), re.findall(r".{30}(?:None|NaN|null).{30}", text)
    assert "Traceback" not in text
    charts = page.locator(".vega-embed")  # type: ignore[attr-defined]
    for n in range(charts.count()):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
        image = Image.open(io.BytesIO(chart.screenshot())).convert("L")
        inked = sum(image.histogram()[:235])  # pixels darker than the page's near-white
        assert inked > 0.01 * image.width * image.height, f"chart {n} is blank"
    if kpi:
        # The default quarter is not published by ward for partners: the page says so and offers a year.
        assert "completed financial years only" in text
        assert page.get_by_role("button", name=re.compile("Show wards for")).count() == 1  # type: ignore[attr-defined]
