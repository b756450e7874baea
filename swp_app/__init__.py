"""The one package joining the data layer to Streamlit: navigation, cached store, shared filters, cards, charts.

Pages import this and lay things out; every figure comes from the ``swp_data.views.Dashboard``
that app.py builds once per rerun and passes to the page with the rerun's Filters.
Filters are bound to the URL (``bind="query-params"``), so they persist across pages and
a pasted link reopens the same page, wards and period.
"""

from __future__ import annotations

from swp_app import legacy_pages
from swp_app.cards import definitions, download_csv, headings, kpi_card, kpi_cards, marker_caption, page_header
from swp_app.charts import breakdown_chart, period_shown, rank_table, trend_chart, ward_table
from swp_app.filters import PAGE_PATHS, filter_query, filters_sidebar
from swp_app.first_start import ensure_store
from swp_app.layouts import priority_page, record_drilldown
from swp_app.memory import freeze_after_first_page
from swp_app.navigation import navigation, run_page, view
from swp_app.pack_downloads import pack_downloads
from swp_app.print_style import figures_table, print_stylesheet
from swp_app.session import (
    access_level,
    access_panel,
    connection,
    dashboard,
    sign_in_configured,
)
from swp_app.tables import KPI_COLUMN_WIDTH, full_height, overview_display, spend_display, ward_profile_display
from swp_app.unavailable import open_dashboard
from swp_app.ward_map import ward_map

__all__ = [
    "KPI_COLUMN_WIDTH",
    "PAGE_PATHS",
    "access_level",
    "access_panel",
    "breakdown_chart",
    "connection",
    "dashboard",
    "definitions",
    "download_csv",
    "ensure_store",
    "figures_table",
    "filter_query",
    "filters_sidebar",
    "freeze_after_first_page",
    "full_height",
    "headings",
    "kpi_card",
    "kpi_cards",
    "legacy_pages",
    "marker_caption",
    "navigation",
    "open_dashboard",
    "overview_display",
    "pack_downloads",
    "page_header",
    "period_shown",
    "print_stylesheet",
    "priority_page",
    "rank_table",
    "record_drilldown",
    "run_page",
    "sign_in_configured",
    "spend_display",
    "trend_chart",
    "view",
    "ward_map",
    "ward_profile_display",
    "ward_table",
]
