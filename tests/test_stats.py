"""Each statistic against a value worked out by hand (or by an independent brute-force sum)."""

from __future__ import annotations

import math

import pytest

from swp_data.stats import intervals
from swp_data.stats.tests_of_change import poisson_e_test, two_proportion_test


def _pmf(k: int, mean: float) -> float:
    return math.exp(-mean) * mean**k / math.factorial(k)


def test_e_test_two_against_none_by_enumeration() -> None:
    # k1 = 2, k2 = 0, equal exposure: pooled mean 1 each; T = (x1 - x2) / sqrt(x1 + x2) = sqrt(2).
    # p = sum of P(x1) P(x2) over pairs with (x1 - x2)^2 >= 2 (x1 + x2), written out independently.
    p = sum(
        _pmf(a, 1.0) * _pmf(b, 1.0)
        for a in range(40)
        for b in range(40)
        if a + b > 0 and (a - b) ** 2 >= 2 * (a + b) - 1e-9
    )
    assert poisson_e_test(2, 0) == pytest.approx(p, rel=1e-9)
    # The first terms by hand: (2,0) and (0,2): 2 x e^-2 / 2! = e^-2 = 0.1353...; the total is larger.
    assert p > math.exp(-2)


def test_e_test_with_unequal_exposure_by_enumeration() -> None:
    k1, k2, t1, t2 = 9, 3, 2.0, 1.0  # rates 4.5 vs 3 per unit
    pooled = (k1 + k2) / (t1 + t2)

    def statistic(x1: int, x2: int) -> float:
        variance = x1 / t1**2 + x2 / t2**2
        return 0.0 if variance == 0 else (x1 / t1 - x2 / t2) / math.sqrt(variance)

    observed = abs(statistic(k1, k2))
    p = sum(
        _pmf(a, t1 * pooled) * _pmf(b, t2 * pooled)
        for a in range(60)
        for b in range(60)
        if abs(statistic(a, b)) >= observed - 1e-12
    )
    assert poisson_e_test(k1, k2, t1, t2) == pytest.approx(p, rel=1e-9)


def test_e_test_calls_noise_noise_and_a_real_change_a_change() -> None:
    assert poisson_e_test(3964, 3950) == pytest.approx(0.875, abs=0.01)  # seed 002: -0.3% is noise
    assert poisson_e_test(1119, 1011) < 0.05  # under-25 victims fell 9.6%: significant
    assert poisson_e_test(50, 50) == pytest.approx(1.0)
    assert poisson_e_test(7, 3) == pytest.approx(poisson_e_test(3, 7))


def test_two_proportion_test_by_hand() -> None:
    # 45/100 vs 30/100: pooled 0.375; se = sqrt(0.375 x 0.625 x 0.02) = 0.068465; z = 2.1909; p = 0.02846
    assert two_proportion_test(45, 100, 30, 100) == pytest.approx(0.02846, abs=1e-4)


def test_wilson_interval_by_hand() -> None:
    # 48 of 100: centre 0.499208 / 1.038416 = 0.48074; half-width 1.887483 x 0.050912 = 0.09610
    low, high = intervals.wilson_interval(48, 100)
    assert low == pytest.approx(0.3846, abs=1e-4)
    assert high == pytest.approx(0.5768, abs=1e-4)
    assert intervals.wilson_interval(0, 10)[0] == 0.0


def test_weighted_wilson_uses_the_effective_sample_size() -> None:
    # Weights 1, 1, 2, 2 (three of four 'yes', weight 1+2+2 = 5 of 6): n_eff = 6^2 / 10 = 3.6.
    assert intervals.effective_sample_size(6, 10) == pytest.approx(3.6)
    weighted = intervals.weighted_wilson_interval(5, 6, 10)
    assert weighted == pytest.approx(intervals.wilson_interval(5 / 6 * 3.6, 3.6))
    # Equal weights change nothing: n_eff = n.
    assert intervals.weighted_wilson_interval(96, 200, 400) == pytest.approx(intervals.wilson_interval(48, 100))


def test_exact_poisson_interval_against_tables() -> None:
    assert intervals.poisson_interval(0) == pytest.approx((0.0, 3.6889), abs=1e-4)
    assert intervals.poisson_interval(10) == pytest.approx((4.7954, 18.3904), abs=1e-4)


def test_e_test_switches_to_its_asymptotic_form_only_where_they_agree() -> None:
    from scipy import special

    from swp_data.stats import tests_of_change

    limit = tests_of_change.EXACT_E_TEST_UP_TO
    for k1, k2 in ((limit // 2 + 120, limit // 2 - 120), (limit // 2 + 200, limit // 2 - 200)):
        exact = poisson_e_test(k1, k2)  # exactly at the limit: still the exact sum
        statistic = (k1 - k2) / math.sqrt(k1 + k2)
        assert exact == pytest.approx(2 * special.ndtr(-abs(statistic)), abs=1e-3)
    assert poisson_e_test(limit, 10) == pytest.approx(2 * special.ndtr(-(limit - 10) / math.sqrt(limit + 10)))
