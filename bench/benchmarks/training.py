"""How the seeds of a case train: the one place that chooses, and the one training run of each way.

A benchmark says what one seed of a case trains on, a ``Recipe`` (its data, its model, its loss and
metric, how a record is made of a history), and nothing about how. ``choose`` picks the way here:

- **together** on the ``stacked`` engine (``bench.engine.stacked``): the seeds of a case as copies of the
  model inside one compiled TensorFlow step. For a small model on a CPU, where a step's cost is the
  per-op overhead, 20 seeds cost about what one does; a seed's numbers are the same bits whatever
  seeds train beside it.
- **one at a time** on Keras' own model, optimizer and loss: ``keras`` (``bench.engine.compiled``) on
  TensorFlow, ``keras-train-step`` (``bench.engine.portable``) on Keras 3's JAX or PyTorch backend;
  on PyTorch without a GPU, one seed per core in **worker processes** (``bench.benchmarks.processes``).

``why_apart`` says why a case does not train together, in one sentence, for the night's plan, the
table's provenance line and the docs. Above a case, the session spreads cases or seeds over processes
and machines (``pytest -n``, ``--bench-ray``, ``calibrate --jobs``); each of those trains a seed with
``Benchmark.train``, which takes the same way as ``Benchmark.run``, so a seed's numbers do not depend
on where it trained.

A benchmark with a training of its own (no ``Recipe``: ``Benchmark(trainer=...)``) trains one seed at
a time through it.
"""

import dataclasses
from typing import Callable, Optional

ENGINES = ("stacked", "keras", "keras-train-step", "its own")
SPREADS = ("together", "one at a time", "worker processes")

# Optimizers whose update of a weight reads only that weight, its gradient and its own slots, so that the seeds
# of a case stacked into one model train as they would apart (bench.engine.stacked); and the arguments that
# break it (a norm over all weights).
ELEMENTWISE = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "Nadam")
NOT_ELEMENTWISE = frozenset({"clipnorm", "global_clipnorm"})


@dataclasses.dataclass(frozen=True)
class Recipe:
    """What one seed of a case trains on, whichever engine trains it.

    Fields:
        data: ``data(protocol, seed, options) -> (train_set, val)``, each a pair of float32 arrays, as
            ``options`` trains them (``Benchmark.data_for``); with ``per_seed_data`` False the seed is
            ignored and the seeds of a case share one copy.
        build_model: ``build_model(**size) -> keras.Model``, a fresh model (the suite seeds it;
            ``size`` is the benchmark's ``quick_model`` in a quick pass).
        loss: the name of a loss function of ``keras.losses`` (``"categorical_crossentropy"``): one seed trains
            on its class (``CategoricalCrossentropy()``), seeds together on the function, per sample.
        metric: the name of a per-sample function of ``keras.metrics`` (``"categorical_accuracy"``);
            ``metric_name`` its key in the history.
        result: ``result(protocol, case, seed, history, val, seconds, environment) -> RunResult``.
        schedule: ``schedule(case, seed, model, train_set, options) -> (schedule, extra_history)`` where a
            case's parameters are chosen at run time (a range test on ``model``); None: the case's own.
        per_seed_data: whether the split depends on the seed.
        keeps_predictions: whether a validation row's predicted class means anything (a classifier).
    """

    data: Callable
    build_model: Callable
    loss: str
    metric: str
    result: Callable
    metric_name: str = "accuracy"
    schedule: Optional[Callable] = None
    per_seed_data: bool = False
    keeps_predictions: bool = True

    def __post_init__(self):
        for field in ("loss", "metric"):
            name = getattr(self, field)
            if not (isinstance(name, str) and name.isidentifier() and name.islower()):
                raise ValueError(
                    f"Argument `{field}` must name a function of keras.{field}{'es' if field == 'loss' else 's'}, "
                    f"e.g. {'categorical_crossentropy' if field == 'loss' else 'categorical_accuracy'!r}. "
                    f"Received: {field}={name!r}"
                )

    def losses(self):
        """``(loss object, per-sample function)``: Keras' class of the loss (one seed) and its function (seeds
        together); a ``ValueError`` where Keras has no such loss."""
        from schedules.backend import keras

        function = getattr(keras.losses, self.loss, None)
        cls = getattr(keras.losses, "".join(part.capitalize() for part in self.loss.split("_")), None)
        if not callable(function) or not isinstance(cls, type):
            raise ValueError(
                f"Recipe loss {self.loss!r}: keras.losses needs both the function {self.loss} and its class; name "
                "one of its built-in losses (categorical_crossentropy, binary_crossentropy, mean_squared_error, ...)"
            )
        return cls(), function

    def metric_function(self):
        """The per-sample metric of ``keras.metrics``; a ``ValueError`` where Keras has none of that name."""
        from schedules.backend import keras

        function = getattr(keras.metrics, self.metric, None)
        if not callable(function) or isinstance(function, type):
            raise ValueError(f"Recipe metric {self.metric!r}: keras.metrics has no function of that name")
        return function


