"""Opening the store for a rerun, and a plain message that retries by itself when it cannot be read.

Partners never see a traceback, a server path or a process id: when the store is busy (an
import holds DuckDB's write lock), missing (and the demo could not be built) or unreadable (of
another schema version, damaged), the page says so in plain words and asks again by itself on a
timer (``st.fragment(run_every=...)``); as soon as the store opens, the whole page reruns with its
figures, with no reload. Analysts see the same message and, in an expander, what DuckDB or the
build said. Nothing caches the failure: ``st.cache_resource`` keeps only a connection that opened.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import streamlit as st

from swp_app.first_start import ensure_store
from swp_app.session import access_level, access_panel, dashboard, database
from swp_data import store
from swp_data.access import ANALYST
from swp_data.settings import get_settings
from swp_data.views import Dashboard

Problem = Literal["busy", "missing", "unreadable"]
RETRY_SECONDS: dict[Problem, int] = {"busy": 5, "missing": 30, "unreadable": 30}
MESSAGES: dict[Problem, str] = {
    "busy": (
        "**The figures are being updated.** New data is being loaded into the dashboard right now, "
        "and its store cannot be read until the load has finished. This page tries again every "
        f"{RETRY_SECONDS['busy']} seconds and shows the figures as soon as it can: there is no need to reload it."
    ),
    "missing": (
        "**The dashboard's data is not available.** There is no data store on this server yet, and it "
        "could not be set up. This page tries again every "
        f"{RETRY_SECONDS['missing']} seconds by itself. If this lasts, please tell the partnership's "
        "analysts (whoever runs this dashboard)."
    ),
    "unreadable": (
        "**The dashboard's data cannot be read.** The data store on this server needs attention from "
        "whoever runs it (for example, it was built by another version of the dashboard). This page "
        f"tries again every {RETRY_SECONDS['unreadable']} seconds by itself; please tell the partnership's "
        "analysts if this lasts."
    ),
}
DETAILS_LABEL = "Details (analysts only)"
_TIMER_RUNS = "_swp_store_retry_calls"  # session state: calls of the retry fragment since the message was drawn
_LOGGER = logging.getLogger(__name__)


def problem_of(error: store.StoreError) -> Problem:
    """Which plain message a store error gets."""
    if isinstance(error, store.StoreBusy):
        return "busy"
    if isinstance(error, store.StoreMissing):
        return "missing"
    return "unreadable"


def open_dashboard(title: str) -> Dashboard | None:
    """The Dashboard for this rerun; or None, after drawing the page ``title`` with a plain message that retries."""
    path = Path(get_settings().db_path)
    try:
        ensure_store(path)
        return dashboard()
    except store.StoreError as error:
        show(title, error)
        return None


def show(title: str, error: store.StoreError) -> None:
    """The page when the store cannot be read: its title, the plain message, a retry on a timer.

    Partners get the message alone; analysts also get ``error``'s text (it names server paths and
    processes) in an expander. The sidebar still says who is looking and offers sign-in.
    """
    problem = problem_of(error)
    _LOGGER.warning("store unavailable (%s): %s", problem, error)
    access = access_level()
    access_panel(access)
    st.title(title)
    (st.info if problem == "busy" else st.warning)(MESSAGES[problem], icon=":material/hourglass_top:")
    if access == ANALYST:
        with st.expander(DETAILS_LABEL):
            st.code(f"{type(error).__name__}: {error}", language=None, wrap_lines=True)
    st.session_state[_TIMER_RUNS] = 0
    st.fragment(_try_again, run_every=RETRY_SECONDS[problem])(problem)


def _try_again(shown: Problem) -> None:
    """On the timer: try the store again, and rerun the whole page once it opens or fails otherwise.

    The fragment also runs inline in the full run that drew the message: that first call only
    draws its caption (the store was just tried), so a missing store cannot rerun in a loop.
    """
    calls = st.session_state.get(_TIMER_RUNS, 0)
    st.session_state[_TIMER_RUNS] = calls + 1
    if calls:
        path = Path(get_settings().db_path)
        if shown == "missing" or not path.exists():
            st.rerun(scope="app")  # the full run tries the demo build again (at most once a minute)
        try:
            database(str(path))  # cached only when it opens
        except store.StoreError as error:
            if problem_of(error) != shown:
                st.rerun(scope="app")
        else:
            st.rerun(scope="app")
    st.caption(f"Trying again every {RETRY_SECONDS[shown]} seconds.")
