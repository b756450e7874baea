"""Which records a composed KPI counts: the one declaration its figure's SQL and its records both come from.

A composed KPI (``swp_data.kpis.compose``) carries a scope built from its measures'
condition strings. The scope writes the KPI's grid SQL *and* the query that lists the
records behind each part of the figure, so the two cannot drift apart:

- ``RecordScope`` (counts, shares, rates): rows of one source meeting the numerator's
  condition, the denominator's, or the condition under which the record cannot be judged
  (``unknown``), counted in the month of ``month``;
- ``PeopleScope`` (repeat measures): incidents of people (or places) in the 12 months to
  the period's end; the numerator's records are the incidents of people with ``threshold``
  or more of them there.

Conditions are our own SQL from the source declarations (never user input); the ward
codes and months of a selection are parameters.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from swp_data.kinds.repeat import WINDOW_MONTHS
from swp_data.kpis.queries import people_events, records_grid
from swp_data.periods import Period, add_months

Part = Literal["numerator", "denominator", "unknown"]
PARTS: tuple[Part, ...] = ("numerator", "denominator", "unknown")


class Listing(BaseModel):
    """A query listing a scope's records, and a query counting them (rows, and people where they count)."""

    model_config = ConfigDict(frozen=True)

    rows: str
    count: str
    params: list[object]


def _in_wards(wards: tuple[str, ...] | None) -> tuple[str, list[object]]:
    """The ward filter: none for the whole city (every record, city-wide ones too), else the ward codes."""
    if wards is None:
        return "true", []
    return "list_contains(?::varchar[], ward_code)", [list(wards)]


class RecordScope(BaseModel):
    """Rows of ``table`` a count, share or rate adds up, part by part."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    people: ClassVar[bool] = False  # the figure counts rows, not people

    table: str
    month: str = "month"  # the column whose month a record counts in
    numerator: str
    denominator: str | None = None  # None: a count has no denominator of records
    unknown: str = "false"

    @property
    def parts(self) -> tuple[Part, ...]:
        """The parts whose records can be listed (``unknown`` only where some record could be unjudgeable)."""
        return tuple(p for p in PARTS if self.condition(p) not in (None, "false"))

    def condition(self, part: Part) -> str | None:
        """The SQL condition a record meets to be in that part (None: the figure has no such part)."""
        return {"numerator": self.numerator, "denominator": self.denominator, "unknown": self.unknown}[part]

    def grid_sql(self) -> str:
        """The KPI's figure: the parts counted per ward and month."""
        return records_grid(self.table, self.numerator, self.denominator, self.unknown, self.month)

    def months(self, period: Period) -> tuple[date, date]:
        """The first and last month whose records make the period's figure."""
        return period.start, period.months[-1]

    def ward_filter(self, wards: tuple[str, ...], city: bool) -> tuple[str, ...] | None:
        """The wards to keep (None: all records, as the city figure sums every row, city-wide ones too)."""
        return None if city else wards

    def listing(
        self,
        part: Part,
        columns: list[str],
        order: list[str],
        wards: tuple[str, ...] | None,
        period: Period,
        threshold: int = 2,
    ) -> Listing:
        """The records of one part for the wards (None: the whole city) and the period's months.

        ``threshold`` is for repeat measures: a count, share or rate does not use it.
        """
        condition = self.condition(part)
        if condition is None:
            raise ValueError(f"this figure has no {part}")
        in_wards, ward_params = _in_wards(wards)
        first, last = self.months(period)
        chosen = f"""
            select *
            from {self.table}
            where {self.month} between ? and ? and {in_wards} and ({condition})
        """
        return Listing(
            rows=f"with chosen as ({chosen}) select {', '.join(columns)} from chosen order by {', '.join(order)}",
            count=f"with chosen as ({chosen}) select count(*), null from chosen",
            params=[first, last, *ward_params],
        )


class PeopleScope(BaseModel):
    """Incidents of people (``person``) meeting ``condition``: a repeat measure's records."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    people: ClassVar[bool] = True  # the figure counts people (or places), not rows

    table: str
    person: str
    condition: str
    month: str = "month"

    @property
    def parts(self) -> tuple[Part, ...]:
        """Incidents of repeat people (numerator), or of everyone counted (denominator)."""
        return ("numerator", "denominator")

    def grid_sql(self) -> str:
        """The KPI's incidents: one row per incident with its person, ward and month."""
        return people_events(self.table, self.person, self.condition)

    def months(self, period: Period) -> tuple[date, date]:
        """The 12 months to the period's end: the window the figure counts people over."""
        return add_months(period.months[-1], -(WINDOW_MONTHS - 1)), period.months[-1]

    def ward_filter(self, wards: tuple[str, ...], city: bool) -> tuple[str, ...] | None:
        """Always the wards: people are counted from incidents placed on a ward, for the city too."""
        return wards

    def listing(
        self,
        part: Part,
        columns: list[str],
        order: list[str],
        wards: tuple[str, ...] | None,
        period: Period,
        threshold: int = 2,
    ) -> Listing:
        """The incidents in the window of people with ``threshold``+ of them (numerator) or of anyone (denominator)."""
        if part not in self.parts:
            raise ValueError(f"this figure has no {part}: it counts people")
        in_wards, ward_params = _in_wards(wards)
        first, last = self.months(period)
        minimum = threshold if part == "numerator" else 1
        chosen = f"""
            with incidents as (
                select *
                from {self.table}
                where {self.person} is not null and ({self.condition})
                  and {self.month} between ? and ? and {in_wards}
            ),
            people as (
                select {self.person} as person_key
                from incidents
                group by all
                having count(*) >= ?
            )
            select incidents.*
            from incidents
            join people on incidents.{self.person} = people.person_key
        """
        return Listing(
            rows=f"with chosen as ({chosen}) select {', '.join(columns)} from chosen order by {', '.join(order)}",
            count=f"with chosen as ({chosen}) select count(*), count(distinct {self.person}) from chosen",
            params=[first, last, *ward_params, minimum],
        )


Scope = RecordScope | PeopleScope

__all__ = ["PARTS", "Listing", "Part", "PeopleScope", "RecordScope", "Scope"]
