"""The one workaround for Streamlit's legacy ``pages/`` mode, used alike by the app, AppTest and the benchmarks.

The product's layout keeps one view per page in a folder named ``pages/`` beside app.py. In
Streamlit (1.67, read in the installed source) a folder of that name switches on the first
version of multipage apps until ``st.navigation`` has been called once:

- ``streamlit/runtime/pages_manager.py``, ``PagesManager.__init__``: while the class attribute
  ``PagesManager.uses_pages_directory`` is still ``None``, the first PagesManager sets it to
  whether ``pages/`` exists beside the main script. A served app makes one PagesManager per
  session (``AppSession.__init__``, ``runtime/app_session.py``), so the process's first
  session decides; ``AppTest.run`` (``testing/v1/app_test.py``) resets the attribute to
  ``None`` before every run, so every AppTest run decides afresh.
- ``streamlit/runtime/scriptrunner/script_runner.py``, ``ScriptRunner._run_script``: while
  the attribute is true, a run does not execute the main script; ``_mpa_v1`` builds its own
  navigation (the main script plus every ``pages/*.py``, titled from file names) and runs the
  one page the URL names *on its own*. A deep link that is the first request to a fresh
  server therefore runs ``pages/<key>.py`` without app.py: no sidebar filters, no
  Dashboard, the wrong menu. Opening ``/`` runs app.py nested inside that navigation.
- ``streamlit/commands/navigation.py``, ``navigation``: the public ``st.navigation`` sets the
  attribute to ``False`` for the whole process (``_mpa_v1`` calls the private
  ``_navigation``, which does not).

The answer: app.py and every page view call ``leave()`` before drawing anything. In legacy
mode it sets the attribute to ``False`` (what ``st.navigation`` would have done) and reruns,
so app.py runs and its ``st.navigation`` resolves the same URL, for this session and every
later one. Outside legacy mode it does nothing. tests/test_legacy_pages.py fails once
Streamlit no longer starts in legacy mode for this layout: then this module can go.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def active() -> bool:
    """Whether this process is (still) in Streamlit's legacy ``pages/`` mode."""
    return bool(PagesManager.uses_pages_directory)


def leave() -> None:
    """Leave legacy mode and rerun (app.py then runs and resolves the URL); nothing outside legacy mode."""
    if active():
        PagesManager.uses_pages_directory = False
        st.rerun()
