"""bench/engine/stacked.py: seeds trained together equal themselves trained alone, bit for bit,
and equal Keras' own one-seed loop to float32 rounding."""

import numpy as np
import pytest

pytest.importorskip("keras")
from schedules.backend import keras, tensorflow_backend_reason  # noqa: E402

pytestmark = pytest.mark.skipif(tensorflow_backend_reason() is not None, reason=str(tensorflow_backend_reason()))
from bench.benchmarks import RunOptions, boston_housing, digits, ionosphere  # noqa: E402
from bench.engine import rules, stacked  # noqa: E402

SHORT = RunOptions(epochs=3)


def _weights_after(benchmark_module, case, seeds, protocol, options=SHORT):
    """Per-seed histories, and each seed's final weights, from one group: the models the run builds for its
    seeds (``Benchmark.new_model``), in order."""
    from bench.benchmarks.spec import Benchmark

    models = []
    new_model = Benchmark.new_model

    def recording(self, build_model, seed, options):
        models.append(new_model(self, build_model, seed, options))
        return models[-1]

    Benchmark.new_model = recording
    try:
        runs = benchmark_module.BENCHMARK.run(case, seeds, protocol, options=options)
    finally:
        Benchmark.new_model = new_model
    assert len(models) == len(seeds)
    return runs, [[w.numpy() for w in m.weights] for m in models]


@pytest.mark.e2e  # trains each benchmark's model four times: about 1 s each
@pytest.mark.parametrize(
    "module, case, protocol",
    [
        (ionosphere, "step", "stratified"),  # every seed its own split, as well as its own order
        (digits, "cosine", "holdout"),  # a convolution and a max-pool
        (boston_housing, "constant", "keras_split"),  # MSE, linear output
    ],
)
def test_a_seed_gives_the_same_bits_alone_as_in_a_group(module, case, protocol):
    group, group_weights = _weights_after(module, case, [11, 12, 13], protocol)
    alone, alone_weights = _weights_after(module, case, [12], protocol)
    assert alone[0].history == group[1].history
    assert alone[0].metrics == group[1].metrics
    for a, b in zip(alone_weights[0], group_weights[1]):
        assert np.array_equal(a, b)
    assert group[0].history != group[1].history  # the copies did train apart


@pytest.mark.e2e  # trains each benchmark's model with both engines: about 1 s each
@pytest.mark.parametrize(
    "module, case, protocol, rtol",
    [
        (ionosphere, "step", "published", 1e-5),
        (digits, "cosine", "holdout", 1e-5),
        (boston_housing, "constant", "keras_split", 1e-4),
    ],
)
def test_stacked_equals_keras_one_seed_loop_to_float32_rounding(module, case, protocol, rtol):
    """Not bit for bit: the bias gradient and the loss mean are summed in another order, so the two
    drift apart by rounding (about 1e-7 relative after 3 epochs; 1e-3 on Boston's RMSE after 100)."""
    ours = module.BENCHMARK.run(case, [5], protocol, options=SHORT)[0]
    keras_run = module.BENCHMARK.train(case, 5, protocol, options=RunOptions(epochs=3, engine="keras"))
    assert ours.environment["engine"] == "stacked" and keras_run.environment["engine"] == "keras"
    for key in ("lr", "train_loss", "val_loss"):
        np.testing.assert_allclose(ours.history[key], keras_run.history[key], rtol=rtol)
    for key in ours.metrics:
        np.testing.assert_allclose(ours.metrics[key], keras_run.metrics[key], rtol=rtol, err_msg=key)


def test_padding_puts_64_elements_after_the_last_real_copy():
    assert stacked.padding_copies(11) == 6  # ionosphere's last batch: 11 rows x 1 output
    assert stacked.padding_copies(64) == 1
    assert stacked.padding_copies(65) == 1
    assert stacked.padding_copies(1) == 64


def _mlp(seed, layers):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4,)), *layers])


def test_a_layer_it_cannot_reproduce_is_refused_before_training():
    models = [_mlp(0, [keras.layers.Dense(3), keras.layers.BatchNormalization(), keras.layers.Dense(1)])]
    data = (np.zeros((8, 4), np.float32), np.zeros((8, 1), np.float32))
    with pytest.raises(stacked.CannotStack, match="BatchNormalization is not supported"):
        stacked.train_stacked(
            models,
            keras.optimizers.SGD(0.1),
            keras.losses.mean_squared_error,
            keras.metrics.mean_absolute_error,
            [data],
            [data],
            epochs=1,
            batch_size=4,
            seeds=[0],
        )
    regularized = [_mlp(0, [keras.layers.Dense(1, kernel_regularizer="l2")])]
    with pytest.raises(stacked.CannotStack, match="kernel_regularizer"):
        stacked.train_stacked(
            regularized,
            keras.optimizers.SGD(0.1),
            keras.losses.mean_squared_error,
            keras.metrics.mean_absolute_error,
            [data],
            [data],
            epochs=1,
            batch_size=4,
            seeds=[0],
        )


@pytest.mark.e2e  # compiles and runs the engine's epoch: about 0.5 s
def test_a_diverging_copy_is_named_with_its_epoch_and_batch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 4)).astype(np.float32)
    data = (x, (x.sum(axis=1, keepdims=True) * 1e3).astype(np.float32))
    models = [_mlp(s, [keras.layers.Dense(1)]) for s in (0, 1)]
    seen = []
    with pytest.raises(rules.NonFiniteLoss, match=r"loss became (nan|inf) at epoch 0, batch \d+ .*seed\(s\) \[0, 1\]"):
        stacked.train_stacked(
            models,
            keras.optimizers.SGD(1e6),
            keras.losses.mean_squared_error,
            keras.metrics.mean_absolute_error,
            [data, data],
            [data, data],
            epochs=5,
            batch_size=8,
            seeds=[0, 1],
            on_epoch=lambda e, r: seen.append(e),
        )
    assert seen == []


@pytest.mark.e2e  # compiles and runs the engine's epoch: about 0.5 s
def test_wiring_mismatch_fails_at_the_first_epoch():
    data = (np.zeros((8, 4), np.float32), np.zeros((8, 1), np.float32))
    with pytest.raises(rules.WiringError, match="epoch 0: the optimizer's rate is 0.1.* schedule gives 0.2"):
        stacked.train_stacked(
            [_mlp(0, [keras.layers.Dense(1)])],
            keras.optimizers.SGD(0.1),
            keras.losses.mean_squared_error,
            keras.metrics.mean_absolute_error,
            [data],
            [data],
            epochs=2,
            batch_size=4,
            seeds=[0],
            expected_lr=lambda epoch, it: 0.2,
        )


def test_unequal_data_sizes_are_refused():
    a = (np.zeros((8, 4), np.float32), np.zeros((8, 1), np.float32))
    b = (np.zeros((9, 4), np.float32), np.zeros((9, 1), np.float32))
    with pytest.raises(ValueError, match="same number of rows"):
        stacked.train_stacked(
            [_mlp(0, [keras.layers.Dense(1)])] * 2,
            keras.optimizers.SGD(0.1),
            keras.losses.mean_squared_error,
            keras.metrics.mean_absolute_error,
            [a, b],
            [a, a],
            epochs=1,
            batch_size=4,
            seeds=[0, 1],
        )
