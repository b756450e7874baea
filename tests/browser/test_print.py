"""Ctrl+P of a page (the print stylesheet): the figures without the sidebar, widgets or buttons."""

from __future__ import annotations

import shutil
import subprocess

import pytest

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
