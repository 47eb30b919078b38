"""``--bench-ray``: every (case, seed) a Ray task; each finished seed streams back to the session.

``ray.init()`` starts Ray inside this process by default (this machine's CPUs and GPUs,
nothing to start beforehand); with ``RAY_ADDRESS`` set it joins that cluster and ships
the project's working tree to it (every node needs the same Python packages). A task
that needs a GPU asks for one (``num_gpus=1``) in a fresh worker process (``max_calls=1``:
TensorFlow frees its GPU memory only when its process ends), with memory growth on.
TensorFlow is imported inside the tasks, never in the driver. A task that fails or whose
worker is lost runs once more; after that its seed is reported as failed and the other
seeds' results stand.

A seed gives the same numbers as in a serial run: the stacked engine's copies do not
depend on how many train together (``bench.engine.stacked``).
"""

import os
from pathlib import Path

from bench.engine.records import RunResult

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EXCLUDES = [".git", ".venv", ".tox", "results", ".ci-results", "mutants", "*.egg-info", "__pycache__"]


INSTALL = "pip install -e '.[ray]'"


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached."""


def missing():
    """None when Ray can be imported, else what to do (checked before a session starts; Ray itself
    starts at the first case that trains)."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        return f"--bench-ray needs Ray, an optional extra: {INSTALL} (or run without --bench-ray)"
    return None


def _train_one(benchmark_name, case, seed, protocol, options):
    """The Ray task: train one seed in a worker process; returns the run as a dict."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
    from bench import benchmarks

    return benchmarks.get(benchmark_name).train(case, seed, protocol, options=options).to_dict()


class RayRunner:
    """Connects once per session; ``run`` trains one case's seeds as tasks."""

    def __init__(self, num_cpus=None, task=_train_one):
        """``num_cpus``: the embedded Ray's CPUs (None: all of this machine's). ``task``: what each
        Ray task runs, ``task(benchmark_name, case, seed, protocol, options) -> run dict``."""
        problem = missing()
        if problem:
            raise RayUnavailable(problem)
        import ray

        self.ray = ray
        address = os.environ.get("RAY_ADDRESS")
        if not ray.is_initialized():
            kwargs = {"include_dashboard": False, "logging_level": "WARNING"}
            if address:
                kwargs["runtime_env"] = {"working_dir": str(PROJECT_ROOT), "excludes": EXCLUDES}
            else:
                kwargs["num_cpus"] = num_cpus
            try:
                ray.init(address=address or None, **kwargs)
            except Exception as err:  # Ray raises ConnectionError, RuntimeError, ... by version
                raise RayUnavailable(
                    f"--bench-ray could not start Ray ({'RAY_ADDRESS=' + address if address else 'on this machine'}): "
                    f"{type(err).__name__}: {err}"
                ) from err
        self.where = f"the Ray cluster at {address}" if address else "Ray on this machine"
        self._cpu_task = ray.remote(max_retries=1, retry_exceptions=True)(task)
        # a GPU task gets a fresh worker process: TensorFlow frees GPU memory only when its process ends
        self._gpu_task = ray.remote(max_retries=1, retry_exceptions=True, max_calls=1)(task)

    def shutdown(self):
        if self.ray.is_initialized():
            self.ray.shutdown()

    def gpus(self):
        return int(self.ray.cluster_resources().get("GPU", 0))

    def unmet(self, benchmark, options):
        """``(kind, reason)`` for the first requirement the cluster does not meet, else None.

        TensorFlow is the workers' to have; a GPU is the cluster's; data is checked here (a
        cluster needs the same paths on its nodes)."""
        for requirement in benchmark.requires:
            if requirement.kind == "backend":
                continue
            if requirement.kind == "gpu":
                if not options.allow_cpu and not self.gpus():
                    return "gpu", f"needs a GPU ({requirement.why}); {self.where} has none."
                continue
            reason = requirement.check(options)
            if reason:
                return requirement.kind, reason
        return None

    def run(self, benchmark, case, seeds, protocol, options, on_run=None):
        """Train ``seeds`` as tasks; returns ``(runs by seed, failures by seed)``.

        ``on_run(run)`` is called as each seed arrives, in the order they finish."""
        gpu = benchmark.needs_gpu and not options.allow_cpu
        remote = (self._gpu_task if gpu else self._cpu_task).options(num_cpus=1, num_gpus=1 if gpu else 0)
        pending = {remote.remote(benchmark.name, case, seed, protocol, options): seed for seed in seeds}
        runs, failures = {}, {}
        while pending:
            ready, _ = self.ray.wait(list(pending), num_returns=1)
            seed = pending.pop(ready[0])
            try:
                run = RunResult.from_dict(self.ray.get(ready[0]))
            except Exception as err:  # the task's own exception, or Ray's for a lost worker
                cause = getattr(err, "cause", None) or err
                failures[seed] = (
                    f"{type(cause).__name__}: {str(cause).strip().splitlines()[-1] if str(cause).strip() else ''}"
                )
                continue
            runs[seed] = run
            if on_run is not None:
                on_run(run)
        return runs, failures
