"""The share of a sorted simulated null at or beyond an observed value, by bisection.

``gates`` and ``changepoints`` read their p-values off 100,000 simulated draws kept sorted (``gates.null_deviations``,
``changepoints.max_z_null``). Counting ``null <= x`` by comparing every draw walks all 100,000 on every call; on a
sorted array the count is where ``x`` would be inserted (``numpy.searchsorted``), a few dozen comparisons. The
result is the same float ``numpy.mean(null <= x)`` gives, a count of draws over their number, bit for bit: what a
gate or a history printed before reads the same.

A NaN ``x`` has a share of 0, as no comparison with NaN holds; NaN draws, which numpy sorts last, count for
no ``x``. ``null`` holds at least one draw.

>>> import numpy as np
>>> null = np.array([-2.0, -1.0, 0.0, 1.0, 1.0, 3.0])
>>> at_or_below(null, 1.0), at_or_above(null, 1.0), beyond(null, 1.0)
(0.8333333333333334, 0.5, 0.8333333333333334)
"""

import math

import numpy as np


def at_or_below(null, x):
    """``numpy.mean(null <= x)`` for ``null`` sorted ascending."""
    if math.isnan(x):
        return 0.0  # no comparison with NaN holds
    return int(np.searchsorted(null, x, side="right")) / len(null)


def at_or_above(null, x):
    """``numpy.mean(null >= x)`` for ``null`` sorted ascending."""
    if math.isnan(x):
        return 0.0
    return (_end(null) - int(np.searchsorted(null, x, side="left"))) / len(null)


def beyond(null, x):
    """``numpy.mean(numpy.abs(null) >= abs(x))`` for ``null`` sorted ascending: the two-sided share."""
    a = abs(x)
    if math.isnan(a):
        return 0.0
    if a == 0:
        return _end(null) / len(null)  # every draw that compares at all: |d| >= 0
    below = int(np.searchsorted(null, -a, side="right"))
    return (below + _end(null) - int(np.searchsorted(null, a, side="left"))) / len(null)


def _end(null):
    """Where the draws that compare end: numpy sorts NaN after every number, and no comparison with NaN holds."""
    return int(np.searchsorted(null, np.nan, side="left"))
