"""bench/benchmarks/cifar10_resnet.py: source A's architecture, and the whole pipeline on synthetic CIFAR files.

The pipeline test is what CI can run without a GPU or CIFAR-10: the real loader reads
files written here in CIFAR's on-disk format, a tiny ResNet of the same builder trains
through the harness, and the gate and the table run on its results.
"""

import numpy as np
import pytest

pytest.importorskip("keras")
import bench.benchmarks.cifar10_resnet as resnet  # noqa: E402
from bench.data import cifar10 as cifar10_data  # noqa: E402
from bench.stores import baselines  # noqa: E402
from schedules.backend import keras, tensorflow_backend_reason  # noqa: E402

pytestmark = pytest.mark.skipif(tensorflow_backend_reason() is not None, reason=str(tensorflow_backend_reason()))
pytest_plugins = ["pytester"]

TINY = {"stages": (1, 1, 1), "filters": (8, 8, 16, 32), "epochs": 1, "batch_size": 32}


@pytest.mark.e2e  # builds source A's 886,102-weight ResNet: about 0.7 s
def test_architecture_is_source_a():
    model = resnet.build_model()
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    # stem + 27 modules x 3 convs + 3 projection shortcuts (first module of each stage)
    assert len(convs) == 1 + 27 * 3 + 3
    assert all(c.use_bias is False and c.kernel_regularizer is not None for c in convs)
    assert [c.filters for c in convs[:5]] == [64, 16, 16, 64, 64]  # stem, then K/4, K/4, K, projection
    bns = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert {(b.epsilon, b.momentum) for b in bns} == {(2e-5, 0.9)}
    pooled = next(layer for layer in model.layers if isinstance(layer, keras.layers.AveragePooling2D))
    assert tuple(pooled.input.shape[1:]) == (8, 8, 256)  # three stages: 32 -> 32 -> 16 -> 8
    dense = model.layers[-1]
    assert dense.units == 10 and dense.kernel_regularizer is not None


def test_published_figures_and_floors_are_the_issue_s():
    assert resnet.BENCHMARK.published == {
        "none": 0.8421,
        "standard": 0.8208,
        "step": 0.8652,
        "linear": 0.8808,
        "poly": 0.8601,
    }
    assert resnet.BENCHMARK.published_floors == {
        "none": 0.83,
        "standard": 0.81,
        "step": 0.86,
        "linear": 0.87,
        "poly": 0.85,
    }
    assert resnet.BENCHMARK.case("standard").build().decay == pytest.approx(0.001)
    assert resnet.BENCHMARK.case("step").build()(98) == pytest.approx(2.44140625e-05)


INNER = """
import pytest
import bench.benchmarks.cifar10_resnet as resnet


@pytest.mark.slow
@pytest.mark.parametrize("schedule", ["linear"])
def test_case(bench_session, schedule):
    bench_session.check_requirements(resnet.BENCHMARK, "published", schedule)
    runs, verdicts = bench_session.run_case(resnet.BENCHMARK, "published", schedule)
    failures = bench_session.failures(verdicts)
    if failures:
        pytest.fail("\\\\n".join(v.failure_message() for v in failures), pytrace=False)
"""


@pytest.fixture
def synthetic(tmp_path):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 6 * 64)
    images = rng.integers(0, 256, (6 * 64, 32, 32, 3), dtype=np.uint8)
    images[..., 0] = (labels[:, None, None] * 25).astype(np.uint8)  # learnable: red encodes the class
    return cifar10_data.write_batches(tmp_path / "cifar-10-batches-py", images, labels, per_batch=64)


@pytest.fixture
def inner(pytester, tmp_path, monkeypatch):
    for key, value in TINY.items():
        monkeypatch.setitem(resnet.CONFIG, key, value)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-keras-home"))
    monkeypatch.delenv(cifar10_data.ENV_VAR, raising=False)
    pytester.makeini("[pytest]\nmarkers =\n    slow: trains\n    gpu: needs a GPU\n")
    pytester.makepyfile(test_inner=INNER)

    def run(*args):
        return pytester.runpytest(
            "-p",
            "bench.harness.plugin",
            "-p",
            "no:hypothesispytest",
            "-m",
            "slow",
            "--bench-seeds=1",
            f"--bench-baselines={tmp_path / 'baselines'}",
            f"--bench-results={tmp_path / 'results'}",
            *args,
        )

    return run


def _loose_baseline(directory):
    """A floor for the tiny configuration that any working pipeline meets (accuracy >= 0)."""
    floor = {
        "n": 1,
        "mean": 0.1,
        "std": 0.0,
        "min": 0.1,
        "max": 0.1,
        "threshold": 0.0,
        "better": "higher",
        "question": "worse",
        "provenance": {"source": "published", "reference": "a test floor"},
    }
    doc = {
        "format": baselines.FORMAT,
        "benchmark": "cifar10_resnet",
        "cases": {"published": {"linear": {"final_val_accuracy": floor}}},
    }
    baselines.write_atomic(baselines.path_for("cifar10_resnet", directory), doc)


@pytest.mark.e2e  # a pytest session that builds and trains the ResNet: about 3 s
def test_pipeline_end_to_end_on_synthetic_cifar(inner, synthetic, tmp_path):
    _loose_baseline(tmp_path / "baselines")
    gated = inner(f"--bench-cifar10={synthetic}", "--bench-allow-cpu")
    gated.assert_outcomes(passed=1)
    gated.stdout.fnmatch_lines(
        [
            "*cifar10_resnet/published/linear seed 0 (1 of 1) epoch 1/1: lr 0.1,*",
            "*cifar10_resnet*published*linear*final_val_accuracy*>= 0.0000*pass*",
            "*cifar10_resnet*published*linear*final_train_loss*none yet*new*",
        ]
    )


def test_without_gpu_or_data_it_skips_and_says_why(inner, synthetic):
    no_gpu = inner(f"--bench-cifar10={synthetic}", "-rs")
    no_gpu.assert_outcomes(skipped=1)
    no_gpu.stdout.fnmatch_lines(["*cifar10_resnet: needs a GPU*Pass --bench-allow-cpu*"])
    no_data = inner("--bench-allow-cpu", "-rs")
    no_data.assert_outcomes(skipped=1)
    no_data.stdout.fnmatch_lines(["*CIFAR-10 is not on this machine*--bench-cifar10=PATH*LR_SUITE_CIFAR10*"])
    required = inner("--bench-allow-cpu", "--bench-require-data")
    required.assert_outcomes(failed=1)
    required.stdout.fnmatch_lines(["*--bench-require-data turns this skip into a failure*"])
