"""What the image-classification benchmarks share: their declaration, requirements and training run.

A benchmark file (``digits``, ``cifar10_resnet``, ...) keeps its own hyper-parameters,
``load_data()`` and ``build_model()``, and declares itself with ``image_benchmark(__name__,
...)``, which makes its ``train`` (and ``train_seeds``) from them: nothing else to write.
"""

import importlib
import time

import numpy as np

from bench.benchmarks import together
from bench.benchmarks.spec import Benchmark, RunOptions, data, gpu, training_backend
from bench.engine import loop, precision
from bench.engine.records import RunResult, metrics_from_history

# Fields a benchmark file states once, at its top, under these names; image_benchmark reads them.
MODULE_FIELDS = {
    "name": "NAME",
    "cases": "CASES",
    "config": "CONFIG",
    "published": "PUBLISHED",
    "published_floors": "PUBLISHED_FLOORS",
    "reference": "REFERENCE",
    "reference_note": "REFERENCE_NOTE",
    "quick_model": "QUICK_MODEL",
    "seeds": "SEEDS",
    "seeds_why": "SEEDS_WHY",
    "cost": "COST",
}


def image_benchmark(module_name, *, together=False, **fields):
    """The ``Benchmark`` of the image-classification file ``module_name`` (pass ``__name__``).

    ``train`` (one seed) and, with ``together=True``, ``train_seeds`` (the seeds of a case in one
    compiled step, ``bench.engine.stacked``: for small models) are made from the file's own
    ``load_data(path=None)`` and ``build_model()``, looked up when a run starts. The fields the file
    states at its top (``NAME``, ``CASES``, ``CONFIG`` and, where it has them, ``PUBLISHED``,
    ``PUBLISHED_FLOORS``, ``REFERENCE``, ``REFERENCE_NOTE``, ``QUICK_MODEL``, ``SEEDS``, ``SEEDS_WHY``, ``COST``:
    ``MODULE_FIELDS``) are read from it;
    ``protocols`` defaults to ``("published",)``, ``metric`` to final validation accuracy and
    ``requires`` to TensorFlow alone (see ``on_gpu`` for GPU ones). Any field given here wins.
    """
    stated = vars(importlib.import_module(module_name))  # the file itself, executed up to this call
    for field, constant in MODULE_FIELDS.items():
        if constant in stated:
            fields.setdefault(field, stated[constant])
    fields.setdefault("protocols", ("published",))
    fields.setdefault("metric", "final_val_accuracy")

    def module():
        return importlib.import_module(module_name)

    def train(case, seed, protocol=None, on_epoch=None, options=RunOptions()):
        m = module()
        return train_case(
            m.BENCHMARK,
            case,
            seed,
            protocol or m.BENCHMARK.protocols[0],
            m.load_data,
            m.build_model,
            options=options,
            on_epoch=on_epoch,
        )

    def train_seeds(case, seeds, protocol=None, on_epoch=None, options=RunOptions()):
        m = module()
        return train_seeds_case(
            m.BENCHMARK,
            case,
            seeds,
            protocol or m.BENCHMARK.protocols[0],
            m.load_data,
            m.build_model,
            options=options,
            on_epoch=on_epoch,
        )

    fields.setdefault("requires", (training_backend(),))
    return Benchmark(train=train, train_seeds=train_seeds if together else None, **fields)


def on_gpu(gpu_why, dataset):
    """The fields of a benchmark that needs a GPU (``gpu_why``: the cost that makes one needed) and
    an offline data set (``bench.data.cifar10`` / ``bench.data.fashion_mnist``): its requirements,
    data option and class names."""
    locate = lambda options: dataset.locate(getattr(options, dataset.OPTION))
    return {
        "requires": (training_backend(), gpu(gpu_why), data(dataset.DESCRIPTION, locate)),
        "data_option": dataset.OPTION,
        "class_names": dataset.CLASS_NAMES,
    }


