"""bench/benchmarks/regressions.py: each injected regression changes exactly what it says."""

import types

import numpy as np
import pytest

import schedules
from bench.benchmarks import Case, regressions


def test_rate_regressions_scale_every_rate_parameter_and_nothing_else():
    s = schedules.get("onecycle", max_lr=0.1, total_steps=100, initial_lr=0.01, final_lr=1e-5)
    half = regressions.get("x0.5").schedule(s)
    assert half.get_config() == {
        "max_lr": 0.05,
        "total_steps": 100,
        "initial_lr": 0.005,
        "final_lr": 5e-6,
        "final_fraction": 0.1,
    }
    assert half(45) == pytest.approx(s(45) / 2, rel=1e-12)
    assert regressions.get("x2").schedule(schedules.get("constant", lr=0.1))(0) == 0.2
    step = schedules.get("step", initial_lr=0.1, factor=0.25, drop_every=15)
    for name, factor in (("x0.99", 0.99), ("x0.98", 0.98), ("x0.95", 0.95), ("x0.9", 0.9), ("x0.85", 0.85)):
        small = regressions.get(name).schedule(step)
        assert small.get_config() == {**step.get_config(), "initial_lr": pytest.approx(0.1 * factor, rel=1e-12)}
        assert small(98) == pytest.approx(2.4414e-05 * factor, rel=1e-4)  # every rate, after the drops too


def test_a_rate_is_found_by_its_name_in_any_schedule_a_project_s_and_keras_too():
    assert regressions.rate_params(["peak_lr", "warmup", "decay"]) == ("peak_lr",)  # the example's own schedule
    keras_names = ["initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"]
    assert regressions.rate_params(keras_names) == ("initial_learning_rate", "warmup_target")  # CosineDecay's
    assert regressions.rate_params(["boundaries", "values"]) == ("values",)  # PiecewiseConstantDecay's
    assert regressions.rate_params(["lr", "learning", "lr_decay"]) == ("lr",)
    cosine = schedules.get("keras.CosineDecay", initial_learning_rate=0.01, decay_steps=390)
    half = regressions.get("x0.5").schedule(cosine)
    assert half.name == "keras.CosineDecay" and half.get_config()["initial_learning_rate"] == 0.005
    assert half(100) == pytest.approx(cosine(100) / 2, rel=1e-6)  # Keras computes in float32
    piecewise = schedules.get("keras.PiecewiseConstantDecay", boundaries=[10], values=[0.1, 0.01])
    assert regressions.get("x2").schedule(piecewise).get_config()["values"] == [0.2, 0.02]
    assert regressions.get("x0.5").applies(
        Case("keras.PiecewiseConstantDecay", {"boundaries": [10], "values": [1.0, 0.1]})
    )
    assert regressions.get("x0.5").applies(Case("onecycle", None, chosen_by="a range test"))  # max_lr, at run time
    eta = types.SimpleNamespace(
        schedule="mine", params={"eta": 0.1, "decay": 0.9}, optimizer={}
    )  # a rate named otherwise
    assert [regressions.get(r).applies(eta) for r in ("x0.5", "x2", "x0.9")] == [False] * 3  # n/a, not a change missed


def test_step_early_and_dropped_decay():
    step = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10, offset=0)
    early = regressions.get("step_early").schedule(step)
    assert (step(8), step(9), early(8), early(9)) == (0.1, 0.1, 0.1, 0.05)  # D's first drop comes at 9, not 10
    cosine = schedules.get("cosine", initial_lr=0.1, decay_steps=10, warmup_steps=2)
    flat = regressions.get("decay_dropped").schedule(cosine)
    assert (flat.name, flat(0), flat(50)) == ("constant", 0.1, 0.1)  # a warmup from 0: stays at the peak
    exp = schedules.get("exp", initial_lr=0.01, k=0.01)
    kept = regressions.get("decay_dropped").schedule(exp)
    assert (kept.name, kept(0), kept(49)) == ("constant", 0.01, 0.01)  # stays at its initial value