@dataclasses.dataclass(frozen=True)
class Way:
    """How a case's seeds train: ``engine`` (one of ``ENGINES``), ``spread`` (one of ``SPREADS``), and ``why``
    they do not train together (None where they do)."""

    engine: str
    spread: str
    why: Optional[str] = None

    @property
    def together(self):
        return self.spread == "together"


def choose(benchmark, case, options, seeds=(0, 1)):
    """The ``Way`` ``seeds`` of ``case`` train under ``options``: together where ``why_apart`` finds nothing
    against it; else one at a time on this backend's engine, in worker processes where that pays."""
    from bench.benchmarks import processes
    from bench.engine import loop

    why = why_apart(benchmark, case, options)
    if why is None:
        return Way("stacked", "together")
    engine = "its own" if benchmark.recipe is None else loop.engine_name()
    spread = "worker processes" if processes.wanted(benchmark, seeds, options) else "one at a time"
    return Way(engine, spread, why)


def why_apart(benchmark, case, options):
    """Why the seeds of ``case`` train one at a time under ``options``, one sentence; None where they train
    together. The cheap reasons first: the model is built (once per benchmark) only when nothing else says."""
    declared = benchmark.case(case)
    if benchmark.recipe is None:
        return "its benchmark trains with a trainer of its own, one seed at a time"
    if not options.stacks:
        return "the options ask for one seed at a time (--bench-engine=keras, XLA or mixed precision)"
    if declared.params is None:
        return f"its parameters are chosen per seed at run time ({declared.chosen_by})"
    if declared.optimizer_class not in ELEMENTWISE or set(declared.optimizer) & NOT_ELEMENTWISE:
        return (
            f"{declared.optimizer_class}{dict(declared.optimizer)} does not update each weight on its own "
            f"(together: {', '.join(ELEMENTWISE)}, without {', '.join(sorted(NOT_ELEMENTWISE))})"
        )
    return model_apart(benchmark, options)


def model_apart(benchmark, options):
    """Why no case of ``benchmark`` trains together whatever its schedule and optimizer (the backend, the
    device, the model's layers); None where its model stacks."""
    from bench.engine import records

    if benchmark.recipe is None:
        return "its benchmark trains with a trainer of its own, one seed at a time"
    if records.keras_backend() != "tensorflow":
        return "Keras does not run on TensorFlow (the stacked engine is TensorFlow's)"
    if benchmark.needs_gpu:
        return "it trains on a GPU, where one seed fills the device (the stacked engine is for small models on a CPU)"
    reason = _layers_apart(benchmark, bool(options is not None and options.quick))
    return None if reason is None else f"its model cannot be stacked: {reason}"


_MODEL_CHECKS = {}


def _layers_apart(benchmark, quick):
    """``stacked.CannotStack``'s message for ``benchmark``'s model, None where every layer stacks; checked on
    one model built for it, once per benchmark and size in a process (a run seeds its own models afresh)."""
    from bench.engine import stacked

    key = (benchmark.name, id(benchmark.recipe), quick)
    if key not in _MODEL_CHECKS:
        size = benchmark.quick_model if quick else {}
        _MODEL_CHECKS[key] = stacked.why_not(benchmark.recipe.build_model(**size))
    return _MODEL_CHECKS[key]


def run(benchmark, case, seeds, protocol, options, on_epoch=None, on_run=None):
    """Train ``seeds`` of ``case`` the way ``choose`` picks; one ``RunResult`` per seed, in order.

    ``on_epoch(first, epoch, records)``: progress, ``records[i]`` belonging to ``seeds[first + i]`` (none from
    worker processes). ``on_run(run)``: each result as soon as it exists."""
    from bench.benchmarks import processes

    seeds = list(seeds)
    way = choose(benchmark, case, options, seeds)
    if way.spread == "worker processes":
        return processes.run(benchmark, case, seeds, protocol, options, on_run=on_run)
    if way.together:
        progress = None if on_epoch is None else (lambda epoch, records: on_epoch(0, epoch, records))
        runs = _together(benchmark, case, seeds, protocol, options, progress)
        for run_ in runs:
            if on_run is not None:
                on_run(run_)
        return runs
    runs = []
    for i, seed in enumerate(seeds):
        progress = None if on_epoch is None else (lambda epoch, record, i=i: on_epoch(i, epoch, [record]))
        runs.append(_apart(benchmark, case, seed, protocol, options, progress))
        if on_run is not None:
            on_run(runs[-1])
    return runs


