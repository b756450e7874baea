"""What a view is showing: wards, a run of quarters and what to compare with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from swp_data.periods import Period
from swp_data.selection import WardSelection, ward_options

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


def query_string(filters: Filters) -> str:
    """The URL query string that reopens a view with these filters (the app's "Shared links")."""
    params = [
        ("from", filters.period.first.label),
        ("to", filters.period.last.label),
        ("compare", COMPARISONS[filters.comparison]),
    ]
    if filters.selection.kind == "group":
        params.append(("group", filters.selection.label))
    elif not filters.selection.is_city:
        names = ward_options()
        params += [("wards", names[code]) for code in filters.selection.wards]
    return "?" + urlencode(params)
