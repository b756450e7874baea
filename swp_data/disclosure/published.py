"""The cells partners see for one sensitive count, and how they relate.

Cells are published only for closed periods, so that a later load never changes a cell
already published (differencing two loads then opens nothing):

- a **quarter** is published once all its months are loaded: the city's count and (city
  only) its categories. It is protected on its own, from its own counts, so its cells are
  the same whatever is loaded later;
- a **financial year** is published once all four quarters are: each ward, each named group,
  the city and the categories over the year. It is protected with its quarters' cells fixed
  as they were published (``protect(..., fixed=...)``), so it only adds to them.

Every other figure a partner can ask for is a sum of these cells and is shown only when all
of its cells are shown, so it adds nothing an attacker could use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from swp_data.disclosure.protect import Key, Protection, Relation, Status, protect

CITY: Key = ("C",)


def ward(index: int) -> Key:
    """A ward's cell for the year."""
    return ("W", index)


def group(index: int) -> Key:
    """A named group's cell for the year."""
    return ("G", index)


def quarter(index: int) -> Key:
    """The city's cell for a quarter."""
    return ("Q", index)


def category(index: int) -> Key:
    """A category's cell (city) for the year."""
    return ("B", index)


def category_quarter(index: int, q: int) -> Key:
    """A category's cell (city) for a quarter."""
    return ("BQ", index, q)


def year_system(
    wards_by_quarter: np.ndarray,
    groups: Sequence[Sequence[int]],
    categories_by_quarter: np.ndarray | None = None,
) -> tuple[dict[Key, int], list[Relation]]:
    """Published cells and relations from ward x quarter counts (and category x quarter counts)."""
    counts = np.asarray(wards_by_quarter, dtype=np.int64)
    wards, quarters = counts.shape
    values: dict[Key, int] = {ward(w): int(counts[w].sum()) for w in range(wards)}
    values[CITY] = int(counts.sum())
    relations = [Relation(CITY, tuple(ward(w) for w in range(wards)))]
    for g, members in enumerate(groups):
        values[group(g)] = int(counts[list(members)].sum())
        relations.append(Relation(group(g), tuple(ward(w) for w in members)))
    for q in range(quarters):
        values[quarter(q)] = int(counts[:, q].sum())
    relations.append(Relation(CITY, tuple(quarter(q) for q in range(quarters))))
    if categories_by_quarter is not None:
        split = np.asarray(categories_by_quarter, dtype=np.int64)
        for k in range(split.shape[0]):
            values[category(k)] = int(split[k].sum())
            for q in range(quarters):
                values[category_quarter(k, q)] = int(split[k, q])
            relations.append(Relation(category(k), tuple(category_quarter(k, q) for q in range(quarters))))
        relations.append(Relation(CITY, tuple(category(k) for k in range(split.shape[0]))))
        for q in range(quarters):
            relations.append(Relation(quarter(q), tuple(category_quarter(k, q) for k in range(split.shape[0]))))
    return values, relations


def quarter_system(
    q: int, city_count: int, categories: np.ndarray | None = None
) -> tuple[dict[Key, int], list[Relation]]:
    """The cells of quarter ``q`` of a year (the city, and its categories) and how they relate."""
    values: dict[Key, int] = {quarter(q): int(city_count)}
    relations: list[Relation] = []
    if categories is not None:
        split = np.asarray(categories, dtype=np.int64)
        for k in range(split.shape[0]):
            values[category_quarter(k, q)] = int(split[k])
        relations.append(Relation(quarter(q), tuple(category_quarter(k, q) for k in range(split.shape[0]))))
    return values, relations


def protect_quarter(
    q: int,
    city_count: int,
    threshold: int,
    zero_is_disclosive: bool = False,
    categories: np.ndarray | None = None,
) -> tuple[dict[Key, int], Protection]:
    """Values and protection status of one closed quarter's cells, from that quarter's counts alone."""
    values, relations = quarter_system(q, city_count, categories)
    return values, protect(values, relations, threshold, zero_is_disclosive)


