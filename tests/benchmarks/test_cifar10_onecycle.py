"""bench/benchmarks/cifar10_onecycle.py and bench/benchmarks/fashion_mnist_onecycle.py: protocol pieces that need
no data."""

import numpy as np
import pytest

pytest.importorskip("keras")
import bench.benchmarks.cifar10_onecycle as c10  # noqa: E402
import bench.benchmarks.fashion_mnist_onecycle as fmn  # noqa: E402
from bench.benchmarks import RunOptions, classifier  # noqa: E402
from bench.data import cifar10 as cifar10_data  # noqa: E402


def test_cifar10_inputs_are_standardized_per_channel(tmp_path):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (12, 32, 32, 3), dtype=np.uint8)
    folder = cifar10_data.write_batches(tmp_path / "c", images, rng.integers(0, 10, 12), per_batch=2)
    (x, y), (xt, yt) = c10.load_data(folder)
    np.testing.assert_allclose(x.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(x.std(axis=(0, 1, 2)), 1, atol=1e-4)
    assert y.shape == (10, 10) and yt.shape == (2, 10) and np.all(y.sum(axis=1) == 1)


@pytest.mark.e2e  # a range test on the model: about 1 s
def test_onecycle_takes_max_lr_from_a_range_test_on_the_model_it_trains(monkeypatch):
    monkeypatch.setitem(fmn.CONFIG, "range_test", {"min_lr": 1e-4, "max_lr": 10.0, "num_iterations": 20})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 28, 28, 1)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 256)]
    model = fmn.BENCHMARK.new_model(fmn.build_model, 0, RunOptions())
    s, extra = classifier.range_tested(fmn.BENCHMARK, "onecycle", 0, model, (x, y), RunOptions())
    assert s.name == "onecycle" and s.max_lr == extra["range_test"]["suggested_max_lr"]
    assert 1e-4 / 10 <= s.max_lr <= 10.0 / 10
    assert s.total_steps == fmn.CONFIG["epochs"] * 8  # 256 rows at batch 32
    assert model.name == "fashion_cnn"
    constant, none = classifier.range_tested(fmn.BENCHMARK, "constant", 0, model, (x, y), RunOptions())
    assert (constant.name, constant.lr, none) == ("constant", 0.01, {})
    with pytest.raises(ValueError, match="Unknown fashion_mnist_onecycle case 'step'"):
        classifier.range_tested(fmn.BENCHMARK, "step", 0, model, (x, y), RunOptions())
