"""Wards compared with the city the Fingertips way: a funnel plot and 'higher / similar / lower'.

Built from the by-ward table the viewer receives (already disclosure-controlled for
partners) and the city result, so a partner's funnel holds only published figures: wards
whose counts are withheld are left out of the plot and of the dispersion estimate.
"""

from __future__ import annotations

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


def ward_funnel(kpi: Kpi, wards: pd.DataFrame, city: pd.DataFrame, months: int) -> WardFunnel | None:
    """The funnel of a KPI's by-ward table against the city's one-row table (None: no funnel can be drawn).

    ``city`` has the same columns as ``wards`` (a by-ward record for the whole city).
    """
    family = kpi.kind.funnel_family
    if family is None or kpi.kind.funnel_inputs(kpi, wards) is None:
        return None
    observed, sizes = (pd.to_numeric(s, errors="coerce") for s in kpi.kind.funnel_inputs(kpi, wards))  # type: ignore[misc]
    city_observed, city_size = (pd.to_numeric(s, errors="coerce").iloc[0] for s in kpi.kind.funnel_inputs(kpi, city))  # type: ignore[misc]
    usable = observed.notna() & sizes.notna() & (sizes > 0)
    if "suppressed" in wards:
        usable &= ~wards["suppressed"].astype("boolean").fillna(False).astype(bool)
    if usable.sum() < 2 or pd.isna(city_observed) or pd.isna(city_size) or city_size <= 0:
        return None
    target = float(city_observed / city_size if family == "poisson" else city_observed)
    if not 0 < target < (1 if family == "binomial" else np.inf):
        return None
    scale = kpi.kind.funnel_scale(kpi, 12 / months if months else 1.0)
    placed = funnel.place(observed[usable].to_numpy(), sizes[usable].to_numpy(), target, family)
    rates = observed[usable] / sizes[usable] if family == "poisson" else observed[usable]
    points = wards.loc[usable, ["ward_code", "ward_name"]].copy()
    points["size"] = sizes[usable]
    points["value"] = rates * scale
    points["position"] = placed.position
    points["versus_city"] = [VERSUS_CITY.get(p, "") for p in placed.position]
    points["judgement"] = [judgement(kpi.direction, v) for v in points["versus_city"]]
    points["selected"] = wards.loc[usable, "selected"] if "selected" in wards else False
    grid = np.linspace(max(float(sizes[usable].min()) * 0.8, 1.0), float(sizes[usable].max()) * 1.1, LIMIT_POINTS)
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
    return WardFunnel(points.reset_index(drop=True), limits, target * scale, placed.phi, family)


def judgement(direction: str, versus_city: str) -> str:
    """'better', 'worse' or 'similar' for the desired direction; 'not judged' for a neutral KPI."""
    if versus_city in ("", "similar"):
        return versus_city
    if direction == "neutral":
        return "not judged"
    return "better" if (versus_city == "higher") == (direction == "up") else "worse"


__all__ = ["VERSUS_CITY", "WardFunnel", "judgement", "ward_funnel"]
