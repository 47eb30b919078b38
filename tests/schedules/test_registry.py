"""schedules.get / schedules.available: names, parameters and their errors; and that every
registered schedule brings what the suite derives its checks from."""

import fnmatch
import inspect
from pathlib import Path

import pytest

import schedules
from schedules import UNITS, Schedule
from schedules import _ranges as ranges

ROOT = Path(__file__).resolve().parents[2]


def test_available_lists_every_registered_class_by_its_name_sorted():
    names = [cls.name for cls in schedules._REGISTRY.values()]
    assert schedules.available() == sorted(names)
    assert len(set(names)) == len(names)
    assert all(
        issubclass(cls, Schedule) and schedules.declared(cls.name) is cls for cls in schedules._REGISTRY.values()
    )


def test_unknown_name_lists_valid_names_and_suggests():
    with pytest.raises(ValueError, match="Unknown schedule 'stpe'") as err:
        schedules.get("stpe", initial_lr=0.1)
    assert "Did you mean 'step'?" in str(err.value)
    for name in schedules.available():
        assert name in str(err.value)


def test_unknown_parameter_is_named():
    with pytest.raises(ValueError, match="has no parameter 'drop_evry'.*Did you mean 'drop_every'"):
        schedules.get("step", initial_lr=0.1, factor=0.5, drop_evry=10)


def test_missing_parameter_is_named():
    with pytest.raises(ValueError, match="needs parameter 'drop_every'"):
        schedules.get("step", initial_lr=0.1, factor=0.5)


@pytest.mark.parametrize(
    "name, unit",
    [
        ("constant", "epoch"),
        ("standard", "iteration"),
        ("time", "epoch"),
        ("step", "epoch"),
        ("linear", "epoch"),
        ("poly", "epoch"),
        ("exp", "epoch"),
        ("onecycle", "iteration"),
        ("cyclical", "iteration"),
        ("cosine", "iteration"),
    ],
)
def test_units_match_the_reference_table(name, unit):
    # docs/reference.md#schedules: each schedule's index unit, as its source uses it
    assert schedules.declared(name).unit == unit


@pytest.mark.parametrize("name", schedules.available())
def test_every_registered_schedule_has_a_unit(name):
    assert schedules.declared(name).unit in UNITS


def test_config_names_are_the_constructor_arguments():
    s = schedules.get("onecycle", max_lr=0.1, total_steps=1000)
    assert s.get_config() == {
        "max_lr": 0.1,
        "total_steps": 1000,
        "initial_lr": 0.01,
        "final_lr": 1e-05,
        "final_fraction": 0.1,
    }
    assert schedules.get("linear", initial_lr=0.1, max_epochs=100).get_config() == {
        "initial_lr": 0.1,
        "max_epochs": 100,
        "final_lr": 0.0,
    }


# -- what every registered schedule must bring (docs/contributing.md#add-a-schedule) -------------
# Each check names what is missing and where it goes, so that registering a class is all it
# takes to be told the rest.

RANGE_KINDS = (ranges.Real, ranges.Integer, ranges.Choice, ranges.OrNone)


@pytest.mark.parametrize("name", schedules.available())
def test_every_constructor_argument_has_a_declared_range(name):
    cls = schedules.declared(name)
    arguments = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    assert list(cls.params) == arguments, (
        f"{cls.__module__}.{cls.__name__}.params must declare a range for each constructor argument, "
        f"in order: {arguments}; it declares {list(cls.params)}"
    )
    for arg, rng in cls.params.items():
        assert isinstance(rng, RANGE_KINDS), f"{cls.__name__}.params[{arg!r}] is not a range from schedules._validate"


@pytest.mark.parametrize("name", schedules.available())
def test_every_schedule_declares_an_example_that_builds(name):
    cls = schedules.declared(name)
    assert cls.example, f"{cls.__name__}.example is empty: give a small valid configuration (5 epochs of 4 iterations)"
    schedules.get(name, **cls.example)


@pytest.mark.parametrize("name", schedules.available())
def test_every_docstring_gives_the_formula_its_arguments_and_an_example(name):
    cls = schedules.declared(name)
    doc = inspect.getdoc(cls) or ""
    assert ".. math::" in doc or "=====" in doc, (
        f"{cls.__name__}'s docstring has no formula (a `.. math::` block or a table)"
    )
    assert "0-based" in doc, f'{cls.__name__}\'s docstring does not say what t counts ("t is the 0-based {cls.unit}")'
    args = doc.split("Args:", 1)[1] if "Args:" in doc else ""
    missing = [p for p in cls.params if f"{p}:" not in args]
    assert not missing, f"{cls.__name__}'s docstring has no Args entry for: {', '.join(missing)}"
    assert ">>>" in doc, f"{cls.__name__}'s docstring has no example that runs (a doctest)"


