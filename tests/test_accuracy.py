"""The slow accuracy gates: every benchmark x protocol x schedule against its baseline.

``pytest -m slow`` runs them; each case trains ``--bench-seeds`` seeds (default 5)
and fails when a gated metric's mean falls on the wrong side of its threshold.
"""

import pytest

import bench

CASES = [pytest.param(*case, id="-".join(case),
                      marks=[pytest.mark.gpu] if getattr(bench.load(case[0]), "NEEDS_GPU", False) else [])
         for case in bench.cases()]


@pytest.mark.slow
@pytest.mark.parametrize("benchmark_name, protocol, schedule", CASES)
def test_accuracy_meets_baseline(benchmark_name, protocol, schedule, bench_session, benchmark):
    module = bench.load(benchmark_name)
    bench_session.check_requirements(module)
    runs, verdicts = benchmark.pedantic(bench_session.run_case, args=(module, protocol, schedule),
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
