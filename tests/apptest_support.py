"""AppTest as the served app runs: shared by the page tests and the page benchmark."""

from __future__ import annotations

from typing import Any

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import app_test


class ModernPagesManager(PagesManager):
    """A PagesManager that starts where the served app is once app.py's ``st.navigation`` has run.

    Streamlit treats a folder named ``pages/`` as its legacy multipage layout until
    ``st.navigation`` is first called, and AppTest resets that before every run, so each
    run would start in legacy mode (sidebar widgets then drop out of the element tree on
    reruns). The served app leaves legacy mode on its first run
    (``swp_app.filters._leave_legacy_pages_mode``; a browser test covers a cold deep link).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


def patch_target() -> tuple[object, str]:
    """Where to install ``ModernPagesManager`` (for monkeypatch.setattr)."""
    return app_test, "PagesManager"
