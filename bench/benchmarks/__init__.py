"""The benchmarks: one file per published experiment, each declaring one ``Benchmark``.

Add a benchmark (docs/contributing.md#add-a-benchmark): write ``bench/benchmarks/<name>.py``
ending in ``BENCHMARK = ...`` (an image classifier declares itself with
``classifier.image_benchmark(__name__, ...)``; see ``spec.py`` for the fields and ``digits.py``
for a small example), add its name to ``MODULES`` below, and measure its baselines with
``pytest -m slow --bench-case=<name> --update-baselines --bench-seeds=40 --bench-first-seed=1000``
(or record each case that cannot be measured here with ``python -m bench baselines pending``).
``tests/benchmarks/test_registry.py`` checks the declaration.

Beside the benchmarks (``MODULES``): ``spec`` (the declaration), ``classifier`` and ``together`` (shared
plumbing: one seed, or a case's seeds together), ``processes`` (a case's seeds in worker processes),
``regressions`` (the changes ``calibrate`` and ``--bench-inject`` train with), ``power`` (how many seeds a
GPU benchmark's night trains, from what its gate must see) and ``standalone`` (a benchmark run on its own:
``python -m bench.benchmarks.<name>``).
"""

import importlib

from bench.benchmarks.spec import Benchmark, Case, Cost, Requirement, RunOptions
from bench.engine.records import CaseId

# One line per benchmark, in the order the comparison table shows them.
MODULES = (
    "ionosphere",
    "digits",
    "cifar10_resnet",
    "cifar10_minivggnet",
    "cifar10_onecycle",
    "fashion_mnist_onecycle",
    "boston_housing",
)

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


def names():
    """Registered benchmark names, in table order."""
    return MODULES


def get(name):
    """The ``Benchmark`` called ``name``; ``ValueError`` listing the valid names."""
    if name not in MODULES:
        raise ValueError(f"Unknown benchmark {name!r}; valid: {', '.join(MODULES)}")
    benchmark = importlib.import_module(f"bench.benchmarks.{name}").BENCHMARK
    if benchmark.name != name:
        raise ValueError(
            f"bench/benchmarks/{name}.py declares a benchmark named {benchmark.name!r}; "
            "the file and the declaration must share one name"
        )
    return benchmark


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
    return [get(name) for name in MODULES]


def cases():
    """Every case the slow suite runs (``CaseId``), in table order."""
    return [CaseId(b.name, protocol, case) for b in all_benchmarks() for protocol, case in b.protocol_cases()]
