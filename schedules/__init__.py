"""Learning-rate schedules as pure functions of an integer index, with thin Keras adapters.

One module per family: ``decay`` (constant, standard, time, step, exp), ``polynomial`` (linear, poly),
``cosine``, ``onecycle``, ``cyclical``; built on ``_base`` (the ``Schedule`` class), ``_piecewise`` (joins),
``_ranges`` and ``_validate`` (each argument's range and its message). ``keras_adapter`` and ``backend`` (the
Keras in use) are the Keras side, ``range_test`` the learning-rate range test, ``_plot`` a schedule's plot.

>>> import schedules
>>> "step" in schedules.available()
True
>>> s = schedules.get("step", initial_lr=0.1, factor=0.25, drop_every=15)
>>> s.unit, s(14), s.get_config()
('epoch', 0.025, {'initial_lr': 0.1, 'factor': 0.25, 'drop_every': 15, 'offset': 1})
"""

import difflib
import inspect

from schedules._base import UNITS, Schedule, _parameter_names
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

__all__ = ["UNITS", "Schedule", "available", "declared", "get"]


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
    """
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
    return inspect.signature(cls.__init__).parameters[param].default is inspect.Parameter.empty
