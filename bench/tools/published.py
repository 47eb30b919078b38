"""Baselines from a write-up's published figures, for a benchmark not yet reproduced here.

Run: ``python -m bench baselines published cifar10_resnet``

Writes ``baselines/<benchmark>.json`` from the declaration's ``published`` (final validation
accuracy per case) and ``published_floors`` (the thresholds), each entry marked
``"source": "published"`` with its reference. It refuses to overwrite an existing file:
once a benchmark has been reproduced, ``pytest -m slow --bench-case=BENCHMARK --update-baselines``
replaces these entries with measured ones. A case the write-up did not run is recorded as having
no baseline yet (as ``python -m bench baselines pending`` records it).
"""

import time

from bench import benchmarks
from bench.stores import baselines
from bench.tools import cli
from bench.tools.cli import UserError


def published_document(benchmark, date):
    why = "the write-up did not run it; it needs a reviewed GPU run here"
    command = f"python -m bench baselines published {benchmark.name}"
    cases = {
        name: {baselines.PENDING: {"why": why, "date": date, "command": command}} for name in benchmark.cases
    }  # a case the write-up did not run: no baseline yet
    for case, accuracy in benchmark.published.items():
        cases[case] = {
            "final_val_accuracy": {
                "n": 1,
                "mean": accuracy,
                "std": 0.0,
                "min": accuracy,
                "max": accuracy,
                "unit": "fraction",
                "better": "higher",
                "question": "worse",
                "threshold": benchmark.published_floors[case],
                "rule": "published floor: the write-up's own gate, else its figure - 0.01",
                "provenance": {
                    "source": "published",
                    "reference": benchmark.reference,
                    "note": "published, not yet reproduced here",
                },
                "holds_for": [],
            }
        }
    return {"format": baselines.FORMAT, "benchmark": benchmark.name, "cases": {benchmark.protocols[0]: cases}}


def main(argv=None):
    parser = cli.parser("baselines published", __doc__.splitlines()[0])
    cli.add_benchmark(parser, which=[b.name for b in benchmarks.all_benchmarks() if b.published])
    cli.add(parser, "baselines", "write into (default: the project's baselines/)", default=str(baselines.DEFAULT_DIR))
    args = parser.parse_args(argv)
    path = baselines.path_for(args.benchmark, args.baselines)
    if path.exists():
        raise UserError(f"{path} exists; refusing to overwrite it. Move it away first if you mean to.")
    baselines.write_atomic(path, published_document(benchmarks.get(args.benchmark), time.strftime("%Y-%m-%d")))
    print(f"wrote {path}")


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
