"""bench/benchmarks/training.py: one place chooses how a case's seeds train, and says why not together."""

import pytest

from bench.benchmarks import Benchmark, Case, RunOptions, training
from bench.benchmarks.spec import gpu
from bench.benchmarks.training import Recipe
from bench.engine.records import RunResult
from schedules.backend import BACKEND


def _run(case, seed, protocol):
    return RunResult("demo", protocol, case, seed, {"final_val_accuracy": 0.5 + seed / 100}, {}, 0.0, 0.5, {})


def _mlp(**size):
    from schedules.backend import keras

    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])


def _normalised(**size):
    from schedules.backend import keras

    return keras.Sequential([keras.Input((4,)), keras.layers.BatchNormalization(name="bn"), keras.layers.Dense(2)])


def _recipe(build_model=_mlp, **changes):
    fields = dict(
        data=lambda protocol, seed, options: None,
        build_model=build_model,
        loss="categorical_crossentropy",
        metric="categorical_accuracy",
        result=lambda protocol, case, seed, *rest: _run(case, seed, protocol),
    )
    return Recipe(**{**fields, **changes})


def _declare(name="demo", **changes):
    fields = dict(
        name=name,
        source="a test",
        cases={
            "c": Case("constant", {"lr": 0.1}, optimizer_class="AdamW"),
            "clipped": Case("constant", {"lr": 0.1}, {"clipnorm": 1.0}),
            "chosen": Case("onecycle", None, chosen_by="a range test"),
        },
        protocols=("p",),
        metric="final_val_accuracy",
        config={"epochs": 1},
        requires=(),
        recipe=_recipe(),
    )
    return Benchmark(**{**fields, **changes})


def test_a_benchmark_gives_what_a_seed_trains_on_or_a_trainer_of_its_own_not_both():
    with pytest.raises(ValueError, match=r"argument `recipe` must be given, or else `trainer`, not both"):
        _declare(recipe=None)
    with pytest.raises(ValueError, match=r"argument `recipe` must be given, or else `trainer`"):
        _declare(trainer=lambda *a, **k: None)
    with pytest.raises(ValueError, match=r"argument `recipe` must be a bench.benchmarks.training.Recipe"):
        _declare(recipe={"loss": "mse"})


def test_a_recipe_names_keras_own_loss_and_metric_and_a_wrong_name_says_which():
    with pytest.raises(ValueError, match=r"Argument `loss` must name a function of keras.losses, e.g. 'categorical_"):
        _recipe(loss="CategoricalCrossentropy")
    with pytest.raises(
        ValueError, match=r"Argument `metric` must name a function of keras.metrics.*Received: metric=3"
    ):
        _recipe(metric=3)
    loss, per_sample = _recipe(loss="binary_crossentropy").losses()
    assert type(loss).__name__ == "BinaryCrossentropy" and per_sample.__name__ == "binary_crossentropy"
    assert _recipe(loss="mean_squared_error").losses()[0].__class__.__name__ == "MeanSquaredError"
    with pytest.raises(ValueError, match=r"Recipe loss 'cross_entropy': keras.losses needs both the function"):
        _recipe(loss="cross_entropy").losses()
    with pytest.raises(ValueError, match=r"Recipe metric 'accuracy_score': keras.metrics has no function"):
        _recipe(metric="accuracy_score").metric_function()


def test_seeds_train_together_exactly_where_nothing_says_otherwise():
    demo = _declare()
    if BACKEND != "tensorflow":
        assert (
            demo.way("c", RunOptions()).why == "Keras does not run on TensorFlow (the stacked engine is TensorFlow's)"
        )
        return
    assert demo.way("c", RunOptions()) == training.Way("stacked", "together") and demo.trains_together(
        "c", RunOptions()
    )
    one_at_a_time = "the options ask for one seed at a time (--bench-engine=keras, XLA or mixed precision)"
    for options in (RunOptions(engine="keras"), RunOptions(xla=True), RunOptions(mixed_precision=True)):
        assert demo.way("c", options) == training.Way("keras", "one at a time", one_at_a_time)
    assert demo.why_apart("clipped", RunOptions()).startswith("SGD{'clipnorm': 1.0} does not update each weight")
    assert demo.why_apart("chosen", RunOptions()) == "its parameters are chosen per seed at run time (a range test)"
    on_gpu = _declare(name="big", requires=(gpu("hours"),))
    assert on_gpu.why_apart("c", RunOptions()).startswith("it trains on a GPU, where one seed fills the device")
    layered = _declare(name="layered", recipe=_recipe(_normalised))
    assert layered.why_apart("c", RunOptions()) == (
        "its model cannot be stacked: layer 'bn': BatchNormalization is not supported"
    )
    own = _declare(name="own", recipe=None, trainer=lambda *a, **k: None)
    assert own.way("c", RunOptions()) == training.Way(
        "its own", "one at a time", "its benchmark trains with a trainer of its own, one seed at a time"
    )


