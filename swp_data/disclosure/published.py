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
