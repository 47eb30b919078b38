"""The exponential learning-rate range test (source C)."""

import numpy as np
import pytest

from schedules.range_test import suggest_max_lr


def test_suggestion_is_a_tenth_of_the_rate_at_the_lowest_loss():
    lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    assert suggest_max_lr(lrs, [3.0, 2.5, 1.0, 0.4, 9.0]) == pytest.approx(1e-2)
    assert suggest_max_lr(lrs, [3.0, 0.5, 1.0, 2.0, 9.0], divisor=5) == pytest.approx(2e-4)


def test_suggestion_ignores_non_finite_losses():
    assert suggest_max_lr([0.1, 1.0, 10.0], [1.0, 0.5, np.nan]) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "lrs, losses, match",
    [
        ([], [], "non-empty"),
        ([0.1, 1.0], [1.0], "equally long"),
        ([0.1, 1.0], [np.nan, np.inf], "lower `min_lr`"),
    ],
)
def test_suggestion_bad_input(lrs, losses, match):
    with pytest.raises(ValueError, match=match):
        suggest_max_lr(lrs, losses)


pytest.importorskip("keras")
from schedules.backend import keras  # noqa: E402


@pytest.fixture
def regression():
    """y = 3x + noise, x ~ N(0, 1): for MSE, SGD diverges above lr = 2 / (2 E[x^2]) = 1."""
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2048, 1)).astype("float32")
    y = (3 * x + 0.1 * rng.standard_normal((2048, 1))).astype("float32")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss="mse")
    return model, x, y


@pytest.mark.e2e  # trains through a 200-step range test and plots it: about 0.6 s
def test_range_test_finds_the_divergence_point_and_restores_everything(regression, tmp_path):
    from schedules.range_test import lr_range_test

    model, x, y = regression
    model.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0)  # optimizer state exists
    weights = [w.copy() for w in model.get_weights()]
    opt_state = [v.numpy().copy() for v in model.optimizer.variables]

    result = lr_range_test(model, x, y, batch_size=32, min_lr=1e-4, max_lr=10.0, num_iterations=200)

    assert result.stopped_early and len(result.lrs) < 200
    assert result.lrs[0] == pytest.approx(1e-4)
    np.testing.assert_allclose(np.diff(np.log(result.lrs)), np.log(1e5) / 199, rtol=1e-9)
    # With momentum 0.9 the SGD stability limit is 2(1+0.9)/2 = 1.9; the loss must turn
    # before the rate passes ~2, so the suggestion is ~0.1-0.2, and not below 0.02.
    assert 0.02 < result.suggested_max_lr < 0.3
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))
    assert all(np.array_equal(a, v.numpy()) for a, v in zip(opt_state, model.optimizer.variables))
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.05)

    path = result.plot(tmp_path / "range.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_range_test_validates_its_arguments(regression):
    from schedules.range_test import LRRangeTest, lr_range_test

    model, x, y = regression
    with pytest.raises(ValueError, match="`max_lr` must be > `min_lr`"):
        LRRangeTest(min_lr=1.0, max_lr=0.1)
    with pytest.raises(ValueError, match="`num_iterations` must be an integer >= 2"):
        LRRangeTest(num_iterations=1)
    with pytest.raises(ValueError, match="`explode_factor` must be > 1"):
        LRRangeTest(explode_factor=1.0)
    with pytest.raises(ValueError, match="`batch_size` must be <= the number of rows"):
        lr_range_test(model, x[:10], y[:10], batch_size=32)
