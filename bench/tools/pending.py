"""Record that benchmark cases have no baseline yet, and why, in their baseline file.

Run: ``python -m bench baselines pending cifar10_resnet/published/cosine --why "needs a reviewed GPU run"``

For a case that cannot be measured on this machine (it needs a GPU or a data set that is not
here): the case's entry becomes ``{"no_baseline_yet": {"why", "date", "command"}}``, which the
suite reads as "trains and is reported as new" (``--bench-strict`` fails it: a nightly must
judge every case). Only the named cases change; every other entry of the file stays as it was,
and the file is created if the benchmark has none yet. A case that already has a baseline is
refused: only a reviewed measurement replaces one
(``pytest -m slow --bench-case=... --update-baselines``). Exits 2 on bad input.
"""

import shlex
import sys
import time

from bench import benchmarks
from bench.stores import baselines
from bench.tools import cli
from bench.tools.cli import UserError


def main(argv=None):
    parser = cli.parser("baselines pending", __doc__.splitlines()[0])
    parser.add_argument(
        "cases",
        nargs="+",
        metavar="CASE_ID",
        help="the cases with no baseline yet, each BENCHMARK/PROTOCOL/CASE (of one benchmark or of several)",
    )
    parser.add_argument("--why", required=True, help="what measuring them needs that is not here (required)")
    cli.add(parser, "baselines", "write into (default: the project's baselines/)", default=str(baselines.DEFAULT_DIR))
    args = parser.parse_args(argv)
    by_benchmark = {}
    try:
        for text in args.cases:
            name, protocol, case = benchmarks.selection(text, whole_case=True)
            by_benchmark.setdefault(name, []).append((protocol, case))
        command = "python -m bench baselines pending " + shlex.join(argv if argv is not None else sys.argv[1:])
        documents = {}
        for name, cases in by_benchmark.items():  # every file checked before any is written
            path = baselines.path_for(name, args.baselines)
            old = baselines.load(name, args.baselines) if path.exists() else None
            documents[path] = baselines.with_pending(old, name, cases, args.why, time.strftime("%Y-%m-%d"), command)
    except (ValueError, baselines.BaselineError) as err:
        raise UserError(f"python -m bench baselines pending: {err}")
    for path, doc in documents.items():
        baselines.write_atomic(path, doc)
        print(f"wrote {path}: {len(by_benchmark[doc['benchmark']])} case(s) with no baseline yet")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