def test_library_regressions_change_the_optimizer_run_length_and_batch():
    assert regressions.get("momentum").optimizer({"momentum": 0.8}) == {"momentum": 0.4}
    assert regressions.get("nesterov").optimizer({"momentum": 0.9}) == {"momentum": 0.9, "nesterov": True}
    assert regressions.get("fewer_epochs").epochs(50) == 40 and regressions.get("fewer_epochs").epochs(1) == 1
    assert regressions.get("batch_x2").batch_factor == 2 and regressions.get(None).batch_factor == 1
    assert regressions.get("initializer").kernel_initializer == "he_normal"
    assert regressions.GROUPS == {
        "schedule": ("x0.5", "x2", "step_early", "decay_dropped", "fewer_epochs"),
        "library": ("momentum", "nesterov", "initializer", "batch_x2"),
        "small": ("x0.99", "x0.98", "x0.95", "x0.9", "x0.85"),
    }
    with pytest.raises(ValueError, match="Unknown regression 'x3'; valid: x0.5, x2, step_early"):
        regressions.get("x3")


@pytest.mark.parametrize(
    "case, applies",
    [
        (Case("constant", {"lr": 0.1}), [True, True, False, False, True, False, False, True, True] + [True] * 5),
        (Case("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 2}, {"momentum": 0.9}), [True] * 14),
        (
            Case("exp", {"initial_lr": 0.1, "k": 0.1}, {"momentum": 0.9, "nesterov": True}),
            [True, True, False, True, True, True, False, True, True] + [True] * 5,
        ),
    ],
)
def test_where_each_regression_applies(case, applies):
    assert [r.applies(case) for r in regressions.REGRESSIONS.values()] == applies


@pytest.mark.e2e  # imports Keras and builds models
def test_the_initializer_regression_redraws_every_kernel_reproducibly_and_leaves_biases():
    from bench.benchmarks import RunOptions, ionosphere

    def weights(regression):
        model = ionosphere.BENCHMARK.new_model(ionosphere.build_model, 7, RunOptions(regression=regression))
        return [np.asarray(w) for w in model.get_weights()]

    plain, changed, again = weights(None), weights("initializer"), weights("initializer")
    assert all(np.array_equal(a, b) for a, b in zip(changed, again))  # same seed, same weights
    kernels, biases = [0, 2], [1, 3]
    assert all(not np.array_equal(plain[i], changed[i]) for i in kernels)
    assert all(np.array_equal(plain[i], changed[i]) for i in biases)
    # the first kernel is 34 x 34: glorot_uniform draws from +-sqrt(6 / (34 + 34)) = +-0.297; he_normal from a
    # normal of std sqrt(2 / 34) = 0.243 cut at two of its own std (0.55), which over 1,156 draws passes 0.297
    assert np.abs(plain[0]).max() <= np.sqrt(6 / 68) + 1e-6 < np.abs(changed[0]).max()
    assert changed[0].std() == pytest.approx(np.sqrt(2 / 34), rel=0.1)


@pytest.mark.e2e  # trains ionosphere's "time" case (momentum 0.8) for 3 epochs, 4 times per regression: ~3 s each
@pytest.mark.parametrize("regression", regressions.GROUPS["library"])
def test_a_library_regression_reaches_both_engines_and_reruns_bit_for_bit(regression):
    """On TensorFlow the stacked engine (a case's seeds together) and Keras' one-seed loop build the
    same changed optimizer, model and batches: they agree to float32 rounding, as they do unchanged
    (tests/engine/test_stacked.py); on JAX and PyTorch both are the portable engine. Neither agrees
    with the unchanged run."""
    from bench.benchmarks import RunOptions, ionosphere
    from bench.engine import loop, records

    def run(name, engine="auto"):
        return ionosphere.BENCHMARK.run(
            "time", [3], "published", options=RunOptions(epochs=3, regression=name, engine=engine)
        )[0]

    plain, changed, again, one_seed = run(None), run(regression), run(regression), run(regression, "keras")
    together = "stacked" if records.keras_backend() == "tensorflow" else loop.engine_name()
    assert (changed.environment["engine"], one_seed.environment["engine"]) == (together, loop.engine_name())
    assert changed.history == again.history and changed.metrics == again.metrics
    np.testing.assert_allclose(changed.history["train_loss"], one_seed.history["train_loss"], rtol=1e-5)
    assert (
        abs(changed.metrics["final_train_loss"] - plain.metrics["final_train_loss"])
        > 1e-3 * plain.metrics["final_train_loss"]
    )
