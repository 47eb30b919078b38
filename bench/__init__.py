"""Training benchmarks: one module per published experiment (see each module's docstring)."""

import importlib

# name -> module; each module has NAME, CONFIG, SCHEDULES, PROTOCOLS, requirements(options)
# (None, or a (kind, reason) pair with kind "backend", "gpu" or "data") and train().
BENCHMARKS = {
    "ionosphere": "bench.ionosphere",
    "cifar10_resnet": "bench.cifar10_resnet",
    "cifar10_minivggnet": "bench.cifar10_minivggnet",
    "cifar10_onecycle": "bench.cifar10_onecycle",
    "fashion_mnist_onecycle": "bench.fashion_mnist_onecycle",
    "boston_housing": "bench.boston_housing",
}


def load(name):
    if name not in BENCHMARKS:
        raise ValueError(f"Unknown benchmark {name!r}; valid: {', '.join(BENCHMARKS)}")
    return importlib.import_module(BENCHMARKS[name])


def cases():
    """Every ``(benchmark, protocol, schedule)`` the slow suite runs."""
    out = []
    for name in BENCHMARKS:
        module = load(name)
        out.extend((name, protocol, schedule) for protocol in module.PROTOCOLS for schedule in module.SCHEDULES)
    return out
