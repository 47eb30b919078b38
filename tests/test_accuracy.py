"""The slow accuracy gates: every registered benchmark x protocol x case against its baseline.

``pytest -m slow`` runs them; each case trains its benchmark's nightly number of seeds
(``Benchmark.seeds``: ionosphere 20, digits 10, Boston 10; ``--bench-seeds`` overrides it) and
fails when a gated metric falls outside its band (docs/accuracy-suite.md#gates-two-questions-per-case).
The cases come from the registry (``bench/benchmarks/__init__.py``); ``--bench-case`` picks some.
"""

import pytest

from bench import benchmarks

CASES = [
    pytest.param(
        case_id,
        id="-".join(case_id),
        marks=[pytest.mark.bench_case(case_id)]
        + ([pytest.mark.gpu] if benchmarks.get(case_id.benchmark).needs_gpu else []),
    )
    for case_id in benchmarks.cases()
]


@pytest.mark.slow
@pytest.mark.parametrize("case_id", CASES)
def test_accuracy_meets_baseline(case_id, bench_session, request):
    declared = benchmarks.get(case_id.benchmark)
    bench_session.check_requirements(declared, case_id.protocol, case_id.case)
    timer = request.getfixturevalue("benchmark")  # pytest-benchmark's fixture: only for a case that trains
    args = (declared, case_id.protocol, case_id.case)
    runs, verdicts = timer.pedantic(bench_session.run_case, args=args, rounds=1, iterations=1)
    timer.extra_info.update(
        {
            "seeds": len(runs),
            "majority_rate": runs[0].majority_rate,
            **{f"{v.metric}_mean": v.measured["mean"] for v in verdicts},
            **{f"{v.metric}_std": v.measured["std"] for v in verdicts},
            "verdicts": {v.metric: v.verdict for v in verdicts},
        }
    )
    failures = bench_session.failures(verdicts)
    if failures:
        pytest.fail("\n".join(v.failure_message() for v in failures), pytrace=False)
