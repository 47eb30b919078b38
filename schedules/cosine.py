"""Cosine decay with optional linear warmup (Loshchilov & Hutter 2017, without restarts)."""

import math

from schedules import _ranges as ranges
from schedules import _validate as check
from schedules._base import Schedule
from schedules._piecewise import lerp, piecewise_linear


class Cosine(Schedule):
    """Linear warmup from 0, then half a cosine from ``initial_lr`` to ``final_lr``.

    .. math::

        \\eta(t) = \\eta_0\\, t / W \\quad (t < W), \\qquad
        \\eta(t) = \\eta_T + (\\eta_0 - \\eta_T)\\,\\tfrac12\\,(1 + \\cos(\\pi u)),
        \\ u = \\min(t - W, D) / D \\quad (t \\ge W)

    where ``t`` is the 0-based optimizer iteration, ``W = warmup_steps``,
    ``D = decay_steps``, ``eta_0 = initial_lr``, ``eta_T = final_lr``. The rate
    holds ``final_lr`` for ``t >= W + D``. This is the convention of Keras 3's
    ``CosineDecay(0.0, D, alpha=eta_T/eta_0, warmup_target=eta_0, warmup_steps=W)``.

    Args:
        initial_lr: peak rate (reached at iteration ``W``), > 0.
        decay_steps: iterations of cosine decay ``D``, a positive integer.
        final_lr: rate from iteration ``W + D`` on, 0 <= final_lr <= initial_lr.
        warmup_steps: iterations of linear warmup ``W``, a non-negative integer.

    >>> s = Cosine(initial_lr=0.1, decay_steps=100, warmup_steps=10)
    >>> round(s(5), 12), round(s(10), 12), round(s(60), 12), s(110), s(500)
    (0.05, 0.1, 0.05, 0.0, 0.0)
    """

    name = "cosine"
    unit = "iteration"
    params = {
        "initial_lr": ranges.POSITIVE,
        "decay_steps": ranges.POSITIVE_INT,
        "final_lr": ranges.NON_NEGATIVE,
        "warmup_steps": ranges.NON_NEGATIVE_INT,
    }
    example = {"initial_lr": 0.1, "decay_steps": 12, "final_lr": 0.01, "warmup_steps": 3}

    def __init__(self, initial_lr, decay_steps, final_lr=0.0, warmup_steps=0):
        self._accept(initial_lr=initial_lr, decay_steps=decay_steps, final_lr=final_lr)
        check.at_most("final_lr", self.final_lr, "initial_lr", self.initial_lr)
        self._accept(warmup_steps=warmup_steps)

    def _rate(self, t, xp):
        w = float(self.warmup_steps)
        u = xp.minimum(xp.maximum(t - w, 0.0), self.decay_steps) / self.decay_steps
        decay = lerp(self.final_lr, self.initial_lr, 0.5 * (1.0 + xp.cos(math.pi * u)))
        if self.warmup_steps == 0:
            return decay
        warmup = piecewise_linear(t, [(0.0, 0.0), (w, self.initial_lr)], xp)
        return xp.where(t < w, warmup, decay)
