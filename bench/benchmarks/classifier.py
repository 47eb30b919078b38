"""What the image-classification benchmarks share: their declaration, requirements and records.

A benchmark file (``digits``, ``cifar10_resnet``, ...) keeps its own hyper-parameters,
``load_data()`` and ``build_model()``, and declares itself with ``image_benchmark(__name__,
...)``, which makes its ``Recipe`` from them (``bench.benchmarks.training``, which also chooses
how its seeds train): nothing else to write.
"""

import importlib

import numpy as np

from bench.benchmarks.spec import Benchmark, data, gpu, training_backend
from bench.benchmarks.training import Recipe
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


def image_benchmark(module_name, **fields):
    """The ``Benchmark`` of the image-classification file ``module_name`` (pass ``__name__``).

    Its ``Recipe`` is made from the file's own ``load_data(path=None)`` and ``build_model()``, looked up
    when a run starts: categorical cross-entropy on one-hot labels, accuracy, and 1cycle's ``max_lr`` from
    a range test where a case's parameters are chosen at run time (``range_tested``). Whether a case's
    seeds train together is chosen for it (``bench.benchmarks.training.choose``). The fields the file
    states at its top (``NAME``, ``CASES``, ``CONFIG`` and, where it has them, ``PUBLISHED``,
    ``PUBLISHED_FLOORS``, ``REFERENCE``, ``REFERENCE_NOTE``, ``QUICK_MODEL``, ``SEEDS``, ``SEEDS_WHY``, ``COST``:
    ``MODULE_FIELDS``) are read from it;
    ``protocols`` defaults to ``("published",)``, ``metric`` to final validation accuracy and
    ``requires`` to a training backend alone (see ``on_gpu`` for GPU ones). Any field given here wins.
    """
    stated = vars(importlib.import_module(module_name))  # the file itself, executed up to this call
    for field, constant in MODULE_FIELDS.items():
        if constant in stated:
            fields.setdefault(field, stated[constant])
    fields.setdefault("protocols", ("published",))
    fields.setdefault("metric", "final_val_accuracy")

    def module():
        return importlib.import_module(module_name)

    def data_for(protocol, seed, options):
        m = module()
        return m.BENCHMARK.data_for(options, *_load(m.BENCHMARK, m.load_data, options))

    def result(protocol, case, seed, history, val, seconds, env):
        return _result(module().BENCHMARK, protocol, case, seed, history, val, seconds, env)

    fields.setdefault("requires", (training_backend(),))
    recipe = Recipe(
        data=data_for,
        build_model=lambda **size: module().build_model(**size),
        loss="categorical_crossentropy",
        metric="categorical_accuracy",
        result=result,
        schedule=lambda case, seed, model, train_set, options: range_tested(
            module().BENCHMARK, case, seed, model, train_set, options
        ),
    )
    return Benchmark(recipe=recipe, **fields)


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


def _load(benchmark, load_data, options):
    """``load_data()``, from the copy ``options`` names where the benchmark reads a data set option."""
    return load_data(getattr(options, benchmark.data_option)) if benchmark.data_option else load_data()


def one_hot_scaled(data_sets):
    """uint8 images to float32 in [0, 1]; integer labels (N, 1) to one-hot float32."""
    (x, y), (xt, yt) = data_sets
    eye = np.eye(10, dtype=np.float32)
    return (x.astype(np.float32) / 255.0, eye[y[:, 0]]), (xt.astype(np.float32) / 255.0, eye[yt[:, 0]])


def range_tested(benchmark, case_name, seed, model, train_set, options):
    """The schedule ``case_name`` trains ``model`` (built for ``seed``) with, and what to add to its history.

    A case whose parameters are chosen at run time is 1cycle with ``max_lr`` from source
    C's range test on the freshly built model (a tenth of the rate at the lowest smoothed
    loss); the test restores the weights, so training starts from the same ones.
    Returns ``(schedule, extra_history)``.
    """
    from schedules.backend import keras
    from schedules.range_test import lr_range_test

    config = benchmark.config
    if benchmark.case(case_name).params is not None:
        return benchmark.schedule_for(case_name, options), {}
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
    return benchmark.schedule_for(case_name, options, max_lr=found.suggested_max_lr, total_steps=total), extra
