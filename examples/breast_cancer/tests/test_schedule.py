"""This project's schedule: the suite's value checks in one call, and values worked out by hand."""

import pytest
from mybench.warmup_exp import WarmupExp

from schedules import checks


def test_the_suite_s_value_checks_pass():
    checks.check(WarmupExp)


def test_values_by_hand():
    s = WarmupExp(peak_lr=0.01, warmup=5, decay=0.9)
    assert s(0) == pytest.approx(0.002)  # 0.01 * 1 / 5
    assert s(4) == pytest.approx(0.01)  # the peak: 0.01 * 5 / 5
    assert s(5) == pytest.approx(0.009)  # 0.01 * 0.9
    assert s(29) == pytest.approx(0.01 * 0.9**25)  # 0.000717...
