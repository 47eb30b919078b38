"""The slow accuracy gates: every registered benchmark x protocol x schedule case against its baseline.

``pytest -m slow`` runs them; each case trains ``--bench-seeds`` seeds (default 5)
and fails when a gated metric's mean falls on the wrong side of its threshold.
The cases come from the registry (``bench/benchmarks/__init__.py``).
"""

import pytest

from bench import benchmarks

CASES = [pytest.param(name, protocol, case, id=f"{name}-{protocol}-{case}",
                      marks=[pytest.mark.gpu] if benchmarks.get(name).needs_gpu else [])
         for name, protocol, case in benchmarks.cases()]


@pytest.mark.slow
@pytest.mark.parametrize("benchmark_name, protocol, schedule", CASES)
def test_accuracy_meets_baseline(benchmark_name, protocol, schedule, bench_session, benchmark):
    declared = benchmarks.get(benchmark_name)
    bench_session.check_requirements(declared)
    runs, verdicts = benchmark.pedantic(bench_session.run_case, args=(declared, protocol, schedule),
                                        rounds=1, iterations=1)
    benchmark.extra_info.update({
        "seeds": len(runs),
        "majority_rate": runs[0].majority_rate,
        **{f"{v.metric}_mean": v.measured["mean"] for v in verdicts},
        **{f"{v.metric}_std": v.measured["std"] for v in verdicts},
        "verdicts": {v.metric: v.verdict for v in verdicts},
    })
    failures = bench_session.failures(verdicts)
    if failures:
        pytest.fail("\n".join(v.failure_message() for v in failures), pytrace=False)
