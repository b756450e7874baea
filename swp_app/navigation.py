"""The page registry (``swp_data.site.PAGES``) joined to ``st.navigation``, and a page run with its arguments.

app.py calls ``navigation()`` (the menu, every URL path, title and icon come from the
registry), builds this rerun's one Dashboard and Filters, and hands them to
``run_page(page, board, filters)``. Streamlit runs the page's file (so each page keeps its own
widget identities and ``AppTest.switch_page("pages/<key>.py")`` finds it); the file defines
``render(board, filters)`` and ends with ``swp_app.view(render)``, which calls it with exactly
the arguments app.py passed for this run. Nothing is kept between runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from swp_app import legacy_pages
from swp_data.filters import Filters
from swp_data.settings import get_settings
from swp_data.site import PAGES
from swp_data.views import Dashboard

PageView = Callable[[Dashboard, Filters], None]

# One page drawn at a time in this process (``SWP_PAGE_RUNS``); the others wait their turn. A process
# runs Python on one core, so pages drawn side by side only share it, and switching between them cost
# a third more CPU a change: 20 visitors on one process went from 3.5 to 5.9 changes a second, p95
# 13.6 s to 4.5 s (benchmarks/load.py). The filters and sidebar, before the page, are not held up.
_PAGE_RUNS = threading.BoundedSemaphore(get_settings().page_runs)
_ARGUMENTS: ContextVar[tuple[Dashboard, Filters] | None] = ContextVar("swp_page_arguments", default=None)


def navigation() -> StreamlitPage:
    """``st.navigation`` over every registered page, in its section; returns the page this URL asks for."""
    sections: dict[str, list[StreamlitPage]] = {}
    for spec in PAGES:
        sections.setdefault(spec.section, []).append(
            st.Page(spec.module, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
        )
    return st.navigation(sections)


def run_page(page: StreamlitPage, board: Dashboard, filters: Filters) -> None:
    """Run the chosen page's file; its ``view(render)`` calls ``render(board, filters)`` with these.

    At most ``SWP_PAGE_RUNS`` pages run at once in a process (default 1): the rest wait, in turn.
    """
    with _PAGE_RUNS, _arguments(board, filters):
        page.run()


@contextmanager
def _arguments(board: Dashboard, filters: Filters) -> Iterator[None]:
    token = _ARGUMENTS.set((board, filters))
    try:
        yield
    finally:
        _ARGUMENTS.reset(token)


def view(render: PageView) -> None:
    """Draw a page: ``render`` with this run's Dashboard and Filters (the last line of every page file)."""
    legacy_pages.leave()  # Streamlit's legacy pages/ mode ran this file on its own: hand over to app.py
    arguments = _ARGUMENTS.get()
    if arguments is None:
        raise RuntimeError("a page file is run by app.py's st.navigation (swp_app.run_page), not on its own")
    render(*arguments)
