"""--bench-quick in a pytest session: a GPU case on CIFAR-10 trains on the CPU, on synthetic files where the data
is absent, says it was not judged, and fails where its loader or model is broken.

Each session runs ``tests/test_accuracy.py`` itself (copied in) on one case of source B's MiniVGGNet.
"""

from pathlib import Path

import pytest

from bench.data import cifar10 as cifar10_data

pytest_plugins = ["pytester"]
ACCURACY = (Path(__file__).resolve().parents[1] / "test_accuracy.py").read_text()
CASE = "cifar10_minivggnet/published/step_0.5"


@pytest.fixture(scope="module", autouse=True)
def _tensorflow_first():
    """Keras and the benchmarks imported before pytester exists (it drops modules a test imports, and
    TensorFlow cannot be imported twice in one process)."""
    pytest.importorskip("keras")
    import schedules.backend  # noqa: F401
    from bench import benchmarks
    from bench.stores import history_store  # noqa: F401  (SQLAlchemy: its events break when imported twice)

    benchmarks.all_benchmarks()


@pytest.fixture
def quick(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty-keras-home"))  # no CIFAR-10 on this machine
    monkeypatch.delenv(cifar10_data.ENV_VAR, raising=False)
    pytester.makeini("[pytest]\nmarkers =\n    slow: trains\n    gpu: needs a GPU\n")
    pytester.makepyfile(test_accuracy=ACCURACY)

    def run(*args):
        return pytester.runpytest(
            "-p",
            "bench.harness.plugin",
            "-p",
            "no:hypothesispytest",
            "-m",
            "slow",
            "--bench-quick",
            f"--bench-case={CASE}",
            "--bench-strict",
            f"--bench-results={tmp_path / 'results'}",
            "--bench-history=off",
            *args,
        )

    return run


@pytest.mark.e2e  # three pytest sessions, each training a VGG-style CNN a few steps: about 10 s
def test_a_gpu_case_trains_on_synthetic_files_says_so_and_fails_where_its_model_or_loader_breaks(quick, monkeypatch):
    from bench.benchmarks import cifar10_minivggnet

    works = quick()
    works.assert_outcomes(passed=1)
    works.stdout.fnmatch_lines(
        [
            "*QUICK PASS (--bench-quick)*",
            "*synthetic-data/cifar10)*",
            "*cifar10_minivggnet*published*step_0.5*final_val_accuracy*quick: trained, not judged*",
        ]
    )
    assert "did not train" not in works.stdout.str()

    original = cifar10_minivggnet.build_model
    monkeypatch.setattr(cifar10_minivggnet, "build_model", lambda: _nine_classes(original()))
    quick().assert_outcomes(failed=1)  # a broken model: its output no longer fits the labels
    monkeypatch.setattr(cifar10_minivggnet, "build_model", original)

    monkeypatch.setattr(
        cifar10_data,
        "_parse",
        lambda raw, name: (_ for _ in ()).throw(cifar10_data.DataCorrupt(f"{name}: a broken loader")),
    )
    broken_loader = quick()
    broken_loader.assert_outcomes(failed=1)
    broken_loader.stdout.fnmatch_lines(["*a broken loader*"])


def _nine_classes(model):
    from schedules.backend import keras

    return keras.Model(model.input, keras.layers.Dense(9, activation="softmax")(model.layers[-2].output))
