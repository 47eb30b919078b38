"""bench/statistics/tails.py: a sorted null's shares at or beyond a value, against hand counts and numpy's own
draw-by-draw comparison (the expression each function stands in for, computed independently of it)."""

import math

import numpy as np
import pytest

from bench.statistics import gates, tails

# Eight draws, sorted as numpy sorts them: ties at 0 and 1, a NaN last.
NULL = np.array([-2.0, -1.0, 0.0, 0.0, 1.0, 1.0, 3.0, math.nan])


@pytest.mark.parametrize(
    "x, below, above, beyond",
    [
        # counted by hand over the seven numbers; the NaN draw never counts
        (1.0, 6 / 8, 3 / 8, 5 / 8),  # <= 1: -2 -1 0 0 1 1; >= 1: 1 1 3; |d| >= 1: -2 -1 1 1 3
        (-1.0, 2 / 8, 6 / 8, 5 / 8),  # <= -1: -2 -1; >= -1: -1 0 0 1 1 3
        (0.5, 4 / 8, 3 / 8, 5 / 8),
        (0.0, 4 / 8, 5 / 8, 7 / 8),  # |d| >= 0: every number, each zero once
        (2.0, 6 / 8, 1 / 8, 2 / 8),  # |d| >= 2: -2 3
        (2.5, 6 / 8, 1 / 8, 1 / 8),
        (-3.0, 0.0, 7 / 8, 1 / 8),
        (math.inf, 7 / 8, 0.0, 0.0),
        (-math.inf, 0.0, 7 / 8, 0.0),
        (math.nan, 0.0, 0.0, 0.0),  # no comparison with NaN holds
    ],
)
def test_shares_count_ties_and_leave_nan_out(x, below, above, beyond):
    assert (tails.at_or_below(NULL, x), tails.at_or_above(NULL, x), tails.beyond(NULL, x)) == (below, above, beyond)


def test_the_same_float_as_comparing_every_draw():
    """Random sorted nulls (ties, NaNs, a single draw) and values on, between and beyond their draws: each
    share is numpy's ``mean`` of the comparison, bit for bit."""
    rng = np.random.default_rng(0)
    for trial in range(100):
        size = 1 + trial % 50
        null = rng.integers(-3, 4, size).astype(float) if trial % 2 else rng.standard_normal(size)
        null[rng.random(size) < (0.2 if trial % 3 == 0 else 0.0)] = math.nan
        null.sort()
        for x in [*null[:3], *(-null[:3]), *rng.standard_normal(3), 0.0, -0.0, math.inf, math.nan]:
            x = float(x)
            assert tails.at_or_below(null, x) == float(np.mean(null <= x)), (null, x)
            assert tails.at_or_above(null, x) == float(np.mean(null >= x)), (null, x)
            assert tails.beyond(null, x) == float(np.mean(np.abs(null) >= abs(x))), (null, x)


def test_a_gate_s_null_gives_the_p_values_and_band_edges_numpy_gives():
    values = [0.9 + 0.001 * (i % 7) for i in range(40)]
    null = gates.null_deviations(values, 10)
    for x in (-0.004, -0.001, 0.0, 0.0005, 0.003, float(null[17]), float(null[-1])):
        assert tails.at_or_below(null, x) == float(np.mean(null <= x))
        assert tails.at_or_above(null, x) == float(np.mean(null >= x))
        assert tails.beyond(null, x) == float(np.mean(np.abs(null) >= abs(x)))
    for q in (0.01 / 660, 0.5 / 660, 0.5, 1 - 0.5 / 660):
        assert gates.null_quantile(values, 10, q) == float(np.quantile(null, q))
