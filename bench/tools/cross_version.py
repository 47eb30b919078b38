"""Cross-version table: the same cases' measured means, one column per environment.

Run: ``python -m bench cross_version DIR [DIR ...]`` where each DIR is a
``--bench-results`` directory (tox writes one per environment under
``.tox/results/``). Reads every session folder below them through the results store
(``bench.harness.results``); prints
mean +- std (n) per benchmark / protocol / case / metric and environment.
"""

import argparse

from tabulate import tabulate

from bench.harness import results
from bench.harness.baselines import environment_label
from bench.engine.records import METRICS

DEFAULT_METRICS = ("final_val_accuracy", "final_train_loss")


def load_summaries(dirs):
    """Summary records from every results.jsonl under ``dirs``; the latest per env and case wins."""
    latest = {}
    for d in dirs:
        folders = results.sessions(d)
        if not folders:
            raise FileNotFoundError(f"No results.jsonl under {d}: run `pytest -m slow --bench-results={d}` first.")
        for folder in folders:
            for record in results.records(folder, "summary"):
                env = environment_label(record.get("environment", {}))
                latest[(env, record["benchmark"], record["protocol"], record["case"])] = record
    return latest


def cross_table(latest, metrics=DEFAULT_METRICS):
    envs = sorted({key[0] for key in latest})
    cases = sorted({key[1:] for key in latest})
    rows = []
    for case in cases:
        for metric in metrics:
            row = [*case, f"{metric} [{METRICS[metric].unit}]"]
            for env in envs:
                s = latest.get((env, *case), {}).get("summaries", {}).get(metric)
                row.append("-" if s is None else f"{s['mean']:.4f} +- {s['std']:.4f} ({s['n']})")
            rows.append(row)
    return tabulate(rows, headers=["benchmark", "protocol", "case", "metric", *envs], disable_numparse=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench cross_version", description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", help="--bench-results directories, e.g. .tox/results/*")
    parser.add_argument("--metrics", nargs="+", choices=list(METRICS), default=list(DEFAULT_METRICS),
                        help=f"(default: {' '.join(DEFAULT_METRICS)})")
    args = parser.parse_args(argv)
    print(cross_table(load_summaries(args.dirs), args.metrics))


if __name__ == "__main__":
    main()
