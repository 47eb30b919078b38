"""The schedule base class: index checks, vectorised values, config and adapters.

A schedule is pure math of one integer index ``t`` in an explicit unit
("epoch" or "iteration"). Subclasses write their formula once, in
``_rate(t, xp)``, against an array namespace ``xp`` with NumPy's names: NumPy itself (float64)
here, and inside the Keras adapter ``keras.ops`` (Keras 3) or ``tf.experimental.numpy``
(Keras 2), so any NumPy function those two share will do. No schedule keeps a step counter.
"""

import functools
import inspect
import numbers

import numpy as np

UNITS = ("epoch", "iteration")


class Schedule:
    """Base class. A subclass is the whole of a schedule, in one place:

    - ``name``: what ``schedules.get`` calls it; ``unit``: "epoch" or "iteration";
    - ``params``: every constructor argument's range (``schedules._validate``), in the
      constructor's order; the constructor checks each argument through it (``_accept``)
      and the tests derive the edges, bad input and property draws from it;
    - ``example``: a small valid configuration (a run of 5 epochs of 4 iterations shows its
      shape), used by the Keras adapter tests and ``python -m bench speed schedules``;
    - ``_rate(t, xp)``: the formula, also written in the class docstring.
    """

    name = None
    unit = None
    params = {}
    example = {}

    def _rate(self, t, xp):
        """The rate at float index array ``t``, using ``xp``'s functions (NumPy's names) and arithmetic."""
        raise NotImplementedError

    def _accept(self, **values):
        """Check each argument against its declared range and keep it (as a plain float or int)."""
        for name, value in values.items():
            setattr(self, name, _declared_range(type(self), name).check(name, value))

    def __call__(self, t):
        """The learning rate at integer index ``t >= 0`` (in ``self.unit``)."""
        index = _check_index(t, self.unit)
        # Through the array path, so s(t) equals values([t]) to the bit: NumPy's
        # scalar and array kernels (pow, exp) may differ in the last place.
        return float(self._evaluate(np.array([index], dtype=np.float64))[0])

    def at(self, epoch, iteration):
        """The rate at a point of training given both counts (0-based): ``self(epoch)`` for an epoch
        schedule, ``self(iteration)`` for an iteration one. What the training loops check the
        optimizer against."""
        return self(epoch if self.unit == "epoch" else iteration)

    def wiring_tolerance(self, epoch, iteration):
        """The absolute difference the training loops' wiring check allows between the optimizer's rate and
        ``at(epoch, iteration)``, beyond float32's rounding (a relative 1e-6): none for a formula of this package,
        which the adapter computes in float64 (``schedules.from_keras`` allows Keras' own float32 rounding)."""
        return 1e-12  # pragma: no mutate (read by the training loops; tests/engine checks the wiring check)

    def values(self, ts):
        """The rates at every index of ``ts`` as a float64 array of the same shape."""
        return self._evaluate(_check_indices(ts, self.unit))

    def _evaluate(self, t):
        """``_rate`` on checked float64 indices. A huge decay times a large index overflows to inf on
        the way to a rate of exactly 0 (1 / inf, exp(-inf)): the rate is right, the overflow no news."""
        with np.errstate(over="ignore"):
            return np.asarray(self._rate(t, np), dtype=np.float64)

    def get_config(self):
        """The constructor's arguments under their own names, as plain numbers."""
        return {name: getattr(self, name) for name in _parameter_names(type(self))}

    def plot(self, ts, path):
        """Write a PNG of the rate against ``ts`` to ``path``; returns ``path``."""
        from schedules._plot import plot_schedule

        return plot_schedule(self, ts, path)

    def as_callback(self):
        """A ``keras.callbacks.LearningRateScheduler`` that sets the rate per epoch."""
        from schedules.keras_adapter import as_callback

        return as_callback(self)  # pragma: no mutate (adapter glue: tested with Keras, outside the mutation run)

    def as_keras_schedule(self, steps_per_epoch=None):
        """A serializable Keras ``LearningRateSchedule`` driven by the optimizer's iteration."""
        from schedules.keras_adapter import as_keras_schedule

        return as_keras_schedule(self, steps_per_epoch=steps_per_epoch)  # pragma: no mutate (as above)

    def as_training_schedule(self, steps_per_epoch):
        """``as_keras_schedule`` for a run of ``steps_per_epoch`` iterations an epoch, whatever the unit
        (an iteration schedule needs no epoch length)."""
        from schedules.keras_adapter import as_training_schedule

        return as_training_schedule(self, steps_per_epoch)  # pragma: no mutate (adapter glue, as above)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{self.name}({args})"


def _declared_range(cls, name):
    """The range ``cls`` (or the class it builds on, as linear on poly) declares for ``name``."""
    for klass in cls.__mro__:
        if name in vars(klass).get("params", {}):
            return vars(klass)["params"][name]
    raise TypeError(f"{cls.__name__} declares no range for argument `{name}`: add it to {cls.__name__}.params")


@functools.cache
def _init_parameters(cls):
    """``cls.__init__``'s parameters, ``self`` left out: read once per class (``inspect.signature`` was a third
    of building a schedule by name)."""
    return {name: p for name, p in inspect.signature(cls.__init__).parameters.items() if name != "self"}


def _parameter_names(cls):
    return list(_init_parameters(cls))


def _index_error(value, unit):
    return ValueError(f"Index `t` must be a non-negative integer ({unit}s counted from 0). Received: t={value!r}")


def _check_index(t, unit):
    if isinstance(t, (bool, np.bool_)) or not isinstance(t, numbers.Real):
        raise _index_error(t, unit)
    if not isinstance(t, numbers.Integral) and not float(t).is_integer():
        raise _index_error(t, unit)
    if t < 0:
        raise _index_error(t, unit)
    return t


def _check_indices(ts, unit):
    t = np.asarray(ts)
    if t.dtype.kind in "iu":
        if t.size and t.min() < 0:
            raise _index_error(t.min().item(), unit)
    elif t.dtype.kind == "f":
        bad = ~np.isfinite(t) | (t < 0) | (np.floor(t) != t)
        if bad.any():
            raise _index_error(t[bad].flat[0].item(), unit)
    else:
        raise ValueError(
            "Indices `ts` must be integers >= 0 (a list, range or numpy array of them). "
            f"Received an array of dtype {t.dtype}"
        )
    return t.astype(np.float64, copy=False)
