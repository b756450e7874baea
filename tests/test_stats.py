"""Each statistic against a value worked out by hand (or by an independent brute-force sum)."""

from __future__ import annotations

import math

import pytest

from swp_data.stats import intervals
from swp_data.stats.dispersion import Dispersion, dispersion_factor, estimate
from swp_data.stats.tests_of_change import (
    count_change_test,
    fisher_exact_test,
    poisson_e_test,
    proportion_test,
    two_proportion_test,
)


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
    # Large counts keep the z-test: the smallest expected cell is 100 x 0.375 = 37.5 >= 5.
    p_value, test = proportion_test(45, 100, 30, 100)
    assert test == "two-proportion z-test" and p_value == pytest.approx(0.02846, abs=1e-4)


def test_fisher_exact_test_of_none_of_ten_against_four_of_ten_by_hand() -> None:
    """0 of 10 against 4 of 10: 4 successes among 20, 10 drawn into the first group.

    Given the totals the first group's successes X are hypergeometric, P(X = x) = C(4, x) C(16, 10 - x) / C(20, 10),
    with C(20, 10) = 184,756:
      x = 0: 1 x 8,008 = 8,008 (0.04334)      x = 1: 4 x 11,440 = 45,760 (0.24768)
      x = 2: 6 x 12,870 = 77,220 (0.41796)    x = 3: 4 x 11,440 = 45,760 (0.24768)
      x = 4: 1 x 8,008 = 8,008 (0.04334)
    Two-sided: every table no more likely than the observed x = 0, i.e. x = 0 and x = 4:
    p = 16,016 / 184,756 = 0.086687. The pooled z-test says z = 0.4 / sqrt(0.2 x 0.8 x 0.2) = 2.2361,
    p = 0.0253: 'significant' only because its normal approximation fails with expected cells of 2.
    """
    assert fisher_exact_test(0, 10, 4, 10) == pytest.approx(16_016 / 184_756, rel=1e-12)
    assert two_proportion_test(0, 10, 4, 10) == pytest.approx(0.025347, abs=1e-5)
    p_value, test = proportion_test(0, 10, 4, 10)  # smallest expected cell 10 x 0.2 = 2 < 5
    assert test == "Fisher's exact test" and p_value == pytest.approx(0.086687, abs=1e-6)


def test_the_exact_test_takes_over_exactly_below_an_expected_count_of_five() -> None:
    # 3/20 vs 7/20: pooled 0.25, smallest expected 20 x 0.25 = 5: still the z-test,
    # z = 0.2 / sqrt(0.25 x 0.75 x 0.1) = 1.4606, p = 0.1441.
    assert proportion_test(3, 20, 7, 20) == (pytest.approx(0.14413, abs=1e-4), "two-proportion z-test")
    # 2/20 vs 7/20: pooled 0.225, smallest expected 4.5: Fisher's. By hand, 9 successes in 40, 20 drawn:
    # P(X = x) = C(9, x) C(31, 20 - x) / C(40, 20); the tables no more likely than x = 2 are x <= 2 and x >= 7.
    from math import comb

    probabilities = [comb(9, x) * comb(31, 20 - x) / comb(40, 20) for x in range(10)]
    p = sum(q for q in probabilities if q <= probabilities[2] * (1 + 1e-7))
    assert p == pytest.approx(sum(probabilities[:3]) + sum(probabilities[7:]))
    assert proportion_test(2, 20, 7, 20) == (pytest.approx(p, rel=1e-9), "Fisher's exact test")
    with pytest.raises(ValueError):
        fisher_exact_test(5, 4, 0, 4)


def test_dispersion_factor_of_six_monthly_counts_by_hand() -> None:
    """10, 14, 8, 16, 6, 12: mean 66 / 6 = 11; successive differences 4, -6, 8, -10, 6,
    squares 16 + 36 + 64 + 100 + 36 = 252. Each pair's Poisson variance is 2 x 11 = 22, so
    phi = (252 / 22) / 5 pairs = 2.2909: the months vary more than twice as much as Poisson counts."""
    assert dispersion_factor([(y, 1.0) for y in (10, 14, 8, 16, 6, 12)]) == (pytest.approx(252 / 110), 6, 5)
    # 10, 11, 9, 10, 11, 9: differences 1, -2, 1, 1, -2, squares 11; 11 / (2 x 5 x 10) = 0.11, below Poisson:
    # phi is then 1 (a steady series never makes a test bolder than Poisson).
    steady = estimate([(y, 1.0) for y in (10, 11, 9, 10, 11, 9)], "monthly")
    assert steady.estimate == pytest.approx(0.11) and steady.phi == 1.0 and not steady.overdispersed
    # A gap breaks the run: 10, 14 | 8, 16, 6, 12 has 4 adjacent pairs, too few (5 needed).
    gap = estimate([(10.0, 1.0), (14.0, 1.0), None, (8.0, 1.0), (16.0, 1.0), (6.0, 1.0), (12.0, 1.0)], "monthly")
    assert (gap.estimate, gap.points, gap.pairs, gap.phi) == (None, 6, 4, 1.0)
    zeros = estimate([(0.0, 1.0)] * 8, "monthly")
    assert zeros.estimate is None and zeros.pairs == 7  # all zero: nothing to estimate a variance from


