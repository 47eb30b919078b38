"""The benchmarks: one file per published experiment, each declaring one ``Benchmark``.

Add a benchmark (docs/contributing.md#add-a-benchmark): write ``bench/benchmarks/<name>.py``
ending in ``BENCHMARK = ...`` (an image classifier declares itself with
``classifier.image_benchmark(__name__, ...)``; see ``spec.py`` for the fields and ``digits.py``
for a small example), add its module to ``SUITE`` in ``bench/stores/project.py`` and to ``[tool.lr_bench]
benchmarks`` in ``pyproject.toml`` (the registry is the project's list: ``registry()``; a project of its own
declares its benchmarks the same way, docs/your-project.md), and measure its baselines with
``pytest -m slow --bench-case=<name> --update-baselines --bench-seeds=40 --bench-first-seed=1000``
(or record each case that cannot be measured here with ``python -m bench baselines pending``).
``tests/benchmarks/test_registry.py`` checks the declaration.

Beside the benchmarks (``MODULES``): ``spec`` (the declaration), ``training`` (how a case's seeds train, chosen
in one place, and the one training run of each way), ``classifier`` (an image classifier's recipe and records),
``together`` (a case's seeds on the stacked engine), ``processes`` (a case's seeds in worker processes),
``regressions`` (the changes ``calibrate`` and ``--bench-inject`` train with), ``power`` (how many seeds a
GPU benchmark's night trains, from what its gate must see) and ``standalone`` (a benchmark run on its own:
``python -m bench.benchmarks.<name>``).
"""

import functools
import importlib

from bench.benchmarks.spec import Benchmark, Case, Cost, Requirement, RunOptions
from bench.engine.records import CaseId
from bench.stores import project

# The suite's own benchmark files (``bench.stores.project.SUITE``), in the order the comparison table shows them.
MODULES = tuple(module.rpartition(".")[2] for module in project.SUITE)

__all__ = [
    "MODULES",
    "Benchmark",
    "Requirement",
    "RunOptions",
    "Case",
    "Cost",
    "all_benchmarks",
    "cases",
    "get",
    "names",
    "selection",
]


@functools.lru_cache(maxsize=None)
def _declared(modules):
    """``{name: Benchmark}`` of the ``BENCHMARK`` each of ``modules`` declares, in their order."""
    out = {}
    for module in modules:
        try:
            found = importlib.import_module(module)
        except ImportError as err:
            raise ValueError(
                f"benchmark module {module!r} (the project's [tool.lr_bench] benchmarks) does not import: {err}"
            ) from err
        benchmark = getattr(found, "BENCHMARK", None)
        if not isinstance(benchmark, Benchmark):
            raise ValueError(
                f"{module} must end in BENCHMARK = ... (a bench.api.Benchmark, e.g. from bench.api.keras_classifier). "
                f"Received: BENCHMARK={benchmark!r}"
            )
        if benchmark.name in out:
            raise ValueError(f"two benchmark modules declare the name {benchmark.name!r}: give each its own")
        out[benchmark.name] = benchmark
    return out


def registry():
    """``{name: Benchmark}`` of this process's project (``bench.stores.project.current()``), in table order."""
    return _declared(project.current().benchmarks)


def names():
    """Registered benchmark names, in table order."""
    return tuple(registry())


def get(name):
    """The ``Benchmark`` called ``name``; ``ValueError`` listing the valid names."""
    found = registry()
    if name not in found:
        raise ValueError(f"Unknown benchmark {name!r}; valid: {', '.join(found)}")
    return found[name]


def selection(text, whole_case=False):
    """The parts of ``BENCHMARK[/PROTOCOL[/CASE]]`` (all three with ``whole_case``), each checked against
    the declarations; ``ValueError`` saying what is valid."""
    parts = text.split(CaseId.SEPARATOR)
    if not all(parts) or len(parts) > 3 or (whole_case and len(parts) != 3):
        form = "BENCHMARK/PROTOCOL/CASE" if whole_case else "BENCHMARK, BENCHMARK/PROTOCOL or BENCHMARK/PROTOCOL/CASE"
        raise ValueError(f"{text!r} is not {form} (e.g. cifar10_resnet/published/cosine)")
    declared = get(parts[0])
    if len(parts) > 1:
        declared.check_protocol(parts[1])
    if len(parts) > 2:
        declared.case(parts[2])
    return CaseId(*parts) if whole_case else tuple(parts)


def all_benchmarks():
    return list(registry().values())


def cases():
    """Every case the slow suite runs (``CaseId``), in table order."""
    return [CaseId(b.name, protocol, case) for b in all_benchmarks() for protocol, case in b.protocol_cases()]