def test_the_backend_is_read_before_any_model_is_built(monkeypatch):
    from bench.engine import records

    built = []
    demo = _declare(recipe=_recipe(lambda **size: built.append(size)))
    monkeypatch.setattr(records, "keras_backend", lambda: "jax")
    assert demo.why_apart("c", RunOptions()) == "Keras does not run on TensorFlow (the stacked engine is TensorFlow's)"
    assert built == []


def test_run_and_train_take_the_way_choose_picks(monkeypatch):
    calls = []

    def together(benchmark, case, seeds, protocol, options, on_epoch):
        calls.append(("together", list(seeds)))
        if on_epoch is not None:
            on_epoch(0, [{"lr": 0.1}] * len(seeds))
        return [_run(case, seed, protocol) for seed in seeds]

    def apart(benchmark, case, seed, protocol, options, on_epoch):
        calls.append(("apart", seed))
        if on_epoch is not None:
            on_epoch(0, {"lr": 0.1})
        return _run(case, seed, protocol)

    monkeypatch.setattr(training, "_together", together)
    monkeypatch.setattr(training, "_apart", apart)
    monkeypatch.setattr(training, "why_apart", lambda b, case, options: None if case == "c" else "a reason")
    demo, epochs, seen = _declare(), [], []
    runs = demo.run("c", [0, 1, 2], "p", on_epoch=lambda *a: epochs.append(a[:2]), on_run=lambda r: seen.append(r.seed))
    assert calls == [("together", [0, 1, 2])] and epochs == [(0, 0)] and seen == [0, 1, 2] == [r.seed for r in runs]
    assert demo.train("c", 5).seed == 5 and calls[-1] == ("together", [5])  # a group of one: the same bits
    calls.clear(), epochs.clear(), seen.clear()
    runs = demo.run(
        "clipped", [3, 1], "p", on_epoch=lambda *a: epochs.append(a[:2]), on_run=lambda r: seen.append(r.seed)
    )
    assert calls == [("apart", 3), ("apart", 1)] and epochs == [(0, 0), (1, 0)] and seen == [3, 1]
    assert demo.train("clipped", 4).protocol == "p" and calls[-1] == ("apart", 4)  # the first protocol by default


def test_a_trainer_of_its_own_trains_each_seed_in_order():
    seen, epochs = [], []

    def trainer(case, seed, protocol, on_epoch=None, options=None):
        on_epoch(0, {"lr": 0.1})
        return _run(case, seed, protocol)

    demo = _declare(recipe=None, trainer=trainer)
    runs = demo.run(
        "c",
        [3, 1, 2],
        "p",
        on_epoch=lambda first, e, r: epochs.append((first, len(r))),
        on_run=lambda r: seen.append(r.seed),
    )
    assert [r.seed for r in runs] == [3, 1, 2] == seen and epochs == [(0, 1), (1, 1), (2, 1)]


def test_a_case_chosen_at_run_time_needs_the_recipe_to_choose_it():
    with pytest.raises(ValueError, match=r"demo/chosen: its parameters are chosen at run time \(a range test\) but"):
        training._schedule(_declare(), "chosen", 0, None, None, RunOptions())
    assert training._schedule(_declare(), "c", 0, None, None, RunOptions())[1] == {}


def test_the_suite_s_cpu_benchmarks_stack_and_its_gpu_ones_do_not():
    from bench import benchmarks

    ways = {(b.name, case): b.way(case, RunOptions()) for b in benchmarks.all_benchmarks() for case in b.cases}
    if BACKEND != "tensorflow":
        assert not any(way.together for way in ways.values())
        return
    together = sorted({name for (name, _), way in ways.items() if way.together})
    assert together == ["boston_housing", "digits", "ionosphere"]
    assert ways[("boston_housing", "onecycle")].why.startswith("its parameters are chosen per seed at run time")
    assert ways[("cifar10_resnet", "step")].why.startswith("it trains on a GPU")