def train(
    benchmark,
    case_name,
    s,
    seed,
    protocol,
    train_set,
    val,
    *,
    options,
    on_epoch,
    model=None,
    build_model=None,
    extra_history=None,
):
    """Train ``model`` (or a fresh ``build_model()``) with schedule ``s`` under the case's optimizer; a
    ``RunResult``. Categorical cross-entropy on one-hot labels; the optimizer's other arguments come from the case.
    """
    from schedules.backend import keras

    epochs = benchmark.epochs(options)
    batch_size = benchmark.batch_size(options)
    if model is None:
        model = benchmark.new_model(build_model, seed, options)
    rate = s.as_training_schedule(-(-len(train_set[0]) // batch_size))
    optimizer = precision.wrap(benchmark.optimizer(case_name, rate, options), options.mixed_precision)
    start = time.perf_counter()
    history = loop.train_loop(
        model,
        optimizer,
        keras.losses.CategoricalCrossentropy(),
        keras.metrics.categorical_accuracy,
        train_set,
        val,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        expected_lr=s.at,
        lr_tolerance=s.wiring_tolerance,
        on_epoch=on_epoch,
        keep_predictions=options.keep_predictions,
        xla=options.xla,
    )
    seconds = time.perf_counter() - start
    history.update(extra_history or {})
    env = loop.environment(options.xla, options.mixed_precision)
    env["epoch_time_s"] = seconds / epochs
    env["images_per_s"] = len(train_set[0]) * epochs / seconds
    return _result(benchmark, protocol, case_name, seed, history, val, seconds, env)


def _result(benchmark, protocol, case_name, seed, history, val, seconds, env):
    return RunResult(
        benchmark.name,
        protocol,
        case_name,
        seed,
        metrics_from_history(history, benchmark.config["target_accuracy"][protocol]),
        history,
        seconds,
        float(val[1].mean(axis=0).max()),
        env,
    )


def train_case(benchmark, case, seed, protocol, load_data, build_model, *, options, on_epoch):
    """The whole ``train()`` of an image benchmark: check the protocol, load the data (from
    ``options.<data_option>`` where the benchmark reads one), build the model and the schedule the case
    trains (1cycle's ``max_lr`` range-tested when chosen at run time), and train.

    Where the case's seeds train together (``benchmark.trains_together``), a one-seed run is
    ``train_seeds`` with one seed, for the same numbers."""
    if benchmark.trains_together(case, options):
        return together.one_seed(benchmark, case, seed, protocol, on_epoch, options)
    benchmark.check_protocol(protocol)
    train_set, val = benchmark.data_for(options, *_load(benchmark, load_data, options))
    s, model, extra = range_tested(benchmark, case, seed, train_set, build_model, options)
    return train(
        benchmark,
        case,
        s,
        seed,
        protocol,
        train_set,
        val,
        model=model,
        options=options,
        on_epoch=on_epoch,
        extra_history=extra,
    )


def train_seeds_case(benchmark, case, seeds, protocol, load_data, build_model, *, options, on_epoch):
    """``train_seeds`` of an image benchmark with a small model: the seeds of a case together
    (``bench.engine.stacked``). Not for a case whose rate comes from a per-seed range test
    (``Benchmark.run`` trains those one seed at a time)."""
    from schedules.backend import keras

    benchmark.check_protocol(protocol)
    train_set, val = benchmark.data_for(options, *_load(benchmark, load_data, options))
    histories, seconds = together.train(
        benchmark,
        case,
        seeds,
        [(train_set, val)] * len(seeds),
        build_model,
        options=options,
        loss=keras.losses.categorical_crossentropy,
        metric=keras.metrics.categorical_accuracy,
        on_epoch=on_epoch,
        keep_predictions=options.keep_predictions,
    )
    env = together.environment(seconds, seeds)
    return [
        _result(benchmark, protocol, case, seed, history, val, seconds / len(seeds), env)
        for seed, history in zip(seeds, histories)
    ]


def _load(benchmark, load_data, options):
    """``load_data()``, from the copy ``options`` names where the benchmark reads a data set option."""
    return load_data(getattr(options, benchmark.data_option)) if benchmark.data_option else load_data()


def one_hot_scaled(data_sets):
    """uint8 images to float32 in [0, 1]; integer labels (N, 1) to one-hot float32."""
    (x, y), (xt, yt) = data_sets
    eye = np.eye(10, dtype=np.float32)
    return (x.astype(np.float32) / 255.0, eye[y[:, 0]]), (xt.astype(np.float32) / 255.0, eye[yt[:, 0]])


def range_tested(benchmark, case_name, seed, train_set, build_model, options):
    """The schedule for ``case_name`` and the model to train, seeded by ``seed``.

    A case whose parameters are chosen at run time is 1cycle with ``max_lr`` from source
    C's range test on the freshly built model (a tenth of the rate at the lowest smoothed
    loss); the test restores the weights, so training starts from the same ones.
    Returns ``(schedule, model, extra_history)``.
    """
    from schedules.backend import keras
    from schedules.range_test import lr_range_test

    config = benchmark.config
    case = benchmark.case(case_name)
    model = benchmark.new_model(build_model, seed, options)
    if case.params is not None:
        return benchmark.schedule_for(case_name, options), model, {}
    batch_size = benchmark.batch_size(options)
    model.compile(
        optimizer=keras.optimizers.SGD(config["constant_lr"], **benchmark.optimizer_args(case_name, options)),
        loss="categorical_crossentropy",
    )
    found = lr_range_test(model, *train_set, batch_size=batch_size, **benchmark.range_test_args(options))
    total = benchmark.epochs(options) * -(-len(train_set[0]) // batch_size)
    extra = {
        "range_test": {
            "suggested_max_lr": found.suggested_max_lr,
            "lrs": found.lrs.tolist(),
            "smoothed_losses": found.smoothed_losses.tolist(),
        }
    }
    return benchmark.schedule_for(case_name, options, max_lr=found.suggested_max_lr, total_steps=total), model, extra
