"""Sensitive KPIs that share counts are protected together, as one family.

A count and a share of the same measure (criminal-justice referrals and their share of all
referrals; drug tests and the share positive) publish cells of the same counts. Protected
apart, each would withhold different cells, and what one shows would open what the other
hides. So every sensitive KPI's disclosure tables are named by the counts they hold: a source
measure (``treatment_episode.cj_referrals``), or the rest of a share's denominator
(``all_referrals - cj_referrals``). KPIs whose tables share a name, or are tied by a share
(denominator = numerator + rest), form one family, protected as one system.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi


@dataclass(frozen=True)
class Link:
    """``total`` = ``part`` + ``rest``: a share's denominator, numerator and the rest."""

    total: str
    part: str
    rest: str


@dataclass(frozen=True)
class Family:
    """Tables protected together: each named once, with the KPI and table that provide its counts."""

    name: str
    tables: dict[str, tuple[str, str]]  # table name -> (KPI key, the KPI's disclosure table)
    links: tuple[Link, ...]
    categories_of: str | None  # the table whose categories (the count breakdown) are published
    category_kpi: str | None


def table_names(kpi: Kpi) -> dict[str, str]:
    """The KPI's disclosure tables, each named by the counts it holds."""
    measures = kpi.measures
    names: dict[str, str] = {}
    for table in kpi.kind.disclosure_tables:
        if table == "numerator" and measures:
            names[table] = measures[0]
        elif table == "denominator" and len(measures) == 2:
            names[table] = measures[1]
        elif table == "complement" and len(measures) == 2:
            names[table] = f"{measures[1]} - {measures[0]}"
        else:
            names[table] = f"{kpi.key}:{table}"  # declared with its own SQL: a family of its own
    return names


def _links(kpi: Kpi) -> list[Link]:
    names = table_names(kpi)
    if "complement" in names and len(kpi.measures) == 2:
        return [Link(total=kpi.measures[1], part=names["numerator"], rest=names["complement"])]
    return []


@cache
def families() -> dict[str, Family]:
    """Each sensitive KPI's family (by KPI key): the connected tables of the catalogue's sensitive KPIs."""
    kpis = [k for k in catalogue.catalogue().values() if k.sensitive and k.kind.gridded]
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    def join(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for kpi in kpis:
        names = list(table_names(kpi).values())
        for name in names[1:]:
            join(names[0], name)
        for link in _links(kpi):
            join(link.total, link.part)
            join(link.total, link.rest)
    members: dict[str, list[Kpi]] = {}
    for kpi in kpis:
        members.setdefault(find(next(iter(table_names(kpi).values()))), []).append(kpi)
    out: dict[str, Family] = {}
    for root, group in members.items():
        # Counts come from a count KPI where one holds them (its breakdown is the one partners see).
        ordered = sorted(group, key=lambda k: (not k.kind.publishes_count, k.key))
        tables: dict[str, tuple[str, str]] = {}
        for kpi in ordered:
            for table, name in table_names(kpi).items():
                tables.setdefault(name, (kpi.key, table))
        # A share ties its denominator to its parts only where another KPI publishes the denominator.
        links = tuple(dict.fromkeys(link for kpi in ordered for link in _links(kpi) if link.total in tables))
        with_categories = next(
            (k for k in ordered if k.kind.breakdowns_add_up() and k.breakdowns and k.kind.publishes_count), None
        )
        family = Family(
            name=root,
            tables=tables,
            links=links,
            categories_of=table_names(with_categories)["numerator"] if with_categories else None,
            category_kpi=with_categories.key if with_categories else None,
        )
        for kpi in group:
            out[kpi.key] = family
    return out
