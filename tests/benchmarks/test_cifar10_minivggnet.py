"""bench/benchmarks/cifar10_minivggnet.py: source B's model and schedules."""

import pytest

pytest.importorskip("keras")
import bench.benchmarks.cifar10_minivggnet as vgg  # noqa: E402
from schedules.backend import keras  # noqa: E402


def test_architecture_is_source_b():
    model = vgg.build_model()
    kinds = [type(layer).__name__ for layer in model.layers]
    block = ["Conv2D", "Activation", "BatchNormalization"] * 2 + ["MaxPooling2D", "Dropout"]
    head = ["Flatten", "Dense", "Activation", "BatchNormalization", "Dropout", "Dense"]
    assert kinds == block * 2 + head
    assert [layer.filters for layer in model.layers if isinstance(layer, keras.layers.Conv2D)] == [32, 32, 64, 64]
    assert [layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)] == [0.25, 0.25, 0.5]
    assert model.layers[-1].units == 10 and model.layers[-6 + 1].units == 512


def test_step_decay_every_5_epochs_in_source_b_convention():
    quarter, half = vgg.BENCHMARK.case("step_0.25").build(), vgg.BENCHMARK.case("step_0.5").build()
    assert [quarter(e) for e in (0, 3, 4, 9)] == pytest.approx([0.01, 0.01, 0.0025, 0.000625])
    assert half(14) == pytest.approx(
        0.00125
    )  # B's printed figure belongs to factor 0.5 (docs/reference.md#reference-values)
    assert vgg.BENCHMARK.published_floors == {"step_0.25": 0.74, "step_0.5": 0.77}
