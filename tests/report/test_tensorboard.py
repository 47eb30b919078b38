"""bench/report/tensorboard.py: the event files read back with TensorFlow's own reader."""

import pytest

from bench.engine.records import RunResult
from bench.report import tensorboard


@pytest.fixture
def tf():
    """TensorFlow, which writes the event files and reads them back; Keras 3 on JAX or PyTorch has none."""
    return pytest.importorskip("tensorflow")


def read_scalars(tf, folder):
    out = {}
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, float(tf.make_ndarray(value.tensor))))
    return out


def test_every_epoch_s_scalars_come_back_under_one_folder_per_case_and_seed(tf, tmp_path):
    history = {
        "lr": [0.1, 0.05],
        "train_loss": [0.7, 0.5],
        "train_accuracy": [0.6, 0.8],
        "val_loss": [0.65, 0.55],
        "val_accuracy": [0.62, 0.75],
    }
    run = RunResult("demo", "p", "step", 3, {}, history, 0.1, 0.5, {})
    folder = tensorboard.write_run(tmp_path, run)
    assert folder == tmp_path / "demo" / "p" / "step" / "seed_3"
    scalars = read_scalars(tf, folder)
    assert scalars["learning_rate"] == [(1, pytest.approx(0.1)), (2, pytest.approx(0.05))]
    assert scalars["loss/train"] == [(1, pytest.approx(0.7)), (2, pytest.approx(0.5))]
    assert scalars["loss/validation"] == [(1, pytest.approx(0.65)), (2, pytest.approx(0.55))]
    assert scalars["accuracy/train"] == [(1, pytest.approx(0.6)), (2, pytest.approx(0.8))]
    assert scalars["accuracy/validation"] == [(1, pytest.approx(0.62)), (2, pytest.approx(0.75))]
