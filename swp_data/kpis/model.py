"""What a KPI declaration holds. Each KPI is declared once; everything else reads the declaration."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

from swp_data.kinds import KINDS, MeasureKind, Unit
from swp_data.kpis.scope import PeopleScope, RecordScope
from swp_data.site import PRIORITIES
from swp_data.sources import SOURCES

Direction = Literal["up", "down", "neutral"]


class Target(BaseModel):
    """A target or baseline the KPI is RAG-rated against."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float = Field(description="In the KPI's unit (a percentage as 0-100).")
    kind: Literal["target", "baseline", "comparator"]
    per_year: bool = Field(default=False, description="A count per year, scaled to the selected period's length.")
    note: str = Field(description="Where the figure comes from.")
    applies_to: Literal["city", "ward"] = Field(
        default="city",
        description="The geography it was set for: a city target is not applied to a ward (ward counts are smaller).",
    )

    def for_months(self, months: int) -> float:
        """The target for a figure spanning ``months`` months (a per-year count scaled to them)."""
        return self.value * (months / 12 if self.per_year else 1)


class Rebase(BaseModel):
    """A known change in the process after which SPC limits are recalculated (Making Data Count 'rebasing')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: date = Field(description="The first day of the month the new limits start from.")
    reason: str = Field(min_length=1, description="The change, and where it is recorded.")

    @field_validator("at")
    @classmethod
    def _first_of_month(cls, value: date) -> date:
        if value.day != 1:
            raise ValueError(f"a rebase starts a month: {value.isoformat()} is not the first day of one")
        return value


class SpcPlan(BaseModel):
    """How the KPI's SPC limits are set: a fixed baseline, and rebasing at known changes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    baseline_months: int | None = Field(
        default=None,
        ge=12,
        description=(
            "Limits fixed on the first this many months of each segment (from the data's start, or a rebase) "
            "and extended forward; without it the limits use every point of the segment."
        ),
    )
    rebase: tuple[Rebase, ...] = ()

    @field_validator("rebase")
    @classmethod
    def _in_order(cls, value: tuple[Rebase, ...]) -> tuple[Rebase, ...]:
        dates = [r.at for r in value]
        if dates != sorted(set(dates)):
            raise ValueError(f"rebase dates must be in order, each once: {', '.join(d.isoformat() for d in dates)}")
        return value

    def baseline_points(self, months_per_point: int) -> int | None:
        """The baseline in points of a series whose points span ``months_per_point`` months."""
        if self.baseline_months is None:
            return None
        return -(-self.baseline_months // months_per_point)  # a part-filled last point still counts

    def segment_start(self, first: date) -> date | None:
        """Where the segment holding ``first`` begins: the latest rebase on or before it (None: the data's start)."""
        return max((r.at for r in self.rebase if r.at <= first), default=None)


class Breakdown(BaseModel):
    """A split of the KPI by a category its SQL returns in a ``category`` column."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    label: str
    sql: str
    measures: tuple[str, ...] = Field(
        default=(), exclude=True, description="The source measures it is composed from (``table.name``)."
    )
    categories: tuple[str, ...] = Field(
        default=(),
        description=(
            "Every category it can take, declared: each has a row whether or not any record falls in it "
            "(otherwise a missing row would tell partners a category's count is zero)."
        ),
    )


class Kpi(BaseModel):
    """One KPI of the catalogue.

    ``sql`` returns, for every ward and month of history:
    - count, share, ratio, population_rate: ``ward_code, month, numerator, denominator, unknown``;
    - survey: those plus ``respondents`` and ``weight_sq`` (sum of squared weights);
    - repeat: events ``person, ward_code, month`` (one row per incident);
    - rank: ``area, month, offence_group, count, population``.
    ``unknown`` counts records in scope whose needed field is not known:
    they are excluded and reported, never counted as zero.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    priority: str = Field(description="The page it is reported on (a key of swp_data.site.PRIORITIES).")
    definition: str
    source: str
    measure: str = Field(description="Its kind of measure: a key of swp_data.kinds.KINDS.")
    numerator: str
    denominator: str | None = None
    direction: Direction
    better: str = Field(description="The desired direction in words, as the partnership puts it.")
    sensitive: bool
    zero_is_disclosive: bool | None = Field(
        default=None,
        description=(
            "Whether a zero could disclose something (that nobody in a cohort reoffended, say). Default: "
            "disclosive for sensitive KPIs; a sensitive KPI counting events can say False."
        ),
    )
    per_1000: bool = Field(default=False, description="Counts also shown per 1,000 residents (Census 2021).")
    population_band: Literal["all ages", "10-17"] = "all ages"
    frequency: Literal["month", "quarter"] = "month"
    geography: Literal["ward", "city"] = "ward"
    threshold: int = Field(default=2, ge=2, description="Repeat KPIs: incidents in 12 months that make a repeat.")
    sql: str
    breakdowns: tuple[Breakdown, ...] = ()
    target: Target | None = None
    spc: SpcPlan | None = Field(default=None, description="A fixed SPC baseline and rebase dates, where declared.")
    parent: str | None = Field(default=None, description="Shown with this KPI as a companion measure.")
    provisional_months: int | None = Field(
        default=None, description="Figures are provisional until this many months after the period closes."
    )
    caveat: str | None = None
    measures: tuple[str, ...] = Field(
        default=(), exclude=True, description="The source measures it is composed from (``table.name``)."
    )
    records: RecordScope | PeopleScope | None = Field(
        default=None,
        exclude=True,
        description="Which records its figure counts (composed KPIs): its ``sql`` is this scope's grid.",
    )
    no_records: str | None = Field(
        default=None,
        exclude=True,
        description="Why no records can be listed behind a KPI declared with its own SQL (a survey, a cohort).",
    )

    @field_validator("priority")
    @classmethod
    def _known_priority(cls, value: str) -> str:
        if value not in PRIORITIES:
            raise ValueError(f"priority {value!r} is not a page that reports KPIs ({', '.join(PRIORITIES)})")
        return value

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"measure {value!r} is not a registered kind ({', '.join(KINDS)})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Kpi:
        if self.kind.needs_denominator and not self.denominator:
            raise ValueError(f"{self.key}: a {self.measure} needs its denominator described")
        if self.per_1000 and not self.kind.per_1000_allowed:
            raise ValueError(f"{self.key}: only counts carry a rate per 1,000")
        if self.records is not None and self.sql != self.records.grid_sql():
            # The records behind the figure are listed with the scope's conditions: the figure must be its grid.
            raise ValueError(f"{self.key}: its sql is not the grid of its record scope")
        return self

    @property
    def kind(self) -> MeasureKind:
        """The kind of measure: how the figure, its test, interval, series, disclosure and labels work."""
        return KINDS[self.measure]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def unit(self) -> Unit:
        """The unit, which follows from the kind."""
        return self.kind.unit

    @property
    def tables(self) -> tuple[str, ...]:
        """The source tables with months its SQL reads: a period is complete when all of them cover it."""
        return _tables_read(self.sql)

    @property
    def needs(self) -> str:
        """What the KPI needs that a source may not record, in words ('domestic-abuse flag').

        Read from the ``unknown`` conditions of the measures it is composed from, so it cannot
        drift from what is actually counted as unknown.
        """
        return _needs(self.measures)

    @property
    def zero_disclosive(self) -> bool:
        """Whether partners see a zero as suppressed (sensitive KPIs, unless the catalogue says a zero is safe)."""
        return self.sensitive if self.zero_is_disclosive is None else self.zero_is_disclosive

    def spc_inputs(self, months: int) -> dict[str, Any]:
        """``add_spc``'s settings for a series of ``months``-month points: rebase dates, baseline, target per point."""
        return {
            "rebase_at": [r.at for r in self.spc.rebase] if self.spc else [],
            "baseline_points": self.spc.baseline_points(months) if self.spc else None,
            "target": self.target.for_months(months) if self.target else None,
        }

    @property
    def rebase_reasons(self) -> list[tuple[date, str]]:
        """Each declared rebase date and why."""
        return [(r.at, r.reason) for r in self.spc.rebase] if self.spc else []

    @property
    def priority_title(self) -> str:
        """The page the KPI belongs to."""
        return PRIORITIES[self.priority]


@cache
def _tables_read(query: str) -> tuple[str, ...]:
    named = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", query))
    return tuple(sorted(t for t in named if t in SOURCES and SOURCES[t].has_months))


_POLICE_UK_ONLY = "source_format like 'police.uk%'"


@cache
def _needs(refs: tuple[str, ...]) -> str:
    words: list[str] = []
    for ref in refs:
        table, name = ref.split(".", 1)
        source = SOURCES[table]
        measure = getattr(source.measures, name)
        if _POLICE_UK_ONLY in measure.unknown:
            words.append(f"{measure.name.replace('_', '-')} marker (data.police.uk files carry none)")
        for column in re.findall(r"\b([a-z_]+) is null", measure.unknown):
            sql_type = source.store_columns.get(column)
            text = f"{column.replace('_', '-')} flag" if sql_type == "boolean" else column.replace("_", " ")
            words.append(text)
    unique = list(dict.fromkeys(words))
    return ", ".join(unique) if unique else "field this KPI needs"
