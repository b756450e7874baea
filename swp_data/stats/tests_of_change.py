"""Significance tests for change between two periods.

- Counts (and rates on a fixed population, and ratios such as reoffences per
  reoffender): the Poisson E-test of Krishnamoorthy and Thomson (2004), which
  compares two Poisson rates with exposures t1 and t2.
  Where the KPI's series shows extra-Poisson variation, the counts are first divided by
  the dispersion factor phi (``swp_data.stats.dispersion``): a quasi-Poisson test.
- Proportions: the two-sample z-test with a pooled proportion, or Fisher's exact test
  where any expected cell count is below 5 (the z-test's normal approximation fails
  there: 0 of 10 against 4 of 10 is p = 0.025 by z, 0.087 exactly). For weighted
  surveys the sample sizes are the effective sizes (sum w)^2 / sum w^2.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import special  # not scipy.stats: its import added about 1 s to every fresh process's first visit

from swp_data.stats.dispersion import Dispersion, describe

SIGNIFICANCE_LEVEL = 0.05
_GRID_SDS = 10.0  # the E-test sum is truncated this many standard deviations from each mean
# Above this many events in all, the E-test's statistic is standard normal under H0 to better
# than 1e-3 in the p-value (a test checks this at the switch), so its asymptotic form is used.
EXACT_E_TEST_UP_TO = 20_000
# Cochran's rule: the z-test's normal approximation needs every expected cell count to be at least 5.
SMALLEST_EXPECTED_FOR_Z = 5.0
Z_TEST = "two-proportion z-test"
FISHER_TEST = "Fisher's exact test"
E_TEST = "Poisson E-test"


@lru_cache(maxsize=4096)
def poisson_e_test(k1: float, k2: float, t1: float = 1.0, t2: float = 1.0) -> float:
    """Two-sided p-value of the E-test for H0: rate1 == rate2, given counts k1, k2 over exposures t1, t2.

    The counts may be fractional: overdispersed counts divided by their dispersion factor
    (effective counts, whose mean equals their variance as a Poisson count's does).

    The statistic is T = (X1/t1 - X2/t2) / sqrt(X1/t1^2 + X2/t2^2); the p-value is
    the probability, under Poisson means estimated from the pooled rate, of a T at
    least as extreme as the one observed. For each x1, T falls as x2 rises, so the
    extreme x2 form two tails whose bounds solve a quadratic: the double sum
    becomes one pass of Poisson CDFs over x1.
    """
    if k1 < 0 or k2 < 0 or t1 <= 0 or t2 <= 0:
        raise ValueError("counts must be >= 0 and exposures > 0")
    observed = abs(float(_statistic(np.array([k1]), np.array([k2]), t1, t2)[0]))
    if observed == 0:
        return 1.0
    if k1 + k2 > EXACT_E_TEST_UP_TO:
        return float(2 * special.ndtr(-observed))
    threshold = observed - 1e-12
    pooled = (k1 + k2) / (t1 + t2)
    mean1, mean2 = t1 * pooled, t2 * pooled
    x1 = _support(mean1).astype(float)
    u = x1 / t1
    b = 2 * u * t2 + threshold**2
    c = t2**2 * (u**2 - threshold**2 * x1 / t1**2)
    root = np.sqrt(b**2 - 4 * c)
    upper_tail_end = _largest_at_least(x1, np.floor((b - root) / 2), threshold, t1, t2)  # T >= t for x2 <= this
    lower_tail_start = _smallest_at_most(x1, np.ceil((b + root) / 2), -threshold, t1, t2)  # T <= -t from here
    p1 = _poisson_pmf(x1, mean1)
    # Poisson CDF and survival function as regularised gamma functions (scipy.special: no per-call overhead).
    tails = np.where(upper_tail_end >= 0, special.pdtr(np.maximum(upper_tail_end, 0), mean2), 0.0)
    tails += np.where(lower_tail_start > 0, special.pdtrc(lower_tail_start - 1, mean2), 1.0)
    return float(min(1.0, (p1 * tails).sum()))


def count_change_test(
    k1: float, k2: float, t1: float = 1.0, t2: float = 1.0, dispersion: Dispersion | None = None, name: str = E_TEST
) -> tuple[float, str]:
    """The E-test of two counts, allowing for the series' overdispersion where it shows any, and its name.

    With phi > 1 both counts are divided by phi (quasi-Poisson: effective counts) before the
    E-test; the name then carries phi and what it was estimated from, so a reader sees why
    this test and the SPC chart of the same series agree (or where they still differ).
    Without a dispersion (none was estimated for this comparison) it is the plain E-test.
    """
    if dispersion is None:
        return poisson_e_test(k1, k2, t1, t2), name
    phi = dispersion.phi
    return poisson_e_test(k1 / phi, k2 / phi, t1, t2), f"{name}, {describe(dispersion)}"


def _poisson_pmf(x: np.ndarray, mean: float) -> np.ndarray:
    if mean == 0:
        return (x == 0).astype(float)
    return np.exp(x * math.log(mean) - mean - special.gammaln(x + 1))


def _largest_at_least(x1: np.ndarray, guess: np.ndarray, t: float, t1: float, t2: float) -> np.ndarray:
    """For each x1, the largest x2 >= 0 with T(x1, x2) >= t (-1 if none), starting near ``guess``."""
    x2 = np.maximum(guess, -1)
    for _ in range(3):  # the root can be off by one either way in floating point
        step_up = _statistic(x1, x2 + 1, t1, t2) >= t
        x2 = np.where(step_up, x2 + 1, x2)
    for _ in range(3):
        wrong = (x2 >= 0) & (_statistic(x1, np.maximum(x2, 0), t1, t2) < t)
        x2 = np.where(wrong, x2 - 1, x2)
    # x1 = x2 = 0 has T = 0 by convention, never extreme.
    return np.where((x2 == 0) & (x1 == 0), -1, x2)


def _smallest_at_most(x1: np.ndarray, guess: np.ndarray, t: float, t1: float, t2: float) -> np.ndarray:
    """For each x1, the smallest x2 >= 0 with T(x1, x2) <= t (t negative), starting near ``guess``."""
    x2 = np.maximum(guess, 0)
    for _ in range(3):
        step_down = (x2 > 0) & (_statistic(x1, np.maximum(x2 - 1, 0), t1, t2) <= t)
        x2 = np.where(step_down, x2 - 1, x2)
    for _ in range(3):
        wrong = _statistic(x1, x2, t1, t2) > t
        x2 = np.where(wrong, x2 + 1, x2)
    return x2


def _support(mean: float) -> np.ndarray:
    spread = _GRID_SDS * math.sqrt(max(mean, 1.0)) + 20
    return np.arange(max(0, math.floor(mean - spread)), math.ceil(mean + spread) + 1)


def _statistic(x1: np.ndarray, x2: np.ndarray, t1: float, t2: float) -> np.ndarray:
    variance = x1 / t1**2 + x2 / t2**2
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (x1 / t1 - x2 / t2) / np.sqrt(variance)
    return np.where(variance > 0, value, 0.0)


def smallest_expected(x1: float, n1: float, x2: float, n2: float) -> float:
    """The smallest expected cell count of the 2 x 2 table under H0: n * pooled and n * (1 - pooled) in each group."""
    pooled = (x1 + x2) / (n1 + n2)
    return min(n1, n2) * min(pooled, 1 - pooled)


def fisher_exact_test(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test of x1 of n1 against x2 of n2.

    Conditional on both totals, x1 is hypergeometric; the p-value sums the probabilities of
    every table no more likely than the one observed (scipy's two-sided rule).
    """
    if n1 <= 0 or n2 <= 0 or not 0 <= x1 <= n1 or not 0 <= x2 <= n2:
        raise ValueError("need 0 <= x <= n and n > 0 in both groups")
    drawn, total = x1 + x2, n1 + n2
    support = np.arange(max(0, drawn - n2), min(n1, drawn) + 1)
    log_pmf = _log_choose(n1, support) + _log_choose(n2, drawn - support) - _log_choose(total, drawn)
    observed = log_pmf[x1 - support[0]]
    # Tables within a relative 1e-7 of the observed one count as equally likely (floating-point ties).
    return float(min(1.0, np.exp(log_pmf[log_pmf <= observed + 1e-7]).sum()))


def _log_choose(n: int, k: np.ndarray | int) -> np.ndarray:
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def proportion_test(x1: float, n1: float, x2: float, n2: float) -> tuple[float, str]:
    """p-value and name of the test of x1 of n1 against x2 of n2: the z-test, or Fisher's where counts are small.

    Fisher's test needs whole counts: counts that are not (effective counts of a weighted
    survey) are rounded to the nearest whole number for it.
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("sample sizes must be > 0")
    if smallest_expected(x1, n1, x2, n2) >= SMALLEST_EXPECTED_FOR_Z:
        return two_proportion_test(x1, n1, x2, n2), Z_TEST
    whole = [round(v) for v in (x1, n1, x2, n2)]
    a, m, b, n = whole[0], max(whole[1], 1), whole[2], max(whole[3], 1)
    return fisher_exact_test(min(a, m), m, min(b, n), n), FISHER_TEST


def two_proportion_test(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided p-value of the pooled z-test for H0: p1 == p2 (x successes of n; n may be effective sizes)."""
    if n1 <= 0 or n2 <= 0:
        raise ValueError("sample sizes must be > 0")
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return float(2 * special.ndtr(-abs(z)))
