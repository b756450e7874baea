from __future__ import annotations

import streamlit as st

import swp_app
from swp_data.status import skipped_reasons, source_status

swp_app.page_header("About the Data", "What each source holds, when it was loaded, and what was skipped and why")

connection = swp_app.connection()
sources = source_status(connection)
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
    },
)
swp_app.download_csv(sources, "swp-sources.csv", ["Safer Wolverhampton Partnership: sources in the store"], "dl-src")

st.subheader("Rows skipped when loading, and why")
skipped = skipped_reasons(connection)
if skipped.empty:
    st.write("No rows have been skipped: every row read was loaded.")
else:
    st.dataframe(skipped, hide_index=True)
