"""The 1cycle policy (Smith 2018), as described by source C."""

from schedules import _ranges as ranges
from schedules import _validate as check
from schedules._base import Schedule
from schedules._piecewise import piecewise_linear


class OneCycle(Schedule):
    """1cycle: up to ``max_lr`` and back, then a short annihilation phase.

    With ``N = total_steps``, ``F = round(final_fraction * N)`` annihilation
    iterations, ``C = N - F`` cycle iterations, the rate is linear between the knots

    ========  ==============
    t         rate
    ========  ==============
    0         ``initial_lr``
    C / 2     ``max_lr``
    C         ``initial_lr``
    N         ``final_lr``
    ========  ==============

    and holds ``final_lr`` for ``t >= N``. ``t`` is the 0-based optimizer
    iteration. Source C (after Smith 2018 and Geron) starts at about
    ``max_lr / 10`` and ends near ``initial_lr / 1000``; those are the defaults.

    Args:
        max_lr: peak rate, > 0 (from the range test: ~10x below where the loss climbs).
        total_steps: iterations in the whole run ``N``, a positive integer.
        initial_lr: rate at iteration 0, 0 < initial_lr <= max_lr; default ``max_lr / 10``.
        final_lr: rate at iteration ``N``, 0 <= final_lr <= initial_lr; default ``initial_lr / 1000``.
        final_fraction: share of ``N`` spent in the last phase, in (0, 1).

    >>> s = OneCycle(max_lr=0.1, total_steps=1000)
    >>> round(s(0), 12), round(s(450), 12), round(s(900), 12), round(s(1000), 12)
    (0.01, 0.1, 0.01, 1e-05)
    """

    name = "onecycle"
    unit = "iteration"
    params = {
        "max_lr": ranges.POSITIVE,
        "total_steps": ranges.POSITIVE_INT,
        "initial_lr": ranges.OrNone(ranges.POSITIVE, "max_lr / 10"),
        "final_lr": ranges.OrNone(ranges.NON_NEGATIVE, "initial_lr / 1000"),
        "final_fraction": ranges.fraction(low_open=True, high_open=True),
    }
    example = {"max_lr": 0.1, "total_steps": 16, "final_fraction": 0.25}

    def __init__(self, max_lr, total_steps, initial_lr=None, final_lr=None, final_fraction=0.1):
        self._accept(max_lr=max_lr, total_steps=total_steps)
        self._accept(initial_lr=self.max_lr / 10 if initial_lr is None else initial_lr)
        check.at_most("initial_lr", self.initial_lr, "max_lr", self.max_lr)
        self._accept(final_lr=self.initial_lr / 1000 if final_lr is None else final_lr)
        check.at_most("final_lr", self.final_lr, "initial_lr", self.initial_lr)
        self._accept(final_fraction=final_fraction)
        final_steps = round(self.final_fraction * self.total_steps)
        self._cycle_steps = self.total_steps - final_steps
        if final_steps < 1 or self._cycle_steps < 2:
            raise ValueError(
                "Argument `total_steps` is too small for "
                f"final_fraction={self.final_fraction}: every phase needs at least one "
                f"iteration (got {self._cycle_steps} cycle and {final_steps} final iterations). "
                f"Received: total_steps={self.total_steps}"
            )

    def _rate(self, t, xp):
        c = self._cycle_steps
        knots = [
            (0.0, self.initial_lr),
            (c / 2, self.max_lr),
            (float(c), self.initial_lr),
            (float(self.total_steps), self.final_lr),
        ]
        return piecewise_linear(t, knots, xp)
