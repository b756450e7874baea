"""Safer Wolverhampton Partnership performance dashboard: ``streamlit run app.py``."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Safer Wolverhampton Partnership", page_icon=":material/shield:", layout="wide")

pages = {
    "Performance": [
        st.Page("pages/about_data.py", title="About the Data", icon=":material/info:", url_path="about-the-data"),
    ],
}
st.navigation(pages).run()
