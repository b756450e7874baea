"""Significance tests for change between two periods.

- Counts (and rates on a fixed population, and ratios such as reoffences per
  reoffender): the Poisson E-test of Krishnamoorthy and Thomson (2004), which
  compares two Poisson rates with exposures t1 and t2.
- Proportions: the two-sample z-test with a pooled proportion; for weighted
  surveys the sample sizes are the effective sizes (sum w)^2 / sum w^2.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import stats

SIGNIFICANCE_LEVEL = 0.05
_GRID_SDS = 10.0  # the E-test sum is truncated this many standard deviations from each mean


@lru_cache(maxsize=4096)
def poisson_e_test(k1: int, k2: int, t1: float = 1.0, t2: float = 1.0) -> float:
    """Two-sided p-value of the E-test for H0: rate1 == rate2, given counts k1, k2 over exposures t1, t2.

    The statistic is T = (X1/t1 - X2/t2) / sqrt(X1/t1^2 + X2/t2^2); the p-value is
    the probability, under Poisson means estimated from the pooled rate, of a T at
    least as extreme as the one observed.
    """
    if k1 < 0 or k2 < 0 or t1 <= 0 or t2 <= 0:
        raise ValueError("counts must be >= 0 and exposures > 0")
    if k1 == 0 and k2 == 0:
        return 1.0
    observed = abs(_statistic(np.array([k1]), np.array([k2]), t1, t2)[0])
    pooled = (k1 + k2) / (t1 + t2)
    mean1, mean2 = t1 * pooled, t2 * pooled
    x1 = _support(mean1)
    x2 = _support(mean2)
    p1 = stats.poisson.pmf(x1, mean1)
    p2 = stats.poisson.pmf(x2, mean2)
    grid = np.abs(_statistic(x1[:, None], x2[None, :], t1, t2))
    extreme = grid >= observed - 1e-12
    return float(min(1.0, (p1[:, None] * p2[None, :] * extreme).sum()))


def _support(mean: float) -> np.ndarray:
    spread = _GRID_SDS * math.sqrt(max(mean, 1.0)) + 20
    return np.arange(max(0, math.floor(mean - spread)), math.ceil(mean + spread) + 1)


def _statistic(x1: np.ndarray, x2: np.ndarray, t1: float, t2: float) -> np.ndarray:
    variance = x1 / t1**2 + x2 / t2**2
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (x1 / t1 - x2 / t2) / np.sqrt(variance)
    return np.where(variance > 0, value, 0.0)


def two_proportion_test(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided p-value of the pooled z-test for H0: p1 == p2 (x successes of n; n may be effective sizes)."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("sample sizes must be > 0")
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return float(2 * stats.norm.sf(abs(z)))
