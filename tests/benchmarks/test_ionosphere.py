"""bench/benchmarks/ionosphere.py and bench/data/vendored.py: data, splits, protocol."""

import shutil

import numpy as np
import pytest

from bench.benchmarks import RunOptions
from bench.benchmarks import ionosphere as io
from bench.data import vendored
from bench.data.vendored import CHECKSUMS, DataFileError, verified_path


def test_data_is_the_uci_file():
    x, y = io.load_data()
    assert x.shape == (351, 34) and y.shape == (351, 1)
    assert int(y.sum()) == 225  # UCI: 225 "good", 126 "bad"
    assert x[0, 0] == 1.0 and x[0, 2] == pytest.approx(0.99539)  # first row of the file


def test_published_split_is_keras_validation_split():
    x, y = io.load_data()
    (xt, yt), (xv, yv) = io.split(x, y, "published", seed=0)
    assert (len(xt), len(xv)) == (235, 116)
    assert int(yv.sum()) == 107 and int(yt.sum()) == 118  # docs/reference.md#d-mlp-on-uci-ionosphere
    assert float(yv.mean()) == pytest.approx(0.922, abs=5e-4)  # the majority rate
    assert np.array_equal(xv, x[235:])


def test_stratified_split_keeps_class_shares_and_varies_by_seed():
    x, y = io.load_data()
    (xt, yt), (xv, yv) = io.split(x, y, "stratified", seed=0)
    assert (len(xt), len(xv)) == (235, 116)
    assert int(yv.sum()) == 74  # round(225 * 0.33) good, round(126 * 0.33) = 42 bad
    rows = {tuple(r) for r in np.concatenate([xt, xv])}
    assert len(rows) == len({tuple(r) for r in x})  # a partition: nothing lost or repeated
    (_, _), (xv_again, _) = io.split(x, y, "stratified", seed=0)
    (_, _), (xv_other, _) = io.split(x, y, "stratified", seed=1)
    assert np.array_equal(xv, xv_again) and not np.array_equal(xv, xv_other)


def test_time_based_run_is_per_iteration_decay_on_every_keras():
    case = io.BENCHMARK.case("time")
    s = case.build()
    assert (s.name, s.unit, s.initial_lr, s.decay, case.optimizer["momentum"]) == (
        "standard",
        "iteration",
        0.1,
        0.002,
        0.8,
    )
    step = io.BENCHMARK.case("step").build()
    assert (step(9), step(10)) == (0.1, 0.05)  # source D's convention: first drop at epoch 10


def test_unknown_protocol_and_schedule_are_clear_errors():
    x, y = io.load_data()
    with pytest.raises(ValueError, match="Unknown protocol 'kfold'; valid: published, stratified"):
        io.split(x, y, "kfold", 0)
    with pytest.raises(ValueError, match="Unknown ionosphere case 'cosine'; valid: constant, time"):
        io.BENCHMARK.train("cosine", 0)


def test_missing_data_file_says_how_to_restore_it(tmp_path, monkeypatch):
    # outside the checkout, git cannot restore it: say where the file comes from instead
    with pytest.raises(
        DataFileError,
        match=r"ionosphere.data is missing\. Copy the project's bench/data/ionosphere.data "
        "into ",
    ):
        verified_path("ionosphere.data", data_dir=tmp_path)
    # the project's own folder: git restores it
    monkeypatch.setattr(vendored, "DATA_DIR", tmp_path)
    with pytest.raises(
        DataFileError, match=r"ionosphere.data is missing\. Restore it with `git checkout -- bench/data/"
    ):
        verified_path("ionosphere.data", data_dir=tmp_path)


def test_corrupt_data_file_is_refused(tmp_path):
    shutil.copy(verified_path("ionosphere.data"), tmp_path / "ionosphere.data")
    with open(tmp_path / "ionosphere.data", "r+b") as f:
        f.seek(100)
        f.write(b"9")
    with pytest.raises(
        DataFileError, match=f"is corrupt: sha256 [0-9a-f]{{64}}, expected {CHECKSUMS['ionosphere.data']}"
    ):
        verified_path("ionosphere.data", data_dir=tmp_path)


@pytest.mark.e2e  # trains the benchmark: about 1 s
def test_short_run_returns_a_complete_record(monkeypatch):
    pytest.importorskip("keras")
    if io.BENCHMARK.unmet(RunOptions()):
        pytest.skip(io.BENCHMARK.unmet(RunOptions())[1])
    run = io.BENCHMARK.train("exp", seed=1, protocol="published", options=RunOptions(epochs=3))
    assert run.metrics.keys() == {
        "final_val_accuracy",
        "best_val_accuracy",
        "epochs_to_target",
        "final_train_loss",
        "mean_train_loss",
        "final_val_loss",
    }
    np.testing.assert_allclose(run.history["lr"], [0.01, 0.0099004983, 0.0098019867], rtol=1e-6)
    assert run.majority_rate == pytest.approx(107 / 116)
    backend = run.environment["keras_backend"]  # and that backend's version: TensorFlow's, JAX's or PyTorch's
    assert run.environment["tensorflow" if backend == "tensorflow" else backend] and run.environment["device"]
