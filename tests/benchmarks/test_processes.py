"""bench/benchmarks/processes.py: PyTorch's seeds in worker processes, only where that is all it changes."""

import pytest

from bench import benchmarks
from bench.benchmarks import Benchmark, RunOptions, processes
from bench.engine import records


@pytest.fixture
def torch_backend(monkeypatch):
    monkeypatch.setattr(records, "keras_backend", lambda: "torch")
    monkeypatch.setattr(processes, "cores", lambda: 2)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.setattr(processes, "_DISABLED", False)
    import schedules.backend as adapter

    monkeypatch.setattr(adapter, "gpus", lambda: 0, raising=False)


def test_only_a_registered_cpu_benchmark_on_pytorch_with_several_seeds_uses_workers(torch_backend, monkeypatch):
    digits = benchmarks.get("digits")
    assert processes.wanted(digits, [0, 1], RunOptions())
    assert not processes.wanted(digits, [0], RunOptions())  # one seed: nothing to spread
    assert not processes.wanted(digits, [0, 1], RunOptions(mixed_precision=True))
    copy = Benchmark(**digits.__dict__)  # not the registered object: a worker could not find it
    assert not processes.wanted(copy, [0, 1], RunOptions())
    assert not processes.wanted(benchmarks.get("cifar10_resnet"), [0, 1], RunOptions())  # a GPU benchmark
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")  # xdist already spreads the cases
    assert not processes.wanted(digits, [0, 1], RunOptions())
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    processes.disable()  # a calibrate worker
    assert not processes.wanted(digits, [0, 1], RunOptions())


def test_other_backends_and_one_core_train_here(torch_backend, monkeypatch):
    digits = benchmarks.get("digits")
    monkeypatch.setattr(processes, "cores", lambda: 1)
    assert not processes.wanted(digits, [0, 1], RunOptions())
    monkeypatch.setattr(processes, "cores", lambda: 2)
    for backend in ("tensorflow", "jax"):
        monkeypatch.setattr(records, "keras_backend", lambda backend=backend: backend)
        assert not processes.wanted(digits, [0, 1], RunOptions())


@pytest.mark.e2e  # starts two worker processes (Keras and PyTorch each) and trains ionosphere: ~30 s
def test_seeds_trained_in_workers_are_the_bits_trained_here():
    if records.keras_backend() != "torch":
        pytest.skip("worker processes train PyTorch's seeds only (KERAS_BACKEND=torch)")
    from bench.benchmarks import ionosphere

    options = RunOptions(epochs=3)
    seen = []
    pooled = ionosphere.BENCHMARK.run("step", [0, 1, 2], "published", options=options, on_run=seen.append)
    assert sorted(r.seed for r in seen) == [0, 1, 2] and [r.seed for r in pooled] == [0, 1, 2]
    here = [ionosphere.BENCHMARK.train("step", seed, "published", options=options) for seed in (0, 1, 2)]
    assert [r.history for r in pooled] == [r.history for r in here]
    assert [r.metrics for r in pooled] == [r.metrics for r in here]
