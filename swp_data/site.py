"""The dashboard's pages, declared once: app.py, the tests and the benchmarks all read this list.

A page's ``key`` is its module (``pages/{key}.py``) and its URL path. Pages that report
KPIs (the Overview and the five priorities) are where catalogue entries say they belong
(``Kpi.priority``). Plain data, no Streamlit: the CLI and the pack use the titles too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page of the dashboard."""

    key: str
    title: str
    icon: str  # a Material Symbols name, as Streamlit writes it: ":material/dashboard:"
    section: str  # its heading in the navigation
    reports_kpis: bool  # KPIs declare ``priority=key`` to appear here
    default: bool = False

    @property
    def module(self) -> str:
        """The page's file, relative to the project folder."""
        return f"pages/{self.key}.py"

    @property
    def url_path(self) -> str:
        """Its path as st.Page declares it (the module's name, so even Streamlit's legacy pages/ mode finds it)."""
        return self.key

    @property
    def link_path(self) -> str:
        """Its path in a link the app renders: Streamlit serves the default page at the root, not at its path."""
        return "" if self.default else self.key


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "Overview", ":material/dashboard:", "Performance", reports_kpis=True, default=True),
    PageSpec("reducing_reoffending", "Reducing Reoffending", ":material/autorenew:", "Performance", reports_kpis=True),
    PageSpec(
        "violence_prevention", "Violence Prevention", ":material/health_and_safety:", "Performance", reports_kpis=True
    ),
    PageSpec("victimisation", "Reducing Victimisation", ":material/diversity_3:", "Performance", reports_kpis=True),
    PageSpec("anti_social_behaviour", "Anti-Social Behaviour", ":material/campaign:", "Performance", reports_kpis=True),
    PageSpec("neighbourhood_crime", "Neighbourhood Crime", ":material/home:", "Performance", reports_kpis=True),
    PageSpec("ward_profile", "Ward Profile", ":material/location_on:", "Places and data", reports_kpis=False),
    PageSpec("about_data", "About the Data", ":material/info:", "Places and data", reports_kpis=False),
)

PAGES_BY_KEY: dict[str, PageSpec] = {page.key: page for page in PAGES}

PRIORITIES: dict[str, str] = {page.key: page.title for page in PAGES if page.reports_kpis}
"""The pages KPIs can belong to (the Overview and the five priorities), key to title."""

PRIORITY_PAGES: tuple[str, ...] = tuple(key for key in PRIORITIES if key != "overview")
"""The five priority pages, each with cards, a trend, a ward map and breakdowns."""


def page(key: str) -> PageSpec:
    """One page by key, with a helpful error for a wrong key."""
    if key not in PAGES_BY_KEY:
        raise KeyError(f"no page {key!r}; pages are {', '.join(PAGES_BY_KEY)}")
    return PAGES_BY_KEY[key]
