"""How fast ``Schedule.values`` is: every schedule over 1,000,000 indices.

Run: ``python -m bench.dev speed schedules [--n 1000000] [--repeats 20]``

Prints, per registered schedule (built from its declared ``example``), the median and best
wall time of ``s.values(ts)`` for ``ts = numpy.arange(n)`` (int64), measured with ``time.perf_counter`` after one
warm-up call, in one process on this machine, and its ratio to a NumPy floor timed
in the same run: ``numpy.exp(ts * -1e-6)`` on the same array, one float64 conversion
and one transcendental ufunc, about the least any schedule's math can cost. The target
is <= 50 ms per schedule at n = 1,000,000 on an idle 2-core machine; the ratio is the
figure to compare across machines and loads. It reports and exits 0 whatever the times:
a noisy machine is not a failure.
"""

import platform
import statistics
import time

import numpy as np
from tabulate import tabulate

import schedules
from bench.tools import cli

TARGET_MS = 50.0


def _time_ms(call, repeats):
    call()  # warm-up
    times_ms = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times_ms.append((time.perf_counter() - start) * 1e3)
    return times_ms


def measure(n, repeats):
    """One record per schedule (times in milliseconds), then the NumPy floor's."""
    ts = np.arange(n)
    floor = _time_ms(lambda: np.exp(ts * -1e-6), repeats)
    records = []
    for name in schedules.available():
        s = schedules.get(name, **schedules.declared(name).example)
        times_ms = _time_ms(lambda: s.values(ts), repeats)
        records.append(
            {
                "schedule": name,
                "n": n,
                "repeats": repeats,
                "median_ms": statistics.median(times_ms),
                "best_ms": min(times_ms),
                "floor_median_ms": statistics.median(floor),
            }
        )
    return records


def render(records):
    rows = [
        [
            r["schedule"],
            f"{r['n']:,}",
            r["repeats"],
            f"{r['median_ms']:.1f}",
            f"{r['best_ms']:.1f}",
            f"{r['median_ms'] / r['floor_median_ms']:.1f}x",
            "yes" if r["median_ms"] <= TARGET_MS else "no (over by {:.0f} ms)".format(r["median_ms"] - TARGET_MS),
        ]
        for r in records
    ]
    floor = records[0]["floor_median_ms"]
    return (
        tabulate(
            rows,
            headers=["schedule", "indices", "repeats", "median ms", "best ms", "vs floor", f"<= {TARGET_MS:.0f} ms"],
        )
        + f"\nfloor: numpy.exp(ts * -1e-6) on the same {records[0]['n']:,} int64 indices, median {floor:.1f} ms"
    )


def main(argv=None):
    parser = cli.parser("speed schedules", __doc__.splitlines()[0], prog=cli.DEV_PROG)
    parser.add_argument("--n", type=int, default=1_000_000, help="indices per call (default: 1000000)")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls per schedule (default: 20)")
    args = parser.parse_args(argv)
    records = measure(args.n, args.repeats)
    print(
        f"Schedule.values() wall time; numpy {np.__version__}, {platform.processor() or platform.machine()}, "
        f"time.perf_counter, after one warm-up call"
    )
    print(render(records))
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
