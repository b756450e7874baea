"""What every kind of measure owns, and the registry of kinds.

A KPI's ``measure`` names its kind (``count``, ``share``, ``repeat`` ...). The kind is the
one place that knows how that measure's figure is computed from summed parts, how a change
is tested, what interval it carries, what its SPC series is, which counts the disclosure
auditor must protect, and how its value, change and axis are labelled. Nothing outside
``swp_data.kinds`` branches on a measure or unit name: it asks the KPI's kind.

Kinds are registered classes, the way datasette registers its facet classes; a meta-test
checks that every registered kind has a test against hand-computed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

import numpy as np
import pandas as pd

from swp_data import derived
from swp_data.results import ChangeLabel, Comparison, Coverage, Figure, KpiResult
from swp_data.stats.dispersion import Dispersion
from swp_data.stats.tests_of_change import SIGNIFICANCE_LEVEL

if TYPE_CHECKING:
    from datetime import date

    import duckdb

    from swp_data.grid import Axis, GridCache
    from swp_data.periods import Period, Quarter
    from swp_data.selection import WardSelection

Unit = Literal["count", "percent", "ratio", "rate per 100,000", "rate per 1,000", "rank"]
DisclosureTable = Literal["numerator", "complement", "denominator"]

GRID_COLUMNS = ("ward_code", "month", "numerator", "denominator", "unknown")


@dataclass(frozen=True)
class Parts:
    """Summed parts of a measure for one selection and run of months."""

    numerator: float
    denominator: float
    unknown: float = 0.0
    respondents: float = 0.0
    weight_sq: float = 0.0
    population: float | None = None  # residents of the selection (all ages, or the KPI's band)
    has_data: bool = True
    months: int = 12  # the months summed: rates are annualised (times 12 / months)

    @property
    def per_year(self) -> float:
        """What turns a count over these months into a count a year."""
        return 12 / self.months if self.months else 1.0


class KpiSpec(Protocol):
    """What a kind reads of a KPI declaration (``swp_data.kpis.model.Kpi``; kinds never import it: no cycle)."""

    key: str
    label: str
    measure: str
    better: str
    direction: str
    sensitive: bool
    sql: str
    per_1000: bool
    population_band: str
    frequency: str
    geography: str
    threshold: int
    target: object | None

    @property
    def unit(self) -> str:
        """Its unit."""

    @property
    def kind(self) -> MeasureKind:
        """Its kind."""

    @property
    def zero_disclosive(self) -> bool:
        """Whether a zero discloses."""


Kpi = KpiSpec


class EngineView(Protocol):
    """What a kind needs of the calculation engine (kinds never import it: no cycle)."""

    connection: duckdb.DuckDBPyConnection
    cache: GridCache
    version: tuple[object, ...]
    axis: Axis
    aggregates_only: bool

    def gridded_result(
        self, kpi: Kpi, selection: WardSelection, period: Period, compare_to: Period, with_spc: bool
    ) -> KpiResult:
        """The result of a measure summed over ward x month grids."""

    def gridded_series(self, kpi: Kpi, selection: WardSelection, period: Period, points: int | None) -> pd.DataFrame:
        """The monthly (or quarterly) series of a gridded measure, with SPC columns."""

    def gridded_by_ward(self, kpi: Kpi, period: Period) -> pd.DataFrame:
        """A gridded measure in each ward."""

    def coverage(self, kpi: Kpi, first: date, last: date) -> Coverage:
        """How many of the months first..last the KPI's sources were loaded for."""


