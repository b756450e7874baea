"""What ASB incidents can be counted for: the measures of the ``asb_incident`` source.

data.police.uk ASB carries no category, theme, caller or intervention, so an intervention cannot be
judged for those incidents (``unknown``). KPIs compose these (``swp_data.kpis.compose``).
"""

from __future__ import annotations

from swp_data.sources.measures import Measure

INTERVENTION = "intervention is not null and intervention <> 'none'"

ASB_MEASURES: tuple[Measure, ...] = (
    Measure("all_incidents", "ASB incidents", "true"),
    Measure("intervention", "Incidents with an intervention", INTERVENTION, "intervention is null"),
)
