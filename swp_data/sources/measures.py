"""Measures: what a source's records can be counted for, declared once on the Source they come from.

In the style of dbt MetricFlow, a measure is the numerator's condition over a source's
records and the condition under which that cannot be judged (the field it needs is not
recorded: those records are counted as *unknown*, never as zero). KPIs compose measures
(``swp_data.kpis.compose``): ``count(crime.knife_crime)``, ``share(a, of=b)``,
``rate(m, per=1_000, of="population")``, ``repeat(m, person="victim_id")``.

Conditions are our own SQL over the source's store columns (never user input).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from swp_data import vocab


@dataclass(frozen=True)
class Measure:
    """Records of one source meeting ``condition``; ``unknown`` records could not be judged."""

    name: str
    label: str  # what is counted, in words: the KPI's numerator (or denominator) by default
    condition: str
    unknown: str = "false"
    table: str = ""  # the source's table (set by Source.measures)
    value: str = "count(*)"  # how a record adds to the measure: counted, or summed (partner returns)
    month: str = "month"  # the month a record counts in (treatment outcomes: the month of discharge)

    @property
    def ref(self) -> str:
        """``table.name``: how a KPI records the measures it is composed from."""
        return f"{self.table}.{self.name}"

    def within(self, scope: Measure) -> str:
        """The condition of this measure inside another's scope (a share's numerator)."""
        return f"({scope.condition}) and ({self.condition})"


POLICE_UK = "source_format like 'police.uk%'"
"""Records loaded from data.police.uk files (which carry no flags, victims or offenders)."""


_EQUALITY = re.compile(r"(\w+) = ('(?:[^']|'')*')")


def either(*conditions: str) -> str:
    """Records meeting any of the conditions (equalities on one column become an ``in`` list)."""
    pairs = [match.groups() for condition in conditions if (match := _EQUALITY.fullmatch(condition))]
    if len(pairs) == len(conditions) and len({column for column, _ in pairs}) == 1:
        return f"{pairs[0][0]} in ({', '.join(value for _, value in pairs)})"
    return " or ".join(f"({condition})" for condition in conditions)


def quoted(values: tuple[str, ...] | list[str]) -> str:
    """A SQL list of our own vocabulary values."""
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def subgroup_in(*subgroups: str) -> str:
    """Crimes in these Home Office subgroups."""
    return f"offence_subgroup in ({quoted(list(subgroups))})"


def subgroup_unknown(*subgroups: str) -> str:
    """Crimes whose subgroup is not recorded but whose crime type could hide one of these subgroups."""
    types = sorted({vocab.OFFENCE_SUBGROUPS[s][1] for s in subgroups})
    return f"offence_subgroup is null and police_crime_type in ({quoted(types)})"


class Measures:
    """A source's measures by name, as attributes: ``CRIME.measures.knife_crime``."""

    def __init__(self, table: str, measures: tuple[Measure, ...]) -> None:
        self._by_name: dict[str, Measure] = {}
        for measure in measures:
            if measure.name in self._by_name:
                raise ValueError(f"{table}: measure {measure.name!r} is declared twice")
            self._by_name[measure.name] = Measure(**{**measure.__dict__, "table": table})

    def __getattr__(self, name: str) -> Measure:
        try:
            return self._by_name[name]
        except KeyError:
            raise AttributeError(f"no measure {name!r}; measures are {', '.join(self._by_name)}") from None

    def __iter__(self):  # noqa: ANN204 - an iterator of Measure
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)