def protect_year(
    wards_by_quarter: np.ndarray,
    groups: Sequence[Sequence[int]],
    threshold: int,
    zero_is_disclosive: bool = False,
    categories_by_quarter: np.ndarray | None = None,
) -> tuple[dict[Key, int], Protection]:
    """Values and protection status of every published cell for one closed year.

    Its quarters' cells keep the status they were published with when each quarter closed
    (``protect_quarter``), so the year only adds to what its quarters published.
    """
    counts = np.asarray(wards_by_quarter, dtype=np.int64)
    fixed: dict[Key, Status] = {}
    for q in range(counts.shape[1]):
        split = None if categories_by_quarter is None else np.asarray(categories_by_quarter)[:, q]
        fixed.update(protect_quarter(q, int(counts[:, q].sum()), threshold, zero_is_disclosive, split)[1].status)
    values, relations = year_system(counts, groups, categories_by_quarter)
    return values, protect(values, relations, threshold, zero_is_disclosive, fixed)


# -- families: several tables protected as one system ---------------------------------------------------
Table = tuple[np.ndarray, np.ndarray | None]  # ward x quarter counts, and category x quarter counts (or None)


def _prefixed(table: str, values: dict[Key, int], relations: list[Relation]) -> tuple[dict[Key, int], list[Relation]]:
    def name(key: Key) -> Key:
        return (table, *key)  # type: ignore[misc]

    renamed = [Relation(name(r.total), tuple(map(name, r.parts))) for r in relations]
    return {name(k): v for k, v in values.items()}, renamed


def _linked(values: dict[Key, int], links: Sequence[tuple[str, str, str]]) -> list[Relation]:
    """Total = part + rest, cell by cell, for every cell the three tables share."""
    relations = []
    for total, part, rest in links:
        for key in [k for k in values if k[0] == total]:  # type: ignore[index]
            cell = key[1:]  # type: ignore[index]
            if (part, *cell) in values and (rest, *cell) in values:
                relations.append(Relation(key, ((part, *cell), (rest, *cell))))
    return relations


def family_quarter_system(
    q: int, tables: dict[str, tuple[int, np.ndarray | None]], links: Sequence[tuple[str, str, str]]
) -> tuple[dict[Key, int], list[Relation]]:
    """A closed quarter's cells of every table of a family (keys prefixed by the table's name)."""
    values: dict[Key, int] = {}
    relations: list[Relation] = []
    for table, (city_count, categories) in tables.items():
        v, r = _prefixed(table, *quarter_system(q, city_count, categories))
        values.update(v)
        relations += r
    return values, relations + _linked(values, links)


def protect_family_year(
    tables: dict[str, Table],
    groups: Sequence[Sequence[int]],
    links: Sequence[tuple[str, str, str]],
    threshold: int,
    zero_is_disclosive: bool = False,
) -> tuple[dict[Key, int], Protection]:
    """Every table of a family for one closed year, as one system; its quarters fixed as published."""
    fixed: dict[Key, Status] = {}
    quarters = next(iter(tables.values()))[0].shape[1]
    for q in range(quarters):
        fixed.update(protect_family_quarter(q, quarter_of(tables, q), links, threshold, zero_is_disclosive)[1].status)
    values: dict[Key, int] = {}
    relations: list[Relation] = []
    for table, (counts, split) in tables.items():
        v, r = _prefixed(table, *year_system(counts, groups, split))
        values.update(v)
        relations += r
    relations += _linked(values, links)
    return values, protect(values, relations, threshold, zero_is_disclosive, fixed)


def protect_family_quarter(
    q: int,
    tables: dict[str, tuple[int, np.ndarray | None]],
    links: Sequence[tuple[str, str, str]],
    threshold: int,
    zero_is_disclosive: bool = False,
) -> tuple[dict[Key, int], Protection]:
    """A family's cells of one closed quarter, protected from that quarter's counts alone."""
    values, relations = family_quarter_system(q, tables, links)
    return values, protect(values, relations, threshold, zero_is_disclosive)


def quarter_of(tables: dict[str, Table], q: int) -> dict[str, tuple[int, np.ndarray | None]]:
    """Quarter ``q`` of each table: the city's count and its categories."""
    return {
        table: (int(np.asarray(counts)[:, q].sum()), None if split is None else np.asarray(split)[:, q])
        for table, (counts, split) in tables.items()
    }
