"""What a project writes to have its own model and schedule guarded: the public declarations.

A benchmark is a module of the project that ends in ``BENCHMARK = ...`` and is named in its
``pyproject.toml`` (docs/your-project.md)::

    [tool.lr_bench]
    benchmarks = ["mybench.wine"]

A Keras classifier is declared from the names the module states at its top (``NAME``, ``CASES``,
``CONFIG`` and its ``load_data()`` / ``build_model()``), exactly as the suite declares its own
(``bench/benchmarks/digits.py``)::

    import schedules
    from bench import api

    NAME = "wine"
    CONFIG = {"batch_size": 16, "epochs": 30, "target_accuracy": {"holdout": 0.9}}
    CASES = {
        "step": api.Case("step", {"initial_lr": 0.01, "factor": 0.5, "drop_every": 10}, optimizer_class="Adam"),
        "mine": api.Case("my_warmup", {"peak_lr": 0.01, "warmup": 5}, optimizer_class="AdamW",
                         optimizer={"weight_decay": 1e-4}),
    }

    def load_data():            # ((x_train, y_train_one_hot), (x_val, y_val_one_hot)), float32
        ...

    def build_model():          # a fresh keras model; the suite seeds it
        ...

    BENCHMARK = api.keras_classifier(__name__, source="this project's wine model", protocols=("holdout",), seeds=20)

- ``Case(schedule, params, optimizer=..., optimizer_class=...)``: a schedule of the registry (the suite's ten,
  or the project's own, registered with ``@schedules.register``) or a Keras one (``"keras.CosineDecay"``, any
  class of ``keras.optimizers.schedules``: ``schedules.from_keras``) with its arguments, and any
  ``keras.optimizers`` class with its other arguments.
- ``keras_classifier(module_name, ...)``: the ``Benchmark`` of such a module; how a case's seeds train is chosen
  for it (``bench.benchmarks.training``: together where its model, optimizer and parameters allow, else one at a
  time, ``Benchmark.way(case, options).why`` says why); ``Benchmark``, ``Recipe`` (what a seed of any other Keras
  model trains on) and ``Cost`` for every other field (``bench/benchmarks/spec.py``).
- ``training_backend()``, ``gpu(why)``, ``data(description, locate)``: what a benchmark ``requires``.
- ``schedules.checks.check(cls)``: the value checks of a schedule of the project's own, in one call.

The suite's own seven benchmarks are declared with these same names (``bench.stores.project.SUITE``).
"""

from bench.benchmarks import Benchmark, Case, Cost, Requirement, RunOptions
from bench.benchmarks.classifier import image_benchmark as keras_classifier
from bench.benchmarks.spec import data, gpu, training_backend
from bench.benchmarks.training import Recipe

__all__ = [
    "Benchmark",
    "Case",
    "Cost",
    "Recipe",
    "Requirement",
    "RunOptions",
    "data",
    "gpu",
    "keras_classifier",
    "training_backend",
]