def test_dispersion_factor_with_exposures_by_hand() -> None:
    """Reoffences 6, 9, 4, 12, 5, 10 over reoffenders 3, 3, 2, 4, 5, 5: rates 2, 3, 2, 3, 1, 2,
    pooled rate r = 46 / 22 = 2.0909. Each pair's term is (rate_i - rate_j)^2 / (r (1/e_i + 1/e_j)):
      1 / (2.0909 x 2/3) = 0.71739    1 / (2.0909 x 5/6) = 0.57391    1 / (2.0909 x 3/4) = 0.63768
      4 / (2.0909 x 9/20) = 4.25121   1 / (2.0909 x 2/5) = 1.19565
    sum 7.37585, over 5 pairs: phi = 1.47517."""
    points = list(zip([6.0, 9, 4, 12, 5, 10], [3.0, 3, 2, 4, 5, 5], strict=True))
    assert dispersion_factor(points)[0] == pytest.approx(1.47517, abs=1e-5)


def _e_test_by_enumeration(k1: float, k2: float) -> float:
    mean = (k1 + k2) / 2
    observed = abs(k1 - k2) / math.sqrt(k1 + k2)
    return sum(
        _pmf(a, mean) * _pmf(b, mean)
        for a in range(80)
        for b in range(80)
        if a + b > 0 and abs(a - b) / math.sqrt(a + b) >= observed - 1e-12
    )


def test_a_change_significant_as_poisson_is_not_once_overdispersion_is_allowed_for() -> None:
    """12 against 4 events. As Poisson counts, T = 8 / sqrt(16) = 2 and the E-test (enumerated:
    pooled mean 8 each, pairs with |x1 - x2| / sqrt(x1 + x2) >= 2) gives p = 0.0460: 'significant'.
    The monthly series 8, 12, 4, 14, 10, 12 has mean 10 and successive differences 4, -8, 10, -4, 2
    (squares 200), so phi = 200 / (2 x 5 x 10) = 2.0: the counts carry half the information a Poisson
    count would, the effective counts are 6 and 2, and the E-test of those (pooled mean 4 each,
    T = 4 / sqrt(8)) gives p = 0.1749: no significant change."""
    series = estimate([(y, 1.0) for y in (8, 12, 4, 14, 10, 12)], "monthly")
    assert series.phi == pytest.approx(2.0)
    plain = poisson_e_test(12, 4)
    assert plain == pytest.approx(_e_test_by_enumeration(12, 4), rel=1e-9) and plain == pytest.approx(0.0460, abs=1e-4)
    p_value, test = count_change_test(12, 4, dispersion=series)
    assert p_value == pytest.approx(_e_test_by_enumeration(6, 2), rel=1e-9) and p_value == pytest.approx(
        0.1749, abs=1e-4
    )
    assert test == "Poisson E-test, allowing for overdispersion (phi = 2.00 from 6 monthly counts)"


def test_overdispersion_at_city_scale_matches_the_quasi_poisson_z_by_hand() -> None:
    """30,700 against 30,000 crimes (-2.3%): as Poisson, z = 700 / sqrt(60,700) = 2.8412, p = 0.00449.
    With phi = 4 the variance of the difference is 4 x 60,700, z = 700 / sqrt(242,800) = 1.4206,
    p = 2 x (1 - Phi(1.4206)) = 0.1554 (the exact E-test of 7,675 against 7,500 agrees to 1e-4)."""
    assert poisson_e_test(30_700, 30_000) == pytest.approx(0.004494, abs=1e-6)
    four = Dispersion(estimate=4.0, points=36, pairs=35, step="monthly")
    p_value, test = count_change_test(30_700, 30_000, dispersion=four)
    assert p_value == pytest.approx(0.15543, abs=2e-4)
    assert test == "Poisson E-test, allowing for overdispersion (phi = 4.00 from 36 monthly counts)"


def test_no_overdispersion_leaves_the_plain_e_test() -> None:
    steady = estimate([(y, 1.0) for y in (10, 11, 9, 10, 11, 9)], "monthly")  # phi_hat 0.11 (above)
    assert count_change_test(12, 4, dispersion=steady) == (
        poisson_e_test(12, 4),
        "Poisson E-test, no overdispersion in 6 monthly counts (phi = 0.11)",
    )
    assert count_change_test(12, 4) == (poisson_e_test(12, 4), "Poisson E-test")
    too_few = estimate([(12.0, 1.0), (4.0, 1.0)], "yearly")
    assert count_change_test(12, 4, dispersion=too_few) == (
        poisson_e_test(12, 4),
        "Poisson E-test, overdispersion not estimated: too few consecutive yearly counts",
    )


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


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [(0, 10, 4, 10), (2, 20, 7, 20), (5, 5, 0, 5), (0, 1, 0, 1), (3, 7, 3, 7), (1, 200, 9, 180), (40, 900, 61, 1000)],
)
def test_fisher_exact_test_matches_scipy_stats(x1: int, n1: int, x2: int, n2: int) -> None:
    # Written on scipy.special (scipy.stats is slow to import on a first visit): checked against scipy.stats.
    from scipy import stats

    expected = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="two-sided").pvalue
    assert fisher_exact_test(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9)
