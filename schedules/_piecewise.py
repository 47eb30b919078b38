"""Interpolation that is exact at its ends, with elementwise ops only.

``lerp(a, b, w) = a * (1 - w) + b * w`` returns exactly ``a`` at ``w = 0`` and
exactly ``b`` at ``w = 1``, and is never negative when ``a`` and ``b`` are not.
The textbook form ``a + (b - a) * w`` can miss ``b`` by one ulp (``0.358 +
(0.939 - 0.358)`` is not always ``0.939``), so every schedule whose docs name a
value at a knot (poly's ``initial_lr``, cosine's peak, cyclical's ``max_lr``)
goes through ``lerp``.

``piecewise_linear`` lerps on each segment ``[x_a, x_b]`` with
``f = (clip(t, x_a, x_b) - x_a) / (x_b - x_a)``. Segments are chosen with
``where``, so the same code runs on NumPy and on any Keras backend. Past the
last knot the rate holds ``y_n``. Used by ``onecycle`` and by ``cosine``'s warmup.
"""


def lerp(a, b, w):
    """``a`` at ``w = 0``, ``b`` at ``w = 1`` (both exactly), linear in between."""
    return a * (1.0 - w) + b * w


def piecewise_linear(t, knots, xp):
    """Interpolate linearly through ``knots``, a list of ``(x, y)`` with x strictly increasing."""
    if any(xb <= xa for (xa, _), (xb, _) in zip(knots, knots[1:])):
        raise ValueError(f"Knots must have strictly increasing x. Received: {knots!r}")
    rate = t * 0.0 + knots[-1][1]
    for (xa, ya), (xb, yb) in reversed(list(zip(knots, knots[1:]))):
        f = (xp.minimum(xp.maximum(t, xa), xb) - xa) / (xb - xa)
        rate = xp.where(t < xb, lerp(ya, yb, f), rate)
    return rate
