"""The declared range of a schedule's argument: what ``Schedule.params`` holds.

A schedule declares each constructor argument's range once; its constructor checks through it
(``Schedule._accept``, which calls the range's check in ``schedules._validate``), and the tests
derive from it the values at the range's ends (accepted), values just outside it (refused with
the message ``_validate`` writes) and the values a property test draws.

This module is left out of mutation testing (pyproject.toml, ``[tool.mutmut]``): the ranges are
built when the schedule modules are imported, before mutmut can switch a mutant on, and their
``ends`` / ``outside`` only make test inputs. The checks they call are mutated in ``_validate``;
``tests/schedules/test_validation.py`` pins every kind of range by literals.
"""

import math

from schedules import _validate
from schedules._validate import in_interval, non_negative, non_negative_int, one_of, positive, positive_int

HUGE = 1.7976931348623157e308  # the largest finite float64
NOT_NUMBERS = ("0.1", None, True)  # a string, nothing, a bool: refused by every numeric range


class Real:
    """A finite real number between ``low`` and ``high``, each end open or closed; ``high=None``:
    unbounded above ("> 0" or ">= 0" from 0, else "in (low, inf)")."""

    def __init__(self, low, high=None, *, low_open=False, high_open=False):
        self.low, self.high, self.low_open, self.high_open = low, high, low_open, high_open

    @property
    def requirement(self):
        if self.high is None and self.low == 0:
            return f"a finite number {'>' if self.low_open else '>='} {self.low}"
        high, high_open = (math.inf, True) if self.high is None else (self.high, self.high_open)
        return f"in {'(' if self.low_open else '['}{self.low}, {high}{')' if high_open else ']'}"

    def check(self, name, value):
        if self.high is None and self.low == 0:
            return (positive if self.low_open else non_negative)(name, value)
        high, high_open = (math.inf, True) if self.high is None else (self.high, self.high_open)
        return in_interval(name, value, self.low, high, low_open=self.low_open, high_open=high_open)

    def ends(self):
        """The values at the ends of the range, both accepted."""
        low = math.nextafter(self.low, math.inf) if self.low_open else float(self.low)
        high = (
            HUGE
            if self.high is None
            else (math.nextafter(self.high, -math.inf) if self.high_open else float(self.high))
        )
        return [low, high]

    def outside(self):
        """Values just outside the range, and values of the wrong kind: all refused."""
        below = float(self.low) if self.low_open else math.nextafter(self.low, -math.inf)
        out = [below, math.nan, math.inf, -math.inf, *NOT_NUMBERS]
        if self.high is not None:
            out.insert(1, float(self.high) if self.high_open else math.nextafter(self.high, math.inf))
        return out


class Integer:
    """An integer ``>= minimum``; an integral float such as 15.0 is accepted as 15."""

    def __init__(self, minimum):
        self.minimum = minimum

    @property
    def requirement(self):
        return {1: "a positive integer", 0: "a non-negative integer"}.get(self.minimum, f"an integer >= {self.minimum}")

    def check(self, name, value):
        if self.minimum in (0, 1):
            return (positive_int if self.minimum == 1 else non_negative_int)(name, value)
        return _validate._integer(name, value, minimum=self.minimum, requirement=self.requirement)

    def ends(self):
        return [self.minimum, float(self.minimum), 10**9]

    def outside(self):
        return [self.minimum - 1, self.minimum + 0.5, math.inf, math.nan, "1", None, True]


class Choice:
    """One of a fixed set of strings."""

    def __init__(self, choices):
        self.choices = tuple(choices)

    @property
    def requirement(self):
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def check(self, name, value):
        return one_of(name, value, self.choices)

    def ends(self):
        return list(self.choices)

    def outside(self):
        return ["x" + self.choices[0], "", None, 1]


class OrNone:
    """``None`` (the argument's documented default, ``meaning``) or a value in ``range``."""

    def __init__(self, range_, meaning):
        self.range, self.meaning = range_, meaning
        self.requirement = range_.requirement

    def check(self, name, value):
        return self.range.check(name, value)

    def ends(self):
        return self.range.ends()

    def outside(self):
        return [v for v in self.range.outside() if v is not None]


POSITIVE = Real(0, low_open=True)
NON_NEGATIVE = Real(0)
POSITIVE_INT = Integer(1)
NON_NEGATIVE_INT = Integer(0)


def fraction(*, low_open, high_open):
    """A number in the interval between 0 and 1 with the given ends open or closed."""
    return Real(0, 1, low_open=low_open, high_open=high_open)
