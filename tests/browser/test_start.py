"""The first page, in a real browser."""

from __future__ import annotations

from tests.browser.harness import wait_for_app


def test_first_page_renders_with_the_demo_notice(app_url: str, page: object) -> None:
    page.goto(app_url)  # type: ignore[attr-defined]
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "About the Data"  # type: ignore[attr-defined]
    assert page.get_by_text("Demo data.").count() == 1  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stException"]').count() == 0  # type: ignore[attr-defined]
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1  # type: ignore[attr-defined]
