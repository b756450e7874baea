"""The records behind a figure: exactly the rows its count adds up, for analysts.

``list_records(engine, key, selection, period)`` lists the rows of the KPI's source that
make one part of its figure (the numerator by default; a share's denominator, or the
records that could not be judged, on request). The rows come from the KPI's record scope
(``swp_data.kpis.scope``), the same declaration its figure's SQL is built from, and the
result carries the figure's own count so a reader sees that the two agree.

A KPI declared with its own SQL (survey proportions, MoJ cohorts, the West Midlands rank)
or built on aggregate returns has no records to list: ``RecordsUnavailable`` says why.
Partners never reach this module: ``Dashboard.records`` refuses them first.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from swp_data.calc.engine import Engine
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.kpis.scope import Part, PeopleScope, RecordScope
from swp_data.periods import Period
from swp_data.selection import WardSelection
from swp_data.sources import SOURCES

UNJUDGED = "Records that could not be judged (their source does not record what this KPI needs)"


class RecordsUnavailable(ValueError):
    """No records can be listed behind this figure; the message says why."""


@dataclass(frozen=True)
class RecordSet:
    """The records behind one part of a KPI's figure for a selection and period."""

    key: str
    label: str
    part: Part
    described: str  # what the rows are, in words
    source: str
    selection: str
    period: str  # the months the rows come from (a repeat measure: the 12 months to the period's end)
    frame: pd.DataFrame  # the rows, sorted by month and key (at most ``limit`` of them)
    total: int  # every row meeting the part's condition (``frame`` may hold fewer)
    people: int | None  # repeat measures: the people (or places) those rows belong to
    people_column: str | None  # repeat measures: the column naming them (victim_id, caller_id, location_id ...)
    figure: float | None  # the figure's own count for this part, from the engine
    note: str | None = None

    @property
    def counted(self) -> int:
        """What the figure counts of these rows: the rows, or the people for a repeat measure."""
        return self.total if self.people is None else self.people

    @property
    def matches(self) -> bool:
        """Whether the rows add up to the figure's count (they always should: one declaration makes both)."""
        return self.figure is not None and self.counted == round(self.figure)

    @property
    def truncated(self) -> bool:
        """Whether ``frame`` holds only the first of the rows."""
        return len(self.frame) < self.total

    def summary(self) -> str:
        """'239 records: the figure's numerator (239)' in words, or what differs."""
        rows = f"{self.total:,} record{'s' if self.total != 1 else ''}"
        if self.people is not None:
            rows += f" of {self.people:,} distinct {self.people_column}"
        figure = "none" if self.figure is None else f"{self.figure:,.0f}"
        agreement = "the same as" if self.matches else "which differs from"
        return f"{rows}: {agreement} the figure's {self.part} ({figure})"


def unavailable_reason(kpi: Kpi, selection: WardSelection | None = None) -> str | None:
    """Why no records can be listed behind the KPI (for this selection), or None when they can."""
    source = SOURCES[kpi.source]
    if not source.record_level:
        return (
            f"{kpi.label} comes from {source.title.lower()} ({source.grain} per row), aggregate figures "
            "rather than records: there are no records behind it to list"
        )
    if kpi.records is None:
        because = kpi.no_records or "it is declared with its own SQL, not composed from a record condition"
        return f"Records are not available for {kpi.label}: {because}"
    if selection is not None and kpi.geography == "city" and not selection.is_city:
        return f"{kpi.label} is a city-wide figure: select the whole city to list its records"
    return None


def record_parts(kpi: Kpi) -> dict[Part, str]:
    """The parts of the figure whose records can be listed, with what their rows are (empty: none)."""
    scope = kpi.records
    if unavailable_reason(kpi) is not None or scope is None:
        return {}
    words: dict[Part, str] = {"numerator": kpi.numerator, "denominator": kpi.denominator or "", "unknown": UNJUDGED}
    if scope.people:
        return {part: f"Incidents of {words[part][0].lower()}{words[part][1:]}" for part in scope.parts}
    return {part: words[part] for part in scope.parts}


def list_records(
    engine: Engine,
    key: str,
    selection: WardSelection,
    period: Period,
    part: Part = "numerator",
    limit: int | None = None,
) -> RecordSet:
    """The records behind one part of the KPI's figure, with the figure's own count for that part.

    The rows are the source's store columns (without the load id), sorted by the month they
    count in and the source's key. ``limit`` caps the rows returned, never ``total``.
    """
    kpi = catalogue.get(key)
    reason = unavailable_reason(kpi, selection)
    if reason is not None:
        raise RecordsUnavailable(reason)
    scope = kpi.records
    assert isinstance(scope, RecordScope | PeopleScope)
    if part not in scope.parts:
        raise ValueError(f"{kpi.label} has no {part} records to list (parts: {', '.join(scope.parts)})")
    result = engine.result(key, selection, period, with_spc=False)
    if kpi.provisional_months:  # the figure moved to the latest period with a cohort: so do its records
        period = engine.latest_available(kpi, period, period.year_earlier())[0]
    source = SOURCES[kpi.source]
    columns = [c for c in source.store_columns if c != "load_id"]
    order = list(dict.fromkeys([scope.month, *source.key]))
    listing = scope.listing(
        part, columns, order, scope.ward_filter(selection.wards, selection.is_city), period, threshold=kpi.threshold
    )
    connection = engine.connection
    total, people = connection.execute(listing.count, listing.params).fetchone() or (0, None)
    rows = listing.rows + (" limit ?" if limit is not None else "")
    frame = connection.execute(rows, [*listing.params, *([limit] if limit is not None else [])]).df()
    first, last = scope.months(period)
    unknown = 0.0
    if "unknown" in scope.parts:
        parts = engine.parts(kpi, selection, first, last)
        unknown = parts.unknown if parts is not None else 0.0
    figure = unknown if part == "unknown" else getattr(result.current, part)
    if figure is None and part != "unknown" and result.availability in ("not available", "no data"):
        figure = 0.0  # the figure shows no number (not available, or no data): nothing was counted
    return RecordSet(
        key=kpi.key,
        label=kpi.label,
        part=part,
        described=record_parts(kpi)[part],
        source=kpi.source,
        selection=selection.label,
        period=kpi.kind.period_shown(period),
        frame=frame,
        total=int(total),
        people=None if people is None else int(people),
        people_column=getattr(scope, "person", None),
        figure=figure,
        note=_note(kpi, part, int(total), unknown, result.availability),
    )


def _note(kpi: Kpi, part: Part, total: int, unknown: float, availability: str) -> str | None:
    """What a reader must know beside the rows: records in scope that could not be judged."""
    if part == "unknown" or not unknown:
        return None
    left_out = (
        f"{unknown:,.0f} further records could not be judged (their source does not record what this KPI "
        "needs, as on data.police.uk files): they are not in the figure and not listed here; list them as "
        "the 'unknown' part"
    )
    if availability == "not available":
        return f"{kpi.label} is not available for these records, rather than zero: {left_out}."
    return f"{left_out}."


__all__ = ["UNJUDGED", "RecordSet", "RecordsUnavailable", "list_records", "record_parts", "unavailable_reason"]
