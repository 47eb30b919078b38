"""bench/engine/portable.py on Keras 3's JAX and PyTorch backends: the numbers of the backend's own
``model.fit`` on the same batches, the rate checked, a non-finite loss stopped, the same seed the same numbers.

Runs where Keras runs on JAX or PyTorch (``tox -e keras3-jax``, ``tox -e keras3-torch``; under
TensorFlow the TensorFlow engines are used and tested instead: tests/engine/test_loop.py).
"""

import numpy as np
import pytest

from bench.benchmarks import ionosphere as io
from bench.engine import loop, portable, rules
from bench.engine.rules import epoch_order
from schedules.backend import BACKEND, keras

pytestmark = pytest.mark.skipif(
    BACKEND not in ("jax", "torch"),
    reason=f"the portable engine trains on Keras' JAX and PyTorch backends; this is {BACKEND}",
)


def _setup(seed, lr=None):
    x, y = io.load_data()
    train, val = io.split(x, y, "published", seed)
    keras.utils.set_random_seed(seed)
    s = io.BENCHMARK.case("step").build()
    rate = s.as_training_schedule(steps_per_epoch=9) if lr is None else lr
    return io.build_model(), keras.optimizers.SGD(rate, **io.BENCHMARK.case("step").optimizer), train, val, s


def _ours(seed, epochs, lr=None, **kw):
    model, opt, train, val, s = _setup(seed, lr)
    history = portable.train_loop(
        model,
        opt,
        keras.losses.BinaryCrossentropy(),
        keras.metrics.binary_accuracy,
        train,
        val,
        epochs=epochs,
        batch_size=28,
        seed=seed,
        **kw,
    )
    return history, model, opt, s


def _fit(seed, epochs):
    """The backend's own ``model.fit``, one epoch per call, on exactly the rows and batches ours visits."""
    model, opt, (x, y), val, _ = _setup(seed)
    model.compile(optimizer=opt, loss=keras.losses.BinaryCrossentropy(), metrics=[keras.metrics.binary_accuracy])
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for epoch in range(epochs):
        order = epoch_order(seed, epoch, len(x))
        h = model.fit(
            x[order],
            y[order],
            batch_size=28,
            epochs=epoch + 1,
            initial_epoch=epoch,
            shuffle=False,
            validation_data=val,
            verbose=0,
        ).history
        history["train_loss"] += h["loss"]
        history["val_loss"] += h["val_loss"]
        history["val_accuracy"] += h["val_binary_accuracy"]
    return history, model


@pytest.mark.e2e  # trains the ionosphere model twice, once with model.fit: about 3 s
def test_the_engine_gives_model_fit_s_numbers_on_the_same_batches():
    ours, model, _, _ = _ours(seed=3, epochs=4)
    fit, fitted = _fit(seed=3, epochs=4)
    np.testing.assert_allclose(ours["val_accuracy"], fit["val_accuracy"], rtol=0, atol=1e-6)
    assert all((a * 116).is_integer() for a in ours["val_accuracy"])  # whole rows
    np.testing.assert_allclose(ours["val_loss"], fit["val_loss"], rtol=1e-5)
    np.testing.assert_allclose(ours["train_loss"], fit["train_loss"], rtol=1e-5)
    for mine, theirs in zip(model.get_weights(), fitted.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-7)


@pytest.mark.e2e  # trains the ionosphere model twice: about 2 s
def test_the_same_seed_gives_the_same_numbers_bit_for_bit():
    first, _, _, _ = _ours(seed=5, epochs=3)
    second, _, _, _ = _ours(seed=5, epochs=3)
    assert first == second
    other, _, _, _ = _ours(seed=6, epochs=3)
    assert other["train_loss"] != first["train_loss"]


@pytest.mark.e2e  # trains the ionosphere model 12 epochs: about 1 s
def test_the_rate_the_optimizer_used_is_recorded_and_checked():
    s = io.BENCHMARK.case("step").build()
    history, _, opt, _ = _ours(seed=0, epochs=12, expected_lr=lambda epoch, it: s(epoch))
    np.testing.assert_allclose(history["lr"], [0.1] * 10 + [0.05] * 2, rtol=1e-6)  # D: halves at epoch 10
    assert int(np.asarray(opt.iterations)) == 12 * 9  # the optimizer's own count, written back
    with pytest.raises(rules.WiringError, match="epoch 0: the optimizer's rate is 0.1.* schedule gives 0.2"):
        _ours(seed=0, epochs=3, expected_lr=lambda epoch, it: 0.2)


@pytest.mark.e2e  # trains the ionosphere model one epoch: about 1 s
def test_a_non_finite_loss_stops_the_run_naming_the_epoch_and_batch():
    seen = []
    with pytest.raises(rules.NonFiniteLoss, match=r"loss became nan at epoch 0, batch 1 \(rate nan\)"):
        _ours(seed=0, epochs=50, lr=float("nan"), on_epoch=lambda e, r: seen.append(e))  # NaN weights after one step
    assert seen == []  # not one epoch finished


def test_tensorflow_only_options_are_refused_with_what_to_do():
    model, opt, train, val, _ = _setup(0)
    with pytest.raises(ValueError, match="--bench-xla and --bench-mixed-precision are TensorFlow's options"):
        loop.train_loop(
            model,
            opt,
            keras.losses.BinaryCrossentropy(),
            keras.metrics.binary_accuracy,
            train,
            val,
            epochs=1,
            batch_size=28,
            seed=0,
            xla=True,
        )


@pytest.mark.e2e  # trains the ionosphere model 2 epochs: about 1 s
def test_kept_predictions_are_the_final_model_s_on_every_validation_row():
    history, _, _, _ = _ours(seed=2, epochs=2, keep_predictions=True)
    predicted, true = history["val_predicted"], history["val_true"]
    assert len(predicted) == len(true) == 116 and set(predicted) <= {0, 1}
    assert sum(p == t for p, t in zip(predicted, true)) == round(history["val_accuracy"][-1] * 116)
