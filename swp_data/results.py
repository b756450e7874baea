"""The one typed result every view renders: value, parts, interval, comparison, signals, availability."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Availability = Literal["available", "partial", "not available", "no data", "city only"]
ChangeLabel = Literal[
    "improved",
    "worsened",
    "increased",
    "decreased",
    "no significant change",
    "not tested",
    "no comparison",
    "incomplete period",
]
Rag = Literal["green", "amber", "red"]


class Coverage(BaseModel):
    """How many of a period's months the KPI's sources were loaded for.

    A period is complete when every month is covered by every source the KPI needs (for a
    survey, a snapshot source, when any fieldwork falls in it). Only complete periods are
    compared, rated or given an SPC verdict; an incomplete one is shown and marked.
    """

    model_config = ConfigDict(frozen=True)

    months: int
    covered: int
    complete: bool
    missing: list[str] = []  # months not covered, e.g. ["Jun 2024"]

    @property
    def state(self) -> Literal["complete", "incomplete", "no data"]:
        """Complete, incomplete (some months loaded) or no data (none)."""
        if self.complete:
            return "complete"
        return "incomplete" if self.covered else "no data"


class Figure(BaseModel):
    """A value with the parts it is computed from (any of them may be suppressed for partners)."""

    model_config = ConfigDict(frozen=True)

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    low: float | None = None  # 95% interval
    high: float | None = None
    rate_per_1000: float | None = None  # counts: per 1,000 residents (Census 2021)
    suppressed: bool = False


class Comparison(BaseModel):
    """The same measure for the comparison period, and whether the change is more than noise."""

    model_config = ConfigDict(frozen=True)

    period_label: str
    figure: Figure
    change: float | None  # value now minus value then, in the KPI's unit
    change_percent: float | None
    p_value: float | None
    significant: bool | None
    test: str
    label: ChangeLabel
    coverage: Coverage | None = None  # of the comparison period


class SpcRebase(BaseModel):
    """Where a series' SPC limits were recalculated after a known change, and why."""

    model_config = ConfigDict(frozen=True)

    period: str  # the first period of the new limits
    reason: str


class Spc(BaseModel):
    """Statistical process control on the monthly (or quarterly) series up to the period end (Making Data Count)."""

    model_config = ConfigDict(frozen=True)

    # The latest point: special cause improving or concerning (or of neither kind, for a KPI with no
    # better direction), high or low; or common cause.
    variation: Literal["improvement", "concern", "neither", "common cause", "not applicable"]
    side: Literal["high", "low"] | None = None
    mean: float | None = None  # of the latest segment (since the latest rebase)
    lower: float | None = None
    upper: float | None = None
    points: int = 0
    latest_rules: list[str] = []
    # Whether the process will meet the target, judged from the latest limits (None: no target or direction).
    assurance: Literal["always meets", "never meets", "may meet"] | None = None
    target: float | None = None  # in the unit of one point of the series (per month for monthly counts)
    rebases: list[SpcRebase] = []  # rebases within the series shown
    limits_from: str | None = None  # the periods the latest limits are computed from
    limits_to: str | None = None
    limits_fixed: bool = False  # a fixed baseline: the limits are extended forward from it
    reason: str = ""


class KpiResult(BaseModel):
    """A KPI for one ward selection and period, ready to render anywhere."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    measure: str  # the kind of measure (swp_data.kinds): how to read, test and label the figures
    unit: str
    direction: str
    better: str
    sensitive: bool
    selection: str
    period: str
    current: Figure
    comparison: Comparison | None = None
    rolling_12_months: Figure | None = None
    rolling_label: str | None = None
    rolling_coverage: Coverage | None = None  # a rolling 12 months is given only when all 12 are loaded
    spc: Spc | None = None
    rag: Rag | None = None
    target: float | None = None
    target_note: str | None = None
    availability: Availability = "available"
    coverage: Coverage | None = None  # of the period shown
    unknown: float | None = None  # records in scope whose needed field the source does not record
    unavailable_reason: str | None = None  # why a 'not available' KPI has no value ('source has no ... flag')
    notes: list[str] = []
    provisional: bool = False
    suppressed: bool = False  # disclosure control withheld the value
    shown_as: str | None = None  # what partners see instead: "<5", "[c]" or "not published"
    suppression_note: str | None = None


State = Literal["shown", "suppressed", "no data", "city only", "not available"]


def state(result: KpiResult) -> State:
    """Whether a result's value is shown, or why not (suppressed, no data, city only, not available)."""
    if result.suppressed:
        return "suppressed"
    if result.availability in ("no data", "city only", "not available"):
        return result.availability  # type: ignore[return-value]
    return "shown"


def shown_value(result: KpiResult, rate: bool = False) -> float | None:
    """The value a reader sees (the rate per 1,000 where asked), None when it is not shown."""
    if state(result) != "shown":
        return None
    return result.current.rate_per_1000 if rate else result.current.value
