"""What a benchmark declares: one frozen ``Benchmark`` per file of this package.

The harness, the command-line tools and the reports read a benchmark only through
these fields; nothing looks attributes up on modules by name. A declaration is
checked when it is built (``ValueError`` naming the field and the value), and
``tests/benchmarks/test_registry.py`` checks every registered one against the
schedule registry and its baseline file.
"""

import dataclasses
import types
from typing import Callable, Mapping, Optional, Tuple

import schedules
from bench.benchmarks import regressions, training
from bench.engine.records import METRICS

REQUIREMENT_KINDS = ("backend", "gpu", "data")

# What a quick pass (``--bench-quick``, ``RunOptions.quick``) trains of every case: enough to take the
# whole path of a nightly (loader, model, schedule, wiring check at two epochs, records, stores, report)
# and nothing that measures: the first training rows, a few steps, a short range test.
QUICK = types.MappingProxyType(
    {
        "seeds": 1,  # per case
        "epochs": 2,  # two, so the wiring check sees a per-epoch schedule move
        "batches": 3,  # steps per epoch: at most three (1cycle needs 5 steps or more in all)
        "batch_size": 32,  # rows per step: at most this many (the published batch where it is smaller)
        "validation_rows": 64,
        "range_test_iterations": 10,  # 1cycle's max_lr from 10 steps of the range test instead of 300
    }
)


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How to run, as given on the command line; the same for every benchmark.

    ``cifar10`` / ``fashion_mnist``: offline copies of those data sets (None: the
    environment variable, then Keras' cache). ``allow_cpu``: run a GPU benchmark on the
    CPU. ``keep_predictions``: keep every validation row's predicted class (for a
    per-class report). ``epochs``: train this many epochs instead of the published number.
    ``regression``: the name of a regression to inject (``bench.benchmarks.regressions``): into the
    schedule (the harness's wiring check, which compares the optimizer with the same changed
    schedule, stays quiet), the epochs, the optimizer, the batch size or the model's
    initialisation. ``python -m bench calibrate gates`` and ``--bench-inject`` use it.
    ``engine``: ``auto`` trains the seeds of a case together where the benchmark's model allows it
    (``bench.engine.stacked``), else one at a time; ``keras`` always trains one seed at a time with
    Keras' own layers (``bench.engine.loop``). ``xla`` compiles each step with XLA and
    ``mixed_precision`` trains in ``mixed_float16``; both train one seed at a time.
    ``quick``: a quick pass (``QUICK``): every case trains a few steps on its first rows, on the CPU where
    it would need a GPU, with the smaller model its benchmark declares for it (``Benchmark.quick_model``);
    nothing it measures is judged.
    """

    cifar10: Optional[str] = None
    fashion_mnist: Optional[str] = None
    allow_cpu: bool = False
    keep_predictions: bool = False
    epochs: Optional[int] = None
    regression: Optional[str] = None
    engine: str = "auto"
    xla: bool = False
    mixed_precision: bool = False
    quick: bool = False

    ENGINES = ("auto", "keras")

    def __post_init__(self):
        if self.engine not in self.ENGINES:
            raise ValueError(f"Unknown engine {self.engine!r}; valid: {', '.join(self.ENGINES)}")
        regressions.get(self.regression)  # an unknown name: ValueError listing the valid ones

    @property
    def injected(self):
        """The ``Regression`` this run injects (``regressions.NONE``: none)."""
        return regressions.get(self.regression)

    @property
    def stacks(self):
        """Whether seeds may train together: the ``auto`` engine with neither XLA nor mixed precision."""
        return self.engine == "auto" and not self.xla and not self.mixed_precision


@dataclasses.dataclass(frozen=True)
class Requirement:
    """Something a benchmark needs to run here: its kind, why, and a check.

    ``check(options)`` returns None when the need is met, else one sentence that says
    what is missing and what to do.
    """

    kind: str  # one of REQUIREMENT_KINDS
    why: str
    check: Callable[[RunOptions], Optional[str]]

    def __post_init__(self):
        if self.kind not in REQUIREMENT_KINDS:
            raise ValueError(
                f"Argument `kind` must be one of {', '.join(REQUIREMENT_KINDS)}. Received: kind={self.kind!r}"
            )
        if not self.why.strip():
            raise ValueError("Argument `why` must say why the benchmark needs this. Received: why=''")


@dataclasses.dataclass(frozen=True)
class Cost:
    """What one epoch of one seed of a benchmark costs, as the benchmark declares it, with where the figure
    comes from: the night's plan falls back on it when this machine has no earlier night of the case and no
    probe timed it (``--bench-plan``, which trains nothing; docs/nightlies.md#a-nights-budget).

    ``seed_epoch_s``: seconds of wall time for one seed's epoch, validation included, on ``device``;
    ``source``: how the figure was had (measured where and when, or projected from what, by which rule).
    """

    seed_epoch_s: float
    device: str
    source: str

    def __post_init__(self):
        if not (isinstance(self.seed_epoch_s, (int, float)) and self.seed_epoch_s > 0):
            raise ValueError(
                "Argument `seed_epoch_s` must be a positive number of seconds. "
                f"Received: seed_epoch_s={self.seed_epoch_s!r}"
            )
        for field in ("device", "source"):
            if not str(getattr(self, field)).strip():
                raise ValueError(
                    f"Argument `{field}` must say where the figure holds and comes from. Received: {field}=''"
                )


@dataclasses.dataclass(frozen=True)
class Case:
    """One named run of a benchmark: a registry schedule, its parameters, and the optimizer's other arguments.

    ``params`` None means they are chosen when training starts; ``chosen_by`` then says
    how (e.g. source C's range test for 1cycle's ``max_lr``). ``optimizer_class``: the ``keras.optimizers``
    class that trains it (``"SGD"``, ``"Adam"``, ``"AdamW"``, ...), given the schedule as its rate and
    ``optimizer`` as its other arguments.
    """

    schedule: str  # a name in schedules.available() (a project's own: schedules.register), or keras.CLASS
    params: Optional[Mapping] = None
    optimizer: Mapping = dataclasses.field(default_factory=dict)  # the optimizer's arguments besides the rate
    chosen_by: str = ""
    optimizer_class: str = "SGD"  # a class of keras.optimizers

    def __post_init__(self):
        if not (isinstance(self.optimizer_class, str) and self.optimizer_class.isidentifier()):
            raise ValueError(
                "Argument `optimizer_class` must name a class of keras.optimizers, e.g. 'Adam'. "
                f"Received: optimizer_class={self.optimizer_class!r}"
            )
        if self.schedule not in schedules.available() and not schedules.is_keras(self.schedule):
            raise ValueError(
                f"Argument `schedule` must be one of {', '.join(schedules.available())}, or "
                f"'{schedules.KERAS_PREFIX}CLASS' for a schedule of keras.optimizers.schedules. "
                f"Received: schedule={self.schedule!r}"
            )
        if self.params is None and not self.chosen_by:
            raise ValueError(
                "Argument `chosen_by` must say how the parameters are chosen when `params` is None. "
                f"Received: chosen_by={self.chosen_by!r}"
            )
        if self.params is not None:
            schedules.get(self.schedule, **self.params)  # invalid parameters fail at declaration
            object.__setattr__(self, "params", types.MappingProxyType(dict(self.params)))
        object.__setattr__(self, "optimizer", types.MappingProxyType(dict(self.optimizer)))

    def build(self, **chosen):
        """The schedule object, from ``params`` or, when they are chosen at run time, from ``chosen``."""
        return schedules.get(self.schedule, **(dict(self.params) if self.params is not None else chosen))


@dataclasses.dataclass(frozen=True)
class Benchmark:
    """One published experiment as the suite runs it.

    Fields:
        name: the file's name; also the baseline file's (``baselines/<name>.json``).
        source: the write-up it reproduces (docs/reference.md#experiments).
        cases: case name -> ``Case``, in the order the table shows them.
        protocols: the data protocols it trains, first = the published one.
        metric: the headline metric (a key of ``bench.engine.records.METRICS``).
        config: every hyper-parameter, one read-only mapping.
        requires: what it needs to run here; the first unmet one is why it skips.
        recipe: what one seed of a case trains on (``bench.benchmarks.training.Recipe``: data, model, loss,
            metric, record); how its seeds train is chosen for it (``training.choose``).
        trainer: instead of a recipe, a training of its own, ``trainer(case, seed, protocol, on_epoch=None,
            options=RunOptions()) -> RunResult``; its seeds train one at a time.
        class_names: class labels of a classifier, for the per-class report.
        published: case -> the write-up's figure of ``metric``; published_floors: the gates on it.
        reference: citation of the published figures.
        reference_note: a sentence the table prints under its rows (published figures not gated, ...).
        data_option: the data set option it reads (``cifar10`` / ``fashion_mnist``), if any.
        seeds: seeds per case in a nightly, chosen from the power of its gates
            (docs/accuracy-suite.md#gates-two-questions-per-case).
        seeds_why: why that many (a GPU benchmark must say: each of its seeds costs a night's hours).
        cost: what an epoch of one seed costs (``Cost``), for the night's plan when nothing better is known.
        quick_model: keyword arguments for ``build_model`` in a quick pass (``RunOptions.quick``), where
            the published model takes too long to build and trace on a CPU (source A's ResNet: one module per
            stage instead of nine); empty: the published model.
    """

    name: str
    source: str
    cases: Mapping[str, Case]
    protocols: Tuple[str, ...]
    metric: str
    config: Mapping
    requires: Tuple[Requirement, ...]
    recipe: Optional["training.Recipe"] = None
    trainer: Optional[Callable] = None
    class_names: Tuple[str, ...] = ()
    published: Optional[Mapping[str, float]] = None
    published_floors: Optional[Mapping[str, float]] = None
    reference: Optional[str] = None
    reference_note: Optional[str] = None
    data_option: Optional[str] = None
    seeds: int = 5
    seeds_why: str = ""
    cost: Optional[Cost] = None
    quick_model: Mapping = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        def bad(field, rule):
            raise ValueError(
                f"Benchmark {self.name!r}: argument `{field}` must be {rule}. "
                f"Received: {field}={getattr(self, field)!r}"
            )

        if not self.name.isidentifier():
            bad("name", "a Python identifier (it names the file and the baseline)")
        if not self.cases or not all(isinstance(c, Case) for c in self.cases.values()):
            bad("cases", "a non-empty mapping of case names to Case")
        if not self.protocols:
            bad("protocols", "a non-empty tuple")
        if (self.recipe is None) == (self.trainer is None):
            bad("recipe", "given, or else `trainer`, not both (what a seed trains on, or a training of its own)")
        if self.recipe is not None and not isinstance(self.recipe, training.Recipe):
            bad("recipe", "a bench.benchmarks.training.Recipe")
        if not isinstance(self.seeds, int) or self.seeds < 1:
            bad("seeds", "a positive integer")
        if self.cost is not None and not isinstance(self.cost, Cost):
            bad("cost", "a Cost (seconds per seed-epoch, the device, the figure's source)")
        if self.metric not in METRICS:
            bad("metric", f"one of {', '.join(METRICS)}")
        if "epochs" not in self.config:
            bad("config", "a mapping with 'epochs'")
        if not all(isinstance(r, Requirement) for r in self.requires):
            bad("requires", "a tuple of Requirement")
        if (self.published is None) != (self.published_floors is None) or (
            self.published is not None and set(self.published) != set(self.published_floors)
        ):
            bad("published_floors", "given exactly when `published` is, for the same cases")
        if self.published is not None and not set(self.published) <= set(self.cases):
            bad("published", f"figures of declared cases ({', '.join(self.cases)})")
        object.__setattr__(self, "cases", types.MappingProxyType(dict(self.cases)))
        object.__setattr__(
            self,
            "config",
            types.MappingProxyType(self.config) if not isinstance(self.config, types.MappingProxyType) else self.config,
        )
        object.__setattr__(self, "protocols", tuple(self.protocols))
        object.__setattr__(self, "requires", tuple(self.requires))
        object.__setattr__(self, "quick_model", types.MappingProxyType(dict(self.quick_model)))

    @property
    def needs_gpu(self):
        return any(r.kind == "gpu" for r in self.requires)

    def unmet(self, options):
        """``(kind, reason)`` for the first requirement not met under ``options``, else None."""
        for requirement in self.requires:
            reason = requirement.check(options)
            if reason:
                return requirement.kind, reason
        return None

    def case(self, name):
        """The ``Case`` called ``name``; ``ValueError`` listing the valid names."""
        if name not in self.cases:
            raise ValueError(f"Unknown {self.name} case {name!r}; valid: {', '.join(self.cases)}")
        return self.cases[name]

    def schedule_for(self, case, options=None, **chosen):
        """The schedule ``case`` trains under ``options``: built from its parameters (or from
        ``chosen`` ones), then changed by the regression ``options`` injects, if it changes schedules."""
        s = self.case(case).build(**chosen)
        change = _injected(options).schedule
        return change(s) if change else s

    def check_protocol(self, protocol):
        if protocol not in self.protocols:
            raise ValueError(f"Unknown {self.name} protocol {protocol!r}; valid: {', '.join(self.protocols)}")

    def epochs(self, options):
        """Epochs to train: ``options.epochs`` when given, else ``QUICK``'s in a quick pass, else the published
        number (fewer where ``options`` injects ``fewer_epochs``)."""
        epochs = (
            options.epochs
            if options is not None and options.epochs
            else QUICK["epochs"]
            if options is not None and options.quick
            else self.config["epochs"]
        )
        return _injected(options).epochs(epochs)

    def data_for(self, options, train_set, val):
        """``(train_set, val)`` as ``options`` trains them: whole, or in a quick pass the first ``QUICK``
        batches' rows of the training set and ``QUICK`` rows of the validation set."""
        if options is None or not options.quick:
            return train_set, val
        rows, val_rows = QUICK["batches"] * self.batch_size(options), QUICK["validation_rows"]
        return tuple(a[:rows] for a in train_set), tuple(a[:val_rows] for a in val)

    def range_test_args(self, options):
        """The range test's arguments (``config["range_test"]``), ``QUICK``'s iterations in a quick pass."""
        args = dict(self.config["range_test"])
        if options is not None and options.quick:
            args["num_iterations"] = min(args["num_iterations"], QUICK["range_test_iterations"])
        return args

    def batch_size(self, options):
        """The batch size: the published one (doubled where ``options`` injects ``batch_x2``; at most ``QUICK``'s
        in a quick pass)."""
        size = self.config["batch_size"] * _injected(options).batch_factor
        return min(size, QUICK["batch_size"]) if options is not None and options.quick else size

    def optimizer(self, case, rate, options):
        """The Keras optimizer that trains ``case``: its ``optimizer_class`` with ``rate`` (a schedule) and
        ``optimizer_args``; a ``ValueError`` naming Keras' optimizers where the class is not one of them."""
        from schedules.backend import keras

        name = self.case(case).optimizer_class
        cls = getattr(keras.optimizers, name, None)
        if not (isinstance(cls, type) and issubclass(cls, keras.optimizers.Optimizer)):
            known = sorted(n for n, c in vars(keras.optimizers).items() if isinstance(c, type) and n[0].isupper())
            raise ValueError(
                f"{self.name}/{case}: keras.optimizers has no optimizer {name!r}; it has {', '.join(known)}"
            )
        return cls(learning_rate=rate, **self.optimizer_args(case, options))

    def optimizer_args(self, case, options):
        """SGD's arguments besides the rate for ``case``: the case's own, as the regression ``options``
        injects changes them (momentum, Nesterov)."""
        args = dict(self.case(case).optimizer)
        change = _injected(options).optimizer
        return change(args) if change else args

    def new_model(self, build_model, seed, options):
        """``build_model()`` under ``seed`` (``keras.utils.set_random_seed``) and ``options``' precision
        policy, its kernels drawn again where ``options`` injects ``initializer``. Every run builds its
        models here, so a seed starts from the same weights in every engine and grouping."""
        from bench.engine import precision
        from schedules.backend import keras

        keras.utils.set_random_seed(seed)
        size = self.quick_model if options is not None and options.quick else {}
        with precision.policy(options is not None and options.mixed_precision):
            model = build_model(**size)
        return _injected(options).changed_model(model)

    def train(self, case, seed, protocol=None, *, on_epoch=None, options=RunOptions()):
        """One seed of ``case`` (``protocol``: the first one by default); its ``RunResult``, the same bits as that
        seed trained within ``run``. Raises ``rules.WiringError`` or ``rules.NonFiniteLoss``."""
        return training.train(self, case, seed, protocol or self.protocols[0], options, on_epoch)

    def run(self, case, seeds, protocol, *, options=RunOptions(), on_epoch=None, on_run=None):
        """Train ``seeds`` of ``case``; one ``RunResult`` per seed, in order, the way ``training.choose`` picks
        (together, one at a time, or in worker processes). ``on_epoch(first, epoch, records)``: progress,
        ``records[i]`` belonging to ``seeds[first + i]``. ``on_run(run)``: each result as soon as it exists.
        """
        return training.run(self, case, seeds, protocol, options, on_epoch=on_epoch, on_run=on_run)

    def way(self, case, options, seeds=(0, 1)):
        """How ``seeds`` of ``case`` train under ``options`` (``training.Way``: engine, spread and why)."""
        return training.choose(self, case, options, seeds)

    def trains_together(self, case, options):
        """Whether ``run`` trains the seeds of ``case`` together under ``options`` (``why_apart`` says why not)."""
        return self.why_apart(case, options) is None

    def why_apart(self, case, options):
        """Why the seeds of ``case`` train one at a time under ``options``; None where they train together."""
        return training.why_apart(self, case, options)

    def protocol_cases(self):
        """Every ``(protocol, case name)`` the slow suite runs, in table order."""
        return [(protocol, name) for protocol in self.protocols for name in self.cases]


def _injected(options):
    return regressions.NONE if options is None else options.injected


# -- requirements the benchmarks share ------------------------------------------------------


def _backend_check(options):
    from schedules.backend import training_backend_reason

    return training_backend_reason()


def training_backend():
    """A Keras the suite trains on: TensorFlow (``bench.engine.loop`` and ``stacked``), or Keras 3 on JAX
    or PyTorch (``bench.engine.portable``)."""
    return Requirement(
        "backend", "the suite's engines train on Keras' TensorFlow, JAX and PyTorch backends", _backend_check
    )


def gpu(why):
    """A visible GPU, unless ``options.allow_cpu`` or a quick pass (``options.quick``), which trains on the CPU."""

    def check(options):
        if options.allow_cpu or options.quick:
            return None
        from schedules.backend import BACKEND, gpus

        return None if gpus() else f"needs a GPU ({why}); Keras' {BACKEND} backend sees none."

    return Requirement("gpu", why, check)


def data(why, locate):
    """A data set on disk: ``locate(options)`` raises the loader's error (what to put where) when absent.
    Synthetic files (``bench.data.synthetic``) meet it only in a quick pass, which judges nothing."""

    def check(options):
        from bench.data import manifest

        try:
            path = locate(options)
        except RuntimeError as err:  # the loaders' DataUnavailable
            return str(err)
        if manifest.is_synthetic(path) and not options.quick:
            return (
                f"{path} holds synthetic files written for a quick pass ({manifest.MANIFEST}), not {why}; "
                "a run that measures needs the real data: point the data option or variable at it, or pass "
                "--bench-quick to only check that every case trains."
            )
        return None

    return Requirement("data", why, check)
