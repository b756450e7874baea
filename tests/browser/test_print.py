"""Ctrl+P of a page (the print stylesheet): the figures without the sidebar, widgets or buttons."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from swp_data.kpis.catalogue import catalogue
from swp_data.site import PRIORITIES
from tests.browser.conftest import ARTIFACTS
from tests.browser.harness import wait_for_app

PAGES = ["/", "/violence_prevention?from=2025/26Q1&to=2025/26Q4"]


@pytest.mark.parametrize("path", PAGES, ids=["overview", "violence_prevention"])
def test_printing_a_page_leaves_out_the_app_around_the_figures(app_url: str, page: object, path: str) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("poppler-utils is not installed: run `apt-get install poppler-utils` (bash .ci/run does)")
    page.goto(app_url + path)  # type: ignore[attr-defined]
    wait_for_app(page)
    page.wait_for_timeout(1_500)  # type: ignore[attr-defined]
    screen = page.locator('[data-testid="stSidebar"]').inner_text()  # type: ignore[attr-defined]
    assert "Ward group" in screen  # on screen the sidebar is there
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    out = ARTIFACTS / f"print-{path.strip('/').split('?')[0] or 'overview'}.pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(out), format="A4", print_background=True)  # type: ignore[attr-defined]
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for gone in ("Ward group", "From quarter", "Partner view: small numbers", "Download CSV", "Analyst sign-in"):
        assert gone not in text, gone
    assert "Data as of" in text  # the figures' own caption is printed
    pages = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert 1 <= count <= 30, count


def test_a_printed_overview_has_every_kpi_and_every_column(app_url: str, page: object) -> None:
    """A data grid prints only what is in view; its plain twin prints every row and column instead."""
    page.goto(app_url + "/")  # type: ignore[attr-defined]
    wait_for_app(page)
    page.wait_for_timeout(1_000)  # type: ignore[attr-defined]
    twins = page.locator(".swp-print-table")  # type: ignore[attr-defined]
    grids = page.locator('[data-testid="stDataFrame"]')  # type: ignore[attr-defined]
    assert twins.count() == grids.count() == len(PRIORITIES) + 1  # a table a priority, and the spend
    assert not any(twins.nth(i).is_visible() for i in range(twins.count()))  # on screen: the grids only
    assert all(grids.nth(i).is_visible() for i in range(grids.count()))
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    assert all(twins.nth(i).is_visible() for i in range(twins.count()))
    assert not any(grids.nth(i).is_visible() for i in range(grids.count()))
    printed = " ".join(" ".join(twins.all_inner_texts()).split())  # type: ignore[attr-defined]
    assert [kpi.label for kpi in catalogue().values() if kpi.label not in printed] == []
    # Each table fits the page's width: nothing to the right is cut off.
    assert all(twins.nth(i).evaluate("e => e.scrollWidth <= e.clientWidth") for i in range(twins.count()))
    out = ARTIFACTS / "print-overview-tables.pdf"
    page.pdf(path=str(out), format="A4", print_background=True)  # type: ignore[attr-defined]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for heading in ("Variation", "Assurance", "Better", "RAG"):
        assert flat.count(heading) >= len(PRIORITIES), heading  # the last columns too, in every table
    assert "Open" not in flat.split("Commissioned spend")[0]  # the link column is for the screen
