"""Funnel plots: wards against the city, with control limits that narrow as wards grow.

As Fingertips and Spiegelhalter (2005, "Funnel plots for comparing institutional
performance") do: around the city value ``target``, for a ward of size ``n`` (residents for
a rate, people in scope for a proportion),

- counts (Poisson): expected ``E = target x n``; limits ``E +/- z sqrt(phi E)``, over ``n``;
- proportions (binomial): ``target +/- z sqrt(phi target (1 - target) / n)``;

with ``z`` = 1.960 (95%) and 3.090 (99.8%). ``phi`` allows for overdispersion: the mean
squared z-score of the wards about the target (Spiegelhalter's multiplicative
correction, after 10% winsorisation), never below 1. Normal approximations are used throughout; limits are
clipped at 0 (and at 1 for proportions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Family = Literal["poisson", "binomial"]
Z_95 = 1.959964
Z_998 = 3.090232


def z_scores(observed: np.ndarray, sizes: np.ndarray, target: float, family: Family) -> np.ndarray:
    """Each ward's z-score against the target: counts ``observed`` (Poisson) or proportions (binomial)."""
    observed, sizes = np.asarray(observed, float), np.asarray(sizes, float)
    if family == "poisson":
        expected = target * sizes
        return (observed - expected) / np.sqrt(expected)
    return (observed - target) / np.sqrt(target * (1 - target) / sizes)


WINSORISE = 0.10  # Spiegelhalter (2005): pull the most extreme 10% at each end in before estimating phi


def dispersion(observed: np.ndarray, sizes: np.ndarray, target: float, family: Family) -> float:
    """The overdispersion factor phi: the mean squared (10%-winsorised) z-score, at least 1.

    phi = 1 means the wards differ by no more than Poisson (or binomial) noise would make them.
    Winsorising stops one genuinely different ward (a city centre) from widening every limit.
    """
    z = z_scores(observed, sizes, target, family)
    z = np.sort(z[np.isfinite(z)])
    if len(z) < 2:
        return 1.0
    cut = int(np.floor(WINSORISE * len(z)))
    if cut:
        z = np.clip(z, z[cut], z[len(z) - 1 - cut])
    return max(1.0, float(np.mean(z**2)))


def limits(
    target: float, sizes: np.ndarray, family: Family, z: float, phi: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits, as a rate per unit of size (counts) or a proportion, at each size."""
    sizes = np.asarray(sizes, float)
    if family == "poisson":
        spread = z * np.sqrt(phi * target * sizes) / sizes
        return np.maximum(target - spread, 0.0), target + spread
    spread = z * np.sqrt(phi * target * (1 - target) / sizes)
    return np.maximum(target - spread, 0.0), np.minimum(target + spread, 1.0)


@dataclass(frozen=True)
class Funnel:
    """Where each ward sits against the city's limits."""

    target: float
    phi: float
    position: list[str]  # per ward: 'above 99.8%', 'above 95%', 'within', 'below 95%', 'below 99.8%'


def place(observed: np.ndarray, sizes: np.ndarray, target: float, family: Family) -> Funnel:
    """Each ward's position inside or outside the 95% and 99.8% limits, overdispersion allowed for."""
    phi = dispersion(observed, sizes, target, family)
    z = z_scores(observed, sizes, target, family) / np.sqrt(phi)
    position = []
    for value in z:
        if not np.isfinite(value):
            position.append("")
        elif value > Z_998:
            position.append("above 99.8%")
        elif value > Z_95:
            position.append("above 95%")
        elif value < -Z_998:
            position.append("below 99.8%")
        elif value < -Z_95:
            position.append("below 95%")
        else:
            position.append("within")
    return Funnel(target, phi, position)


__all__ = ["Z_95", "Z_998", "Family", "Funnel", "dispersion", "limits", "place", "z_scores"]
