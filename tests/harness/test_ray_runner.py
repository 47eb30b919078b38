"""bench/harness/ray_runner.py without starting Ray: what a cluster must have for a case to run."""

from bench import benchmarks
from bench.benchmarks import RunOptions
from bench.harness.ray_runner import RayRunner


class _Cluster:
    def __init__(self, gpus):
        self.resources = {"CPU": 8.0, **({"GPU": float(gpus)} if gpus else {})}

    def cluster_resources(self):
        return self.resources


def _runner(gpus):
    runner = RayRunner.__new__(RayRunner)  # no ray.init: only the requirement logic is under test
    runner.ray, runner.where = _Cluster(gpus), "the Ray cluster at head:6379"
    return runner


def test_a_gpu_benchmark_needs_a_gpu_in_the_cluster_not_here(tmp_path):
    resnet = benchmarks.get("cifar10_resnet")
    absent = RunOptions(cifar10=str(tmp_path / "none"))
    assert _runner(0).unmet(resnet, absent) == (
        "gpu",
        "needs a GPU (source A: ~171 s per epoch x 100 epochs on one); the Ray cluster at head:6379 has none.",
    )
    kind, reason = _runner(4).unmet(resnet, absent)  # the cluster has GPUs: the data is next
    assert kind == "data" and "none" in reason
    assert _runner(0).unmet(resnet, RunOptions(cifar10=str(tmp_path / "none"), allow_cpu=True))[0] == "data"


def test_tensorflow_is_the_workers_concern():
    assert _runner(0).unmet(benchmarks.get("ionosphere"), RunOptions()) is None
