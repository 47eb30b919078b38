"""Keras adapters: the rate the optimizer actually applied equals s(t).

The probe: one weight w, no bias, and a gradient of exactly 1. Plain SGD (no momentum)
then moves w by exactly -lr. Resetting w to 0 before every step and reading it after
gives the rate applied at that iteration, in float32, straight from the weight: not
from our function and not from the optimizer's own report.

Every schedule is stepped through a real optimizer by ``OptimizerProbe`` (compiled with
``tf.function`` on TensorFlow, as ``model.fit`` compiles its step; eager on other
backends). Each adapter is also driven once through ``model.fit`` itself, where the
gradient 1 comes from inputs x = 1 and targets -1000 under mean absolute error.
"""

import math
import warnings

import numpy as np
import pytest

pytest.importorskip("keras")
import schedules  # noqa: E402
from schedules.backend import BACKEND, keras  # noqa: E402
from schedules.keras_adapter import KERAS_MAJOR, KerasSchedule, _compute_dtype  # noqa: E402

STEPS_PER_EPOCH = 4
EPOCHS = 5


def close(actual, expected):
    """The applied rate (a float32: 2**-24 relative rounding, rtol 1e-6) equals ``expected``.

    Where the adapter itself computes in float32 (JAX without x64), its error scales with
    the largest rate, not the local one: allow 4 float32 ulps of the largest."""
    expected = np.asarray(expected, dtype=np.float64)
    atol = 0.0 if _compute_dtype() == "float64" else 4 * 2.0**-24 * float(np.max(expected))
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=atol)


def probe_model(optimizer):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=optimizer, loss="mae")
    return model


class OptimizerProbe:
    """Steps ``model.optimizer`` on the model's one weight with gradient 1 from w = 0."""

    def __init__(self, model):
        self.optimizer = model.optimizer
        self.weights = model.trainable_variables
        self.optimizer.build(self.weights)
        self._step = self._compiled() if BACKEND == "tensorflow" else self._eager

    def _eager(self):
        kernel = self.weights[0]
        kernel.assign(np.zeros((1, 1), "float32"))
        self.optimizer.apply_gradients([(self._one(), kernel)])
        return kernel

    @staticmethod
    def _one():
        if KERAS_MAJOR >= 3:
            return keras.ops.ones((1, 1))
        import tensorflow as tf

        return tf.ones((1, 1))

    def _compiled(self):
        import tensorflow as tf

        return tf.function(lambda: tf.identity(self._eager()))

    def rates(self, steps):
        return np.array([-float(np.asarray(self._step()).reshape(-1)[0]) for _ in range(steps)])


