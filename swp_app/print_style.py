"""A print stylesheet: Ctrl+P of any page gives the figures, not the app around them.

No sidebar, toolbar, widgets or buttons; charts and tables full width and never split across
a page; a page break before each section heading after the first; the page's link printed in
the margin is left to the browser.
"""

from __future__ import annotations

import streamlit as st

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
}
</style>
"""


def print_stylesheet() -> None:
    """Add the print stylesheet to the page (style tags alone take no space on screen)."""
    st.html(PRINT_CSS)
