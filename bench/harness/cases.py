"""The benchmark cases as tests: every declared benchmark x protocol x case against its baseline.

A project collects them with one line in a test module of its own (``test_benchmarks.py`` in its tests)::

    from bench.harness.cases import test_accuracy_meets_baseline  # noqa: F401

The plugin (``pytest_generate_tests`` in ``bench/harness/plugin.py``) gives it one parameter per case of the
project's benchmarks (``[tool.lr_bench]``, ``bench.stores.project``), each marked ``slow``, ``bench_case`` and,
where the benchmark needs one, ``gpu``. ``pytest -m slow`` runs them; each case trains its benchmark's nightly
number of seeds (``Benchmark.seeds``; ``--bench-seeds`` overrides it) and fails when a gated metric falls
outside its band (docs/accuracy-suite.md#gates-two-questions-per-case); ``--bench-case`` picks some.
"""

import pytest

from bench import benchmarks

CASE_ARGUMENT = "case_id"  # the parameter the plugin generates


def params():
    """One ``pytest.param`` per case of the project's benchmarks, in table order, with its marks."""
    return [
        pytest.param(
            case_id,
            id="-".join(case_id),
            marks=[pytest.mark.slow, pytest.mark.bench_case(case_id)]
            + ([pytest.mark.gpu] if benchmarks.get(case_id.benchmark).needs_gpu else []),
        )
        for case_id in benchmarks.cases()
    ]


@pytest.mark.slow
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
