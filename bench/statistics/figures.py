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


def rate_interval(k, n, confidence=0.95):
    """``(low, high)``: the exact (Clopper-Pearson) interval of a rate seen ``k`` times in ``n`` tries.

    Exact rather than normal: calibration's rates sit near 0 and 1, where a normal interval runs past
    the ends. ``(0.0, 1.0)`` when there were no tries."""
    if not 0 <= k <= n:
        raise ValueError(f"A rate needs 0 <= k <= n. Received: k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    from scipy import stats

    tail = (1 - confidence) / 2
    low = 0.0 if k == 0 else float(stats.beta.ppf(tail, k, n - k + 1))
    high = 1.0 if k == n else float(stats.beta.ppf(1 - tail, k + 1, n - k))
    return low, high


def rate_text(k, n, confidence=0.95):
    """``"3/20 = 15 % (3-38 %)"``: a rate with its count and its exact interval, for the calibration tables."""
    low, high = rate_interval(k, n, confidence)
    if n == 0:
        return "0/0 (no tries)"
    return f"{k}/{n} = {_pct(k / n)} % ({_pct(low)}-{_pct(high)} %)"


def _pct(x):
    x *= 100
    return f"{x:.0f}" if x == 0 or x >= 10 else f"{x:.1f}" if x >= 1 else f"{x:.2f}"
