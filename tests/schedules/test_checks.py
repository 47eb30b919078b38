"""schedules/checks.py: the value checks a project's own schedule gets by one call. Every registered schedule
passes them; each kind of broken schedule below is planted and named."""

import re

import pytest

import schedules
from schedules import Schedule, checks, ranges


@pytest.mark.parametrize("name", schedules.available())
def test_every_registered_schedule_passes_the_checks(name):
    checks.check(schedules.declared(name))


class Halving(Schedule):
    """A valid schedule of this test's own: ``lr * 0.5 ** (t // every)``."""

    name = "test_halving"
    unit = "epoch"
    params = {"lr": ranges.POSITIVE, "every": ranges.POSITIVE_INT}
    example = {"lr": 0.1, "every": 3}

    def __init__(self, lr, every):
        self._accept(lr=lr, every=every)

    def _rate(self, t, xp):
        return self.lr * 0.5 ** xp.floor(t / self.every)


def broken(name, **members):
    return type(f"Broken_{name}", (Halving,), {"name": f"test_{name}", **members})


@pytest.fixture
def registered(monkeypatch):
    """Register classes for one test only (the registry is what every other test derives its cases from)."""
    return lambda cls: monkeypatch.setitem(schedules._REGISTRY, cls.name, cls) or cls


def test_a_valid_schedule_of_ones_own_passes(registered):
    assert checks.problems(Halving, keras=False) == []
    assert checks.problems(Halving)[0].endswith("decorate the class with @schedules.register")
    assert checks.problems(registered(Halving)) == []


def test_each_kind_of_broken_schedule_is_named():
    negative = broken("negative", _rate=lambda self, t, xp: self.lr - 0.01 * t)
    found = checks.problems(negative, keras=False)
    assert found == [
        "Broken_negative ('test_negative'): rate -0.009999999999999995 at t=11: a rate must be finite and >= 0"
    ]

    def accept_any(self, lr, every):
        self.lr, self.every = lr, every

    lax = broken("lax", __init__=accept_any)
    found = checks.problems(lax, keras=False)
    assert (
        "Broken_lax ('test_lax'): lr=0.0 is outside its declared range (a finite number > 0) but is accepted" in found
    )

    def not_config(self):
        return {"lr": self.lr * 2, "every": self.every}

    found = checks.problems(broken("config", get_config=not_config), keras=False)
    assert any("get_config()" in line for line in found), found

    found = checks.problems(broken("example", example={"lr": -1.0, "every": 3}), keras=False)
    assert found == [
        "Broken_example ('test_example'): Broken_example.example {'lr': -1.0, 'every': 3} does not build: "
        "ValueError: Argument `lr` must be a finite number > 0. Received: lr=-1.0"
    ]


def test_an_adapter_rate_that_differs_from_the_formula_is_named(registered):
    import numpy as np

    def numpy_only(self, t, xp):  # the optimizer's rate through Keras ops comes out a tenth
        return self.lr * 0.5 ** xp.floor(t / self.every) * (1.0 if xp is np else 0.1)

    cls = registered(broken("adapter", _rate=numpy_only))
    found = checks.problems(cls)
    # a tenth of 0.1 in float32, as the backend rounds it: 0.00999999977... on TensorFlow, 0.0100000007... on JAX
    (got,) = re.findall(r"the Keras adapter gives (\S+) at iteration 0; the formula gives 0.1$", found[0])
    assert len(found) == 1 and float(got) == pytest.approx(0.01, rel=1e-6)
    with pytest.raises(AssertionError, match="the Keras adapter gives"):
        checks.check(cls)
