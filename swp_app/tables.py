"""Display strings for the data layer's typed tables: made in ``swp_data.display`` (shared with the pack).

Only the Markdown rendering of the marker notes lives here (Streamlit captions are Markdown).
"""

from __future__ import annotations

from collections.abc import Iterable

from swp_data.display import (
    MISSING_WORDS,
    marker_legend,
    overview_display,
    rank_text,
    shown,
    spend_display,
    versus_city_text,
    ward_profile_display,
    ward_state,
    ward_table_display,
    withheld_text,
)

__all__ = [
    "MISSING_WORDS",
    "full_height",
    "marker_notes",
    "overview_display",
    "rank_text",
    "shown",
    "spend_display",
    "versus_city_text",
    "ward_profile_display",
    "ward_state",
    "ward_table_display",
    "withheld_text",
]


def marker_notes(cells: Iterable[object]) -> str | None:
    """The words for each suppression marker among ``cells`` ('<5: fewer than 5, ...'), or None if none shows.

    Printed beneath a table or map, so a marker is explained where it is read (on a projector or on
    paper, where no tooltip can be hovered).
    """
    found = marker_legend(cells)
    if not found:
        return None
    return " · ".join(f"**{_escaped(marker)}**: {words}" for marker, words in found) + "."


def _escaped(marker: str) -> str:
    """A marker as literal Markdown text ('[c]' is not a link, '<5' not a tag)."""
    return marker.replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;")


ROW_HEIGHT = 35  # px: Streamlit's default data-grid row (and header) height
# px: a KPI name column of the tables that list KPIs (Overview, Ward Profile): about 46 characters,
# most names whole (the median is 35); kept in view (pinned) while the figures scroll beside it.
KPI_COLUMN_WIDTH = 340


def full_height(rows: int) -> int:
    """A data grid's height in pixels that shows every row and its header, with no inner scroll box."""
    return ROW_HEIGHT * (rows + 1) + 3
