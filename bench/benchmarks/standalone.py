"""``python -m bench.benchmarks.<name>``: n seeds of every case of one benchmark, then a summary table.

No baselines and no gates (that is ``pytest -m slow``): a quick look at what a benchmark
measures here.
"""

import argparse

from bench.benchmarks.spec import RunOptions
from bench.engine.records import summarize_runs
from bench.report.tables import render_summary_table


def main(benchmark, argv=None):
    parser = argparse.ArgumentParser(
        prog=f"python -m bench.benchmarks.{benchmark.name}",
        description=f"{benchmark.name} ({benchmark.source}): n seeds per case.",
    )
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..n-1 per case (default: 5)")
    parser.add_argument(
        "--protocol",
        choices=benchmark.protocols,
        default=benchmark.protocols[0],
        help=f"(default: {benchmark.protocols[0]})",
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        choices=list(benchmark.cases),
        default=list(benchmark.cases),
        help="cases to train (default: all)",
    )
    if benchmark.data_option:
        flag = benchmark.data_option.replace("_", "-")
        parser.add_argument(
            f"--{flag}",
            default=None,
            metavar="PATH",
            help="offline copy of the data set (default: its environment variable, else Keras' cache)",
        )
    if benchmark.needs_gpu:
        parser.add_argument("--allow-cpu", action="store_true", help="run without a GPU (default: refuse)")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be >= 1. Received: --seeds={args.seeds}")
    given = {benchmark.data_option: getattr(args, benchmark.data_option)} if benchmark.data_option else {}
    options = RunOptions(allow_cpu=getattr(args, "allow_cpu", False), **given)
    missing = benchmark.unmet(options)
    if missing:
        hint = " Pass --allow-cpu to run it on the CPU anyway." if missing[0] == "gpu" else ""
        parser.exit(2, f"cannot run {benchmark.name}: {missing[1]}{hint}\n")
    summaries = {}
    for name in args.cases:
        runs = [benchmark.train(name, seed, args.protocol, options=options) for seed in range(args.seeds)]
        majority = runs[0].majority_rate
        summaries[(benchmark.name, args.protocol, name)] = (
            summarize_runs(runs),
            float("nan") if majority is None else majority,
        )
    print(render_summary_table(summaries))
