"""Bad input for every parameter of every schedule: a ValueError naming it.

Covers ``schedules/_validate.py`` through the public ``schedules.get``.
"""

import math

import pytest

import schedules

VALID = {
    "constant": {"lr": 0.1},
    "standard": {"initial_lr": 0.01, "decay": 0.00025},
    "time": {"initial_lr": 0.1, "decay": 0.002},
    "step": {"initial_lr": 0.1, "factor": 0.25, "drop_every": 15, "offset": 1},
    "linear": {"initial_lr": 0.1, "max_epochs": 100, "final_lr": 0.0},
    "poly": {"initial_lr": 0.1, "max_epochs": 100, "power": 5, "final_lr": 0.0},
    "exp": {"initial_lr": 0.01, "k": 0.01},
    "onecycle": {"max_lr": 0.1, "total_steps": 1000, "initial_lr": 0.01, "final_lr": 1e-5,
                 "final_fraction": 0.1},
    "cyclical": {"base_lr": 0.001, "max_lr": 0.006, "step_size": 2000, "mode": "exp_range",
                 "gamma": 0.9999},
    "cosine": {"initial_lr": 0.1, "decay_steps": 100, "final_lr": 0.0, "warmup_steps": 10},
}

NOT_A_NUMBER = ["0.1", None, True, math.nan, math.inf]
RATE_GT0 = [0, -0.1, *NOT_A_NUMBER]
RATE_GE0 = [-1e-9, *NOT_A_NUMBER]
POSITIVE_INT = [0, -3, 2.5, "10", None, True, math.inf]
NON_NEGATIVE_INT = [-1, 0.5, "1", None, True]

BAD = {
    ("constant", "lr"): RATE_GT0,
    ("standard", "initial_lr"): RATE_GT0,
    ("standard", "decay"): RATE_GE0,
    ("time", "initial_lr"): RATE_GT0,
    ("time", "decay"): RATE_GE0,
    ("step", "initial_lr"): RATE_GT0,
    ("step", "factor"): [0, -0.5, 1.5, *NOT_A_NUMBER],
    ("step", "drop_every"): POSITIVE_INT,
    ("step", "offset"): NON_NEGATIVE_INT,
    ("linear", "initial_lr"): RATE_GT0,
    ("linear", "max_epochs"): POSITIVE_INT,
    ("linear", "final_lr"): [*RATE_GE0, 0.2],  # 0.2 > initial_lr
    ("poly", "initial_lr"): RATE_GT0,
    ("poly", "max_epochs"): POSITIVE_INT,
    ("poly", "power"): RATE_GT0,
    ("poly", "final_lr"): [*RATE_GE0, 0.2],
    ("exp", "initial_lr"): RATE_GT0,
    ("exp", "k"): RATE_GE0,
    ("onecycle", "max_lr"): [*RATE_GT0, 0.005],  # 0.005 < initial_lr
    ("onecycle", "total_steps"): [*POSITIVE_INT, 5],  # 5 steps: no room for every phase
    # None is these two's documented default (max_lr/10, initial_lr/1000), so not bad input.
    ("onecycle", "initial_lr"): [0, -0.1, "0.1", True, math.nan, math.inf, 0.2],  # 0.2 > max_lr
    ("onecycle", "final_lr"): [-1e-9, "0.1", True, math.nan, math.inf, 0.02],  # > initial_lr
    ("onecycle", "final_fraction"): [0, 1, -0.1, 1.5, *NOT_A_NUMBER],
    ("cyclical", "base_lr"): [*RATE_GT0, 0.01],  # 0.01 > max_lr
    ("cyclical", "max_lr"): [*RATE_GT0, 0.001],  # == base_lr
    ("cyclical", "step_size"): POSITIVE_INT,
    ("cyclical", "mode"): ["triangle", "", None, 1],
    ("cyclical", "gamma"): [0, -0.5, 1.01, *NOT_A_NUMBER],
    ("cosine", "initial_lr"): RATE_GT0,
    ("cosine", "decay_steps"): POSITIVE_INT,
    ("cosine", "final_lr"): [*RATE_GE0, 0.2],
    ("cosine", "warmup_steps"): NON_NEGATIVE_INT,
}

CASES = [(name, arg, bad) for (name, arg), values in BAD.items() for bad in values]


def test_every_parameter_has_bad_input_cases():
    for name, params in VALID.items():
        for arg in params:
            assert (name, arg) in BAD, f"no bad-input cases for {name}.{arg}"


@pytest.mark.parametrize("name, params", VALID.items())
def test_valid_parameters_build(name, params):
    assert schedules.get(name, **params).get_config() == pytest.approx(params)


@pytest.mark.parametrize("name, arg, bad", CASES, ids=[f"{n}.{a}={b!r}" for n, a, b in CASES])
def test_bad_parameter_is_a_value_error_naming_it(name, arg, bad):
    params = dict(VALID[name], **{arg: bad})
    with pytest.raises(ValueError) as err:
        schedules.get(name, **params)
    message = str(err.value)
    assert f"`{arg}`" in message
    assert "Received:" in message


def test_gamma_outside_exp_range_is_refused_not_ignored():
    with pytest.raises(ValueError, match="only applies to mode='exp_range'"):
        schedules.get("cyclical", base_lr=0.001, max_lr=0.006, step_size=10, gamma=0.9)


def test_message_shape_follows_keras():
    with pytest.raises(ValueError) as err:
        schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=0)
    assert str(err.value) == (
        "Argument `drop_every` must be a positive integer. Received: drop_every=0"
    )


def test_integral_float_counts_are_accepted_as_ints():
    s = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10.0)
    assert s.drop_every == 10 and isinstance(s.drop_every, int)
