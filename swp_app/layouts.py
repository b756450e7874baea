"""The shared layout of the five priority pages."""

from __future__ import annotations

import streamlit as st

from swp_app.cards import definitions, download_csv, headings, kpi_cards, page_header
from swp_app.charts import breakdown_chart, funnel_chart, rank_table, trend_chart, ward_table
from swp_app.filters import offer_period
from swp_app.ward_map import ward_map
from swp_data.calc.render import as_of_text
from swp_data.filters import Filters
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.site import page
from swp_data.views import Dashboard


def priority_page(board: Dashboard, filters: Filters, priority: str) -> None:
    """A priority page: its KPI cards, then one KPI explored as a trend, a map, a ranked table and breakdowns."""
    as_of = as_of_text(board.as_of)
    page_header(board, page(priority).title, filters)
    kpis = catalogue.for_priority(priority)
    kpi_cards(board.results([k.key for k in kpis], filters), filters, board.threshold)
    definitions(kpis)
    st.subheader("Explore a KPI")
    keys_by_label = {k.label: k.key for k in kpis}
    label = st.selectbox("KPI to explore", list(keys_by_label), key="kpi", bind="query-params")
    key = keys_by_label[label]
    kpi = catalogue.get(key)
    trend_chart(kpi, board.series(key, filters), board.series_step(key, filters), filters, key, as_of=as_of)
    if kpi.geography == "ward" and kpi.kind.by_ward_available:
        offer = board.ward_period_offer(key, filters)
        if offer is not None:
            offer_period(kpi.label, filters.period.label, offer)
        left, right = st.columns([3, 2])
        wards = board.by_ward(key, filters)
        with left:
            ward_map(kpi, wards, filters, key, as_of=as_of)
        with right:
            ward_table(kpi, wards, filters, key, as_of=as_of)
        funnel_chart(kpi, board.funnel(key, filters), filters, key, as_of=as_of)
    elif kpi.kind.league_table:
        rank_table(board.wm_ranks(filters), filters, as_of=as_of)
    else:
        st.info(f"{kpi.label} is a city-wide figure: partners return it for the whole city, not by ward.")
    for breakdown in kpi.breakdowns:
        frame = board.breakdown(key, breakdown.key, filters)
        if frame.empty:
            st.info(
                f"{kpi.label}, {breakdown.label.lower()}: published for partners for the whole city only, "
                "to protect small numbers."
            )
        else:
            breakdown_chart(kpi, breakdown.label, frame, filters, f"{key}-{breakdown.key}", as_of=as_of)
    if priority == "neighbourhood_crime" and not kpi.kind.league_table:
        st.subheader("West Midlands comparison")
        rank_table(board.wm_ranks(filters), filters, as_of=as_of)
    if not board.partner:
        record_drilldown(board, kpi, filters)


def record_drilldown(board: Dashboard, kpi: Kpi, filters: Filters) -> None:
    """The records behind a figure, exactly the rows it counts (analysts only: the data layer refuses partners)."""
    opened = f"records-open-{kpi.key}"
    with st.expander(
        f"Records behind {kpi.label} (analysts only)", icon=":material/table_rows:", key=opened, on_change="rerun"
    ):
        if not st.session_state.get(opened):
            # Listed once opened: on a large store the listing is an analyst page's heaviest query,
            # and most visits never open it.
            return
        reason = board.records_unavailable(kpi.key, filters)
        if reason:
            st.info(f"{reason}.")
            return
        parts = board.record_parts(kpi.key, filters)
        part = next(iter(parts))
        if len(parts) > 1:
            part = st.radio("Which records", list(parts), format_func=parts.__getitem__, key=f"records-{kpi.key}")
        records = board.records(kpi.key, filters, part)
        shown = f" The first {len(records.frame):,} are shown." if records.truncated else ""
        st.caption(
            f"{records.summary()}. {records.described}, from {records.source}, {records.selection}, "
            f"{records.period}.{shown} Pseudonymised identifiers only."
        )
        if not records.matches:
            st.warning("These records do not add up to the figure: please report this to the data team.")
        if records.note:
            st.info(records.note)
        st.dataframe(records.frame, hide_index=True, height=300)
        download_csv(
            records.frame,
            f"{kpi.key}-{part}-records.csv",
            headings(filters, f"Records behind {kpi.label}: {records.described}", as_of_text(board.as_of)),
            f"dl-records-{kpi.key}",
        )
