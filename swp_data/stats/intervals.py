"""Confidence intervals: Wilson for proportions (weighted where weights exist), exact Poisson for counts."""

from __future__ import annotations

import math
from functools import lru_cache

from scipy import special

Z_95 = 1.959963984540054


def wilson_interval(successes: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion; ``n`` may be an effective sample size."""
    if n <= 0:
        raise ValueError("n must be > 0")
    p = successes / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return max(0.0, centre - half), min(1.0, centre + half)


def effective_sample_size(sum_weights: float, sum_squared_weights: float) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2."""
    if sum_squared_weights <= 0:
        return 0.0
    return sum_weights**2 / sum_squared_weights


def weighted_wilson_interval(
    weighted_successes: float, sum_weights: float, sum_squared_weights: float, z: float = Z_95
) -> tuple[float, float]:
    """Wilson interval for a weighted proportion, using the effective sample size."""
    n_effective = effective_sample_size(sum_weights, sum_squared_weights)
    return wilson_interval(weighted_successes / sum_weights * n_effective, n_effective, z)


@lru_cache(maxsize=65536)
def poisson_interval(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count."""
    if count < 0:
        raise ValueError("count must be >= 0")
    alpha = 1 - confidence
    # chi-square quantiles via the inverse survival function: ppf(q, df) = chdtri(df, 1 - q)
    low = 0.0 if count == 0 else special.chdtri(2 * count, 1 - alpha / 2) / 2
    high = special.chdtri(2 * count + 2, alpha / 2) / 2
    return float(low), float(high)
