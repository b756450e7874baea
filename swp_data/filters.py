"""What a view is showing: wards, a run of quarters and what to compare with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from swp_data.periods import Period
from swp_data.selection import WardSelection

Comparison = Literal["year", "previous"]
COMPARISONS: dict[str, str] = {"year": "Same period last year", "previous": "Previous period"}


@dataclass(frozen=True)
class Filters:
    """What a page is showing: wards, period and comparison."""

    selection: WardSelection
    period: Period
    comparison: Comparison = "year"

    @property
    def compare_to(self) -> Period:
        """The comparison period."""
        if self.comparison == "previous":
            return self.period.shift(-len(self.period.quarters))
        return self.period.year_earlier()
