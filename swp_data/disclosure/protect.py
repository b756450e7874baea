"""Small-number suppression that cannot be undone by arithmetic.

A *system* is a set of published cells (counts) and the exact relations between them
(a total equals the sum of its parts: a city and its wards, a year and its quarters,
a total and its categories). Protection is:

1. primary: cells from 1 to the threshold (and zero, where a zero is disclosive), shown as "<5";
2. secondary: while any primary cell could be worked out exactly, withhold another cell
   in one of its relations (shown as "[c]");
3. fallback: where the labels themselves give the game away (in a tiny table, knowing that
   each of three cells is under 5 and that they total 12 pins them all), every cell of that
   part of the table is withheld as "[c]" without saying which ones are small.

"Worked out" is decided by an auditor that plays the attacker: a linear program finds
the smallest and largest value each primary cell can take given every visible cell, every
relation, and what the rules themselves reveal (a primary cell is at most the threshold;
a secondary cell is above it). A cell is protected when at least two values remain possible.
Secondary cells are chosen by a hash of their names, not by size, so the choice leaks no bound.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import highspy
import numpy as np

from swp_data.quiet import native_stdout_silenced

Status = Literal["shown", "primary", "secondary", "withheld"]
Key = Hashable


@dataclass(frozen=True)
class Relation:
    """``total`` equals the sum of ``parts``."""

    total: Key
    parts: tuple[Key, ...]


@dataclass
class Protection:
    """Each cell's status after protection."""

    status: dict[Key, Status] = field(default_factory=dict)

    def suppressed(self, key: Key) -> bool:
        """Whether a cell is withheld."""
        return self.status.get(key, "shown") != "shown"


def is_primary(value: float, threshold: int, zero_is_disclosive: bool) -> bool:
    """A small count that must not be shown."""
    return 1 <= value <= threshold or (zero_is_disclosive and value == 0)


def protect(
    values: dict[Key, int],
    relations: Sequence[Relation],
    threshold: int,
    zero_is_disclosive: bool = False,
    fixed: Mapping[Key, Status] | None = None,
) -> Protection:
    """Suppress small cells and enough others that none can be recovered exactly.

    ``fixed`` are cells already published (or withheld) by an earlier, smaller system, such as a
    quarter published when it closed: their status cannot change, so a shown one stays visible to
    the auditor and is never chosen to be withheld, and what is published now adds to what was.
    """
    fixed = dict(fixed or {})
    status: dict[Key, Status] = {
        key: "primary" if is_primary(value, threshold, zero_is_disclosive) else "shown" for key, value in values.items()
    }
    status.update({key: value for key, value in fixed.items() if key in status})
    involved: dict[Key, list[Relation]] = {}
    for relation in relations:
        for key in (relation.total, *relation.parts):
            involved.setdefault(key, []).append(relation)
    totals = {relation.total for relation in relations}
    # Withholding more only removes equations (a new secondary's bound is on a value that was already
    # known exactly), so a cell once found safe stays safe: each is audited until it is safe, once.
    safe: set[Key] = set()
    for _ in range(len(values) + 1):
        exposed = None
        for key in status:
            if key in safe or status[key] not in ("primary", "withheld") or values[key] > threshold:
                continue
            if _pinned(key, values, relations, status, threshold, zero_is_disclosive):
                exposed = key
                break
            safe.add(key)
        if exposed is None:
            return Protection(status)
        candidates = [c for c in _candidates(exposed, values, involved, status, threshold, totals) if c not in fixed]
        if not candidates:
            before = dict(status)
            _withhold_group(exposed, values, involved, status, zero_is_disclosive, fixed)
            if status == before:
                # Only fixed cells are left around it: withholding every cell that is not fixed leaves
                # what the fixed (earlier, protected) systems published, which protected it already.
                status.update({k: "withheld" for k in status if k not in fixed and status[k] == "shown"})
                return Protection(status)
            continue
        # The first candidate (parts before totals, then by hash) that protects the cell on its own;
        # otherwise the first candidate, and the loop carries on.
        chosen = candidates[0]
        for candidate in candidates:
            trial = {**status, candidate: "secondary"}
            if not _pinned(exposed, values, relations, trial, threshold, zero_is_disclosive):
                chosen = candidate
                break
        status[chosen] = "secondary"
    return Protection(status)


def _withhold_group(
    exposed: Key,
    values: dict[Key, int],
    involved: dict[Key, list[Relation]],
    status: dict[Key, Status],
    zero_is_disclosive: bool,
    fixed: Mapping[Key, Status],
) -> None:
    """Withhold the exposed cell's whole group without marking which cells are small.

    Zeros stay shown where a zero is not disclosive (they reveal nothing), so a withheld
    cell is then known only to be at least 1.
    """
    frontier, seen = [exposed], {exposed}
    while frontier:
        key = frontier.pop()
        if key not in fixed:
            status[key] = "withheld"
        for relation in involved.get(key, []):
            for other in (relation.total, *relation.parts):
                if other in seen or (status[other] == "shown" and values[other] == 0 and not zero_is_disclosive):
                    continue
                if other in fixed and fixed[other] == "shown":
                    continue  # published already: withholding it now would hide nothing
                seen.add(other)
                frontier.append(other)


