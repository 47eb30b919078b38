"""What a session writes into the baseline files, and only when asked: ``--update-baselines``
replaces the entries of the cases that ran (printing old / new / delta first), and
``--bench-confirm-baselines`` adds this environment to the ``holds_for`` list of every case whose
gates all passed. Each file is written whole and atomically (``baselines.write_atomic``).
"""

import shlex

from bench.engine.records import CaseId
from bench.report.tables import render_baseline_diff
from bench.stores import baselines


def update(bench_session, reporter, env):
    """Write the measured cases of ``bench_session`` (a finished ``BenchSession``) as the new baselines."""
    command = "pytest " + shlex.join(bench_session.config.invocation_params.args)
    provenance = baselines.measured_provenance(env, env["date"], command, bench_session.how())
    reporter.section("baseline update (review this before committing)")
    for benchmark, measured in bench_session.books.measured.items():
        old = bench_session.baseline(benchmark, missing_ok=True)
        new = baselines.updated(
            old,
            benchmark,
            measured,
            {**provenance, "seeds": bench_session.books.seeds_used[benchmark]},
            [baselines.environment_label(env)],
        )
        path = baselines.path_for(benchmark, bench_session.baseline_dir)
        reporter.write_line(render_baseline_diff(benchmark, baselines.diff_rows(old, new)))
        baselines.write_atomic(path, new)
        reporter.write_line(f"wrote {path}")


def confirm(bench_session, reporter, env):
    """Record that this environment meets the baselines of every case of ``bench_session`` whose gates all passed;
    name the cases that differ (they need a baseline entry of their own)."""
    label = baselines.environment_label(env)
    reporter.section("baseline confirmation")
    for benchmark, cases in bench_session.books.confirmed.items():
        doc = baselines.with_holds_for(bench_session.baseline(benchmark), cases, label)
        path = baselines.path_for(benchmark, bench_session.baseline_dir)
        baselines.write_atomic(path, doc)
        reporter.write_line(f"{path}: {len(cases)} case(s) hold for {label}")
    failed = sorted({CaseId.of(v) for v in bench_session.books.verdicts if v.verdict in ("FAIL", "CHANGED")})
    for case_id in failed:
        reporter.write_line(
            f"{case_id} differs beyond noise on {label}: not confirmed; it needs its own baseline for this environment"
        )
