"""How fast ``Schedule.values`` is: every schedule over 1,000,000 indices.

Run: ``python -m bench speed_schedules [--n 1000000] [--repeats 20]``

Prints, per schedule, the median and best wall time of ``s.values(ts)`` for
``ts = numpy.arange(n)`` (int64), measured with ``time.perf_counter`` after one
warm-up call, in one process on this machine. The target is <= 50 ms per
schedule at n = 1,000,000.
"""

import argparse
import platform
import statistics
import time

import numpy as np
from tabulate import tabulate

import schedules

# One representative configuration per schedule (REFERENCE.md's examples where there is one).
CONFIGS = {
    "constant": {"lr": 0.1},
    "standard": {"initial_lr": 0.01, "decay": 0.00025},
    "time": {"initial_lr": 0.1, "decay": 0.002},
    "step": {"initial_lr": 0.1, "factor": 0.25, "drop_every": 15},
    "linear": {"initial_lr": 0.1, "max_epochs": 100},
    "poly": {"initial_lr": 0.1, "max_epochs": 100, "power": 5},
    "exp": {"initial_lr": 0.01, "k": 0.01},
    "onecycle": {"max_lr": 0.1, "total_steps": 500_000},
    "cyclical": {"base_lr": 0.001, "max_lr": 0.006, "step_size": 2000, "mode": "exp_range",
                 "gamma": 0.99999},
    "cosine": {"initial_lr": 0.1, "decay_steps": 500_000, "warmup_steps": 10_000},
}
TARGET_MS = 50.0


def measure(n, repeats):
    """One record per schedule: times in milliseconds."""
    ts = np.arange(n)
    records = []
    for name in schedules.available():
        s = schedules.get(name, **CONFIGS[name])
        s.values(ts)  # warm-up
        times_ms = []
        for _ in range(repeats):
            start = time.perf_counter()
            s.values(ts)
            times_ms.append((time.perf_counter() - start) * 1e3)
        records.append({"schedule": name, "n": n, "repeats": repeats,
                        "median_ms": statistics.median(times_ms), "best_ms": min(times_ms)})
    return records


def render(records):
    rows = [[r["schedule"], f"{r['n']:,}", r["repeats"], f"{r['median_ms']:.1f}", f"{r['best_ms']:.1f}",
             "ok" if r["median_ms"] <= TARGET_MS else "SLOW"] for r in records]
    return tabulate(rows, headers=["schedule", "indices", "repeats", "median ms", "best ms",
                                   f"<= {TARGET_MS:.0f} ms"])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench speed_schedules", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="indices per call (default: 1000000)")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per schedule (default: 20)")
    args = parser.parse_args(argv)
    records = measure(args.n, args.repeats)
    print(f"Schedule.values() wall time; numpy {np.__version__}, {platform.processor() or platform.machine()}, "
          f"time.perf_counter, after one warm-up call")
    print(render(records))
    return 0 if all(r["median_ms"] <= TARGET_MS for r in records) else 1


if __name__ == "__main__":
    raise SystemExit(main())
