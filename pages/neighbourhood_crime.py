from __future__ import annotations

import swp_app
from swp_data.filters import Filters
from swp_data.views import Dashboard


def render(board: Dashboard, filters: Filters) -> None:
    swp_app.priority_page(board, filters, "neighbourhood_crime")


swp_app.view(render)
