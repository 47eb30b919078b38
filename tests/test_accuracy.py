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
        name,
        protocol,
        case,
        id=f"{name}-{protocol}-{case}",
        marks=[pytest.mark.gpu] if benchmarks.get(name).needs_gpu else [],
    )
    for name, protocol, case in benchmarks.cases()
]


@pytest.mark.slow
@pytest.mark.parametrize("benchmark_name, protocol, case", CASES)
def test_accuracy_meets_baseline(benchmark_name, protocol, case, bench_session, request):
    declared = benchmarks.get(benchmark_name)
    bench_session.check_requirements(declared, protocol, case)
    timer = request.getfixturevalue("benchmark")  # pytest-benchmark's fixture: only for a case that trains
    runs, verdicts = timer.pedantic(bench_session.run_case, args=(declared, protocol, case), rounds=1, iterations=1)
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
