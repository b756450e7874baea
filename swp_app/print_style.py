"""A print stylesheet: Ctrl+P of any page gives the figures, not the app around them.

No sidebar, toolbar, widgets or buttons; charts and tables full width and never split across
a page; a page break before each section heading after the first; the page's link printed in
the margin is left to the browser. A data grid is drawn on a canvas and prints only what is in
view (columns past the page's width were cut off), so each table of figures has a plain HTML
twin (``figures_table``), hidden on screen, printed in the grid's place.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import pandas as pd
import streamlit as st

from swp_app.tables import full_height

PRINT_CSS = """
<style>
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stSelectbox"], [data-testid="stMultiSelect"], [data-testid="stRadio"],
  [data-testid="stButton"], [data-testid="stDownloadButton"], [data-testid="stExpander"],
  [data-testid="stBaseButton-secondary"], iframe[title="streamlit_analytics"] { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    margin: 0 !important; padding: 0 !important; max-width: 100% !important; width: 100% !important;
    overflow: visible !important; height: auto !important;
  }
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; }
  [data-testid="stColumn"] { width: 100% !important; flex: 1 1 100% !important; min-width: 100% !important; }
  .vega-embed, [data-testid="stVegaLiteChart"], [data-testid="stDataFrame"], [data-testid="stMetric"] {
    break-inside: avoid; page-break-inside: avoid; width: 100% !important;
  }
  [data-testid="stHeading"] h2, [data-testid="stHeading"] h3 { break-after: avoid; page-break-after: avoid; }
  [data-testid="stHeading"]:has(h3) ~ [data-testid="stHeading"]:has(h3) {
    break-before: page; page-break-before: always;
  }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  [data-testid="stElementContainer"]:has(.swp-print-table) { display: block !important; }
  [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]):has(
    + [data-testid="stElementContainer"] .swp-print-table
  ) { display: none !important; }
  .swp-print-table table { width: 100%; border-collapse: collapse; font-size: 8.5pt; break-inside: auto; }
  .swp-print-table th { text-align: left; border-bottom: 1.5px solid #0b0c0c; padding: 3px 4px; }
  .swp-print-table td { border-bottom: 1px solid #d0d0d0; padding: 3px 4px; vertical-align: top; }
  .swp-print-table tr { break-inside: avoid; page-break-inside: avoid; }
}
@media screen {
  [data-testid="stElementContainer"]:has(.swp-print-table) { display: none !important; }
}
</style>
"""


def print_stylesheet() -> None:
    """Add the print stylesheet to the page (style tags alone take no space on screen)."""
    st.html(PRINT_CSS)


def figures_table(frame: pd.DataFrame, columns: Mapping[str, Any], *, key: str, height: int | None = None) -> None:
    """A table of figures: the data grid on screen (``columns``: its column config), a plain twin in print.

    The twin has the grid's columns and headings, link columns left out (nothing to click on
    paper), every row; ``height`` defaults to every row in view (no inner scroll box).
    """
    shown = frame[list(columns)]
    rows = height if height is not None else full_height(len(shown))
    st.dataframe(shown, hide_index=True, column_config=columns, key=key, height=rows)  # type: ignore[arg-type]
    st.html(print_twin(shown, columns))


def print_twin(frame: pd.DataFrame, columns: Mapping[str, Any]) -> str:
    """The table as escaped HTML for print: the columns' headings, every row, empty cells for missing values."""
    printed = [(name, str(config.get("label") or name)) for name, config in columns.items() if not _is_link(config)]
    head = "".join(f"<th>{escape(label)}</th>" for _, label in printed)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_text(row[name]))}</td>" for name, _ in printed) + "</tr>"
        for row in frame.to_dict("records")
    )
    return f'<div class="swp-print-table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _is_link(config: Any) -> bool:
    return isinstance(config, Mapping) and (config.get("type_config") or {}).get("type") == "link"


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)  # NaN != NaN
