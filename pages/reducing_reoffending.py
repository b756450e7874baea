from __future__ import annotations

import swp_app

swp_app.priority_page("reducing_reoffending", "Reducing Reoffending")
