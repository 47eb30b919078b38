"""Constructor argument checks shared by every schedule.

Each check raises ``ValueError`` naming the argument and the value received, in
the form ``Argument `name` must be ... Received: name=value``. They return the
value converted to a plain Python ``float`` or ``int`` so that configs hold
plain numbers.
"""

import math
import numbers


def _fail(name, requirement, value):
    raise ValueError(f"Argument `{name}` must be {requirement}. Received: {name}={value!r}")


def _real(name, value, requirement):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(name, requirement, value)
    value = float(value)
    if not math.isfinite(value):
        _fail(name, requirement, value)
    return value


def positive(name, value):
    """A finite real number > 0."""
    value = _real(name, value, "a finite number > 0")
    if value <= 0:
        _fail(name, "a finite number > 0", value)
    return value


def non_negative(name, value):
    """A finite real number >= 0."""
    value = _real(name, value, "a finite number >= 0")
    if value < 0:
        _fail(name, "a finite number >= 0", value)
    return value


def in_interval(name, value, low, high, *, low_open, high_open):
    """A finite real number in the interval given, e.g. (0, 1]."""
    text = f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    value = _real(name, value, text)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        _fail(name, text, value)
    return value


def positive_int(name, value):
    """An integer >= 1 (an integral float such as 15.0 is accepted)."""
    return _integer(name, value, minimum=1, requirement="a positive integer")


def non_negative_int(name, value):
    """An integer >= 0 (an integral float such as 0.0 is accepted)."""
    return _integer(name, value, minimum=0, requirement="a non-negative integer")


def _integer(name, value, *, minimum, requirement):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(name, requirement, value)
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif math.isfinite(value) and float(value).is_integer():
        value = int(value)
    else:
        _fail(name, requirement, value)
    if value < minimum:
        _fail(name, requirement, value)
    return value


def one_of(name, value, choices):
    """One of a fixed set of strings."""
    if value not in choices:
        _fail(name, "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def at_most(name, value, bound_name, bound):
    """``value <= bound``, where the bound is another argument."""
    if value > bound:
        raise ValueError(f"Argument `{name}` must be <= `{bound_name}` ({bound!r}). Received: {name}={value!r}")
    return value
