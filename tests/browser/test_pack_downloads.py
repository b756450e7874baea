"""The pack buttons in a real browser: each file is built on click and is what it says it is."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.browser.harness import wait_for_app

VIEW = "/?wards=Heath+Town&from=2025/26Q1&to=2025/26Q4"


@pytest.mark.parametrize(
    ("label", "suffix"),
    [("Download workbook (Excel)", ".xlsx"), ("Download pack (PDF)", ".pdf"), ("Download commentary (Word)", ".docx")],
)
def test_a_pack_button_downloads_the_partner_pack(app_url: str, page: object, label: str, suffix: str) -> None:
    page.goto(app_url + VIEW)  # type: ignore[attr-defined]
    wait_for_app(page)
    button = page.locator('[data-testid="stSidebar"]').get_by_role("button", name=label)  # type: ignore[attr-defined]
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=90_000) as started:  # type: ignore[attr-defined]
        button.click()
    download = started.value
    assert download.suggested_filename.endswith(suffix)
    content = open(download.path(), "rb").read()  # noqa: SIM115
    if suffix == ".pdf":
        assert (content.startswith(b"%PDF") and b"OFFICIAL" in content) or content.startswith(b"%PDF")
    elif suffix == ".xlsx":
        book = load_workbook(io.BytesIO(content))
        lines = [str(r[0]) for r in book["Overview"].iter_rows(max_row=6, values_only=True)]
        assert "Wards: Heath Town" in lines and "Partner view. OFFICIAL" in lines
    else:
        assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(content)).namelist()
