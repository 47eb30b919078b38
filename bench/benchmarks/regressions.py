"""Regressions the suite can inject into its own training, to measure what its verdicts catch.

Each is a change a TensorFlow/Keras release (or an edit to a schedule) could make without
any error, named so that ``RunOptions(regression=NAME)`` carries it to every place a run
builds something:

- in the schedule definition (the harness's wiring check compares the optimizer with the
  same changed schedule, so only the accuracy verdicts can notice): ``x0.5``, ``x2``,
  ``step_early``, ``decay_dropped``; and ``fewer_epochs`` in the training length;
- in the library under the schedule (the optimizer, the model, the batching), as a release
  could change them: ``momentum``, ``nesterov``, ``initializer``, ``batch_x2``;
- small shifts of every rate (``x0.99``, ``x0.98``, ``x0.95``, ``x0.9``, ``x0.85``), in the schedule definition
  too: what ``python -m bench history changes`` is calibrated to find across nights (docs/history.md).

``python -m bench calibrate gates`` trains fresh seeds with each (docs/calibration.md); ``pytest
--bench-inject NAME`` runs a whole nightly with one, its records marked ``injected``, so that
``python -m bench matrix`` can be shown an environment that really trains differently
(docs/versions.md#what-the-matrix-catches). Pure: no Keras import until a model is changed.
"""

import dataclasses
from typing import Callable, Optional

# A schedule's parameters that are rates, found by name for every schedule, the suite's, a project's own and
# Keras' alike: ``lr``, a name ending in ``_lr`` (``initial_lr``, ``peak_lr``) or ``learning_rate``
# (``initial_learning_rate``), and Keras' ``warmup_target`` and ``values`` (PiecewiseConstantDecay's, a list).
RATE_NAMES = ("lr", "warmup_target", "values")
RATE_SUFFIXES = ("_lr", "learning_rate")
INITIALIZER = "he_normal"  # what ``initializer`` draws every kernel from (Keras' default is glorot_uniform)


@dataclasses.dataclass(frozen=True)
class Regression:
    """One injectable change.

    ``group``: ``schedule`` (the schedule definition and the run's length) or ``library`` (what
    the library does under the schedule); ``where``: schedule / training / optimizer / model /
    batching; ``small``: every rate scaled a little (x0.99 to x0.85), the shifts a night's gate
    alone misses and the change points across nights are measured on (docs/history.md). ``applies(case)``:
    whether it changes how ``case`` (a ``Case``) trains. The rest say what it changes, each None (or 1) when it
    leaves that part alone: ``schedule(s) -> s'``, ``epochs_fraction`` of the epochs kept,
    ``optimizer(args) -> args'`` on the SGD arguments, ``batch_factor`` on the batch size,
    ``kernel_initializer`` every kernel is drawn from again after the model is built.
    """

    name: str
    group: str
    where: str
    what: str
    applies: Callable
    schedule: Optional[Callable] = None
    epochs_fraction: Optional[float] = None
    optimizer: Optional[Callable] = None
    batch_factor: int = 1
    kernel_initializer: Optional[str] = None

    def epochs(self, epochs):
        return epochs if self.epochs_fraction is None else max(1, round(self.epochs_fraction * epochs))

    def changed_model(self, model):
        """``model`` with every kernel (Dense, Conv) drawn again from ``kernel_initializer``; unchanged
        when there is none. Call it right after building the model under the run's seed: a fresh
        initializer takes its seed from the seeded generators, so reruns stay bit-identical."""
        if self.kernel_initializer is None:
            return model
        from schedules.backend import keras

        for layer in _layers(model):
            kernel = getattr(layer, "kernel", None)
            if kernel is not None:
                initializer = keras.initializers.get(self.kernel_initializer)  # a new instance: a new seed
                kernel.assign(initializer(tuple(kernel.shape), dtype=kernel.dtype))
        return model


def _layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers"):  # a nested model or block
            yield from _layers(layer)
        else:
            yield layer


def rate_params(names):
    """The parameters among ``names`` that are rates (``RATE_NAMES``, ``RATE_SUFFIXES``), in order."""
    return tuple(n for n in names if n in RATE_NAMES or n.endswith(RATE_SUFFIXES))


def _has_rates(case):
    """Whether scaling every rate changes ``case``: its parameters name a rate, or are chosen at run time (a
    range test's ``max_lr``)."""
    return case.params is None or bool(rate_params(case.params))


