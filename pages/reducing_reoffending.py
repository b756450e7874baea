from __future__ import annotations

import swp_app
from swp_data.views import Dashboard, Filters


def render(board: Dashboard, filters: Filters) -> None:
    swp_app.priority_page(board, filters, "reducing_reoffending")


swp_app.view(render)
