"""bench/benchmarks/boston_housing.py: vendored data, Keras' split, standardization."""

import numpy as np
import pytest

from bench.benchmarks import boston_housing as bh
from bench.data.vendored import verified_path


def test_split_sizes_are_keras_and_rows_are_a_partition():
    (xt, yt), (xv, yv) = bh.load_data()
    assert (xt.shape, yt.shape, xv.shape, yv.shape) == ((404, 13), (404, 1), (102, 13), (102, 1))  # Keras docs
    raw = np.loadtxt(verified_path("boston_housing.csv"), delimiter=",")
    assert sorted(np.concatenate([yt, yv])[:, 0].tolist()) == pytest.approx(sorted(raw[:, 13].tolist()))
    assert raw[0, 13] == 24.0 and raw.shape == (506, 14)  # MEDV of the first row, as published


def test_features_are_standardized_on_the_training_rows_only():
    (xt, _), (xv, _) = bh.load_data()
    np.testing.assert_allclose(xt.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(xt.std(axis=0), 1, atol=1e-5)
    assert np.abs(xv.mean(axis=0)).max() > 0.01  # the validation rows were not used for the statistics


def test_unknown_schedule_and_protocol():
    with pytest.raises(ValueError, match="Unknown boston_housing protocol 'random'; valid: keras_split"):
        bh.BENCHMARK.train("constant", 0, protocol="random")
    with pytest.raises(ValueError, match="Unknown boston_housing case 'step'; valid: constant, onecycle"):
        bh.BENCHMARK.train("step", 0)


def test_the_ethical_problem_is_stated_where_the_data_is_used():
    assert "ethical problem" in bh.__doc__ and "Black residents" in bh.__doc__