def _mutation_config():
    tomllib = pytest.importorskip("tomllib")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]


@pytest.mark.parametrize("name", schedules.available())
def test_every_schedule_s_module_is_in_the_mutation_run(name):
    config = _mutation_config()
    module = Path(inspect.getfile(schedules.declared(name))).resolve().relative_to(ROOT).as_posix()
    assert any(fnmatch.fnmatch(module, p) for p in config["only_mutate"]) and not any(
        fnmatch.fnmatch(module, p) for p in config.get("do_not_mutate", [])
    ), f"{module} is not mutated by `tox -e mutation`: pyproject.toml's [tool.mutmut] only_mutate / do_not_mutate"


class _Own(schedules.Schedule):
    """A project's own schedule, for the registration tests: ``lr`` at every epoch."""

    name = "test_own"
    unit = "epoch"
    params = {"lr": schedules.ranges.POSITIVE}
    example = {"lr": 0.1}

    def __init__(self, lr):
        self._accept(lr=lr)

    def _rate(self, t, xp):
        return t * 0.0 + self.lr


def test_a_project_registers_its_own_schedule_once_and_get_builds_it(monkeypatch):
    monkeypatch.setattr(schedules, "_REGISTRY", dict(schedules._REGISTRY))
    assert schedules.register(_Own) is _Own and "test_own" in schedules.available()
    assert schedules.get("test_own", lr=0.2)(7) == 0.2 and schedules.declared("test_own") is _Own
    assert schedules.register(_Own) is _Own  # again: nothing changes
    again = type("_Own", (_Own,), {"__module__": _Own.__module__, "__qualname__": _Own.__qualname__})
    assert schedules.register(again) is again and schedules.declared("test_own") is again  # the module re-imported


def test_registration_refuses_what_is_not_a_schedule_or_takes_a_name(monkeypatch):
    monkeypatch.setattr(schedules, "_REGISTRY", dict(schedules._REGISTRY))

    def refused(cls):
        with pytest.raises(ValueError) as err:
            schedules.register(cls)
        return str(err.value)

    assert refused(int) == "Argument `cls` must be a subclass of schedules.Schedule. Received: cls=<class 'int'>"
    assert refused(type("Nameless", (_Own,), {"name": "two words"})) == (
        "Nameless.name must be an identifier (what get() calls it). Received: 'two words'"
    )
    assert refused(type("Unitless", (_Own,), {"unit": "batch"})) == (
        "Unitless.unit must be one of epoch, iteration. Received: 'batch'"
    )

    def two(self, lr, k):
        self._accept(lr=lr)

    assert refused(type("Undeclared", (_Own,), {"__init__": two})) == (
        "Undeclared.params declares no range for k: add one per argument"
    )
    assert refused(type("Step2", (_Own,), {"name": "step"})) == (
        f"Schedule name 'step' is taken by schedules.decay.Step; give {__name__}.Step2 another name"
    )
    with pytest.raises(ValueError, match="Argument `lr` must be a finite number > 0"):
        schedules.register(type("BadExample", (_Own,), {"name": "test_bad", "example": {"lr": 0.0}}))
    assert "test_bad" not in schedules.available()


def test_a_keras_name_goes_to_keras_and_no_other_name_does():
    """``keras.CLASS`` is Keras' (tests/schedules/test_from_keras.py); the registry never sees it, and a name that
    only contains ``keras`` is the registry's (this runs without Keras too: mutation testing has none)."""
    assert schedules.KERAS_PREFIX == "keras."
    assert schedules.is_keras("keras.CosineDecay") and not schedules.is_keras("step")
    assert not schedules.is_keras("my_keras.Decay") and not schedules.is_keras(None)
    with pytest.raises(Exception) as raised:  # no Keras: an ImportError; with it, the class is unknown to Keras
        schedules.get("keras.NoSuchDecay")
    assert "Unknown schedule" not in str(raised.value)
    with pytest.raises(ValueError, match="Unknown schedule 'kerasCosineDecay'"):
        schedules.get("kerasCosineDecay")
