"""The one module joining the data layer to Streamlit: cached store, page frame, shared widgets.

Pages import this and ``swp_data``; they hold no SQL and no arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from swp_data import demo, store
from swp_data.settings import get_settings

DEMO_NOTICE = (
    "**Demo data.** Every figure here is generated: a seeded, calibrated city built to resemble "
    "Wolverhampton (real wards, populations and crime mix; totals near the partnership's published "
    "figures). It is not police or partner data. Load real files with `python -m swp_data import`."
)


@st.cache_resource(show_spinner="Opening the data store...")
def _database(path: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection to the store per process; built as the demo on first start."""
    if not Path(path).exists():
        with st.spinner("First start: building the demo data store (about 10 seconds)..."):
            demo.build_demo_store(path)
    return store.connect(path, read_only=True)


def connection() -> duckdb.DuckDBPyConnection:
    """A DuckDB cursor for this session (connections are not thread-safe; a cursor per session is)."""
    path = str(get_settings().db_path)
    cursor = st.session_state.get("_swp_cursor")
    if cursor is None or st.session_state.get("_swp_cursor_path") != path:
        cursor = _database(path).cursor()
        st.session_state["_swp_cursor"] = cursor
        st.session_state["_swp_cursor_path"] = path
    return cursor


@st.cache_data(show_spinner=False)
def _is_demo(path: str) -> bool:
    return demo.is_demo(_database(path))


def page_header(title: str, subtitle: str | None = None) -> None:
    """Every page's title, with the demo notice when the store holds demo data."""
    st.title(title)
    if subtitle:
        st.caption(subtitle)
    if _is_demo(str(get_settings().db_path)):
        st.info(DEMO_NOTICE, icon=":material/science:")


def download_csv(frame: pd.DataFrame, file_name: str, heading_lines: list[str], key: str) -> None:
    """A CSV download of exactly ``frame``, headed by comment lines naming filters and as-of date."""
    header = "".join(f"# {line}\n" for line in heading_lines)
    st.download_button(
        "Download CSV",
        data=header + frame.to_csv(index=False),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )
