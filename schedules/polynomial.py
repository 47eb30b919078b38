"""Polynomial decay over a fixed number of epochs, and linear as its power-1 case."""

from schedules import _ranges as ranges
from schedules import _validate as check
from schedules._base import Schedule
from schedules._piecewise import lerp


class Poly(Schedule):
    """Polynomial decay from ``initial_lr`` to ``final_lr`` over ``max_epochs``.

    .. math:: \\eta(t) = (\\eta_0 - \\eta_T)\\,(1 - \\min(t, T)/T)^{p} + \\eta_T

    where ``t`` is the 0-based epoch, ``T = max_epochs``, ``p = power``,
    ``eta_0 = initial_lr`` and ``eta_T = final_lr``. With ``final_lr = 0`` this is
    source A's ``lr0 * (1 - t/T) ** p``. Past the end (``t > T``) the published
    formula goes negative (p = 1), rises again (even p) or turns NaN (fractional
    p); here ``t`` is held at ``T``, so the rate stays at ``final_lr``.

    Args:
        initial_lr: rate at epoch 0, > 0.
        max_epochs: epochs to decay over, a positive integer.
        power: exponent ``p``, > 0.
        final_lr: rate from epoch ``max_epochs`` on, 0 <= final_lr <= initial_lr.

    >>> s = Poly(initial_lr=0.1, max_epochs=100, power=5)
    >>> round(s(50), 9), s(100), s(150)
    (0.003125, 0.0, 0.0)
    """

    name = "poly"
    unit = "epoch"
    params = {
        "initial_lr": ranges.POSITIVE,
        "max_epochs": ranges.POSITIVE_INT,
        "power": ranges.POSITIVE,
        "final_lr": ranges.NON_NEGATIVE,
    }
    example = {"initial_lr": 0.1, "max_epochs": 4, "power": 2, "final_lr": 0.001}

    def __init__(self, initial_lr, max_epochs, power, final_lr=0.0):
        self._accept(initial_lr=initial_lr, max_epochs=max_epochs, power=power, final_lr=final_lr)
        check.at_most("final_lr", self.final_lr, "initial_lr", self.initial_lr)

    def _rate(self, t, xp):
        remaining = 1.0 - xp.minimum(t, self.max_epochs) / self.max_epochs
        return lerp(self.final_lr, self.initial_lr, remaining**self.power)


class Linear(Poly):
    """Linear decay: ``poly`` with ``power = 1``.

    .. math:: \\eta(t) = (\\eta_0 - \\eta_T)\\,(1 - \\min(t, T)/T) + \\eta_T

    where ``t`` is the 0-based epoch (source A's ``lr0 * (1 - t/T)`` when ``final_lr = 0``).

    Args:
        initial_lr: rate at epoch 0, > 0.
        max_epochs: epochs to decay over ``T``, a positive integer.
        final_lr: rate from epoch ``max_epochs`` on, 0 <= final_lr <= initial_lr.

    >>> Linear(initial_lr=0.1, max_epochs=100)(50)
    0.05
    """

    name = "linear"
    params = {name: Poly.params[name] for name in ("initial_lr", "max_epochs", "final_lr")}
    example = {"initial_lr": 0.1, "max_epochs": 4}

    def __init__(self, initial_lr, max_epochs, final_lr=0.0):
        super().__init__(initial_lr, max_epochs, power=1.0, final_lr=final_lr)
