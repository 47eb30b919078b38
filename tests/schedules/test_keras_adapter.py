"""Keras adapters: the rate the optimizer actually applied equals s(t).

The probe: one weight w, no bias, inputs x = 1 and targets -1000 under mean
absolute error, so dLoss/dw = 1 for w near 0. Plain SGD (no momentum) then moves
w by exactly -lr. Resetting w to 0 before every batch and reading it after gives
the rate applied at that iteration, in float32, straight from the weights: not
from our function and not from the optimizer's own report.
"""

import warnings

import numpy as np
import pytest

pytest.importorskip("keras")
from schedules._keras import keras  # noqa: E402
import schedules  # noqa: E402
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


class RecordAppliedRate(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        self.model.layers[-1].kernel.assign(np.zeros((1, 1), "float32"))

    def on_train_batch_end(self, batch, logs=None):
        self.rates.append(-float(self.model.layers[-1].kernel.numpy()[0, 0]))


def probe_model(optimizer):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False,
                                                                    kernel_initializer="zeros")])
    model.compile(optimizer=optimizer, loss="mae")
    return model


def applied_rates(model, epochs=EPOCHS, callbacks=(), initial_epoch=0):
    x = np.ones((STEPS_PER_EPOCH, 1), "float32")
    y = np.full((STEPS_PER_EPOCH, 1), -1000.0, "float32")
    recorder = RecordAppliedRate()
    model.fit(x, y, batch_size=1, epochs=epochs, initial_epoch=initial_epoch, shuffle=False,
              verbose=0, callbacks=[*callbacks, recorder])
    return np.array(recorder.rates)


EPOCH_SCHEDULES = {
    "constant": {"lr": 0.05},
    "time": {"initial_lr": 0.1, "decay": 0.5},
    "step": {"initial_lr": 0.1, "factor": 0.5, "drop_every": 2},
    "linear": {"initial_lr": 0.1, "max_epochs": 4},
    "poly": {"initial_lr": 0.1, "max_epochs": 4, "power": 2, "final_lr": 0.001},
    "exp": {"initial_lr": 0.1, "k": 0.3},
}
ITERATION_SCHEDULES = {
    "standard": {"initial_lr": 0.1, "decay": 0.5},
    "onecycle": {"max_lr": 0.1, "total_steps": 16, "final_fraction": 0.25},
    "cyclical": {"base_lr": 0.01, "max_lr": 0.1, "step_size": 3, "mode": "triangular2"},
    "cosine": {"initial_lr": 0.1, "decay_steps": 12, "final_lr": 0.01, "warmup_steps": 3},
}
ITERATIONS = np.arange(EPOCHS * STEPS_PER_EPOCH)


def test_every_schedule_has_a_wiring_case():
    assert sorted({**EPOCH_SCHEDULES, **ITERATION_SCHEDULES}) == schedules.available()


@pytest.mark.parametrize("name", EPOCH_SCHEDULES)
def test_callback_applies_s_of_epoch_to_every_batch(name):
    s = schedules.get(name, **EPOCH_SCHEDULES[name])
    rates = applied_rates(probe_model(keras.optimizers.SGD(0.123)), callbacks=[s.as_callback()])
    close(rates, s.values(ITERATIONS // STEPS_PER_EPOCH))


@pytest.mark.parametrize("name", EPOCH_SCHEDULES)
def test_keras_schedule_holds_the_epoch_value_within_each_epoch(name):
    s = schedules.get(name, **EPOCH_SCHEDULES[name])
    opt = keras.optimizers.SGD(learning_rate=s.as_keras_schedule(steps_per_epoch=STEPS_PER_EPOCH))
    rates = applied_rates(probe_model(opt))
    close(rates, s.values(ITERATIONS // STEPS_PER_EPOCH))


@pytest.mark.parametrize("name", ITERATION_SCHEDULES)
def test_keras_schedule_applies_s_of_iteration(name):
    s = schedules.get(name, **ITERATION_SCHEDULES[name])
    rates = applied_rates(probe_model(keras.optimizers.SGD(learning_rate=s.as_keras_schedule())))
    close(rates, s.values(ITERATIONS))
    assert len(np.unique(rates)) > 3, "the probe saw a constant rate"


@pytest.mark.skipif(KERAS_MAJOR < 3, reason="Keras 3 behaviour; Keras 2 has its own test below")
def test_keras3_sgd_decay_is_silently_ignored_while_standard_decays():
    """The silent regression this suite exists to catch (REFERENCE.md s1)."""
    with pytest.warns(UserWarning, match="`decay` is no longer supported and will be ignored"):
        legacy_style = keras.optimizers.SGD(learning_rate=0.1, decay=0.5)
    ignored = applied_rates(probe_model(legacy_style), epochs=2)
    close(ignored, 0.1)  # constant: decay did nothing

    standard = schedules.get("standard", initial_lr=0.1, decay=0.5)
    ours = applied_rates(probe_model(keras.optimizers.SGD(standard.as_keras_schedule())), epochs=2)
    close(ours, [0.1 / (1 + 0.5 * i) for i in range(8)])


@pytest.mark.skipif(KERAS_MAJOR >= 3, reason="Keras 2 only: its legacy optimizers still take `decay`")
def test_keras2_legacy_decay_is_exactly_standard():
    with pytest.raises(ValueError):
        keras.optimizers.SGD(learning_rate=0.1, decay=0.5)  # TF 2.11+'s new optimizers refuse it
    legacy = keras.optimizers.legacy.SGD(learning_rate=0.1, decay=0.5)
    standard = schedules.get("standard", initial_lr=0.1, decay=0.5)
    close(applied_rates(probe_model(legacy), epochs=2),
                               standard.values(np.arange(8)))


def test_saved_model_resumes_with_the_same_rates(tmp_path):
    s = schedules.get("cyclical", base_lr=0.01, max_lr=0.1, step_size=3)
    model = probe_model(keras.optimizers.SGD(s.as_keras_schedule()))
    first = applied_rates(model, epochs=2)
    path = tmp_path / "probe.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.optimizer._learning_rate, KerasSchedule)
    assert int(loaded.optimizer.iterations.numpy()) == 2 * STEPS_PER_EPOCH
    resumed = applied_rates(loaded, epochs=4, initial_epoch=2)
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
