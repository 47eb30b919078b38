"""How many seeds a night's case needs for its *worse* gate to see the smallest drop the gate ever flags.

The gate compares the mean of a night's ``n`` seeds with a band drawn from the baseline's own seeds, one-sided,
at ``alpha = 1 % / T`` for ``T`` gated tests (docs/accuracy-suite.md#gates-two-questions-per-case). A drop
of ``margin`` in a metric whose seeds spread by ``spread`` (one standard deviation) is seen with ``power``
when ``(z(1 - alpha) + z(power)) * spread / sqrt(n) <= margin`` (the normal approximation, the baseline's
own uncertainty left out), so ``n = ceil(((z(1 - alpha) + z(power)) * spread / margin) ** 2)``.

A benchmark that has no baseline of its own yet assumes its ``spread`` and says so; the collected baseline
then measures it (``python -m bench baselines from-history`` writes its std beside its values).
"""

import math
from statistics import NormalDist

from bench.engine.records import METRICS

NIGHTLY_TESTS = 100  # T of a whole GPU nightly: 36 cases, up to 3 gated metrics each (about 100 gated tests)
POWER = 0.8


def seeds_to_see(margin, spread, tests=NIGHTLY_TESTS, power=POWER):
    """The smallest number of seeds (at least 2) whose mean shows a drop of ``margin`` at ``alpha = 1 % / tests``
    with ``power``, for seeds that spread by ``spread``.

    >>> seeds_to_see(margin=0.005, spread=0.002)
    4
    """
    z = NormalDist().inv_cdf(1 - 0.01 / tests) + NormalDist().inv_cdf(power)
    return max(2, math.ceil((z * spread / margin) ** 2))


def declared(spread, source, margin=None):
    """``(seeds, why)`` a benchmark declares (``Benchmark.seeds``, ``Benchmark.seeds_why``) for a headline accuracy
    whose seeds spread by ``spread`` (``source``: where that figure comes from); ``margin`` defaults to the worse
    gate's smallest margin on final validation accuracy."""
    margin = METRICS["final_val_accuracy"].min_margin if margin is None else margin
    return seeds_to_see(margin, spread), why(margin, spread, source)


def why(margin, spread, source, tests=NIGHTLY_TESTS, power=POWER):
    """The sentence a benchmark's ``seeds_why`` says: the rule, its numbers and where ``spread`` comes from."""
    n = seeds_to_see(margin, spread, tests, power)
    return (
        f"{n} seeds: the fewest whose mean shows a drop of {margin} (the worse gate's smallest margin) with "
        f"{power:.0%} power at alpha 1 % / {tests} gated tests, for seeds spreading by {spread} ({source}); "
        "bench/benchmarks/power.py"
    )
