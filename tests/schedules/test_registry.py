"""schedules.get / schedules.available: names, parameters and their errors."""

import pytest

import schedules

ALL = ["constant", "cosine", "cyclical", "exp", "linear", "onecycle", "poly", "standard", "step", "time"]


def test_available_lists_every_schedule_sorted():
    assert schedules.available() == ALL


def test_unknown_name_lists_valid_names_and_suggests():
    with pytest.raises(ValueError, match="Unknown schedule 'stpe'") as err:
        schedules.get("stpe", initial_lr=0.1)
    assert "Did you mean 'step'?" in str(err.value)
    for name in ALL:
        assert name in str(err.value)


def test_unknown_parameter_is_named():
    with pytest.raises(ValueError, match="has no parameter 'drop_evry'.*Did you mean 'drop_every'"):
        schedules.get("step", initial_lr=0.1, factor=0.5, drop_evry=10)


def test_missing_parameter_is_named():
    with pytest.raises(ValueError, match="needs parameter 'drop_every'"):
        schedules.get("step", initial_lr=0.1, factor=0.5)


@pytest.mark.parametrize(
    "name, unit",
    [("constant", "epoch"), ("standard", "iteration"), ("time", "epoch"), ("step", "epoch"),
     ("linear", "epoch"), ("poly", "epoch"), ("exp", "epoch"), ("onecycle", "iteration"),
     ("cyclical", "iteration"), ("cosine", "iteration")],
)
def test_units_match_the_issue_table(name, unit):
    assert schedules._REGISTRY[name].unit == unit


def test_config_names_are_the_constructor_arguments():
    s = schedules.get("onecycle", max_lr=0.1, total_steps=1000)
    assert s.get_config() == {
        "max_lr": 0.1, "total_steps": 1000, "initial_lr": 0.01, "final_lr": 1e-05,
        "final_fraction": 0.1,
    }
    assert schedules.get("linear", initial_lr=0.1, max_epochs=100).get_config() == {
        "initial_lr": 0.1, "max_epochs": 100, "final_lr": 0.0,
    }