class RecordAppliedRate(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        self.model.layers[-1].kernel.assign(np.zeros((1, 1), "float32"))

    def on_train_batch_end(self, batch, logs=None):
        self.rates.append(-float(self.model.layers[-1].kernel.numpy()[0, 0]))


def fit_rates(model, epochs=EPOCHS, callbacks=()):
    """The rates ``model.fit`` applied: ``epochs`` epochs of STEPS_PER_EPOCH batches of one row."""
    x = np.ones((STEPS_PER_EPOCH, 1), "float32")
    y = np.full((STEPS_PER_EPOCH, 1), -1000.0, "float32")
    recorder = RecordAppliedRate()
    model.fit(x, y, batch_size=1, epochs=epochs, shuffle=False, verbose=0, callbacks=[*callbacks, recorder])
    return np.array(recorder.rates)


# Every registered schedule with its declared example (``Schedule.example``: sized for this
# run of 5 epochs of 4 iterations), split by the unit its adapter counts.
EXAMPLES = {name: schedules.declared(name).example for name in schedules.available()}
EPOCH_SCHEDULES = {n: p for n, p in EXAMPLES.items() if schedules.declared(n).unit == "epoch"}
ITERATION_SCHEDULES = {n: p for n, p in EXAMPLES.items() if schedules.declared(n).unit == "iteration"}
ITERATIONS = np.arange(EPOCHS * STEPS_PER_EPOCH)


def test_every_schedule_has_a_wiring_case():
    assert sorted({**EPOCH_SCHEDULES, **ITERATION_SCHEDULES}) == schedules.available()
    for name, params in EXAMPLES.items():  # an example that does not move in this run checks little
        rates = schedules.get(name, **params).values(np.arange(EPOCHS * STEPS_PER_EPOCH))
        assert name == "constant" or len(set(rates.tolist())) >= 3, f"{name}'s example barely changes: {rates}"


@pytest.mark.parametrize("name", EPOCH_SCHEDULES)
def test_callback_applies_s_of_epoch_to_every_batch(name):
    s = schedules.get(name, **EPOCH_SCHEDULES[name])
    model = probe_model(keras.optimizers.SGD(0.123))
    probe, callback = OptimizerProbe(model), s.as_callback()
    callback.set_model(model)
    rates = []
    for epoch in range(EPOCHS):
        callback.on_epoch_begin(epoch)
        rates.extend(probe.rates(STEPS_PER_EPOCH))
    close(rates, s.values(ITERATIONS // STEPS_PER_EPOCH))


@pytest.mark.parametrize("name", EPOCH_SCHEDULES)
def test_keras_schedule_holds_the_epoch_value_within_each_epoch(name):
    s = schedules.get(name, **EPOCH_SCHEDULES[name])
    opt = keras.optimizers.SGD(learning_rate=s.as_keras_schedule(steps_per_epoch=STEPS_PER_EPOCH))
    close(OptimizerProbe(probe_model(opt)).rates(len(ITERATIONS)), s.values(ITERATIONS // STEPS_PER_EPOCH))


@pytest.mark.parametrize("name", ITERATION_SCHEDULES)
def test_keras_schedule_applies_s_of_iteration(name):
    s = schedules.get(name, **ITERATION_SCHEDULES[name])
    opt = keras.optimizers.SGD(learning_rate=s.as_keras_schedule())
    rates = OptimizerProbe(probe_model(opt)).rates(len(ITERATIONS))
    close(rates, s.values(ITERATIONS))
    assert len(np.unique(rates)) > 3, "the probe saw a constant rate"


def _callback_run():
    step = schedules.get("step", **EPOCH_SCHEDULES["step"])
    return fit_rates(probe_model(keras.optimizers.SGD(0.123)), callbacks=[step.as_callback()]), step.values(
        ITERATIONS // STEPS_PER_EPOCH
    )


def _held_run():
    poly = schedules.get("poly", **EPOCH_SCHEDULES["poly"])
    held = keras.optimizers.SGD(poly.as_keras_schedule(steps_per_epoch=STEPS_PER_EPOCH))
    return fit_rates(probe_model(held)), poly.values(ITERATIONS // STEPS_PER_EPOCH)


def _iteration_run():
    cosine = schedules.get("cosine", **ITERATION_SCHEDULES["cosine"])
    return fit_rates(probe_model(keras.optimizers.SGD(cosine.as_keras_schedule()))), cosine.values(ITERATIONS)


@pytest.mark.parametrize(
    "run", [_callback_run, _held_run, _iteration_run], ids=["callback", "epoch-held schedule", "iteration schedule"]
)
def test_model_fit_applies_each_adapter_s_rates(run):
    """Each adapter inside ``model.fit``: its callbacks, its iteration counter, its compiled step."""
    applied, expected = run()
    close(applied, expected)


@pytest.mark.skipif(KERAS_MAJOR < 3, reason="Keras 3 behaviour; Keras 2 has its own test below")
def test_keras3_sgd_decay_is_silently_ignored_while_standard_decays():
    """The silent regression this suite exists to catch (docs/reference.md#schedules)."""
    with pytest.warns(UserWarning, match="`decay` is no longer supported and will be ignored"):
        legacy_style = keras.optimizers.SGD(learning_rate=0.1, decay=0.5)
    close(OptimizerProbe(probe_model(legacy_style)).rates(8), 0.1)  # constant: decay did nothing

    standard = schedules.get("standard", initial_lr=0.1, decay=0.5)
    ours = OptimizerProbe(probe_model(keras.optimizers.SGD(standard.as_keras_schedule())))
    close(ours.rates(8), [0.1 / (1 + 0.5 * i) for i in range(8)])


@pytest.mark.skipif(KERAS_MAJOR >= 3, reason="Keras 2 only: its legacy optimizers still take `decay`")
def test_keras2_legacy_decay_is_exactly_standard():
    with pytest.raises(ValueError):
        keras.optimizers.SGD(learning_rate=0.1, decay=0.5)  # TF 2.11+'s new optimizers refuse it
    legacy = keras.optimizers.legacy.SGD(learning_rate=0.1, decay=0.5)
    standard = schedules.get("standard", initial_lr=0.1, decay=0.5)
    close(fit_rates(probe_model(legacy), epochs=2), standard.values(np.arange(8)))


def test_saved_model_resumes_with_the_same_rates(tmp_path):
    s = schedules.get("cyclical", base_lr=0.01, max_lr=0.1, step_size=3)
    model = probe_model(keras.optimizers.SGD(s.as_keras_schedule()))
    first = OptimizerProbe(model).rates(8)
    path = tmp_path / "probe.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.optimizer._learning_rate, KerasSchedule)
    assert int(np.asarray(loaded.optimizer.iterations)) == 8
    resumed = OptimizerProbe(loaded).rates(8)
    close(np.concatenate([first, resumed]), s.values(np.arange(16)))


def test_keras_schedule_config_round_trip():
    s = schedules.get("step", initial_lr=0.1, factor=0.25, drop_every=15)
    ks = s.as_keras_schedule(steps_per_epoch=391)
    assert ks.get_config() == {"schedule": "step", "params": s.get_config(), "steps_per_epoch": 391}
    again = KerasSchedule.from_config(ks.get_config())
    steps = np.array([0, 390, 391, 14 * 391 - 1, 14 * 391, 98 * 391])
    got = [float(np.asarray(again(int(i)))) for i in steps]
    close(got, s.values(steps // 391))


def test_epoch_schedule_needs_steps_per_epoch():
    s = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10)
    with pytest.raises(ValueError, match="counts epochs.*pass steps_per_epoch"):
        s.as_keras_schedule()
    with pytest.raises(ValueError, match="Argument `steps_per_epoch` must be a positive integer"):
        s.as_keras_schedule(steps_per_epoch=0)


def test_iteration_schedule_refuses_steps_per_epoch_and_callback():
    s = schedules.get("standard", initial_lr=0.01, decay=0.00025)
    with pytest.raises(ValueError, match="already counts optimizer iterations"):
        s.as_keras_schedule(steps_per_epoch=782)
    with pytest.raises(ValueError, match="counts iterations.*as_keras_schedule"):
        s.as_callback()


def test_callback_is_a_learning_rate_scheduler():
    cb = schedules.get("linear", initial_lr=0.1, max_epochs=100).as_callback()
    assert isinstance(cb, keras.callbacks.LearningRateScheduler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cb.schedule(50, 0.1) == 0.05


def test_a_training_schedule_takes_the_epoch_length_whatever_the_unit():
    step = schedules.get("step", **EPOCH_SCHEDULES["step"])
    cosine = schedules.get("cosine", **ITERATION_SCHEDULES["cosine"])
    held = step.as_training_schedule(steps_per_epoch=STEPS_PER_EPOCH)
    assert held.get_config()["steps_per_epoch"] == STEPS_PER_EPOCH  # an epoch schedule holds its value per epoch
    assert cosine.as_training_schedule(steps_per_epoch=STEPS_PER_EPOCH).get_config()["steps_per_epoch"] is None
    close(
        OptimizerProbe(probe_model(keras.optimizers.SGD(learning_rate=held))).rates(len(ITERATIONS)),
        step.values(ITERATIONS // STEPS_PER_EPOCH),
    )


class _WarmRestarts(schedules.Schedule):
    """Cosine with warm restarts, each period ``t_mul`` times the last (Loshchilov & Hutter 2017, SGDR), as
    a new user would add it: its restart index needs ``log``, which the adapter's array namespace has
    on every version and backend (it once had eight hand-picked operations and failed here)."""

    name = "warm_restarts_probe"
    unit = "iteration"
    params = {}
    example = {}

    def __init__(self, initial_lr=0.1, first_period=3, t_mul=2.0):
        self.initial_lr, self.first_period, self.t_mul = initial_lr, first_period, t_mul

    def get_config(self):
        return {"initial_lr": self.initial_lr, "first_period": self.first_period, "t_mul": self.t_mul}

    def _rate(self, t, xp):
        done = t / self.first_period
        # A constant's log is Python's: xp.log(2.0) would be a float32 tensor on Keras 3, beside float64 t.
        restart = xp.floor(xp.log1p(done * (self.t_mul - 1.0)) / math.log(self.t_mul))
        before = (xp.power(self.t_mul, restart) - 1.0) / (self.t_mul - 1.0)
        u = (done - before) / xp.power(self.t_mul, restart)
        return self.initial_lr * 0.5 * (1.0 + xp.cos(np.pi * xp.clip(u, 0.0, 1.0)))


def test_a_formula_may_use_numpy_s_functions_through_the_adapter(monkeypatch):
    """A schedule using log1p, power and clip trains through ``as_keras_schedule`` and applies the
    rates of Keras' own ``CosineDecayRestarts`` (the reference: not our code), iteration by iteration."""
    monkeypatch.setitem(schedules._REGISTRY, _WarmRestarts.name, _WarmRestarts)
    ours = _WarmRestarts()
    rates = OptimizerProbe(probe_model(keras.optimizers.SGD(ours.as_keras_schedule()))).rates(len(ITERATIONS))
    theirs = keras.optimizers.schedules.CosineDecayRestarts(0.1, 3, t_mul=2.0, m_mul=1.0, alpha=0.0)
    reference = [float(theirs(int(i))) for i in ITERATIONS]
    np.testing.assert_allclose(rates, reference, rtol=1e-5, atol=1e-7)
    close(rates, ours.values(ITERATIONS))
    assert rates[3] == pytest.approx(0.1) and rates[9] == pytest.approx(0.1)  # the restarts at 3 and 3 + 6


def test_every_operation_the_schedules_use_is_numpy_s_and_the_backend_s():
    """What ``_rate`` calls on ``xp`` across schedules/ exists under the same name in NumPy and in the
    adapter's namespace on this version and backend (every tox environment runs this)."""
    import pathlib
    import re

    from schedules.keras_adapter import rate_operations

    source = "\n".join(p.read_text() for p in pathlib.Path(schedules.__file__).parent.glob("*.py"))
    used = set(re.findall(r"\bxp\.([a-z_0-9]+)\b", source))
    assert {"floor", "exp", "cos", "minimum", "maximum", "where"} <= used, used
    namespace = rate_operations()
    assert [name for name in sorted(used) if not hasattr(np, name)] == []
    missing = [name for name in sorted(used) if not hasattr(namespace, name)]
    assert missing == [], f"{namespace.__name__} has no {missing}: _rate may use only what both have"
