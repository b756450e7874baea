"""The colours charts and icons share: defined in ``swp_data.palette`` (the PDF pack draws with them too)."""

from __future__ import annotations

from swp_data.palette import CONCERN, GRID, IMPROVEMENT, INK, NEUTRAL, TARGET

__all__ = ["CONCERN", "GRID", "IMPROVEMENT", "INK", "NEUTRAL", "TARGET"]
