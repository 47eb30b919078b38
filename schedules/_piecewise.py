"""Piecewise-linear interpolation through knots, written with min/max only.

    rate(t) = y_0 + sum_i slope_i * (clip(t, x_i, x_{i+1}) - x_i)

so it needs no gather or branch and runs unchanged on NumPy and on any Keras
backend. Before the first knot it holds ``y_0``; past the last, ``y_n``.
Used by ``onecycle`` and by ``cosine``'s warmup.
"""


def piecewise_linear(t, knots, xp):
    """Interpolate linearly through ``knots``, a list of ``(x, y)`` with x increasing."""
    (x0, y0) = knots[0]
    rate = t * 0.0 + y0
    for (xa, ya), (xb, yb) in zip(knots, knots[1:]):
        if xb <= xa:
            raise ValueError(f"Knots must have strictly increasing x. Received: {knots!r}")
        slope = (yb - ya) / (xb - xa)
        rate = rate + slope * (xp.minimum(xp.maximum(t, xa), xb) - xa)
    return rate
