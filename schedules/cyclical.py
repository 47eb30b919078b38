"""Cyclical learning rates (Smith 2015, "Cyclical Learning Rates for Training Neural Networks")."""

from schedules import _ranges as ranges
from schedules._base import Schedule
from schedules._piecewise import lerp

MODES = ("triangular", "triangular2", "exp_range")


class Cyclical(Schedule):
    """A triangle wave between ``base_lr`` and ``max_lr``.

    .. math::

        c = \\lfloor 1 + t / (2s) \\rfloor, \\quad
        x = |t/s - 2c + 1|, \\quad
        \\eta(t) = b + (m - b)\\,\\max(0, 1 - x)\\,\\sigma(t)

    where ``t`` is the 0-based optimizer iteration, ``s = step_size`` (iterations
    per half cycle), ``b = base_lr``, ``m = max_lr``, ``c`` the 1-based cycle and
    the amplitude scale ``sigma`` is 1 (``triangular``), ``1 / 2^(c-1)``
    (``triangular2``) or ``gamma^t`` (``exp_range``). The wave has no end: it
    repeats (with a shrinking amplitude for the last two modes) for every t.

    Args:
        base_lr: lowest rate, > 0.
        max_lr: highest rate, > base_lr.
        step_size: iterations per half cycle, a positive integer.
        mode: "triangular", "triangular2" or "exp_range".
        gamma: amplitude decay per iteration for "exp_range", in (0, 1];
            any other mode requires the default 1.0.

    >>> s = Cyclical(base_lr=0.001, max_lr=0.006, step_size=2000)
    >>> round(s(0), 12), round(s(1000), 12), round(s(2000), 12), round(s(4000), 12)
    (0.001, 0.0035, 0.006, 0.001)
    """

    name = "cyclical"
    unit = "iteration"
    params = {
        "base_lr": ranges.POSITIVE,
        "max_lr": ranges.POSITIVE,
        "step_size": ranges.POSITIVE_INT,
        "mode": ranges.Choice(MODES),
        "gamma": ranges.fraction(low_open=True, high_open=False),
    }
    example = {"base_lr": 0.01, "max_lr": 0.1, "step_size": 3, "mode": "triangular2"}

    def __init__(self, base_lr, max_lr, step_size, mode="triangular", gamma=1.0):
        self._accept(base_lr=base_lr, max_lr=max_lr)
        if self.max_lr <= self.base_lr:
            raise ValueError(
                f"Argument `max_lr` must be > `base_lr` ({self.base_lr!r}). Received: max_lr={self.max_lr!r}"
            )
        self._accept(step_size=step_size, mode=mode, gamma=gamma)
        if self.mode != "exp_range" and self.gamma != 1.0:
            raise ValueError(
                f"Argument `gamma` only applies to mode='exp_range'; mode={self.mode!r} "
                f"would ignore it. Received: gamma={self.gamma!r}"
            )

    def _rate(self, t, xp):
        cycle = xp.floor(1.0 + t / (2 * self.step_size))
        x = xp.abs(t / self.step_size - 2.0 * cycle + 1.0)
        wave = xp.maximum(1.0 - x, 0.0)
        if self.mode == "triangular2":
            wave = wave / 2.0 ** (cycle - 1.0)
        elif self.mode == "exp_range":
            wave = wave * self.gamma**t
        return lerp(self.base_lr, self.max_lr, wave)
