"""swp_data: the data layer of the Safer Wolverhampton Partnership dashboard.

Everything that knows about data lives here: the store's schema, imports, the
KPI catalogue, the calculations and disclosure control. It never imports
Streamlit, so it works the same from a notebook, the command line
(``python3 -m swp_data``) and the app.
"""

from __future__ import annotations

__version__ = "0.1.0"
