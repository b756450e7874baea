"""The main journeys in a real browser (Debian's chromium via Playwright) against ``streamlit run``."""

from __future__ import annotations

from pathlib import Path

import pytest

from swp_data import site
from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import start_app, wait_for_app

PAGES = [page.key for page in site.PAGES]
# Charts known to be drawn on a page's default view (trend, map, breakdowns). The pages come from the
# registry; a page added there without an entry here is still opened, expecting a trend if it is a priority.
KNOWN_CHARTS = {
    "overview": 0,
    "reducing_reoffending": 2,
    "violence_prevention": 3,
    "victimisation": 2,
    "anti_social_behaviour": 4,
    "neighbourhood_crime": 3,
    "ward_profile": 0,
    "about_data": 0,
}
SIDEWAYS_SCROLL = """(() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return main.scrollWidth - main.clientWidth;
})()"""
CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll('.vega-embed')];
    return charts.length > 0 && charts.every(c => c.querySelector('svg, canvas') &&
        c.getBoundingClientRect().height > 50);
}"""


def open_page(tab: object, url: str, charts: int) -> None:
    tab.goto(url)  # type: ignore[attr-defined]
    wait_for_app(tab)
    if charts:
        tab.wait_for_function(CHARTS_DRAWN, timeout=20_000)  # type: ignore[attr-defined]


def chart_titles(tab: object) -> list[str]:
    """The titles drawn in the page's charts (SVG text)."""
    return tab.evaluate(  # type: ignore[attr-defined,no-any-return]
        "[...document.querySelectorAll('.vega-embed svg .role-title')].map(t => t.textContent)"
    )


def no_errors(tab: object) -> None:
    assert tab.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert tab.get_by_text("Page not found").count() == 0  # type: ignore[attr-defined]


def charts_on(key: str) -> int:
    """The charts a page must draw."""
    return KNOWN_CHARTS.get(key, 1 if key in site.PRIORITY_PAGES else 0)


def test_the_chart_table_names_only_registered_pages() -> None:
    assert set(KNOWN_CHARTS) <= set(PAGES)


@pytest.mark.parametrize("key", PAGES)
def test_every_page_opens_with_its_charts_and_maps_drawn(app_url: str, page: object, key: str) -> None:
    title, charts = site.page(key).title, charts_on(key)
    open_page(page, f"{app_url}/{site.page(key).link_path}", charts)  # the link the app renders
    no_errors(page)
    assert page.locator("h1").first.inner_text().startswith(title)  # type: ignore[attr-defined]
    assert page.get_by_text("Demo data.").count() == 1  # type: ignore[attr-defined]
    assert page.locator(".vega-embed").count() >= charts  # type: ignore[attr-defined]
    assert len(chart_titles(page)) == page.locator(".vega-embed").count()  # type: ignore[attr-defined]
    # Nothing cramped at 1280x720: the page never scrolls sideways.
    overflow = page.evaluate(SIDEWAYS_SCROLL)  # type: ignore[attr-defined]
    assert overflow <= 1


def test_changing_a_filter_updates_the_figures_and_the_link(app_url: str, page: object) -> None:
    open_page(page, f"{app_url}/violence_prevention", 3)
    before = page.locator('[data-testid="stMetricValue"]').first.inner_text()  # type: ignore[attr-defined]
    wards = page.get_by_role("combobox", name="Wards")  # type: ignore[attr-defined]
    wards.click()
    page.keyboard.type("Heath Town")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    page.wait_for_function("document.querySelector('h1').innerText.includes('Heath Town')")  # type: ignore[attr-defined]
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN)  # type: ignore[attr-defined]
    no_errors(page)
    assert "wards=Heath+Town" in page.url  # type: ignore[attr-defined]
    # Both ends of the period stay in the link, so a pasted link does not move when data is loaded.
    assert "from=2026%2F27+Q2" in page.url and "to=2026%2F27+Q2" in page.url  # type: ignore[attr-defined]
    assert chart_titles(page)[0] == "Violence with injury, monthly: Heath Town, to 2026/27 Q2"
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() != before  # type: ignore[attr-defined]


