"""How much more a series of counts varies than Poisson counts would: the dispersion factor phi.

A count KPI's change is tested as if its counts were Poisson. Recorded crime is not: a
busy month, a reporting campaign or one prolific offender moves a month's count by more
than the square root of its mean. The KPI's own series shows by how much, and the SPC
chart beside the card is drawn from it; a test that ignores it calls changes the chart
rightly calls common cause.

The estimate is a Pearson chi-square over *successive* points divided by its degrees of
freedom (the mean square successive difference, scaled by the Poisson variance):

    phi_hat = 1/m x sum over adjacent pairs (i, j) of (y_i/e_i - y_j/e_j)^2 / (r (1/e_i + 1/e_j))

where y are counts over exposures e (1 for plain counts; reoffenders for reoffences per
reoffender), r = sum y / sum e is the pooled rate and m the number of adjacent pairs.
Under a Poisson series with a steady rate each term has expectation 1. Differencing
neighbours, rather than taking each point about the overall mean as a funnel plot does
across units, keeps a slow trend or the seasons (which cancel in a comparison with the
same months a year earlier, and which the SPC chart's moving ranges also set aside) from
being taken for noise. phi = max(1, phi_hat): a series that looks less variable than
Poisson never makes a test bolder than the Poisson one.

Quasi-Poisson: a count with variance phi x mean, divided by phi, has mean equal to its
variance again, so the Poisson test is run on the counts divided by phi.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Fewer adjacent pairs than this and the estimate is too unsteady to use (5 pairs: 6 points in a row).
MINIMUM_PAIRS = 5

Point = tuple[float, float]  # (count, exposure)


@dataclass(frozen=True)
class Dispersion:
    """The dispersion factor of a series, and what it was estimated from (for the test's name)."""

    estimate: float | None  # phi_hat; None when there were too few points to estimate it (or all were zero)
    points: int  # points that entered the estimate
    pairs: int  # adjacent pairs of them
    step: str  # what one point spans: "monthly", "quarterly", "yearly"

    @property
    def phi(self) -> float:
        """The factor tests divide counts by: the estimate, but never below 1 (1 when not estimated)."""
        return 1.0 if self.estimate is None else max(1.0, self.estimate)

    @property
    def overdispersed(self) -> bool:
        """Whether the series varies more than Poisson counts (and the test allows for it)."""
        return self.phi > 1.0


def dispersion_factor(points: Sequence[Point | None]) -> tuple[float | None, int, int]:
    """phi_hat of a series of (count, exposure) points oldest first, the points it used and their pairs.

    ``None`` marks a gap (no data, or a cell a partner may not see): pairs across a gap are
    skipped. The estimate is None with fewer than ``MINIMUM_PAIRS`` adjacent pairs, or when
    every count is zero (a zero series says nothing about its variance).
    """
    pairs: list[tuple[Point, Point]] = []
    used: set[int] = set()
    for i in range(len(points) - 1):
        a, b = points[i], points[i + 1]
        if a is not None and b is not None and a[1] > 0 and b[1] > 0:
            pairs.append((a, b))
            used |= {i, i + 1}
    if len(pairs) < MINIMUM_PAIRS:
        return None, len(used), len(pairs)
    counted = [p for i, p in enumerate(points) if i in used and p is not None]
    rate = sum(p[0] for p in counted) / sum(p[1] for p in counted)
    if rate <= 0:
        return None, len(used), len(pairs)
    terms = [(a[0] / a[1] - b[0] / b[1]) ** 2 / (rate * (1 / a[1] + 1 / b[1])) for a, b in pairs]
    return sum(terms) / len(terms), len(used), len(pairs)


def estimate(points: Sequence[Point | None], step: str) -> Dispersion:
    """The dispersion of a series (see ``dispersion_factor``), labelled with what one point spans."""
    value, used, pairs = dispersion_factor(points)
    return Dispersion(estimate=value, points=used, pairs=pairs, step=step)


def describe(dispersion: Dispersion) -> str:
    """What a test's name adds about the dispersion: allowed for, absent, or not estimable."""
    counts = f"{dispersion.points} {dispersion.step} counts"
    if dispersion.estimate is None and dispersion.pairs < MINIMUM_PAIRS:
        return f"overdispersion not estimated: too few consecutive {dispersion.step} counts"
    if dispersion.estimate is None:
        return f"overdispersion not estimated: the {counts} are all zero"
    if dispersion.overdispersed:
        return f"allowing for overdispersion (phi = {dispersion.phi:.2f} from {counts})"
    return f"no overdispersion in {counts} (phi = {dispersion.estimate:.2f})"
