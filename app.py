"""Safer Wolverhampton Partnership performance dashboard: ``streamlit run app.py``."""

from __future__ import annotations

import streamlit as st

import swp_app
from swp_data.settings import get_settings

st.set_page_config(page_title="Safer Wolverhampton Partnership", page_icon=":material/shield:", layout="wide")

page = st.navigation(
    {
        "Performance": [
            st.Page(
                "pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True
            ),
            st.Page(
                "pages/reducing_reoffending.py",
                title="Reducing Reoffending",
                icon=":material/autorenew:",
                url_path="reducing_reoffending",
            ),
            st.Page(
                "pages/violence_prevention.py",
                title="Violence Prevention",
                icon=":material/health_and_safety:",
                url_path="violence_prevention",
            ),
            st.Page(
                "pages/victimisation.py",
                title="Reducing Victimisation",
                icon=":material/diversity_3:",
                url_path="victimisation",
            ),
            st.Page(
                "pages/anti_social_behaviour.py",
                title="Anti-Social Behaviour",
                icon=":material/campaign:",
                url_path="anti_social_behaviour",
            ),
            st.Page(
                "pages/neighbourhood_crime.py",
                title="Neighbourhood Crime",
                icon=":material/home:",
                url_path="neighbourhood_crime",
            ),
        ],
        "Places and data": [
            st.Page(
                "pages/ward_profile.py", title="Ward Profile", icon=":material/location_on:", url_path="ward_profile"
            ),
            st.Page("pages/about_data.py", title="About the Data", icon=":material/info:", url_path="about_data"),
        ],
    }
)
if not swp_app.ensure_store(get_settings().db_path):
    st.stop()
swp_app.access_panel()
filters = swp_app.filters_sidebar()
if filters is None:
    st.stop()
st.session_state["_swp_filters"] = filters
page.run()