def train(benchmark, case, seed, protocol, options, on_epoch=None):
    """One seed of ``case``: its ``RunResult``, the same bits as that seed within ``run`` (where a case's seeds
    train together, a one-seed group). ``on_epoch(epoch, record)``."""
    if choose(benchmark, case, options, [seed]).together:
        progress = None if on_epoch is None else (lambda epoch, records: on_epoch(epoch, records[0]))
        return _together(benchmark, case, [seed], protocol, options, progress)[0]
    return _apart(benchmark, case, seed, protocol, options, on_epoch)


def _apart(benchmark, case, seed, protocol, options, on_epoch):
    """One seed on this backend's Keras engine (``bench.engine.loop``), or through the benchmark's own trainer."""
    if benchmark.recipe is None:
        return benchmark.trainer(case, seed, protocol, on_epoch=on_epoch, options=options)
    import time

    from bench.engine import loop, precision

    recipe = benchmark.recipe
    benchmark.check_protocol(protocol)
    train_set, val = recipe.data(protocol, seed, options)
    model = benchmark.new_model(recipe.build_model, seed, options)
    s, extra = _schedule(benchmark, case, seed, model, train_set, options)
    epochs, batch_size = benchmark.epochs(options), benchmark.batch_size(options)
    rate = s.as_training_schedule(-(-len(train_set[0]) // batch_size))
    optimizer = precision.wrap(benchmark.optimizer(case, rate, options), options.mixed_precision)
    loss, _ = recipe.losses()
    start = time.perf_counter()
    history = loop.train_loop(
        model,
        optimizer,
        loss,
        recipe.metric_function(),
        train_set,
        val,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        metric_name=recipe.metric_name,
        expected_lr=s.at,
        lr_tolerance=s.wiring_tolerance,
        on_epoch=on_epoch,
        keep_predictions=options.keep_predictions and recipe.keeps_predictions,
        xla=options.xla,
    )
    seconds = time.perf_counter() - start
    history.update(extra)
    env = loop.environment(options.xla, options.mixed_precision)
    env["epoch_time_s"] = seconds / epochs
    env["rows_per_s"] = len(train_set[0]) * epochs / seconds
    return recipe.result(protocol, case, seed, history, val, seconds, env)


def _together(benchmark, case, seeds, protocol, options, on_epoch):
    """The seeds of ``case`` together on the stacked engine (``bench.benchmarks.together``)."""
    from bench.benchmarks import together

    recipe = benchmark.recipe
    benchmark.check_protocol(protocol)
    if recipe.per_seed_data:
        data_sets = [recipe.data(protocol, seed, options) for seed in seeds]
    else:
        data_sets = [recipe.data(protocol, seeds[0], options)] * len(seeds)
    histories, seconds = together.train(
        benchmark,
        case,
        seeds,
        data_sets,
        recipe.build_model,
        options=options,
        loss=recipe.losses()[1],
        metric=recipe.metric_function(),
        metric_name=recipe.metric_name,
        on_epoch=on_epoch,
        keep_predictions=options.keep_predictions and recipe.keeps_predictions,
    )
    env = together.environment(seconds, seeds)
    return [
        recipe.result(protocol, case, seed, history, val, seconds / len(seeds), env)
        for seed, history, (_, val) in zip(seeds, histories, data_sets)
    ]


def _schedule(benchmark, case, seed, model, train_set, options):
    """The schedule ``case`` trains and what to add to its history: chosen at run time by the recipe where the
    case's parameters are (a range test on ``model``), else the case's own."""
    if benchmark.case(case).params is None:
        if benchmark.recipe.schedule is None:
            raise ValueError(
                f"{benchmark.name}/{case}: its parameters are chosen at run time ({benchmark.case(case).chosen_by}) "
                "but the benchmark's Recipe has no `schedule` to choose them; give it one"
            )
        return benchmark.recipe.schedule(case, seed, model, train_set, options)
    return benchmark.schedule_for(case, options), {}
