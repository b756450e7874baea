from __future__ import annotations

import streamlit as st

import swp_app
from swp_data.calc.render import as_of_text
from swp_data.filters import Filters
from swp_data.views import Dashboard


def render(board: Dashboard, filters: Filters) -> None:
    swp_app.page_header(
        board,
        "About the Data",
        None,
        f"What each source holds, when it was loaded, what was skipped and why. {as_of_text(board.as_of)}.",
    )

    sources = board.sources()
    st.subheader("Sources in the store")
    st.dataframe(
        sources,
        hide_index=True,
        column_config={
            "source": "Source",
            "table": "Table",
            "rows": st.column_config.NumberColumn("Rows", format="localized"),
            "first_month": st.column_config.DateColumn("From", format="MMM YYYY"),
            "last_month": st.column_config.DateColumn("To", format="MMM YYYY"),
            "last_loaded": st.column_config.DatetimeColumn("Last loaded", format="D MMM YYYY, HH:mm"),
            "files_loaded": st.column_config.NumberColumn("Files loaded"),
            "rows_skipped": st.column_config.NumberColumn("Rows skipped", format="localized"),
            "months_loaded": st.column_config.NumberColumn(
                "Months loaded", help="Months a load covered: only these count, and a period is complete when all are."
            ),
            "months_missing": st.column_config.NumberColumn(
                "Months missing", help="Gaps between the first and the last month loaded: figures there read 'no data'."
            ),
            "caveat": st.column_config.TextColumn("Caveats", width="large"),
        },
    )
    swp_app.download_csv(sources, "swp-sources.csv", ["Sources in the store", as_of_text(board.as_of)], "dl-sources")

    st.subheader("Rows skipped when loading, and why")
    skipped = board.skipped()
    if skipped.empty:
        st.write("No rows have been skipped: every row read was loaded.")
    else:
        st.dataframe(skipped, hide_index=True)
        swp_app.download_csv(
            skipped, "swp-skipped.csv", ["Rows skipped when loading", as_of_text(board.as_of)], "dl-skipped"
        )

    st.subheader("Wards and their populations")
    st.markdown(board.geography_note())
    placement = board.placement()
    if not placement.empty:
        st.dataframe(
            placement,
            hide_index=True,
            column_config={
                "source": "Source",
                "placed_by": "Placed",
                "records": st.column_config.NumberColumn("Records", format="localized"),
            },
        )

    st.subheader("Reading the figures")
    st.markdown(
        "- **Boundaries, lookups and populations** are public data: see `data/reference/ATTRIBUTION.md` "
        "for each file and its licence.\n"
        "- **Change** is called a rise or fall only when it is statistically significant (Poisson E-test for counts, "
        "two-proportion test for percentages, 5% level); otherwise it says *no significant change*.\n"
        "- **SPC** follows NHS *Making Data Count*: XmR limits; a point beyond the limits, 7 in a row on one side of "
        "the mean, or 6 rising or falling is a special cause, shown blue (improvement) or orange (concern).\n"
        "- **Unknown is not zero**: records that do not carry a field a KPI needs are left out and counted in a note."
    )


swp_app.view(render)
