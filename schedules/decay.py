"""Constant, inverse-time, step and exponential decay.

Conventions follow docs/reference.md#schedules: Keras' ``LearningRateScheduler``
passes the 0-based epoch before that epoch runs; an optimizer-level schedule gets
the 0-based optimizer iteration (batches seen so far).
"""

import math

from schedules import _ranges as ranges
from schedules._base import Schedule


class Constant(Schedule):
    """A constant rate.

    .. math:: \\eta(t) = \\mathrm{lr}

    for every ``t``, the 0-based epoch.

    Args:
        lr: the rate, > 0.

    >>> Constant(lr=0.1)(42)
    0.1
    """

    name = "constant"
    unit = "epoch"
    params = {"lr": ranges.POSITIVE}
    example = {"lr": 0.05}

    def __init__(self, lr):
        self._accept(lr=lr)

    def _rate(self, t, xp):
        return t * 0.0 + self.lr


class _InverseTime(Schedule):
    """``initial_lr / (1 + decay * t)``; subclasses fix the unit of ``t``."""

    params = {"initial_lr": ranges.POSITIVE, "decay": ranges.NON_NEGATIVE}
    example = {"initial_lr": 0.1, "decay": 0.5}

    def __init__(self, initial_lr, decay):
        self._accept(initial_lr=initial_lr, decay=decay)

    def _rate(self, t, xp):
        return self.initial_lr / (1.0 + self.decay * t)


class Standard(_InverseTime):
    """Keras' old optimizer ``decay`` argument, applied after every batch.

    .. math:: \\eta(t) = \\frac{\\eta_0}{1 + d\\,t}

    where ``t`` is the 0-based optimizer iteration (batches seen so far),
    ``eta_0 = initial_lr`` and ``d = decay``. This is what
    ``SGD(lr, decay=d)`` did in Keras 2 (source A); it is exactly
    ``InverseTimeDecay(lr, decay_steps=1, decay_rate=d)``. Keras 3 accepts
    ``decay=`` but ignores it and trains at a constant rate.

    Args:
        initial_lr: rate at iteration 0, > 0.
        decay: per-iteration decay ``d``, >= 0.

    Example (source A: lr 0.01, decay 0.01/40, 782 iterations per epoch):

    >>> round(Standard(initial_lr=0.01, decay=0.00025)(782), 7)
    0.0083647
    """

    name = "standard"
    unit = "iteration"


class Time(_InverseTime):
    """Time-based decay per epoch.

    .. math:: \\eta(t) = \\frac{\\eta_0}{1 + k\\,t}

    where ``t`` is the 0-based epoch, ``eta_0 = initial_lr`` and ``k = decay``
    (source D's per-epoch reading of time-based decay).

    Args:
        initial_lr: rate at epoch 0, > 0.
        decay: per-epoch decay ``k``, >= 0.

    >>> round(Time(initial_lr=0.1, decay=0.002)(10), 7)
    0.0980392
    """

    name = "time"
    unit = "epoch"


class Step(Schedule):
    """Step decay: multiply by ``factor`` every ``drop_every`` epochs.

    .. math:: \\eta(t) = \\eta_0 \\cdot f^{\\lfloor (o + t) / n \\rfloor}

    where ``t`` is the 0-based epoch, ``f = factor``, ``n = drop_every`` and
    ``o = offset``. Sources A and B use ``o = 1`` (the first drop comes at
    epoch ``n - 1``); source D uses ``o = 0`` (first drop at epoch ``n``).
    The rate tends to 0 and never ends; once ``f**k`` falls below 1e-150 (far
    below anything float32 can hold) it is returned as exactly 0.

    Args:
        initial_lr: rate at epoch 0 (for ``offset < drop_every``), > 0.
        factor: multiplier per drop, in (0, 1].
        drop_every: epochs between drops, a positive integer.
        offset: epochs added to ``t`` before dividing, a non-negative integer.

    >>> s = Step(initial_lr=0.1, factor=0.25, drop_every=15)
    >>> s(13), s(14)
    (0.1, 0.025)
    """

    name = "step"
    unit = "epoch"
    params = {
        "initial_lr": ranges.POSITIVE,
        "factor": ranges.fraction(low_open=True, high_open=False),
        "drop_every": ranges.POSITIVE_INT,
        "offset": ranges.NON_NEGATIVE_INT,
    }
    example = {"initial_lr": 0.1, "factor": 0.5, "drop_every": 2}

    def __init__(self, initial_lr, factor, drop_every, offset=1):
        self._accept(initial_lr=initial_lr, factor=factor, drop_every=drop_every, offset=offset)
        self._drop_cap = _drop_cap(self.factor)

    def _rate(self, t, xp):
        drops = xp.floor((self.offset + t) / self.drop_every)
        power = self.factor ** xp.minimum(drops, self._drop_cap)
        return xp.where(power >= FLUSH_BELOW, self.initial_lr * power, 0.0)


# Once factor**drops < FLUSH_BELOW the rate is returned as exactly 0. No optimizer can
# apply such a rate (float32's smallest positive number is 1.4e-45), and computing it
# costs: glibc's pow takes a slow path for results near float64's lower limit, which
# made values() over 1,000,000 epochs ~80 ms instead of ~10 ms (`python -m bench speed schedules`).
FLUSH_BELOW = 1e-150


def _drop_cap(factor):
    """A number of drops at which ``factor ** drops`` is already below ``FLUSH_BELOW``.

    ``_rate`` computes ``factor ** min(drops, cap)`` and flushes powers below the bound,
    so any cap above the last kept power gives the same rates; capping only keeps ``pow``
    away from its slow path. ``log(FLUSH_BELOW) / log(factor)`` is within a few ulps of
    the last kept power; a relative margin of 1e-9 and 2 drops put the cap safely past it
    while ``factor ** cap`` stays near 1e-150, far from float64's lower limit.
    Factor 1 never drops: no cap.
    """
    if factor == 1.0:
        return math.inf
    return math.floor(math.log(FLUSH_BELOW) / math.log(factor) * (1 + 1e-9)) + 2.0


class Exp(Schedule):
    """Exponential decay per epoch.

    .. math:: \\eta(t) = \\eta_0\\, e^{-k t}

    where ``t`` is the 0-based epoch (source D).

    Args:
        initial_lr: rate at epoch 0, > 0.
        k: decay constant per epoch, >= 0.

    >>> round(Exp(initial_lr=0.01, k=0.01)(1), 8)
    0.0099005
    """

    name = "exp"
    unit = "epoch"
    params = {"initial_lr": ranges.POSITIVE, "k": ranges.NON_NEGATIVE}
    example = {"initial_lr": 0.1, "k": 0.3}

    def __init__(self, initial_lr, k):
        self._accept(initial_lr=initial_lr, k=k)

    def _rate(self, t, xp):
        return self.initial_lr * xp.exp(-self.k * t)
