"""The team's own schedule: a linear warm-up to a peak, then exponential decay, per epoch.

    lr(t) = peak_lr * (t + 1) / warmup          for t < warmup
    lr(t) = peak_lr * decay ** (t - warmup + 1) for t >= warmup

``t`` is the 0-based epoch. Registered with the suite's schedules, so that a benchmark case names it and the
suite's value checks and Keras adapter take it as they take the suite's own.

>>> WarmupExp(peak_lr=0.01, warmup=4, decay=0.5)(0)
0.0025
"""

import schedules
from schedules import ranges


@schedules.register
class WarmupExp(schedules.Schedule):
    name = "warmup_exp"
    unit = "epoch"
    params = {
        "peak_lr": ranges.POSITIVE,
        "warmup": ranges.POSITIVE_INT,
        "decay": ranges.fraction(low_open=True, high_open=False),
    }
    example = {"peak_lr": 0.01, "warmup": 4, "decay": 0.9}

    def __init__(self, peak_lr, warmup, decay):
        self._accept(peak_lr=peak_lr, warmup=warmup, decay=decay)

    def _rate(self, t, xp):
        warming = self.peak_lr * (t + 1.0) / self.warmup
        decaying = self.peak_lr * self.decay ** xp.maximum(t - self.warmup + 1.0, 0.0)
        return xp.where(t < self.warmup, warming, decaying)
