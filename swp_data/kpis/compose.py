"""KPIs composed from source measures, in the style of dbt MetricFlow: one short declaration per KPI.

A measure (the condition a record meets, and when that cannot be judged) is declared once on
its Source (``swp_data.sources``). A KPI picks its kind and its measures; the SQL, the source,
the unit and the default numerator and denominator labels follow::

    count(CRIME.measures.knife_crime, key="knife_crime", label="Knife crime", ...)
    share(CRIME.measures.alcohol_related, of=CRIME.measures.violence_with_injury_alcohol_recorded, ...)
    rate(CRIME.measures.knife_crime, per=1_000, of="population", key="knife_crime_rate", ...)
    repeat(CRIME.measures.public_place_violence, person="victim_id", ...)

The remaining fields (key, label, priority, definition, direction, better, sensitive ...) are
the KPI's own. A composed KPI's SQL is its record scope's grid (``swp_data.kpis.scope``), so
the records behind its figure are listed with the same conditions. A KPI whose figure is no
count or share of records (survey proportions, MoJ cohorts, the WM rank) is declared as a
``Kpi`` with its SQL, and says in ``no_records`` why it has no records to list.
"""

from __future__ import annotations

from typing import Any

from swp_data.kinds import KINDS
from swp_data.kpis.model import Breakdown, Kpi
from swp_data.kpis.queries import category_grid
from swp_data.kpis.scope import PeopleScope, RecordScope
from swp_data.sources.measures import Measure, either

POPULATIONS = {"population": "all ages", "population aged 10-17": "10-17"}
"""What a rate can be per: all residents, or the 10-17 population (youth justice)."""


def _value_grid(measure: Measure) -> str:
    """A summed measure (partner returns: one figure per row) per ward and month."""
    return f"""
select ward_code, month,
       {measure.value} as numerator,
       null::double as denominator,
       0 as unknown
from {measure.table}
where {measure.condition}
group by all
"""


def _value_share_grid(measure: Measure, of: Measure) -> str:
    """One summed measure as a share of another, per ward and month."""
    return f"""
select ward_code, month,
       {measure.value} filter (where {measure.condition}) as numerator,
       {of.value} filter (where {of.condition}) as denominator,
       0 as unknown
from {measure.table}
where {either(measure.condition, of.condition)}
group by all
"""


def _counted(measure: Measure) -> bool:
    """Whether the measure counts records (partner returns sum a figure per row instead)."""
    return measure.value == "count(*)"


def _grid(measure: Measure) -> dict[str, Any]:
    """The KPI's SQL, and for a count of records the scope listing them (the SQL is that scope's grid)."""
    if not _counted(measure):
        return {"sql": _value_grid(measure)}
    scope = RecordScope(table=measure.table, month=measure.month, numerator=measure.condition, unknown=measure.unknown)
    return {"sql": scope.grid_sql(), "records": scope}


def _by_month(measure: Measure, composition: str) -> Measure:
    """The measure, which must count records by their ``month`` (events of people, breakdowns)."""
    if measure.month != "month":
        raise ValueError(f"{measure.name} counts records by {measure.month}: {composition} needs the record's month")
    return measure


def count(measure: Measure, **declaration: Any) -> Kpi:
    """The number of records meeting the measure (``per_1000=True`` also shows it per 1,000 residents)."""
    declaration.setdefault("numerator", measure.label)
    return Kpi(measure="count", source=measure.table, **_grid(measure), measures=(measure.ref,), **declaration)


def share(measure: Measure, *, of: Measure, unknown: str | None = None, **declaration: Any) -> Kpi:
    """The percentage of ``of``'s records that also meet ``measure`` (``unknown``: records that cannot be judged)."""
    if measure.table != of.table:
        raise ValueError(f"{measure.name} and {of.name} come from different sources")
    if measure.month != of.month:
        raise ValueError(f"{measure.name} and {of.name} count records by different months")
    declaration.setdefault("numerator", measure.label)
    declaration.setdefault("denominator", of.label)
    if _counted(measure):
        scope = RecordScope(
            table=measure.table,
            month=measure.month,
            numerator=measure.within(of),
            denominator=of.condition,
            unknown=unknown or measure.unknown,
        )
        grid: dict[str, Any] = {"sql": scope.grid_sql(), "records": scope}
    else:
        grid = {"sql": _value_share_grid(measure, of)}
    return Kpi(measure="share", source=measure.table, **grid, measures=(measure.ref, of.ref), **declaration)


def rate(measure: Measure, *, per: int, of: str = "population", **declaration: Any) -> Kpi:
    """The measure per ``per`` residents (``of``: "population" or "population aged 10-17")."""
    kinds = [kind for kind in KINDS.values() if getattr(kind, "per", None) == per]
    if not kinds:
        raise ValueError(f"no rate kind per {per:,}")
    declaration.setdefault("numerator", measure.label)
    return Kpi(
        measure=kinds[0].name,
        source=measure.table,
        population_band=POPULATIONS[of],
        **_grid(measure),
        measures=(measure.ref,),
        **declaration,
    )


def repeat(measure: Measure, *, person: str, **declaration: Any) -> Kpi:
    """Of the people (``person`` column) with a record meeting the measure in 12 months, the share with 2 or more."""
    _by_month(measure, "a repeat")
    declaration.setdefault("numerator", f"{measure.label}: people with 2+ in 12 months")
    declaration.setdefault("denominator", f"{measure.label}: people with any in 12 months")
    scope = PeopleScope(table=measure.table, person=person, condition=measure.condition, month=measure.month)
    return Kpi(
        measure="repeat",
        source=measure.table,
        sql=scope.grid_sql(),
        records=scope,
        measures=(measure.ref,),
        **declaration,
    )


def breakdown(
    key: str,
    label: str,
    *,
    by: str,
    of: Measure,
    within: Measure | None = None,
    categories: tuple[str, ...] = (),
) -> Breakdown:
    """``of`` split by the SQL expression ``by`` (with ``within``: the share of ``within`` in each category).

    ``categories`` declares every value ``by`` can take, so each has a row even with no records.
    """
    _by_month(of, "a breakdown")
    if within is None:
        sql = category_grid(of.table, by, of.condition)
        return Breakdown(key=key, label=label, sql=sql, measures=(of.ref,), categories=categories)
    _by_month(within, "a breakdown")
    if within.table != of.table:
        raise ValueError(f"{of.name} and {within.name} come from different sources")
    sql = category_grid(of.table, by, of.condition, within.condition)
    return Breakdown(key=key, label=label, sql=sql, measures=(of.ref, within.ref), categories=categories)


__all__ = ["POPULATIONS", "breakdown", "count", "rate", "repeat", "share"]