def test_a_shared_link_reopens_the_same_page_wards_and_period(app_url: str, browser: object) -> None:
    link = f"{app_url}/neighbourhood_crime?wards=Park&wards=St+Peters&from=2024/25+Q1&to=2024/25+Q4"
    context = browser.new_context(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
    tab = context.new_page()
    open_page(tab, link, 3)
    no_errors(tab)
    assert tab.locator("h1").first.inner_text() == "Neighbourhood Crime: Park, St Peters, 2024/25 (full year)"
    sidebar = tab.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Park", exact=True).count() == 1
    tab.screenshot(path=str(ARTIFACTS / "shared-link.png"))
    context.close()


def test_a_deep_link_works_as_the_first_request_to_a_fresh_server(demo_db: Path, browser: object) -> None:
    process, url = start_app(demo_db, ARTIFACTS / "streamlit-cold.log")
    try:
        tab = browser.new_page(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
        open_page(tab, f"{url}/victimisation?wards=Oxley&kpi=Hate+crimes+recorded", 2)
        no_errors(tab)
        assert tab.locator("h1").first.inner_text().startswith("Reducing Victimisation: Oxley, ")
        # A sensitive KPI for one ward: partners get a yearly trend.
        assert chart_titles(tab)[0] == "Hate crimes recorded, yearly: Oxley, to 2026/27 Q2"
        tab.screenshot(path=str(ARTIFACTS / "cold-deep-link.png"))
        tab.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize("key", PAGES)
def test_a_cold_deep_link_to_every_page_opens_that_page(demo_db: Path, browser: object, key: str) -> None:
    """Each page's link as the very first request to a fresh server (Streamlit's legacy pages/ mode)."""
    spec = site.page(key)
    process, url = start_app(demo_db, ARTIFACTS / f"streamlit-cold-{key}.log")
    try:
        tab = browser.new_page(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
        open_page(tab, f"{url}/{spec.link_path}?wards=Park", charts_on(key))
        no_errors(tab)
        heading = tab.locator("h1").first.inner_text()
        assert heading.startswith(spec.title), heading
        if spec.reports_kpis:  # the sidebar filters ran (app.py, not the page on its own)
            assert heading.startswith(f"{spec.title}: Park, ")
        menu = tab.locator('[data-testid="stSidebarNav"]')
        assert [menu.get_by_text(p.title, exact=True).count() for p in site.PAGES] == [1] * len(site.PAGES)
        tab.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_downloads_carry_the_filters_and_the_as_of_date(app_url: str, page: object) -> None:
    open_page(page, f"{app_url}/anti_social_behaviour?wards=Park&from=2025/26+Q1", 4)
    with page.expect_download() as caught:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Download CSV").first.click()  # type: ignore[attr-defined]
    text = Path(caught.value.path()).read_text()
    lines = text.splitlines()
    assert lines[0].startswith("# ASB incidents, monthly: Park, to 2026/27 Q2")
    assert "# Wards: Park" in lines
    assert "# Period: 2025/26 Q1 to 2026/27 Q2; compared with 2024/25 Q1 to 2025/26 Q2" in lines
    assert "# Data as of 30 Sep 2026" in lines
    assert lines[5].startswith("period,")


def test_the_filters_and_downloads_are_reachable_by_keyboard(app_url: str, page: object) -> None:
    open_page(page, f"{app_url}/violence_prevention", 3)
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        reached.add(
            page.evaluate(  # type: ignore[attr-defined]
                "(document.activeElement.getAttribute('aria-label') || document.activeElement.innerText || '').trim()"
            )
        )
    assert any("From quarter" in r for r in reached)
    assert any("Wards" in r for r in reached)
    assert any("Download CSV" in r for r in reached)


def test_every_link_the_overview_renders_opens_its_page(app_url: str, browser: object) -> None:
    """One link per page, written as the Overview writes it (AppTest checks every link's page and KPI)."""
    from swp_app.filters import PAGE_PATHS

    context = browser.new_context(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
    tab = context.new_page()
    for key, path in PAGE_PATHS.items():
        open_page(tab, f"{app_url}/{path}?from=2025/26+Q1&to=2025/26+Q4", 0)
        no_errors(tab)
        assert tab.locator("h1").first.inner_text().startswith(site.page(key).title)  # type: ignore[attr-defined]
        assert "2025/26 (full year)" in tab.locator("h1").first.inner_text()  # type: ignore[attr-defined]
    context.close()
