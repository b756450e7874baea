"""Suppression cannot be undone: an attacker who sees every published figure recovers no small count.

The attacker here is written independently of the product's auditor: it works on the
hidden ward x quarter (and category x quarter) counts themselves, not on published cells,
and knows what the rules reveal (a withheld small count is 1 to 4; any other withheld
count is above 4).
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from swp_data.disclosure.protect import Relation, is_primary, protect
from swp_data.disclosure.published import CITY, category, protect_family_year, protect_year, quarter, ward

THRESHOLD = 4


def attacker_ranges(
    counts: np.ndarray, groups: list[list[int]], split: np.ndarray | None, status: dict, values: dict
) -> dict:
    """For each withheld cell, the least and greatest value consistent with everything published."""
    wards, quarters = counts.shape
    categories = 0 if split is None else split.shape[0]
    n = wards * quarters + categories * quarters

    def cell_vector(key: tuple) -> np.ndarray:
        vector = np.zeros(n)
        kind = key[0]
        grid = np.zeros((wards, quarters))
        cats = np.zeros((categories, quarters))
        if kind == "W":
            grid[key[1], :] = 1
        elif kind == "G":
            grid[groups[key[1]], :] = 1
        elif kind == "C":
            grid[:, :] = 1
        elif kind == "Q":
            grid[:, key[1]] = 1
        elif kind == "B":
            cats[key[1], :] = 1
        elif kind == "BQ":
            cats[key[1], key[2]] = 1
        vector[: wards * quarters] = grid.ravel()
        vector[wards * quarters :] = cats.ravel()
        return vector

    rows, rhs = [], []
    for key, value in values.items():
        if status[key] == "shown":
            rows.append(cell_vector(key))
            rhs.append(value)
    if categories:  # the categories of each quarter add up to the city's quarter
        for q in range(quarters):
            row = np.zeros(n)
            row[[w * quarters + q for w in range(wards)]] = 1
            row[[wards * quarters + k * quarters + q for k in range(categories)]] = -1
            rows.append(row)
            rhs.append(0)
    inequalities = []  # withheld cells: what their labels reveal ("<5": 1 to 4; "[c]": above 4, or unsaid)
    for key in values:
        if status[key] == "primary":
            inequalities += [(cell_vector(key), THRESHOLD), (-cell_vector(key), -1)]
        elif status[key] == "secondary":
            inequalities.append((-cell_vector(key), -(THRESHOLD + 1)))
        elif status[key] == "withheld":
            inequalities.append((-cell_vector(key), -1))
    a_ub = np.array([v for v, _ in inequalities]) if inequalities else None
    b_ub = np.array([b for _, b in inequalities]) if inequalities else None
    ranges = {}
    for key in values:
        if status[key] == "shown":
            continue
        target = cell_vector(key)
        low = linprog(
            target, A_ub=a_ub, b_ub=b_ub, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=(0, None), method="highs"
        )
        high = linprog(
            -target, A_ub=a_ub, b_ub=b_ub, A_eq=np.array(rows), b_eq=np.array(rhs), bounds=(0, None), method="highs"
        )
        assert low.status == 0 and high.status in (0, 3)  # 3: no upper limit at all
        ranges[key] = (low.fun, float("inf") if high.status == 3 else -high.fun)
    return ranges


small_counts = st.integers(min_value=0, max_value=12)


@st.composite
def years(draw: st.DrawFn) -> tuple[np.ndarray, list[list[int]], np.ndarray | None]:
    wards = draw(st.integers(min_value=2, max_value=7))
    counts = np.array(draw(st.lists(st.lists(small_counts, min_size=4, max_size=4), min_size=wards, max_size=wards)))
    groups = draw(st.lists(st.lists(st.integers(0, wards - 1), min_size=1, max_size=3, unique=True), max_size=2))
    split = None
    if draw(st.booleans()):
        categories = draw(st.integers(min_value=2, max_value=4))
        split = np.zeros((categories, 4), dtype=int)
        for q in range(4):  # spread each quarter's city total over the categories at random
            total = int(counts[:, q].sum())
            shares = draw(st.lists(st.integers(0, 10), min_size=categories, max_size=categories))
            weights = np.array(shares, dtype=float) + 1e-9
            split[:, q] = np.floor(total * weights / weights.sum()).astype(int)
            split[0, q] += total - split[:, q].sum()
    return counts, groups, split


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years())
def test_no_withheld_small_count_can_be_recovered_by_differencing(year: tuple) -> None:
    counts, groups, split = year
    values, protection = protect_year(counts, groups, THRESHOLD, categories_by_quarter=split)
    status = protection.status
    for key, value in values.items():  # nothing small is shown
        if status[key] == "shown":
            assert not is_primary(value, THRESHOLD, False), (key, value)
    for key, (low, high) in attacker_ranges(counts, groups, split, status, values).items():
        if values[key] <= THRESHOLD:  # every small count that is withheld
            assert high - low >= 1 - 1e-6, (key, values[key], low, high, status)


@settings(max_examples=60, deadline=None)
@given(years())
def test_where_zero_is_disclosive_zeros_are_withheld_too(year: tuple) -> None:
    counts, groups, split = year
    values, protection = protect_year(counts, groups, THRESHOLD, zero_is_disclosive=True, categories_by_quarter=split)
    assert all(protection.suppressed(k) for k, v in values.items() if v == 0)


def test_a_single_small_ward_is_protected_by_withholding_a_second_ward() -> None:
    counts = np.array([[1, 0, 1, 0], [9, 8, 7, 9], [10, 12, 11, 13], [20, 18, 22, 19]])
    values, protection = protect_year(counts, [], THRESHOLD)
    assert values[ward(0)] == 2 and protection.status[ward(0)] == "primary"
    assert sum(protection.status[ward(w)] == "secondary" for w in range(1, 4)) == 1
    assert protection.status[CITY] == "shown"  # the city total stays visible


def test_quarters_against_the_year_and_categories_against_the_total() -> None:
    counts = np.array([[3, 20, 25, 30], [2, 15, 18, 21]])  # the city's first quarter is 5: shown
    split = np.array([[1, 10, 12, 15], [4, 25, 31, 36]])  # category 0, quarter 0 is 1: withheld
    _values, protection = protect_year(counts, [], THRESHOLD, categories_by_quarter=split)
    assert protection.status[("BQ", 0, 0)] == "primary"
    assert protection.status[quarter(0)] == "shown"
    # Category 0's quarters add up to its year, and the categories of quarter 0 add up to it.
    assert protection.status[category(0)] != "shown" or any(
        protection.status[("BQ", 0, q)] != "shown" for q in range(1, 4)
    )
    assert sum(protection.status[("BQ", k, 0)] != "shown" for k in range(2)) == 2


def test_two_withheld_ones_that_would_add_up_to_two_are_not_left_alone() -> None:
    values = {"A": 1, "B": 1, "C": 50, "T": 52}
    protection = protect(values, [Relation("T", ("A", "B", "C"))], THRESHOLD)
    assert protection.status["A"] == protection.status["B"] == "primary"
    assert protection.suppressed("C") or protection.suppressed("T")


@st.composite
def families_of_counts(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Positives and negatives per ward and quarter (a share's two parts; their sum is a count KPI)."""
    wards = draw(st.integers(min_value=2, max_value=6))

    def table() -> np.ndarray:
        return np.array(draw(st.lists(st.lists(small_counts, min_size=4, max_size=4), min_size=wards, max_size=wards)))

    groups = draw(st.lists(st.lists(st.integers(0, wards - 1), min_size=1, max_size=3, unique=True), max_size=2))
    return table(), table(), groups


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(families_of_counts())
def test_a_count_and_its_share_protected_as_one_family_open_nothing_together(family: tuple) -> None:
    """Drug tests (a count) and the share positive: the tests' cells are the positives' plus the negatives'.

    An independent attacker reads every shown cell of all three tables, knowing tests = positive +
    negative cell by cell, and what each marker says; no small withheld cell of any table is pinned.
    """
    positive, negative, groups = family
    tables = {"tests": (positive + negative, None), "positive": (positive, None), "negative": (negative, None)}
    links = [("tests", "positive", "negative")]
    values, protection = protect_family_year(tables, groups, links, THRESHOLD, zero_is_disclosive=True)
    status = protection.status
    wards, quarters = positive.shape

    def cells(key: tuple) -> np.ndarray:
        """A cell as a sum of the hidden positives, then the hidden negatives."""
        grid = np.zeros((wards, quarters))
        kind = key[1]
        if kind == "W":
            grid[key[2], :] = 1
        elif kind == "G":
            grid[groups[key[2]], :] = 1
        elif kind == "C":
            grid[:, :] = 1
        elif kind == "Q":
            grid[:, key[2]] = 1
        flat = grid.ravel()
        table = key[0]
        return np.concatenate(
            [flat if table in ("tests", "positive") else 0 * flat, flat if table in ("tests", "negative") else 0 * flat]
        )

    equal, rhs, upper, upper_rhs = [], [], [], []
    for key, value in values.items():
        vector = cells(key)
        if status[key] == "shown":
            equal.append(vector)
            rhs.append(value)
        elif status[key] == "primary":
            upper += [vector, -vector]
            upper_rhs += [THRESHOLD, 0]
        elif status[key] == "secondary":
            upper.append(-vector)
            upper_rhs.append(-(THRESHOLD + 1))
    options = {"bounds": (0, None), "method": "highs"}
    if equal:
        options.update({"A_eq": np.array(equal), "b_eq": np.array(rhs)})
    if upper:
        options.update({"A_ub": np.array(upper), "b_ub": np.array(upper_rhs)})
    for key, value in values.items():
        if status[key] == "shown":
            assert not is_primary(value, THRESHOLD, True), (key, value)
        elif value <= THRESHOLD:
            low = linprog(cells(key), **options)
            high = linprog(-cells(key), **options)
            assert low.status == 0 and high.status in (0, 3)
            top = float("inf") if high.status == 3 else -high.fun
            assert top - low.fun >= 1 - 1e-6, (key, value, low.fun, top)