def _scaled(factor):
    def change(s):
        import schedules

        config = s.get_config()
        rates = rate_params(config)

        def scaled(v):
            return [x * factor for x in v] if isinstance(v, (list, tuple)) else v * factor

        return schedules.get(s.name, **{k: scaled(v) if k in rates and v is not None else v for k, v in config.items()})

    return change


def _step_early(s):
    import schedules

    return schedules.get("step", **{**s.get_config(), "offset": s.offset + 1}) if s.name == "step" else s


def _decay_dropped(s):
    """The rate stays at its initial value, s(0); a schedule that warms up from 0 stays at its peak."""
    import schedules

    config = s.get_config()
    peak = config.get("initial_lr") or max((config[k] for k in rate_params(config) if config[k] is not None), default=0)
    return schedules.get("constant", lr=s(0) or peak)


def _momentum(case):
    return case.optimizer.get("momentum", 0.0)


def _always(case):
    return True


REGRESSIONS = {
    r.name: r
    for r in (
        Regression(
            "x0.5",
            "schedule",
            "schedule",
            "every rate halved (each rate parameter of the schedule's config, found by name: ``rate_params``)",
            _has_rates,
            schedule=_scaled(0.5),
        ),
        Regression("x2", "schedule", "schedule", "every rate doubled", _has_rates, schedule=_scaled(2.0)),
        Regression(
            "step_early",
            "schedule",
            "schedule",
            "step decay drops one epoch earlier (offset + 1); step cases only",
            lambda case: case.schedule == "step",
            schedule=_step_early,
        ),
        Regression(
            "decay_dropped",
            "schedule",
            "schedule",
            "the rate stays at its initial value, s(0) (at its peak for a warmup from 0): what Keras 3 "
            "does with decay=; every case whose schedule is not constant",
            lambda case: case.schedule != "constant",
            schedule=_decay_dropped,
        ),
        Regression(
            "fewer_epochs",
            "schedule",
            "training",
            "training stops after 80 % of the epochs",
            _always,
            epochs_fraction=0.8,
        ),
        Regression(
            "momentum",
            "library",
            "optimizer",
            "SGD's momentum halved (0.9 -> 0.45); cases with momentum only",
            lambda case: _momentum(case) > 0,
            optimizer=lambda args: {**args, "momentum": args["momentum"] / 2},
        ),
        Regression(
            "nesterov",
            "library",
            "optimizer",
            "Nesterov momentum switched on; cases with plain momentum only",
            lambda case: _momentum(case) > 0 and not case.optimizer.get("nesterov", False),
            optimizer=lambda args: {**args, "nesterov": True},
        ),
        Regression(
            "initializer",
            "library",
            "model",
            f"every kernel drawn from {INITIALIZER} instead of the layer's own "
            "initializer (glorot_uniform, Keras' default)",
            _always,
            kernel_initializer=INITIALIZER,
        ),
        Regression(
            "batch_x2",
            "library",
            "batching",
            "the batch size doubled (half the steps per epoch; the schedule's per-step arguments unchanged)",
            _always,
            batch_factor=2,
        ),
        Regression("x0.99", "small", "schedule", "every rate x0.99", _has_rates, schedule=_scaled(0.99)),
        Regression("x0.98", "small", "schedule", "every rate x0.98", _has_rates, schedule=_scaled(0.98)),
        Regression("x0.95", "small", "schedule", "every rate x0.95", _has_rates, schedule=_scaled(0.95)),
        Regression("x0.9", "small", "schedule", "every rate x0.9", _has_rates, schedule=_scaled(0.9)),
        Regression("x0.85", "small", "schedule", "every rate x0.85", _has_rates, schedule=_scaled(0.85)),
    )
}
NAMES = tuple(REGRESSIONS)
NONE = Regression("unchanged", "none", "none", "nothing changed", _always)
GROUPS = {
    group: tuple(r.name for r in REGRESSIONS.values() if r.group == group) for group in ("schedule", "library", "small")
}


def get(name):
    """The ``Regression`` called ``name`` (None: ``NONE``, which changes nothing); ``ValueError`` listing
    the valid names."""
    if name is None:
        return NONE
    if name not in REGRESSIONS:
        raise ValueError(f"Unknown regression {name!r}; valid: {', '.join(NAMES)}")
    return REGRESSIONS[name]
