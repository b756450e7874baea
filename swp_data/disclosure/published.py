"""The cells partners see for one sensitive count in one financial year, and how they relate.

Partners see a sensitive count for each ward, each named group and the city over the
financial year, for the city in each quarter, and (city only) by category. Every other
figure a partner can ask for is a sum of these cells and is shown only when all of its
cells are shown, so it adds nothing an attacker could use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from swp_data.disclosure.protect import Key, Protection, Relation, protect

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


def protect_year(
    wards_by_quarter: np.ndarray,
    groups: Sequence[Sequence[int]],
    threshold: int,
    zero_is_disclosive: bool = False,
    categories_by_quarter: np.ndarray | None = None,
) -> tuple[dict[Key, int], Protection]:
    """Values and protection status of every published cell for one year."""
    values, relations = year_system(wards_by_quarter, groups, categories_by_quarter)
    return values, protect(values, relations, threshold, zero_is_disclosive)
