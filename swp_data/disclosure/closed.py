"""The published cells of one sensitive KPI: closed quarters and closed financial years only.

A quarter is *closed* for a KPI when every one of its months is loaded for every source the
KPI reads (the coverage table); a financial year when its four quarters are. Coverage only
grows, and a closed period's counts do not move when later months are loaded, so a cell,
once published, is published with the same value and status by every later load: the
difference between two loads opens nothing.

- Closed quarters publish the city's count (and its categories), each quarter protected
  from its own counts alone (``published.protect_quarter``).
- Closed years add each ward, each named group, the city and the categories over the year,
  protected with their quarters' cells fixed as published (``published.protect_year``).

A selection and period is shown to a partner only as a sum of such cells (``combine``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from swp_data.disclosure import stored
from swp_data.disclosure.cells import Cell, combine
from swp_data.disclosure.families import Family, families, table_names
from swp_data.disclosure.protect import Key, Protection
from swp_data.disclosure.published import (
    CITY,
    Table,
    category,
    category_quarter,
    group,
    protect_family_quarter,
    protect_family_year,
)
from swp_data.disclosure.published import quarter as quarter_key
from swp_data.disclosure.published import ward as ward_key
from swp_data.kpis import catalogue
from swp_data.kpis.model import Kpi
from swp_data.periods import Period, Quarter
from swp_data.selection import WardSelection, load_ward_groups

if TYPE_CHECKING:
    from swp_data.calc.engine import Engine

UNPUBLISHED = Cell(None, "unpublished")


class PublishedCells:
    """Protected cells of sensitive KPIs, per closed quarter and closed financial year."""

    def __init__(self, engine: Engine, threshold: int) -> None:
        self.engine = engine
        self.threshold = threshold
        position = {code: i for i, code in enumerate(engine.axis.wards)}
        self.ward_position = position
        self.groups = {name: tuple(position[c] for c in g.wards) for name, g in load_ward_groups().items()}

    # -- which periods are closed ---------------------------------------------------------------------
    def quarter_closed(self, kpi: Kpi, q: Quarter) -> bool:
        """Every month of the quarter is loaded for every source the KPI reads, and none is provisional.

        A provisional figure (a reoffending cohort before its 18 months have run) is revised by later
        loads as a matter of course: the difference between two would be people, so it is not closed.
        """
        axis = self.engine.axis
        covered = self.engine.covered_months(kpi)
        indices = [axis.month_index(m) for m in q.months]
        if not all(0 <= i < len(axis.months) and bool(covered[i]) for i in indices):
            return False
        return not self.engine.is_provisional(kpi, q.months[-1])

    def year_closed(self, kpi: Kpi, fy: int) -> bool:
        """All four quarters of the financial year starting in April ``fy`` are closed."""
        return all(self.quarter_closed(kpi, Quarter(fy, n)) for n in range(1, 5))

    def closed(self, kpi: Kpi, selection: WardSelection, period: Period) -> bool:
        """Whether partners may see the KPI for this selection and period at all.

        The city: every quarter closed. A ward, group or several wards: whole financial years, each closed.
        """
        if not all(self.quarter_closed(kpi, q) for q in period.quarters):
            return False
        if self.city_level(kpi, selection):
            return True
        return all(q.number == 1 for q in period.quarters[::4]) and len(period.quarters) % 4 == 0

    def city_level(self, kpi: Kpi, selection: WardSelection) -> bool:
        """Whether a selection is read from the city's cells: a city-wide KPI, or every ward selected."""
        return kpi.geography == "city" or set(selection.wards) == set(self.ward_position)

    def latest_closed_year(self, kpi: Kpi) -> int | None:
        """The start year of the latest closed financial year (None: no year is closed yet)."""
        axis = self.engine.axis
        last = Quarter.containing(axis.months[-1]).fy_start
        first = Quarter.containing(axis.months[0]).fy_start
        return next((fy for fy in range(last, first - 1, -1) if self.year_closed(kpi, fy)), None)

    # -- counts -----------------------------------------------------------------------------------------
    def _table(self, kpi: Kpi, table: str) -> np.ndarray:
        arrays = self.engine.grid(kpi).arrays
        numerator = arrays["numerator"]
        if table == "numerator":
            return numerator
        denominator = arrays.get("denominator", np.zeros_like(numerator))
        return denominator - numerator if table == "complement" else denominator

    def _rows(self, kpi: Kpi) -> list[int]:
        axis = self.engine.axis
        return [axis.city_row] if kpi.geography == "city" else list(range(len(axis.wards)))

    def _columns(self, q: Quarter) -> np.ndarray:
        return np.array([self.engine.axis.month_index(m) for m in q.months])

    def _counts(self, kpi: Kpi, table: str, quarters: list[Quarter]) -> np.ndarray:
        data = self._table(kpi, table)
        rows = self._rows(kpi)
        return np.array([[data[r, self._columns(q)].sum() for q in quarters] for r in rows]).round().astype(int)

    def _categories(self, kpi: Kpi, quarters: list[Quarter]) -> np.ndarray | None:
        breakdown = self.count_breakdown(kpi)
        if breakdown is None:
            return None
        grids = self.engine.breakdown_grids(kpi, breakdown)
        every_row = np.arange(len(self.engine.axis.wards) + 1)
        split = np.zeros((len(grids), len(quarters)))
        for k, grid in enumerate(grids.values()):
            for j, q in enumerate(quarters):
                split[k, j] = grid.arrays["numerator"][np.ix_(every_row, self._columns(q))].sum()
        return split.round().astype(int)

    def count_breakdown(self, kpi: Kpi) -> str | None:
        """The breakdown whose categories add up to the KPI's count (the one partners may see, city-wide)."""
        if not kpi.kind.breakdowns_add_up() or not kpi.breakdowns:
            return None
        return kpi.breakdowns[0].key

    # -- protected systems (one per family of KPIs sharing counts: swp_data.disclosure.families) ------------
    def family(self, kpi: Kpi) -> Family:
        """The KPI's family (a family of its own where the catalogue has none for it)."""
        found = families().get(kpi.key)
        if found is not None:
            return found
        names = table_names(kpi)
        with_categories = self.count_breakdown(kpi) is not None
        return Family(
            name=kpi.key,
            tables={name: (kpi.key, table) for table, name in names.items()},
            links=(),
            categories_of=names["numerator"] if with_categories else None,
            category_kpi=kpi.key if with_categories else None,
        )

    def _family_counts(self, family: Family, quarters: list[Quarter]) -> dict[str, Table]:
        kpis = catalogue.catalogue()
        out: dict[str, Table] = {}
        for name, (key, table) in family.tables.items():
            split = None
            if name == family.categories_of and family.category_kpi is not None:
                split = self._categories(kpis[family.category_kpi], quarters)
            out[name] = (self._counts(kpis[key], table, quarters), split)
        return out

    def _links(self, family: Family) -> list[tuple[str, str, str]]:
        return [(link.total, link.part, link.rest) for link in family.links]

    def quarter(self, kpi: Kpi, table: str, q: Quarter) -> tuple[dict[Key, int], Protection]:
        """A closed quarter's cells of the KPI's family, protected from that quarter's counts alone.

        Keys are ``(table name, *cell)``: ``table_names(kpi)[table]`` then ``quarter(n - 1)``.
        """
        family = self.family(kpi)

        def build() -> tuple[dict[Key, int], Protection]:
            solved = self._stored(family, q.code)
            if solved is not None:
                return solved
            counts = self._family_counts(family, [q])
            tables = {
                name: (int(c.sum()), None if split is None else split[:, 0]) for name, (c, split) in counts.items()
            }
            return protect_family_quarter(
                q.number - 1, tables, self._links(family), self.threshold, kpi.zero_disclosive
            )

        key = (self.engine.version, "protected quarter", family.name, q.code, self.threshold)
        return self.engine.cache.get(key, build)  # type: ignore[return-value]

    def year(self, kpi: Kpi, table: str, fy: int) -> tuple[dict[Key, int], Protection]:
        """A closed year's cells of the KPI's family, protected with its quarters' cells fixed as published."""
        family = self.family(kpi)

        def build() -> tuple[dict[Key, int], Protection]:
            solved = self._stored(family, stored.year_code(fy))
            if solved is not None:
                return solved
            counts = self._family_counts(family, [Quarter(fy, n) for n in range(1, 5)])
            groups = [] if kpi.geography == "city" else list(self.groups.values())
            return protect_family_year(counts, groups, self._links(family), self.threshold, kpi.zero_disclosive)

        # The groups are part of the system: an analyst may edit ward_groups.toml while the app runs.
        key = (self.engine.version, "protected year", family.name, fy, self.threshold, tuple(self.groups.items()))
        return self.engine.cache.get(key, build)  # type: ignore[return-value]

    def _stored(self, family: Family, period: str) -> tuple[dict[Key, int], Protection] | None:
        """The period's protection as solved when the snapshot was sealed (None: solve it now)."""
        solved = self.stored()
        return None if solved is None else solved.get((family.name, period))

    def stored(self) -> dict[tuple[str, str], stored.Solved] | None:
        """Every protection stored with the snapshot, if solved for its loads, this threshold and these groups."""
        engine = self.engine
        key = (engine.version, "stored protections", self.threshold, stored.groups_text(self.groups))
        return engine.cache.get(  # type: ignore[return-value]
            key, lambda: stored.read(engine.connection, repr(engine.version), self.threshold, self.groups)
        )

    def every_closed_period(self) -> Iterator[tuple[str, str, tuple[dict[Key, int], Protection]]]:
        """Each sensitive family's closed quarters and years, protected: ``(family, period code, solved)``."""
        axis = self.engine.axis
        first, last = Quarter.containing(axis.months[0]), Quarter.containing(axis.months[-1])
        quarters = Period(first, last).quarters
        done: set[tuple[str, str]] = set()
        for kpi in catalogue.catalogue().values():
            if not kpi.sensitive or not kpi.kind.gridded:
                continue
            family = self.family(kpi).name
            for q in quarters:
                if (family, q.code) not in done and self.quarter_closed(kpi, q):
                    done.add((family, q.code))
                    yield family, q.code, self.quarter(kpi, "numerator", q)
            for fy in range(first.fy_start, last.fy_start + 1):
                if (family, stored.year_code(fy)) not in done and self.year_closed(kpi, fy):
                    done.add((family, stored.year_code(fy)))
                    yield family, stored.year_code(fy), self.year(kpi, "numerator", fy)

    def _quarter_cell(self, kpi: Kpi, table: str, q: Quarter, key: Key) -> Cell:
        values, protection = self.quarter(kpi, table, q)
        named = (table_names(kpi)[table], *key)  # type: ignore[misc]
        return Cell(float(values[named]), protection.status[named])

    def _year_cell(self, kpi: Kpi, table: str, fy: int, key: Key) -> Cell:
        values, protection = self.year(kpi, table, fy)
        named = (table_names(kpi)[table], *key)  # type: ignore[misc]
        return Cell(float(values[named]), protection.status[named])

    # -- cells for a selection and period -------------------------------------------------------------
    def cell(self, kpi: Kpi, table: str, selection: WardSelection, period: Period) -> Cell:
        """The partner-facing value of a KPI table for a selection and period ('unpublished' unless closed)."""
        if not self.closed(kpi, selection, period):
            return UNPUBLISHED
        # Keys follow the selection's wards, never its label or kind: a group's cell only for exactly its wards.
        city_level = self.city_level(kpi, selection)
        positions = sorted(self.ward_position[code] for code in selection.wards)
        group_index = next((i for i, members in enumerate(self.groups.values()) if sorted(members) == positions), None)
        parts: list[Cell] = []
        for fy, quarters in _by_year(period).items():
            if city_level and not (len(quarters) == 4 and self.year_closed(kpi, fy)):
                parts += [self._quarter_cell(kpi, table, q, quarter_key(q.number - 1)) for q in quarters]
                continue
            if city_level:
                keys = [CITY]
            elif group_index is not None:
                keys = [group(group_index)]
            else:
                keys = [ward_key(p) for p in positions]
            parts += [self._year_cell(kpi, table, fy, k) for k in keys]
        return combine(parts)

    def category_cells(self, kpi: Kpi, period: Period) -> dict[str, Cell]:
        """City-wide cells per category of the KPI's count breakdown ('unpublished' unless closed)."""
        breakdown = self.count_breakdown(kpi)
        if breakdown is None:
            return {}
        names = list(self.engine.breakdown_grids(kpi, breakdown))
        if not all(self.quarter_closed(kpi, q) for q in period.quarters):
            return {name: UNPUBLISHED for name in names}
        cells: dict[str, list[Cell]] = {name: [] for name in names}
        for fy, quarters in _by_year(period).items():
            whole = len(quarters) == 4 and self.year_closed(kpi, fy)
            for k, name in enumerate(names):
                if whole:
                    cells[name].append(self._year_cell(kpi, "numerator", fy, category(k)))
                else:
                    cells[name] += [
                        self._quarter_cell(kpi, "numerator", q, category_quarter(k, q.number - 1)) for q in quarters
                    ]
        return {name: combine(parts) for name, parts in cells.items()}


def store_protections(connection: duckdb.DuckDBPyConnection, threshold: int) -> int:
    """Solve every closed period's protection and keep it in the store (a snapshot being sealed)."""
    from swp_data.calc.engine import Engine

    cells = PublishedCells(Engine(connection, aggregates_only=True), threshold)
    solved = list(cells.every_closed_period())
    return stored.write(connection, solved, repr(cells.engine.version), threshold, cells.groups)


def _by_year(period: Period) -> dict[int, list[Quarter]]:
    by_year: dict[int, list[Quarter]] = {}
    for q in period.quarters:
        by_year.setdefault(q.fy_start, []).append(q)
    return by_year
