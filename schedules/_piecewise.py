"""Piecewise-linear interpolation through knots, with elementwise ops only.

On segment ``[x_a, x_b]`` the rate is the lerp

    rate(t) = y_a * (1 - f) + y_b * f,   f = (clip(t, x_a, x_b) - x_a) / (x_b - x_a)

which is exact at both knots (f = 0 gives y_a, f = 1 gives y_b) and never
negative when the knots are not. Segments are chosen with ``where``, so the
same code runs on NumPy and on any Keras backend. Past the last knot the rate
holds ``y_n``. Used by ``onecycle`` and by ``cosine``'s warmup.
"""


def piecewise_linear(t, knots, xp):
    """Interpolate linearly through ``knots``, a list of ``(x, y)`` with x strictly increasing."""
    if any(xb <= xa for (xa, _), (xb, _) in zip(knots, knots[1:])):
        raise ValueError(f"Knots must have strictly increasing x. Received: {knots!r}")
    rate = t * 0.0 + knots[-1][1]
    for (xa, ya), (xb, yb) in reversed(list(zip(knots, knots[1:]))):
        f = (xp.minimum(xp.maximum(t, xa), xb) - xa) / (xb - xa)
        rate = xp.where(t < xb, ya * (1.0 - f) + yb * f, rate)
    return rate
