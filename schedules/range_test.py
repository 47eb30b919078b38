"""Exponential learning-rate range test (source C, after Smith 2015 and 2018).

The rate grows geometrically from ``min_lr`` to ``max_lr`` over
``num_iterations`` optimizer iterations:

    lr_i = min_lr * (max_lr / min_lr) ** (i / (num_iterations - 1)),  i = 0, 1, ...

Each iteration's batch loss is smoothed with a bias-corrected exponential moving
average. The test stops when the smoothed loss exceeds ``explode_factor`` times
its lowest value (or any loss is NaN/inf). The model's weights and the
optimizer's state are restored afterwards. The suggested ``max_lr`` for
``onecycle`` is the rate at the lowest smoothed loss (where the loss starts to
climb) divided by 10.
"""

import dataclasses
import math

import numpy as np

from schedules import _validate as check


def suggest_max_lr(lrs, smoothed_losses, divisor=10.0):
    """The rate at the lowest smoothed loss, divided by ``divisor``.

    >>> suggest_max_lr([0.001, 0.01, 0.1, 1.0], [2.0, 1.5, 0.9, 5.0])
    0.01
    """
    lrs = np.asarray(lrs, dtype=np.float64)
    losses = np.asarray(smoothed_losses, dtype=np.float64)
    if lrs.size == 0 or lrs.shape != losses.shape:
        raise ValueError(
            "suggest_max_lr needs equally long, non-empty `lrs` and `smoothed_losses`. "
            f"Received lengths {lrs.size} and {losses.size}"
        )
    finite = np.isfinite(losses)
    if not finite.any():
        raise ValueError("Every recorded loss is NaN or inf: lower `min_lr` and run the range test again.")
    best = np.flatnonzero(finite)[np.argmin(losses[finite])]
    return float(lrs[best] / divisor)


@dataclasses.dataclass(frozen=True)
class RangeTestResult:
    """What a range test recorded: one entry per iteration that ran."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    stopped_early: bool
    suggested_max_lr: float

    def plot(self, path):
        """Write loss against rate (log x) to the PNG ``path``; returns ``path``."""
        from schedules._plot import plot_range_test

        return plot_range_test(self, path)


def _make_callback_class():
    from schedules.backend import keras

    class LRRangeTest(keras.callbacks.Callback):
        """Keras callback for the exponential range test; see the module docstring.

        Batch losses are recovered from Keras' running mean, so every batch must
        have the same size (``lr_range_test`` drops the last partial batch).

        Args:
            min_lr: first rate, > 0.
            max_lr: last rate, > min_lr.
            num_iterations: iterations from min_lr to max_lr, an integer >= 2.
            smoothing: EMA factor for the loss, in [0, 1).
            explode_factor: stop once smoothed loss > this x its lowest, > 1.
        """

        def __init__(self, min_lr=1e-6, max_lr=10.0, num_iterations=300, smoothing=0.98, explode_factor=4.0):
            super().__init__()
            self.min_lr = check.positive("min_lr", min_lr)
            self.max_lr = check.positive("max_lr", max_lr)
            if self.max_lr <= self.min_lr:
                raise ValueError(
                    f"Argument `max_lr` must be > `min_lr` ({self.min_lr!r}). Received: max_lr={self.max_lr!r}"
                )
            self.num_iterations = check.positive_int("num_iterations", num_iterations)
            if self.num_iterations < 2:
                raise ValueError(
                    f"Argument `num_iterations` must be an integer >= 2. Received: num_iterations={num_iterations!r}"
                )
            self.smoothing = check.in_interval("smoothing", smoothing, 0, 1, low_open=False, high_open=True)
            self.explode_factor = check.positive("explode_factor", explode_factor)
            if self.explode_factor <= 1:
                raise ValueError(f"Argument `explode_factor` must be > 1. Received: explode_factor={explode_factor!r}")

        def rate(self, i):
            return self.min_lr * (self.max_lr / self.min_lr) ** (i / (self.num_iterations - 1))

        def on_train_begin(self, logs=None):
            opt = self.model.optimizer
            self._weights = self.model.get_weights()
            self._opt_state = {id(v): v.numpy() for v in opt.variables}
            self._lr0 = float(opt.learning_rate.numpy())
            self.lrs, self.losses, self.smoothed = [], [], []
            self.stopped_early = False
            self._ema = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self._prev_mean, self._batches = 0.0, 0

        def on_train_batch_begin(self, batch, logs=None):
            self.model.optimizer.learning_rate = self.rate(len(self.lrs))

        def on_train_batch_end(self, batch, logs=None):
            mean = float(logs["loss"])
            loss = mean * (self._batches + 1) - self._prev_mean * self._batches
            self._prev_mean, self._batches = mean, self._batches + 1
            i = len(self.lrs)
            self._ema = self.smoothing * self._ema + (1 - self.smoothing) * loss
            smoothed = self._ema / (1 - self.smoothing ** (i + 1))
            self.lrs.append(self.rate(i))
            self.losses.append(loss)
            self.smoothed.append(smoothed)
            exploded = not math.isfinite(smoothed) or smoothed > self.explode_factor * min(self.smoothed)
            if exploded:
                self.stopped_early = True
            if exploded or len(self.lrs) >= self.num_iterations:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            opt = self.model.optimizer
            self.model.set_weights(self._weights)
            for v in opt.variables:
                before = self._opt_state.get(id(v))
                v.assign(np.zeros_like(v.numpy()) if before is None else before)
            opt.learning_rate = self._lr0

        def result(self):
            lrs = np.asarray(self.lrs)
            smoothed = np.asarray(self.smoothed)
            return RangeTestResult(
                lrs=lrs,
                losses=np.asarray(self.losses),
                smoothed_losses=smoothed,
                stopped_early=self.stopped_early,
                suggested_max_lr=suggest_max_lr(lrs, smoothed),
            )

    return LRRangeTest


def __getattr__(name):
    # The callback class subclasses keras' Callback: build it on first use so that
    # importing this module (and ``suggest_max_lr``) does not import Keras.
    if name == "LRRangeTest":
        cls = _make_callback_class()
        globals()["LRRangeTest"] = cls
        return cls
    raise AttributeError(name)


def lr_range_test(
    model, x, y, *, batch_size=32, min_lr=1e-6, max_lr=10.0, num_iterations=300, smoothing=0.98, explode_factor=4.0
):
    """Run the range test on a compiled ``model`` and return a ``RangeTestResult``.

    The model's weights and optimizer state are unchanged afterwards. ``x`` is cut
    to a whole number of batches so every batch has ``batch_size`` rows.
    """
    batch_size = check.positive_int("batch_size", batch_size)
    usable = (len(x) // batch_size) * batch_size
    if usable == 0:
        raise ValueError(
            f"Argument `batch_size` must be <= the number of rows ({len(x)}). Received: batch_size={batch_size}"
        )
    callback = __getattr__("LRRangeTest")(min_lr, max_lr, num_iterations, smoothing, explode_factor)
    epochs = math.ceil(num_iterations / (usable // batch_size))
    model.fit(
        x[:usable], y[:usable], batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0, callbacks=[callback]
    )
    return callback.result()
