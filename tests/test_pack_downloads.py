"""The pack buttons: on every page, built on click, at the access level the page was drawn with."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from test_pages import ANALYST_EMAIL, open_page, signed_in

from swp_app.pack_downloads import pack_bytes
from swp_data import site
from swp_data.filters import Filters
from swp_data.periods import Period
from swp_data.selection import resolve

pytestmark = pytest.mark.usefixtures("app_on_demo")


def _buttons(app: object) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]  # type: ignore[attr-defined]


@pytest.mark.parametrize("key", [page.key for page in site.PAGES])
def test_every_page_offers_the_pack_for_its_view(key: str) -> None:
    app = open_page(key)
    assert not app.exception
    assert "Download workbook (Excel)" in _buttons(app)


def test_a_pack_is_built_at_the_access_level_captured() -> None:
    filters = Filters(resolve("Heath Town"), Period.parse("2025/26Q1", "2025/26Q4"))
    partner = load_workbook(io.BytesIO(pack_bytes("partner", filters, ".xlsx")))
    analyst = load_workbook(io.BytesIO(pack_bytes("analyst", filters, ".xlsx")))
    marking = {
        book: [str(r[0]) for r in book["Overview"].iter_rows(max_row=6, values_only=True)]
        for book in (partner, analyst)
    }
    assert "Partner view. OFFICIAL" in marking[partner]
    assert "Analyst view. OFFICIAL-SENSITIVE" in marking[analyst]
    firearm = {
        book: next(r[2] for r in book["Overview"].iter_rows(values_only=True) if r[1] == "Crimes involving a firearm")
        for book in (partner, analyst)
    }
    assert firearm[partner] == "<5" and isinstance(firearm[analyst], int | float)


def test_an_analyst_page_offers_the_analyst_pack() -> None:
    app = open_page("overview", user=signed_in(ANALYST_EMAIL))
    assert any("Analyst view, as on screen" in c.value for c in app.sidebar.caption)
