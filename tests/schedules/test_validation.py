"""Bad input for every parameter of every registered schedule: a ValueError naming it.

The cases are derived from each schedule's declared ranges (``Schedule.params``), so a new
schedule is covered as soon as it is registered. What the ranges themselves say is pinned
by literals below (``test_each_kind_of_range_says_what_it_requires``), and the whole
message by the literal cases in ``test_edges.py``.
"""

import math

import pytest

import schedules
from schedules import _ranges as ranges

# The message form every check uses (schedules/_validate.py, after Keras' own).
MESSAGE = "Argument `{name}` must be {requirement}. Received: {name}={received}"


def declared():
    return [(name, schedules.declared(name)) for name in schedules.available()]


def shown(value):
    """How a refused value appears after "Received:": numbers as the float they were read as."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value))
    return repr(value)


@pytest.mark.parametrize("name", schedules.available())
def test_a_value_outside_the_declared_range_is_refused_with_its_message(name):
    """Every value just outside each argument's declared range (``rng.outside()``), one at a time in the
    schedule's example; the message naming every one refused otherwise than it should be."""
    cls = schedules.declared(name)
    problems = []
    for arg, rng in cls.params.items():
        for bad in rng.outside():
            received = repr(bad) if isinstance(rng, (ranges.Integer, ranges.Choice)) else shown(bad)
            expected = MESSAGE.format(name=arg, requirement=rng.requirement, received=received)
            try:
                schedules.get(name, **{**cls.example, arg: bad})
            except ValueError as err:
                if str(err) != expected:
                    problems.append(f"{name}.{arg}={bad!r}: {err} (expected: {expected})")
            else:
                problems.append(f"{name}.{arg}={bad!r}: accepted (expected: {expected})")
    assert cls.params and problems == [], "\n".join(problems)


@pytest.mark.parametrize("name", schedules.available())
def test_the_ends_of_each_declared_range_pass_its_own_check(name):
    """At either end of each argument's range (``rng.ends()``) the argument's own check passes and the rates
    are finite and non-negative. Another argument's rule may still refuse the combination (final_lr <=
    initial_lr, max_lr > base_lr): then the message is that rule's."""
    cls = schedules.declared(name)
    problems = []
    for arg, rng in cls.params.items():
        own = f"Argument `{arg}` must be {rng.requirement}."
        for end in rng.ends():
            try:
                s = schedules.get(name, **{**cls.example, arg: end})
            except ValueError as err:
                if str(err).startswith(own):
                    problems.append(f"{name}.{arg}={end!r}: refused by its own check: {err}")
                continue
            rates = s.values([0, 1, 10])
            if not all(math.isfinite(r) and r >= 0 for r in rates):
                problems.append(f"{name}.{arg}={end!r}: rates {rates}")
    assert cls.params and problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "rng, requirement",
    [
        (ranges.POSITIVE, "a finite number > 0"),
        (ranges.NON_NEGATIVE, "a finite number >= 0"),
        (ranges.POSITIVE_INT, "a positive integer"),
        (ranges.NON_NEGATIVE_INT, "a non-negative integer"),
        (ranges.fraction(low_open=True, high_open=False), "in (0, 1]"),
        (ranges.fraction(low_open=False, high_open=True), "in [0, 1)"),
        (ranges.fraction(low_open=True, high_open=True), "in (0, 1)"),
        (ranges.Choice(("a", "b")), "one of 'a', 'b'"),
        (ranges.Real(1, low_open=True), "in (1, inf)"),
        (ranges.Integer(2), "an integer >= 2"),
    ],
)
def test_each_kind_of_range_says_what_it_requires(rng, requirement):
    assert rng.requirement == requirement


@pytest.mark.parametrize(
    "rng, ends, outside",
    [
        (ranges.POSITIVE, [5e-324, 1.7976931348623157e308], [0.0]),
        (ranges.NON_NEGATIVE, [0.0, 1.7976931348623157e308], [-5e-324]),
        (ranges.fraction(low_open=True, high_open=False), [5e-324, 1.0], [0.0, 1.0000000000000002]),
        (ranges.fraction(low_open=False, high_open=True), [0.0, 0.9999999999999999], [-5e-324, 1.0]),
        (ranges.POSITIVE_INT, [1, 1.0, 10**9], [0, 1.5]),
        (ranges.NON_NEGATIVE_INT, [0, 0.0, 10**9], [-1, 0.5]),
        (ranges.Real(1, low_open=True), [1.0000000000000002, 1.7976931348623157e308], [1.0]),
        (ranges.Integer(2), [2, 2.0, 10**9], [1, 2.5]),
    ],
)
def test_the_ends_and_just_outside_are_the_neighbouring_floats(rng, ends, outside):
    assert rng.ends() == ends
    assert rng.outside()[: len(outside)] == outside
    for value in ends:
        rng.check("x", value)
    for value in rng.outside():
        with pytest.raises(ValueError, match="Argument `x` must be"):
            rng.check("x", value)


@pytest.mark.parametrize("name", schedules.available())
def test_the_example_builds_and_its_config_is_its_arguments(name):
    cls = schedules.declared(name)
    config = schedules.get(name, **cls.example).get_config()
    assert config == pytest.approx({**config, **cls.example})
    assert list(config) == list(cls.params)


def test_gamma_outside_exp_range_is_refused_not_ignored():
    with pytest.raises(ValueError, match="only applies to mode='exp_range'"):
        schedules.get("cyclical", base_lr=0.001, max_lr=0.006, step_size=10, gamma=0.9)


def test_message_shape_follows_keras():
    with pytest.raises(ValueError) as err:
        schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=0)
    assert str(err.value) == ("Argument `drop_every` must be a positive integer. Received: drop_every=0")


def test_integral_float_counts_are_accepted_as_ints():
    s = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10.0)
    assert s.drop_every == 10 and isinstance(s.drop_every, int)


def test_an_argument_without_a_declared_range_is_a_clear_error():
    class Undeclared(schedules.Schedule):
        name = "undeclared"
        unit = "epoch"
        params = {}

        def __init__(self, lr):
            self._accept(lr=lr)

    with pytest.raises(
        TypeError,
        match=r"Undeclared declares no range for argument `lr`: add it to "
        r"Undeclared.params",
    ):
        Undeclared(0.1)


@pytest.mark.parametrize(
    "name, params, text",
    [
        (
            "cyclical",
            {"base_lr": 0.001, "max_lr": 0.001, "step_size": 10},
            "Argument `max_lr` must be > `base_lr` (0.001). Received: max_lr=0.001",
        ),
        (
            "cyclical",
            {"base_lr": 0.01, "max_lr": 0.006, "step_size": 10},
            "Argument `max_lr` must be > `base_lr` (0.01). Received: max_lr=0.006",
        ),
        (
            "poly",
            {"initial_lr": 0.1, "max_epochs": 10, "power": 2, "final_lr": 0.2},
            "Argument `final_lr` must be <= `initial_lr` (0.1). Received: final_lr=0.2",
        ),
        (
            "onecycle",
            {"max_lr": 0.005, "total_steps": 100, "initial_lr": 0.01},
            "Argument `initial_lr` must be <= `max_lr` (0.005). Received: initial_lr=0.01",
        ),
    ],
)
def test_a_rule_between_arguments_is_refused_naming_both(name, params, text):
    with pytest.raises(ValueError) as err:
        schedules.get(name, **params)
    assert str(err.value) == text
