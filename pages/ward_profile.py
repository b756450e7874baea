from __future__ import annotations

import streamlit as st

import swp_app
from swp_data.calc.render import as_of_text
from swp_data.filters import Filters
from swp_data.selection import ward_options
from swp_data.views import Dashboard


def render(board: Dashboard, filters: Filters) -> None:
    wards = ward_options()
    codes_by_name = {name: code for code, name in wards.items()}
    default = wards[filters.selection.wards[0]] if len(filters.selection.wards) == 1 else next(iter(codes_by_name))
    header = st.container()  # the title goes above the ward picker but needs its choice
    name = st.selectbox(
        "Ward", list(codes_by_name), index=list(codes_by_name).index(default), key="ward", bind="query-params"
    )
    ward = codes_by_name[name]
    with header:
        swp_app.page_header(
            board,
            f"Ward Profile: {name}, {filters.period.label}",
            None,
            f"Against the whole city (higher, similar or lower, judged by each KPI's desired direction), with the "
            f"ward's rank among the 20 wards by rate (each KPI says which end is 1). {as_of_text(board.as_of)}.",
        )
    figures = board.ward_profile(ward, filters)
    profile = swp_app.ward_profile_display(figures)
    columns = {
        # Wide enough for the longest KPI name, and kept in view while the other columns scroll.
        "kpi": st.column_config.TextColumn("KPI", width=swp_app.KPI_COLUMN_WIDTH, pinned=True),
        "ward": st.column_config.TextColumn(wards[ward]),
        "city": st.column_config.TextColumn("Wolverhampton"),
        "measure": st.column_config.TextColumn("Measure"),
        "versus_city": st.column_config.TextColumn("Against the city"),
        "rank_of_20": st.column_config.TextColumn("Rank of 20"),
        "rank_order": st.column_config.TextColumn("Rank order"),
        "change": st.column_config.TextColumn(f"Change vs {filters.compare_to.label}"),
        "better": st.column_config.TextColumn("Better"),
    }
    for priority, rows in profile.groupby("priority", sort=False):
        st.subheader(str(priority))
        # Every row, no inner scroll box (projecting); printed as a plain table of every column.
        swp_app.figures_table(rows, columns, key=f"profile-{priority}")
        swp_app.marker_caption(rows[["ward", "city"]].to_numpy().ravel())
    title = f"Ward profile: {wards[ward]} against the city, {filters.period.label}"
    lines = [
        title,
        f"Period: {filters.period.label}; compared with {filters.compare_to.label}",
        as_of_text(board.as_of),
    ]
    swp_app.download_csv(figures, f"ward-profile-{ward}.csv", lines, "dl-profile")


swp_app.view(render)
