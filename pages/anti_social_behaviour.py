from __future__ import annotations

import swp_app

swp_app.priority_page("anti_social_behaviour", "Anti-Social Behaviour")