class PolicyView(Protocol):
    """What a kind needs of the partner disclosure policy."""

    threshold: int

    def primary_figure(self, shown: Figure, zero_disclosive: bool) -> tuple[Figure, object]:
        """A figure under the primary rule only (for measures whose people do not add up)."""

    def cell_figure(self, kpi: Kpi, shown: Figure, selection: WardSelection, period: Period) -> tuple[Figure, object]:
        """A figure built on protected cells: shown only when its cells are."""

    def cell_series(self, kpi: Kpi, frame: pd.DataFrame, selection: WardSelection, period: Period) -> pd.DataFrame:
        """A trend of protected cells."""

    def window_published(self, kpi: Kpi, selection: WardSelection, last: Quarter) -> bool:
        """Whether a 12-month window ending with quarter ``last`` is a closed period partners may see."""


class MeasureKind:
    """One kind of measure. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]
    unit: ClassVar[Unit]
    columns: ClassVar[tuple[str, ...]] = GRID_COLUMNS  # what the KPI's SQL returns
    needs_denominator: ClassVar[bool] = False  # the declaration must describe its denominator
    gridded: ClassVar[bool] = True  # summed over ward x month grids (any selection is a sum)
    monthly: ClassVar[bool] = True  # can be reported by month
    divides: ClassVar[bool] = False  # a value needs a denominator above zero
    shows_parts: ClassVar[bool] = False  # "n of d" beside the value
    axis_from_zero: ClassVar[bool] = False
    number_format: ClassVar[str] = "%.1f"  # for table columns (printf style)
    disclosure_tables: ClassVar[tuple[DisclosureTable, ...]] = ("numerator",)
    publishes_count: ClassVar[bool] = False  # a partner's shown value is itself a count of protected cells
    by_ward_available: ClassVar[bool] = True  # has a figure per ward (maps, ward tables, profiles)
    per_1000_allowed: ClassVar[bool] = False  # may also be shown per 1,000 residents
    spc_applies: ClassVar[bool] = True  # its series is a run of independent points (XmR charts apply)
    league_table: ClassVar[bool] = False  # a place among comparator areas (shown with their table)
    funnel_family: ClassVar[Literal["poisson", "binomial"] | None] = None  # how wards are compared with the city
    # Its change test allows for the extra-Poisson variation of its series (swp_data.stats.dispersion).
    allows_for_overdispersion: ClassVar[bool] = False

    # -- at import -----------------------------------------------------------------------------------
    def derivations(self, connection: duckdb.DuckDBPyConnection, kpi: Kpi) -> list[derived.Derivation]:
        """The rows this KPI adds to derived tables (``swp_data.derived``) at import, in build order.

        A gridded KPI: its rows by ward and month, what its grid is built from.
        """
        if not self.gridded:
            return []
        return [derived.Derivation(derived.GRID_TABLE, derived.grid_select(connection, kpi), [kpi.key])]

    # -- figures -----------------------------------------------------------------------------------
    def figure(self, kpi: Kpi, parts: Parts) -> Figure:
        """The value, its interval and any rate, from summed parts."""
        raise NotImplementedError

    def value(self, kpi: Kpi, parts: Parts) -> float | None:
        """Just the value (no interval): for series points."""
        return self.figure(kpi, parts).value

    def series_interval(self, kpi: Kpi, parts: Parts) -> tuple[float | None, float | None]:
        """The interval drawn around a series point (none by default)."""
        return None, None

    def series_denominator(self, parts: Parts) -> float | None:
        """The denominator shown beside a series point."""
        return parts.denominator

    def known(self, parts: Parts) -> float:
        """Records that could be judged (to tell 'not available' from 'no data')."""
        return parts.numerator + parts.denominator

    def empty_note(self, kpi: Kpi, parts: Parts) -> str | None:
        """A note when the parts hold nothing to compute from."""
        if self.divides and parts.has_data and parts.denominator <= 0:
            return f"No cases in these wards and months: there is nothing to take the {self.unit} of."
        return None

    def nothing_to_divide(self, parts: Parts) -> bool:
        """Whether a value cannot exist because there is nothing to divide by."""
        return self.divides and parts.denominator <= 0

    # -- change ------------------------------------------------------------------------------------
    def change_test(
        self, kpi: Kpi, now: Parts, then: Parts, dispersion: Dispersion | None = None
    ) -> tuple[float | None, str]:
        """p-value of the change from ``then`` to ``now``, and the test's name.

        ``dispersion`` is the extra-Poisson variation of the KPI's series for the same
        selection, for kinds that allow for it (``allows_for_overdispersion``).
        """
        return None, "not tested"

    def dispersion_point(self, parts: Parts) -> tuple[float, float] | None:
        """One series point's (count, exposure) for estimating its dispersion (None: not a usable point)."""
        return parts.numerator, 1.0

    def compare(
        self, kpi: Kpi, now: Parts, then: Parts, period_label: str, dispersion: Dispersion | None = None
    ) -> Comparison:
        """The comparison period's figure, the change, and whether it is more than noise."""
        before = self.figure(kpi, then)
        current = self.figure(kpi, now)
        if not then.has_data or before.value is None or current.value is None:
            return no_comparison(period_label, before)
        change = current.value - before.value
        p_value, test = self.change_test(kpi, now, then, dispersion)
        return Comparison(
            period_label=period_label,
            figure=before,
            change=change,
            change_percent=100 * change / before.value if before.value else None,
            p_value=p_value,
            significant=None if p_value is None else p_value < SIGNIFICANCE_LEVEL,
            test=test,
            label=change_label(kpi.direction, change, p_value),
        )

    # -- where the figure comes from -----------------------------------------------------------------
    def result(
        self,
        engine: EngineView,
        kpi: Kpi,
        selection: WardSelection,
        period: Period,
        compare_to: Period,
        with_spc: bool,
    ) -> KpiResult:
        """The KPI for a selection and period against ``compare_to``."""
        return engine.gridded_result(kpi, selection, period, compare_to, with_spc)

    def series(
        self, engine: EngineView, kpi: Kpi, selection: WardSelection, period: Period, points: int | None
    ) -> pd.DataFrame:
        """The trend up to the period's end, with SPC columns."""
        return engine.gridded_series(kpi, selection, period, points)

    def series_step(self, kpi: Kpi) -> str:
        """What one point of its series spans, in words."""
        return "quarterly" if kpi.frequency == "quarter" else "monthly"

    def partner_series_step(self, kpi: Kpi, city_level: bool) -> str:
        """What one point of the series a partner sees spans (cells are quarters of the city, years of wards)."""
        return "quarterly" if city_level else "yearly"

    def by_ward(self, engine: EngineView, kpi: Kpi, period: Period) -> pd.DataFrame | None:
        """The measure in each ward (None where it has no ward figures)."""
        if kpi.geography == "city" or not self.by_ward_available:
            return None
        return engine.gridded_by_ward(kpi, period)

    def ranking_score(self, kpi: Kpi, frame: pd.DataFrame) -> pd.Series:
        """What wards are ranked on."""
        return frame["value"]

    def rank_order(self, kpi: Kpi) -> str:
        """What rank 1 is, in words: the order, never 'best' (more reporting can be wanted; some KPIs are neutral)."""
        return f"1 = {'highest' if kpi.direction == 'up' else 'lowest'} {self.ranked_on(kpi)}"

    def ranked_on(self, kpi: Kpi) -> str:
        """What the ranking orders, in words."""
        return "value"

    def funnel_inputs(self, kpi: Kpi, columns: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
        """Per ward: what is observed (a count, or a proportion) and the size it is out of (None: no funnel).

        ``columns``: a by-ward table's columns by name, as floats (NaN where missing).
        """
        return None

    def funnel_scale(self, kpi: Kpi, per_year: float) -> float:
        """What turns a rate per unit of size (or a proportion) into the KPI's unit."""
        return 1.0

    def funnel_size_title(self, kpi: Kpi) -> str:
        """The funnel's horizontal axis."""
        return "Residents (Census 2021)"

    def funnel_title(self, kpi: Kpi) -> str:
        """The funnel's vertical axis."""
        return self.axis_title(kpi)

    # -- disclosure --------------------------------------------------------------------------------
    def partner_figure(
        self, policy: PolicyView, kpi: Kpi, shown: Figure, selection: WardSelection, period: Period
    ) -> tuple[Figure, object]:
        """What a partner sees of a figure, and the cell that decided it."""
        return policy.cell_figure(kpi, shown, selection, period)

    def partner_series(
        self, policy: PolicyView, kpi: Kpi, frame: pd.DataFrame, selection: WardSelection, period: Period
    ) -> pd.DataFrame:
        """The trend a partner sees."""
        return policy.cell_series(kpi, frame, selection, period)

    def partner_rolling_is_current(self) -> bool:
        """Whether the rolling 12 months is the current figure itself (repeat measures)."""
        return False

    def breakdowns_add_up(self) -> bool:
        """Whether a breakdown's categories sum to the figure (so the auditor relates them)."""
        return False

    # -- labels ------------------------------------------------------------------------------------
    def format(self, value: float | None) -> str:
        """A value in its unit, rounded for reading."""
        if value is None:
            return "not available"
        return f"{value:,.1f}"

    def decimals(self) -> int:
        """The decimals its values are shown with (from the table format)."""
        return 0 if self.number_format in ("%d", "%.0f") else int(self.number_format.strip("%.f") or 1)

    def excel_number_format(self) -> str:
        """An Excel number format for its values (from the table format; percentages keep their sign)."""
        decimals = self.decimals()
        base = "#,##0" + ("." + "0" * decimals if decimals else "")
        return base + '"%"' if self.unit == "percent" else base

    def card_value(self, value: float) -> tuple[str, str | None]:
        """A value as a card's headline (short enough for a narrow card) and its unit beneath, if apart."""
        return self.format(value), None

    def format_change(self, comparison: Comparison) -> str:
        """The change as a reader sees it, in the kind's unit with its sign ('+1.2%', '-0.30', '+1 of 7')."""
        if comparison.change is None:
            return comparison.label
        return signed(comparison.change, self.format(abs(comparison.change)))

    def format_change_amount(self, change: float) -> str:
        """The change in the KPI's unit, as a card's delta."""
        return signed(change, f"{abs(change):.1f}")

    def axis_title(self, kpi: Kpi) -> str:
        """The value axis of a chart (and the value column of a table)."""
        return self.unit.capitalize()

    def period_shown(self, period: Period) -> str:
        """The period its figures cover, for chart and table titles."""
        return period.label

    def map_field(self, kpi: Kpi) -> str:
        """The by-ward column a map colours wards by."""
        return "value"

    def map_legend_format(self, kpi: Kpi) -> str:
        """The labels of the map's colour legend (a d3 format): the figures' own decimals, a rate per 1,000 one."""
        return ",.1f" if self.map_field(kpi) == "rate_per_1000" else f",.{self.decimals()}f"

    def map_title(self, kpi: Kpi) -> str:
        """The legend of that map."""
        return self.axis_title(kpi)


def signed(change: float, magnitude: str) -> str:
    """The change's size (``magnitude``, formatted) with its sign: '+1.2', '-3'; '0.0' for one that shows as zero.

    A change that rounds to zero at the precision shown has no sign, so a card shows no arrow for it.
    """
    if change == 0 or not any(digit in magnitude for digit in "123456789"):
        return magnitude
    return ("+" if change > 0 else "-") + magnitude


def ward_record(code: str, name: str, shown: Figure, population: float | None = None) -> dict[str, object]:
    """One row of a by-ward table: the ward, its figure's parts and its residents (for rates and funnels)."""
    return {
        "ward_code": code,
        "ward_name": name,
        "value": shown.value,
        "numerator": shown.numerator,
        "denominator": shown.denominator,
        "low": shown.low,
        "high": shown.high,
        "rate_per_1000": shown.rate_per_1000,
        "population": population,
    }


def ranked_wards(frame: pd.DataFrame, score: pd.Series, direction: str) -> pd.DataFrame:
    """The ward table with its ``rank`` and in rank order, then by name (wards with no score: no rank, last).

    Rank 1 is the highest score for a KPI wanted up and the lowest otherwise; tied wards share the
    best rank of the tie (pandas' ``method="min"``). Twenty wards: plain arrays beat a frame sort.
    """
    values = pd.to_numeric(score, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    scored = ~np.isnan(values)
    # NaN compares false either way, so unscored wards are ahead of nobody.
    ahead = values[None, :] > values[:, None] if direction == "up" else values[None, :] < values[:, None]
    ranks = 1 + ahead.sum(axis=1)
    names = frame["ward_name"].tolist()
    order = sorted(range(len(frame)), key=lambda i: (not scored[i], ranks[i] if scored[i] else 0, names[i]))
    out = frame.take(order)  # one copy, in rank order (assign, iloc and reset_index made three)
    out.index = pd.RangeIndex(len(order))
    out["rank"] = pd.arrays.IntegerArray(ranks[order].astype("int64"), ~scored[order])
    return out


def change_label(direction: str, change: float | None, p_value: float | None) -> ChangeLabel:
    """Plain words for a change: only a significant change is called a rise or fall."""
    if change is None:
        return "no comparison"
    if p_value is None:
        return "not tested"
    if p_value >= SIGNIFICANCE_LEVEL or change == 0:
        return "no significant change"
    if direction == "neutral":
        return "increased" if change > 0 else "decreased"
    better = (change > 0) == (direction == "up")
    return "improved" if better else "worsened"


def incomplete_note(label: str, covered: Coverage) -> str:
    """What a reader is told about a period with months missing."""
    return (
        f"{label} is incomplete: {covered.covered} of {covered.months} months loaded "
        f"({', '.join(covered.missing)} not loaded). It is not compared, rated or given an SPC verdict."
    )


def compared(comparison: Comparison, now: Coverage, then: Coverage) -> Comparison:
    """The comparison, withdrawn from testing when either period is incomplete (a part is not a whole)."""
    if now.complete and then.complete:
        return comparison.model_copy(update={"coverage": then})
    which = "this period" if not now.complete else comparison.period_label
    return comparison.model_copy(
        update={
            "change": None,
            "change_percent": None,
            "p_value": None,
            "significant": None,
            "test": f"not tested: {which} is incomplete",
            "label": "incomplete period",
            "coverage": then,
        }
    )


def no_comparison(period_label: str, figure: Figure) -> Comparison:
    """A comparison period whose change cannot be given."""
    return Comparison(
        period_label=period_label,
        figure=figure,
        change=None,
        change_percent=None,
        p_value=None,
        significant=None,
        test="",
        label="no comparison",
    )


def base_result(kpi: Kpi, selection_label: str, period_label: str) -> KpiResult:
    """A result with the KPI's identity and no figures yet."""
    return KpiResult(
        key=kpi.key,
        label=kpi.label,
        measure=kpi.measure,
        unit=kpi.unit,
        direction=kpi.direction,
        better=kpi.better,
        sensitive=kpi.sensitive,
        selection=selection_label,
        period=period_label,
        current=Figure(value=None),
        target_note=kpi.target.note if kpi.target else None,
    )


KINDS: dict[str, MeasureKind] = {}


def register(cls: type[MeasureKind]) -> type[MeasureKind]:
    """Register a kind under its name (a class decorator)."""
    if cls.name in KINDS:
        raise ValueError(f"measure kind {cls.name!r} is registered twice")
    KINDS[cls.name] = cls()
    return cls


def kind(name: str) -> MeasureKind:
    """The registered kind of that name."""
    if name not in KINDS:
        raise KeyError(f"no measure kind {name!r}; kinds are {', '.join(KINDS)}")
    return KINDS[name]
