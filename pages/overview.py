from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

import swp_app
from swp_data.calc.render import as_of_text
from swp_data.filters import Filters
from swp_data.site import PRIORITIES
from swp_data.views import Dashboard


def render(board: Dashboard, filters: Filters) -> None:
    swp_app.page_header(
        board, "Overview", filters, "Every KPI; * = some records lack the field needed (see the KPI's page)."
    )
    figures = board.overview(filters)
    table = swp_app.overview_display(figures)
    query = swp_app.filter_query(filters)
    table["open"] = [
        f"{swp_app.PAGE_PATHS[page]}{query}&{urlencode({'kpi': label.strip()})}"
        for page, label in zip(table["page"], table["kpi"], strict=True)
    ]
    columns = {
        # Wide enough for the longest KPI name, and kept in view while the other columns scroll.
        "kpi": st.column_config.TextColumn("KPI", width=swp_app.KPI_COLUMN_WIDTH, pinned=True),
        "value": st.column_config.TextColumn(filters.period.label),
        "comparison": st.column_config.TextColumn(filters.compare_to.label),
        "change": st.column_config.TextColumn("Change (significance)"),
        "rolling_12_months": st.column_config.TextColumn("Rolling 12 months"),
        "spc": st.column_config.TextColumn("Variation", help="SPC (Making Data Count): the latest point's signal"),
        "assurance": st.column_config.TextColumn(
            "Assurance", help="SPC: whether the process limits say the target will be met"
        ),
        "better": st.column_config.TextColumn("Better"),
        "rag": st.column_config.TextColumn("RAG"),
        "open": st.column_config.LinkColumn("Page", display_text="Open"),
    }
    for priority in PRIORITIES.values():
        rows = table[table["priority"] == priority]
        st.subheader(priority)
        # Every row, no inner scroll box (projecting); printed as a plain table of every column.
        swp_app.figures_table(rows, columns, key=f"overview-{priority}")
        swp_app.marker_caption(rows[["value", "comparison", "rolling_12_months"]].to_numpy().ravel())
    title = f"Every KPI: {filters.selection.label}, {filters.period.label}"
    swp_app.download_csv(
        figures, "swp-overview.csv", swp_app.headings(filters, title, as_of_text(board.as_of)), "dl-overview"
    )
    spend(board, filters)


def spend(board: Dashboard, filters: Filters) -> None:
    """Commissioned spend for the year, each priority's headline outcome beside it (spend is not sensitive)."""
    year, lines, summary = board.spend(filters)
    st.subheader(f"Commissioned spend, {year}")
    if summary.empty:
        st.info(f"No commissioned spend is loaded for {year}.")
        return
    st.caption(
        "Allocation against actual spend per priority; beside each, the priority's headline outcome for "
        f"{filters.period.label} (what the money was for, not a measure of its effect)."
    )
    columns = {
        "priority": st.column_config.TextColumn("Priority"),
        "services": st.column_config.NumberColumn("Services"),
        "allocation": st.column_config.TextColumn("Allocated"),
        "actual_spend": st.column_config.TextColumn("Spent"),
        "difference": st.column_config.TextColumn("Spent less allocated"),
        "headline": st.column_config.TextColumn("Headline outcome", width="large"),
    }
    shown = swp_app.spend_display(summary)
    swp_app.figures_table(shown, columns, key="spend")
    swp_app.download_csv(
        lines,
        f"swp-spend-{year.replace('/', '-')}.csv",
        swp_app.headings(filters, f"Commissioned spend, {year}: every budget line", as_of_text(board.as_of)),
        "dl-spend",
    )


swp_app.view(render)
