"""Wards compared with the city the Fingertips way: a funnel plot and 'higher / similar / lower'.

Built from the by-ward table the viewer receives (already disclosure-controlled for
partners) and the city result, so a partner's funnel holds only published figures: wards
whose counts are withheld are left out of the plot and of the dispersion estimate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from swp_data.kpis.model import Kpi
from swp_data.stats import funnel

VERSUS_CITY = {
    "above 99.8%": "higher",
    "above 95%": "higher",
    "within": "similar",
    "below 95%": "lower",
    "below 99.8%": "lower",
}
LIMIT_POINTS = 60


@dataclass(frozen=True)
class WardFunnel:
    """The wards' points, the limit curves, the city value and the dispersion factor used."""

    points: pd.DataFrame  # ward_code, ward_name, size, value, position, versus_city, judgement, selected
    limits: pd.DataFrame  # size, lower_95, upper_95, lower_998, upper_998
    city_value: float
    phi: float
    family: str


class _Columns(Mapping[str, np.ndarray]):
    """A by-ward table's columns as floats (NaN where missing), converted when a kind reads them."""

    def __init__(self, table: pd.DataFrame | Mapping[str, object]) -> None:
        self.table = table

    def __getitem__(self, name: str) -> np.ndarray:
        values = self.table[name]
        if not isinstance(values, pd.Series):  # one record (the city's): a scalar or None
            return np.array([np.nan if values is None else values], dtype=float)
        if not pd.api.types.is_numeric_dtype(values):
            values = pd.to_numeric(values, errors="coerce")
        return values.to_numpy(dtype=float, na_value=np.nan)

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


def ward_funnel(kpi: Kpi, wards: pd.DataFrame, city: Mapping[str, object], months: int) -> WardFunnel | None:
    """The funnel of a KPI's by-ward table against the city's record (None: no funnel can be drawn).

    ``city`` is a by-ward record for the whole city (``ward_record``). Twenty wards: worked on
    plain arrays, as a frame's indexing costs more than the arithmetic.
    """
    family = kpi.kind.funnel_family
    inputs = kpi.kind.funnel_inputs(kpi, _Columns(wards))
    city_inputs = kpi.kind.funnel_inputs(kpi, _Columns(city))
    if family is None or inputs is None or city_inputs is None:
        return None
    observed, sizes = inputs
    city_observed, city_size = (float(values[0]) for values in city_inputs)
    with np.errstate(invalid="ignore"):  # NaN sizes compare false: not usable
        usable = ~np.isnan(observed) & (sizes > 0)
    if "suppressed" in wards:
        usable &= ~wards["suppressed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if usable.sum() < 2 or np.isnan(city_observed) or np.isnan(city_size) or city_size <= 0:
        return None
    target = float(city_observed / city_size if family == "poisson" else city_observed)
    if not 0 < target < (1 if family == "binomial" else np.inf):
        return None
    scale = kpi.kind.funnel_scale(kpi, 12 / months if months else 1.0)
    kept_observed, kept_sizes = observed[usable], sizes[usable]
    placed = funnel.place(kept_observed, kept_sizes, target, family)
    rates = kept_observed / kept_sizes if family == "poisson" else kept_observed
    versus_city = [VERSUS_CITY.get(p, "") for p in placed.position]
    points = pd.DataFrame(
        {
            # Text as Python objects (swp_data.frames): twenty rows, made on every new period.
            "ward_code": pd.Series(wards["ward_code"].to_numpy(dtype=object)[usable], dtype=object),
            "ward_name": pd.Series(wards["ward_name"].to_numpy(dtype=object)[usable], dtype=object),
            "size": kept_sizes,
            "value": rates * scale,
            "position": pd.Series(list(placed.position), dtype=object),
            "versus_city": pd.Series(versus_city, dtype=object),
            "judgement": pd.Series([judgement(kpi.direction, v) for v in versus_city], dtype=object),
            "selected": wards["selected"].to_numpy(dtype=bool)[usable] if "selected" in wards else False,
        }
    )
    grid = np.linspace(max(float(kept_sizes.min()) * 0.8, 1.0), float(kept_sizes.max()) * 1.1, LIMIT_POINTS)
    lower_95, upper_95 = funnel.limits(target, grid, family, funnel.Z_95, placed.phi)
    lower_998, upper_998 = funnel.limits(target, grid, family, funnel.Z_998, placed.phi)
    limits = pd.DataFrame(
        {
            "size": grid,
            "lower_95": lower_95 * scale,
            "upper_95": upper_95 * scale,
            "lower_998": lower_998 * scale,
            "upper_998": upper_998 * scale,
        }
    )
    return WardFunnel(points, limits, target * scale, placed.phi, family)


def judgement(direction: str, versus_city: str) -> str:
    """'better', 'worse' or 'similar' for the desired direction; 'not judged' for a neutral KPI."""
    if versus_city in ("", "similar"):
        return versus_city
    if direction == "neutral":
        return "not judged"
    return "better" if (versus_city == "higher") == (direction == "up") else "worse"


__all__ = ["VERSUS_CITY", "WardFunnel", "judgement", "ward_funnel"]
