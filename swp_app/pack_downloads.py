"""Download this view as a pack: the PDF, the Excel workbook and the Word commentary, built on click.

Each file is built only when its button is clicked (``st.download_button(data=callable)``), from
a fresh cursor and a Dashboard at the access level captured when the page was drawn: a partner's
click can only ever build a partner's pack.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from swp_app.session import fresh_dashboard
from swp_data.access import Access
from swp_data.filters import Filters
from swp_data.report import SUFFIXES, write_report
from swp_data.views import Dashboard

LABELS = {
    ".pdf": ("Download pack (PDF)", "application/pdf", ":material/picture_as_pdf:"),
    ".xlsx": (
        "Download workbook (Excel)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ":material/table_view:",
    ),
    ".docx": (
        "Download commentary (Word)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ":material/description:",
    ),
}


def pack_bytes(access: Access, filters: Filters, suffix: str) -> bytes:
    """The pack for the filters, as ``suffix``, at ``access`` (built from a fresh cursor: safe on any thread)."""
    board = fresh_dashboard(access)
    with tempfile.TemporaryDirectory() as folder:
        path = write_report(board, filters, Path(folder) / f"pack{suffix}")
        return path.read_bytes()


def _builder(access: Access, filters: Filters, suffix: str) -> Callable[[], bytes]:
    return lambda: pack_bytes(access, filters, suffix)


def pack_downloads(board: Dashboard, filters: Filters) -> None:
    """The pack buttons for this view, in the sidebar (on every page)."""
    access = board.access  # captured now: the callable runs later, and must not ask again
    slug = "".join(c if c.isalnum() else "-" for c in f"{filters.selection.label} {filters.period.label}".lower())
    with st.sidebar:
        st.subheader("This view as a pack")
        # The writers (ReportLab, python-docx) are imported only when a pack is built, off the page's path.
        for suffix in (s for s in LABELS if s in SUFFIXES):
            label, mime, icon = LABELS[suffix]
            st.download_button(
                label,
                data=_builder(access, filters, suffix),
                file_name=f"swp-{slug.strip('-')}{suffix}",
                mime=mime,
                key=f"pack{suffix}",
                icon=icon,
                on_click="ignore",
            )
        st.caption(f"{'Analyst' if access != 'partner' else 'Partner'} view, as on screen; built when clicked.")
