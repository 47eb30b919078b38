"""Calibration's figures: the size of a change in seed spreads, and the seeds a nightly needs to see it."""

import math
import statistics
from statistics import NormalDist


def effect_size(base, changed):
    """The change of the mean over the pooled per-seed std; infinite when both sets are constant but
    their means differ (a metric every seed puts at 1.0, say), 0 when nothing differs."""
    shift = statistics.fmean(changed) - statistics.fmean(base)
    pooled = math.sqrt((statistics.variance(base) + statistics.variance(changed)) / 2)
    if pooled == 0:
        return 0.0 if shift == 0 else math.copysign(math.inf, shift)
    return shift / pooled


def needed_seeds(d, baseline_n, alpha, power=0.9):
    """Seeds per nightly for a normal two-sided test to see effect size ``d`` with ``power``; None if none do
    (2, the fewest a test takes, for an infinite ``d``)."""
    if math.isinf(d):
        return 2

    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    inverse = (abs(d) / z) ** 2 - 1 / baseline_n
    return None if inverse <= 0 else max(2, math.ceil(1 / inverse))
