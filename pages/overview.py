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
        "kpi": st.column_config.TextColumn("KPI", width="medium"),
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
        st.dataframe(
            rows[list(columns)],
            hide_index=True,
            column_config=columns,
            key=f"overview-{priority}",
            height=swp_app.full_height(len(rows)),  # every row, no inner scroll box (printing, projecting)
        )
        swp_app.marker_caption(rows[["value", "comparison", "rolling_12_months"]].to_numpy().ravel())
    title = f"Every KPI: {filters.selection.label}, {filters.period.label}"
    swp_app.download_csv(
        figures, "swp-overview.csv", swp_app.headings(filters, title, as_of_text(board.as_of)), "dl-overview"
    )


swp_app.view(render)
