"""bench/engine/loop.py: the compiled loop equals model.fit, stops on NaN, checks wiring."""

import numpy as np
import pytest

from bench.engine.rules import epoch_order

pytest.importorskip("keras")
from schedules.backend import keras, tensorflow_backend_reason  # noqa: E402

pytestmark = pytest.mark.skipif(tensorflow_backend_reason() is not None, reason=str(tensorflow_backend_reason()))
from bench.benchmarks import ionosphere as io  # noqa: E402
from bench.engine import compiled, loop, rules  # noqa: E402


def test_epoch_order_is_a_stateless_permutation():  # pure NumPy, but the module needs TF
    a = epoch_order(seed=3, epoch=7, n=235)
    assert sorted(a.tolist()) == list(range(235))
    assert np.array_equal(a, epoch_order(3, 7, 235))  # same seed and epoch: same order
    assert not np.array_equal(a, epoch_order(3, 8, 235))
    assert not np.array_equal(a, epoch_order(4, 7, 235))


def _setup(seed, lr=None):
    x, y = io.load_data()
    train, val = io.split(x, y, "published", seed)
    keras.utils.set_random_seed(seed)
    case = io.BENCHMARK.case("step")
    s = case.build()
    rate = s.as_keras_schedule(steps_per_epoch=9) if lr is None else lr
    return io.build_model(), keras.optimizers.SGD(rate, **case.optimizer), train, val, s


def _run(runner, seed, epochs, lr=None, **kw):
    model, opt, train, val, _ = _setup(seed, lr)
    return runner(
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


@pytest.mark.e2e  # trains the ionosphere model twice, once with model.fit: about 1.6 s
def test_train_loop_reproduces_model_fit_on_the_same_batches():
    """The suite's loop runs source D's protocol exactly: same numbers as Keras' own fit."""
    ours = _run(loop.train_loop, seed=3, epochs=4)
    fit = _run(compiled.fit_in_same_order, seed=3, epochs=4)
    # the same rows right each epoch; ours is the exact fraction, fit's a float32 mean of it
    np.testing.assert_allclose(ours["val_accuracy"], fit["val_accuracy"], rtol=0, atol=1e-7)
    assert all((a * 116).is_integer() for a in ours["val_accuracy"])
    np.testing.assert_allclose(ours["val_loss"], fit["val_loss"], rtol=1e-5)
    np.testing.assert_allclose(ours["train_loss"], fit["train_loss"], rtol=1e-5)
    # fit's training accuracy is its running mean over the epoch's batches, as ours is
    np.testing.assert_allclose(ours["train_accuracy"], fit["train_accuracy"], rtol=1e-5)


def _per_batch_loop(model, optimizer, loss_fn, train, *, epochs, batch_size, seed):
    """The loop as it was before epochs were compiled: one traced step per batch, from the host."""
    import tensorflow as tf

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    x, y = train
    losses = []
    for epoch in range(epochs):
        order = epoch_order(seed, epoch, len(x))
        total = 0.0
        for start in range(0, len(x), batch_size):
            rows = order[start : start + batch_size]
            total += float(step(x[rows], y[rows])) * len(rows)
        losses.append(total / len(x))
    return losses


@pytest.mark.e2e  # trains the ionosphere model twice: about 0.8 s
def test_compiled_epochs_give_the_per_batch_loop_s_numbers_bit_for_bit():
    model, opt, train, val, _ = _setup(4)
    reference = _per_batch_loop(model, opt, keras.losses.BinaryCrossentropy(), train, epochs=6, batch_size=28, seed=4)
    reference_weights = [w.numpy() for w in model.weights]
    model, opt, train, val, _ = _setup(4)
    ours = loop.train_loop(
        model,
        opt,
        keras.losses.BinaryCrossentropy(),
        keras.metrics.binary_accuracy,
        train,
        val,
        epochs=6,
        batch_size=28,
        seed=4,
    )
    assert ours["train_loss"] == reference
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(reference_weights, model.weights))


@pytest.mark.e2e  # trains the ionosphere model 12 epochs: about 0.5 s
def test_history_records_the_rate_the_optimizer_used():
    model, opt, train, val, s = _setup(0)
    h = loop.train_loop(
        model,
        opt,
        keras.losses.BinaryCrossentropy(),
        keras.metrics.binary_accuracy,
        train,
        val,
        epochs=12,
        batch_size=28,
        seed=0,
        expected_lr=lambda epoch, it: s(epoch),
    )
    np.testing.assert_allclose(h["lr"], [0.1] * 10 + [0.05] * 2, rtol=1e-6)  # D: halves at epoch 10


@pytest.mark.e2e  # compiles and runs the engine's epoch: about 0.5 s
def test_wiring_mismatch_fails_at_the_first_epoch():
    with pytest.raises(rules.WiringError, match="epoch 0: the optimizer's rate is 0.1.* schedule gives 0.2"):
        _run(loop.train_loop, seed=0, epochs=3, expected_lr=lambda epoch, it: 0.2)


@pytest.mark.e2e  # compiles and runs the engine's epoch: about 0.5 s
def test_nan_loss_stops_the_run_at_that_batch():
    model, opt, train, val, _ = _setup(0, lr=1e12)
    seen = []
    with pytest.raises(rules.NonFiniteLoss, match=r"loss became (nan|inf) at epoch 0, batch \d+"):
        loop.train_loop(
            model,
            opt,
            keras.losses.BinaryCrossentropy(),
            keras.metrics.binary_accuracy,
            train,
            val,
            epochs=50,
            batch_size=28,
            seed=0,
            on_epoch=lambda e, r: seen.append(e),
        )
    assert seen == []  # not one epoch finished
    assert int(opt.iterations.numpy()) < 9  # stopped inside the first epoch
