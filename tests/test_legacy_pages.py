"""Streamlit's legacy ``pages/`` mode: still there (so ``swp_app.legacy_pages`` is needed), and left by the app.

If ``test_streamlit_still_runs_a_page_on_its_own_beside_a_pages_folder`` fails after a
Streamlit upgrade, Streamlit no longer starts in legacy mode for this layout: delete
``swp_app/legacy_pages.py``, its two calls (app.py, ``swp_app.navigation.view``) and this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from swp_app import legacy_pages

ENTRY = """
import streamlit as st

st.caption("the entry script ran")


def home() -> None:
    st.title("home")


st.navigation([st.Page(home, url_path="home", default=True), st.Page("pages/other.py", url_path="other")]).run()
"""


@pytest.fixture
def plain_app(tmp_path: Path) -> Iterator[Path]:
    """A minimal app in the product's layout (entry script beside ``pages/``), without the workaround.

    Streamlit's flag is process-wide: it is put back as it was after the test.
    """
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "other.py").write_text('import streamlit as st\n\nst.title("other")\n')
    entry = tmp_path / "entry.py"
    entry.write_text(ENTRY)
    saved = PagesManager.uses_pages_directory
    yield entry
    PagesManager.uses_pages_directory = saved


def test_streamlit_still_runs_a_page_on_its_own_beside_a_pages_folder(plain_app: Path) -> None:
    """A deep link as a process's first request: Streamlit runs ``pages/other.py`` without the entry script.

    ``switch_page`` before the first run opens the page by its file name, as a deep link does.
    When this fails, Streamlit runs the entry script (and its ``st.navigation``) for such a
    link: the workaround in ``swp_app.legacy_pages`` is no longer needed.
    """
    app = AppTest.from_file(str(plain_app)).switch_page("pages/other.py").run()
    assert not app.exception
    assert [t.value for t in app.title] == ["other"]
    assert "the entry script ran" not in [c.value for c in app.caption]  # legacy mode: the page ran alone


def test_a_fresh_session_beside_a_pages_folder_starts_in_legacy_mode(plain_app: Path) -> None:
    """The flag ``swp_app.legacy_pages`` answers: set by the first PagesManager from the folder's presence."""
    PagesManager.uses_pages_directory = None
    PagesManager(str(plain_app))
    assert legacy_pages.active()


def test_with_the_workaround_the_same_link_runs_the_entry_script_and_its_navigation(plain_app: Path) -> None:
    """The same app calling ``legacy_pages.leave()`` first, in the entry script and the page, as ours do."""
    leave = "from swp_app import legacy_pages\n\nlegacy_pages.leave()\n"
    plain_app.write_text(leave + ENTRY)
    page = plain_app.parent / "pages" / "other.py"
    page.write_text(leave + page.read_text())
    app = AppTest.from_file(str(plain_app)).switch_page("pages/other.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert [t.value for t in app.title] == ["other"]
    assert "the entry script ran" in [c.value for c in app.caption]
    assert not legacy_pages.active()
