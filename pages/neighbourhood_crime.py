from __future__ import annotations

import swp_app

swp_app.priority_page("neighbourhood_crime", "Neighbourhood Crime")
