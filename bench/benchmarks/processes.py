"""The seeds of a case in parallel processes, where the backend trains a small model on one core.

Keras 3 on PyTorch trains a small CPU model one seed at a time on one thread (more threads only
wait for each other at these sizes: ``bench.engine.portable``), so on a machine with more cores
the rest would idle while TensorFlow's stacked engine uses them all. Here each seed of a case is a
task for a pool of worker processes, one per core, started once per session and kept: a seed's
numbers are the same bits as trained in this process (the same engine, the same single thread;
tests/engine/test_portable.py checks it), only the wall time changes.

Used by ``Benchmark.run`` for a registered CPU benchmark on PyTorch without a GPU, outside an
xdist worker (which already spreads cases over the cores) and ``calibrate``'s workers, with two
seeds or more.
"""

import atexit
import concurrent.futures
import multiprocessing
import os

from bench.engine import records

_POOL = None
_DISABLED = False


def cores():
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def disable():
    """Train in this process from now on: for a process that is itself one of several workers
    (``python -m bench calibrate gates --jobs N``)."""
    global _DISABLED
    _DISABLED = True


def wanted(benchmark, seeds, options):
    """Whether ``benchmark``'s ``seeds`` train in worker processes under ``options``."""
    from bench import benchmarks

    if _DISABLED or records.keras_backend() != "torch" or len(seeds) < 2 or cores() < 2 or benchmark.needs_gpu:
        return False
    if os.environ.get("PYTEST_XDIST_WORKER") or options.xla or options.mixed_precision:
        return False
    if benchmark.name not in benchmarks.names() or benchmarks.get(benchmark.name) is not benchmark:
        return False  # a worker finds the benchmark by its registered name
    from schedules.backend import gpus

    return gpus() == 0


def run(benchmark, case, seeds, protocol, options, on_run=None):
    """One ``RunResult`` per seed, in order, each trained in a worker; ``on_run(run)`` as each finishes.
    A seed's exception (a non-finite loss, a wiring error) is raised here once the others stop."""
    pool = _pool()
    futures = {pool.submit(_train, benchmark.name, case, seed, protocol, options): seed for seed in seeds}
    done = {}
    try:
        for future in concurrent.futures.as_completed(futures):
            run_ = future.result()
            done[futures[future]] = run_
            if on_run is not None:
                on_run(run_)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [done[seed] for seed in seeds]


def _pool():
    global _POOL
    if _POOL is None:
        _POOL = concurrent.futures.ProcessPoolExecutor(
            cores(), mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
        )
        atexit.register(_POOL.shutdown, cancel_futures=True)
    return _POOL


def _start_worker():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import torch

    torch.set_num_threads(1)


def _train(name, case, seed, protocol, options):
    from bench import benchmarks

    return benchmarks.get(name).train(case, seed, protocol, options=options)
