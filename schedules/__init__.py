"""Learning-rate schedules as pure functions of an integer index, with thin Keras adapters.

One module per family: ``decay`` (constant, standard, time, step, exp), ``polynomial`` (linear, poly),
``cosine``, ``onecycle``, ``cyclical``; built on ``_base`` (the ``Schedule`` class), ``_piecewise`` (joins),
``_ranges`` and ``_validate`` (each argument's range and its message). ``keras_adapter``, ``backend`` (the
Keras in use) and ``from_keras`` (a schedule of Keras' own, ``get("keras.CLASS", ...)``) are the Keras side,
``range_test`` the learning-rate range test, ``_plot`` a schedule's plot, ``checks`` the value checks a
project runs on a schedule of its own (``register`` adds it to the registry).

>>> import schedules
>>> "step" in schedules.available()
True
>>> s = schedules.get("step", initial_lr=0.1, factor=0.25, drop_every=15)
>>> s.unit, s(14), s.get_config()
('epoch', 0.025, {'initial_lr': 0.1, 'factor': 0.25, 'drop_every': 15, 'offset': 1})
"""

import difflib
import inspect

from schedules import _ranges
from schedules._base import UNITS, Schedule, _init_parameters, _parameter_names
from schedules.cosine import Cosine
from schedules.cyclical import Cyclical
from schedules.decay import Constant, Exp, Standard, Step, Time
from schedules.onecycle import OneCycle
from schedules.polynomial import Linear, Poly

# Register a schedule: import its class above and add a line here (docs/contributing.md#add-a-schedule).
_REGISTRY = {
    cls.name: cls
    for cls in (
        Constant,
        Standard,
        Time,
        Step,
        Linear,
        Poly,
        Exp,
        OneCycle,
        Cyclical,
        Cosine,
    )
}

__all__ = ["KERAS_PREFIX", "UNITS", "Schedule", "available", "declared", "get", "is_keras", "ranges", "register"]

ranges = _ranges  # the declared ranges a schedule's ``params`` use (``ranges.POSITIVE``, ``ranges.Real(0, 1)``, ...)


def register(cls):
    """Add the ``Schedule`` subclass ``cls`` to the registry under ``cls.name``, so that ``get``, the Keras
    adapter (which rebuilds a saved schedule by name) and the benchmarks' cases find it; returns ``cls`` (a
    class decorator). A project's own schedule is registered where it is defined, e.g. ``@schedules.register``
    above its class. Registering the same class again does nothing; another class under a taken name, or a
    class that does not declare what a schedule declares, is a ``ValueError`` saying what to change."""
    if not (isinstance(cls, type) and issubclass(cls, Schedule)):
        raise ValueError(f"Argument `cls` must be a subclass of schedules.Schedule. Received: cls={cls!r}")
    if not isinstance(cls.name, str) or not cls.name.isidentifier():
        raise ValueError(f"{cls.__name__}.name must be an identifier (what get() calls it). Received: {cls.name!r}")
    if cls.unit not in UNITS:
        raise ValueError(f"{cls.__name__}.unit must be one of {', '.join(UNITS)}. Received: {cls.unit!r}")
    missing = [arg for arg in _parameter_names(cls) if not any(arg in vars(k).get("params", {}) for k in cls.__mro__)]
    if missing:
        raise ValueError(f"{cls.__name__}.params declares no range for {', '.join(missing)}: add one per argument")
    taken = _REGISTRY.get(cls.name)
    if taken is not None and taken is not cls:
        if (taken.__module__, taken.__qualname__) == (cls.__module__, cls.__qualname__):
            _REGISTRY[cls.name] = cls  # the same class, its module imported again (pytest's import modes do)
            return cls
        raise ValueError(
            f"Schedule name {cls.name!r} is taken by {taken.__module__}.{taken.__qualname__}; "
            f"give {cls.__module__}.{cls.__qualname__} another name"
        )
    cls(**cls.example)  # the example must build: the value checks and the adapter tests start from it
    _REGISTRY[cls.name] = cls
    return cls


KERAS_PREFIX = "keras."  # schedules.get("keras.CosineDecay", ...): a schedule of keras.optimizers.schedules


def is_keras(name):
    """Whether ``name`` names a schedule of ``keras.optimizers.schedules`` (``keras.CLASS``) for ``get``."""
    return isinstance(name, str) and name.startswith(KERAS_PREFIX)


def available():
    """The names ``get`` accepts, sorted."""
    return sorted(_REGISTRY)


def declared(name):
    """The class registered as ``name``: its ``unit``, ``params`` (declared ranges) and ``example``.

    Raises ``ValueError`` for an unknown name, listing the valid ones.

    >>> declared("step").unit, declared("step").example
    ('epoch', {'initial_lr': 0.1, 'factor': 0.5, 'drop_every': 2})
    """
    cls = _REGISTRY.get(name)
    if cls is None:
        hint = difflib.get_close_matches(str(name), _REGISTRY, n=1)
        also = f" Did you mean {hint[0]!r}?" if hint else ""
        raise ValueError(f"Unknown schedule {name!r}.{also} Valid names: {', '.join(available())}")
    return cls


def get(name, **params):
    """The schedule called ``name``, built from keyword ``params``.

    Raises ``ValueError`` for an unknown name (listing the valid ones), for an
    unknown or missing parameter (naming it and listing the valid ones) and for
    an invalid value (naming the argument and the value).

    ``keras.CLASS`` names a schedule of ``keras.optimizers.schedules`` with its own arguments
    (``schedules.from_keras``): Keras' object, read per iteration, which a benchmark case can train with.
    """
    if is_keras(name):
        from schedules.from_keras import FromKeras

        return FromKeras(name[len(KERAS_PREFIX) :], **params)
    cls = declared(name)
    names = _parameter_names(cls)
    unknown = [p for p in params if p not in names]
    if unknown:
        hint = difflib.get_close_matches(unknown[0], names, n=1)
        also = f" Did you mean {hint[0]!r}?" if hint else ""
        raise ValueError(f"Schedule {name!r} has no parameter {unknown[0]!r}.{also} Its parameters: {', '.join(names)}")
    required = [p for p in names if _is_required(cls, p)]
    missing = [p for p in required if p not in params]
    if missing:
        raise ValueError(
            f"Schedule {name!r} needs parameter {missing[0]!r}. "
            f"Required: {', '.join(required)}; all parameters: {', '.join(names)}"
        )
    return cls(**params)


def _is_required(cls, param):
    return _init_parameters(cls)[param].default is inspect.Parameter.empty
