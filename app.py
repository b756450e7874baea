"""Safer Wolverhampton Partnership performance dashboard: ``streamlit run app.py``.

The pages, their menu, titles, icons and URL paths come from the registry
(``swp_data.site.PAGES``). Each rerun builds one Dashboard and one set of Filters here and
passes them to the page it draws.
"""

from __future__ import annotations

import streamlit as st

import swp_app

st.set_page_config(page_title="Safer Wolverhampton Partnership", page_icon=":material/shield:", layout="wide")
swp_app.legacy_pages.leave()  # before anything is drawn (see the module)
swp_app.print_stylesheet()  # Ctrl+P of any page: the figures without the app around them

page = swp_app.navigation()
board = swp_app.open_dashboard(page.title)  # None: the store cannot be read now; a plain message retries
if board is None:
    st.stop()
swp_app.access_panel(board.access)
filters = swp_app.filters_sidebar(board)
if filters is None:
    st.stop()
swp_app.pack_downloads(board, filters)
swp_app.run_page(page, board, filters)
swp_app.freeze_after_first_page()  # what the first page built is held for good: out of the collector's passes