def _candidates(
    exposed: Key,
    values: dict[Key, int],
    involved: dict[Key, list[Relation]],
    status: dict[Key, Status],
    threshold: int,
    totals: set[Key],
) -> list[Key]:
    """Shown cells above the threshold in the relations of the exposed cell's group of withheld cells.

    Ordered parts before totals, then those in the most relations that already hold a withheld
    cell (withholding such a cell closes a cycle, along which values can shift unseen), then by hash.
    """
    frontier = [exposed]
    seen = {exposed}
    found: set[Key] = set()
    while frontier:
        key = frontier.pop()
        for relation in involved.get(key, []):
            for other in (relation.total, *relation.parts):
                if status[other] == "shown":
                    if values[other] > threshold:
                        found.add(other)
                elif other not in seen:
                    seen.add(other)
                    frontier.append(other)

    def closes_cycles(key: Key) -> int:
        return sum(
            any(status[cell] != "shown" for cell in (relation.total, *relation.parts) if cell != key)
            for relation in involved.get(key, [])
        )

    return sorted(
        found,
        key=lambda k: (k in totals, -closes_cycles(k), hashlib.sha256(repr(k).encode()).hexdigest()),
    )


def feasible_range(
    key: Key,
    values: dict[Key, int],
    relations: Sequence[Relation],
    status: dict[Key, Status],
    threshold: int,
    zero_is_disclosive: bool,
) -> tuple[float, float]:
    """The smallest and largest value an attacker can deduce for a suppressed cell.

    Solved with HiGHS directly (the solver scipy wraps): a model per call, so threads never share one.
    """
    hidden = [k for k in values if status.get(k, "shown") != "shown"]
    index = {k: i for i, k in enumerate(hidden)}
    starts, columns, coefficients, rhs = [0], [], [], []
    for relation in relations:
        row: dict[int, float] = {}
        constant = 0.0
        for sign, cell in [(1.0, relation.total)] + [(-1.0, p) for p in relation.parts]:
            if cell in index:
                row[index[cell]] = row.get(index[cell], 0.0) + sign
            else:
                constant += sign * values[cell]
        row = {c: v for c, v in row.items() if v}
        if row:
            columns += list(row)
            coefficients += list(row.values())
            starts.append(len(columns))
            rhs.append(-constant)
    lowest = 0 if zero_is_disclosive else 1
    known = {"primary": (lowest, threshold), "secondary": (threshold + 1, None), "withheld": (lowest, None)}
    bounds = [known[status[k]] for k in hidden]

    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = len(hidden), len(rhs)
    cost = np.zeros(len(hidden))
    cost[index[key]] = 1.0
    model.col_cost_ = cost
    model.col_lower_ = np.array([float(low) for low, _ in bounds])
    model.col_upper_ = np.array([highspy.kHighsInf if high is None else float(high) for _, high in bounds])
    model.row_lower_ = model.row_upper_ = np.array(rhs, dtype=float)
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    model.a_matrix_.index_ = np.array(columns, dtype=np.int32)
    model.a_matrix_.value_ = np.array(coefficients, dtype=float)
    solver = _quiet_solver()
    solver.passModel(model)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return float(values[key]), float(values[key])  # treat as exposed: withhold more
    low = solver.getInfo().objective_function_value
    solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
    solver.run()
    outcome = solver.getModelStatus()
    if outcome == highspy.HighsModelStatus.kUnbounded:
        return float(low), float("inf")
    if outcome != highspy.HighsModelStatus.kOptimal:
        return float(values[key]), float(values[key])
    return float(low), float(solver.getInfo().objective_function_value)


_banner_shown = False


def _quiet_solver() -> highspy.Highs:
    """A HiGHS solver that prints nothing.

    HiGHS 1.16 writes its licence banner to descriptor 1 when the first solver of a
    process is constructed, before any option can be set; that would corrupt a command's
    JSON or CSV on stdout, so the first construction runs with descriptor 1 silenced.
    """
    global _banner_shown
    if _banner_shown:
        solver = highspy.Highs()
    else:
        with native_stdout_silenced():
            solver = highspy.Highs()
        _banner_shown = True
    solver.setOptionValue("output_flag", False)
    return solver


def _pinned(
    key: Key,
    values: dict[Key, int],
    relations: Sequence[Relation],
    status: dict[Key, Status],
    threshold: int,
    zero_is_disclosive: bool,
) -> bool:
    low, high = feasible_range(key, values, relations, status, threshold, zero_is_disclosive)
    return high - low < 1 - 1e-6
