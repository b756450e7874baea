"""The KPI catalogue: every KPI of the spec, declared once, validated when loaded."""

from __future__ import annotations

from functools import cache

import duckdb

from swp_data.kinds.base import GRID_COLUMNS
from swp_data.kpis.catalogue import asb, neighbourhood, overview, reoffending, victimisation, violence
from swp_data.kpis.model import Kpi
from swp_data.schema import full_ddl
from swp_data.site import PRIORITIES
from swp_data.sources import SOURCES


class CatalogueError(ValueError):
    """The catalogue breaks one of its rules."""


def _one_zero_rule_per_measure(kpis: list[Kpi]) -> None:
    """Sensitive KPIs built on the same source measure must agree whether its zero is disclosive.

    A count and a share of the same measure are protected from the same counts; were a zero shown
    by one and withheld by the other, the shown zero would open the other's withheld cells.
    """
    rules: dict[str, dict[bool, list[str]]] = {}
    for kpi in kpis:
        if kpi.sensitive:
            for measure in kpi.measures:
                rules.setdefault(measure, {}).setdefault(kpi.zero_disclosive, []).append(kpi.key)
    for measure, by_rule in rules.items():
        if len(by_rule) > 1:
            raise CatalogueError(
                f"{measure} is used by sensitive KPIs with different zero rules: zero disclosive in "
                f"{', '.join(by_rule[True])}, not in {', '.join(by_rule[False])}"
            )


def validate(kpis: list[Kpi]) -> dict[str, Kpi]:
    """Check the catalogue's rules and that every query runs against the store's schema."""
    by_key: dict[str, Kpi] = {}
    labels: set[str] = set()
    for kpi in kpis:
        if kpi.key in by_key:
            raise CatalogueError(f"KPI key {kpi.key!r} is declared twice")
        if kpi.label in labels:
            raise CatalogueError(f"KPI label {kpi.label!r} is used twice")
        if kpi.source not in SOURCES:
            raise CatalogueError(f"{kpi.key}: unknown source {kpi.source!r}")
        by_key[kpi.key] = kpi
        labels.add(kpi.label)
    for kpi in kpis:
        if kpi.parent is not None and (kpi.parent not in by_key or by_key[kpi.parent].parent is not None):
            raise CatalogueError(f"{kpi.key}: parent {kpi.parent!r} is not a top-level KPI")
    _one_zero_rule_per_measure(kpis)
    schema = duckdb.connect()
    try:
        schema.execute(full_ddl())
        for kpi in kpis:
            queries = [("sql", kpi.sql, list(kpi.kind.columns))]
            queries += [
                (f"breakdown {b.key}", b.sql, ["ward_code", "month", "category", *GRID_COLUMNS[2:]])
                for b in kpi.breakdowns
            ]
            for name, query, expected in queries:
                try:
                    columns = [row[0] for row in schema.execute(f"describe {query}").fetchall()]
                except duckdb.Error as error:
                    raise CatalogueError(f"{kpi.key}: {name} does not run against the schema: {error}") from error
                if columns != expected:
                    raise CatalogueError(f"{kpi.key}: {name} returns {columns}, expected {expected}")
    finally:
        schema.close()
    return by_key


@cache
def catalogue() -> dict[str, Kpi]:
    """Every KPI by key, in page order (validated once per process)."""
    declared = [*overview.KPIS, *reoffending.KPIS, *violence.KPIS, *victimisation.KPIS, *asb.KPIS, *neighbourhood.KPIS]
    return validate(declared)


def get(key: str) -> Kpi:
    """One KPI by key, with a helpful error for a wrong key."""
    kpis = catalogue()
    if key not in kpis:
        raise KeyError(f"no KPI {key!r}; `python3 -m swp_data kpis` lists them")
    return kpis[key]


def for_priority(priority: str) -> list[Kpi]:
    """The KPIs a page reports, in declaration order (companions included)."""
    if priority not in PRIORITIES:
        raise KeyError(f"no priority {priority!r}")
    return [kpi for kpi in catalogue().values() if kpi.priority == priority]


__all__ = ["CatalogueError", "catalogue", "for_priority", "get", "validate"]
