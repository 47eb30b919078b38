"""bench/statistics/figures.py: calibration's effect sizes and the seeds a nightly needs, by hand."""

import math
from statistics import NormalDist

import pytest

from bench.statistics import figures

Z = NormalDist().inv_cdf(1 - 0.01 / 2) + NormalDist().inv_cdf(0.9)  # 2.5758 + 1.2816: two-sided 1 %, power 0.9


def test_seeds_needed_by_hand():
    # (1.0 / 3.8574)^2 = 0.067206; less the baseline's own 1/40: 0.042206; 1 / that = 23.69 -> 24
    assert figures.needed_seeds(1.0, 40, 0.01) == 24
    assert figures.needed_seeds(2.0, 40, 0.01) == 5
    assert figures.needed_seeds(10.0, 40, 0.01) == 2  # 1 / (6.72 - 0.025) < 1: still 2, the fewest a test takes
    assert figures.needed_seeds(-1.0, 40, 0.01) == 24  # the size, not the sign
    assert figures.needed_seeds(math.inf, 40, 0.01) == 2
    assert figures.needed_seeds(1.0, 40, 0.01, power=0.5) == 8  # z = 2.5758 alone: 1 / (0.15072 - 0.025) = 7.95


def test_a_change_the_baseline_s_own_noise_hides_needs_no_number_of_seeds():
    assert figures.needed_seeds(Z / 2, 4, 0.01) is None  # (d / z)^2 is exactly 1/4: no number of seeds sees it
    assert figures.needed_seeds(0.5, 40, 0.01) is None


def test_effect_size_of_two_seed_sets():
    assert figures.effect_size([1.0, 3.0], [3.0, 5.0]) == pytest.approx(2 / 2**0.5)  # shift 2, pooled std sqrt 2
    assert figures.effect_size([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]) == pytest.approx(-1 / 0.5**0.5)
    assert figures.effect_size([1.0, 1.0], [0.9, 0.9]) == -math.inf
    assert figures.effect_size([1.0, 1.0], [1.1, 1.1]) == math.inf
    assert figures.effect_size([1.0, 1.0], [1.0, 1.0]) == 0.0


def test_a_rate_s_exact_interval_by_hand():
    # Clopper-Pearson at 95 %: with no hits the upper end solves (1 - p)^n = 0.025, with all hits the lower end
    # solves p^n = 0.025; published tables give 3 of 20 -> (0.0321, 0.3789).
    assert figures.rate_interval(0, 20) == (0.0, pytest.approx(1 - 0.025 ** (1 / 20)))  # 0.1684
    assert figures.rate_interval(20, 20) == (pytest.approx(0.025 ** (1 / 20)), 1.0)
    low, high = figures.rate_interval(3, 20)
    assert (round(low, 4), round(high, 4)) == (0.0321, 0.3789)
    low, high = figures.rate_interval(1, 2)  # (1 - sqrt(0.975), sqrt(0.975))
    assert low == pytest.approx(1 - 0.975**0.5) and high == pytest.approx(0.975**0.5)
    assert figures.rate_interval(0, 0) == (0.0, 1.0)


def test_a_rate_is_printed_with_its_count_and_interval():
    assert figures.rate_text(0, 20) == "0/20 = 0 % (0-17 %)"
    assert figures.rate_text(3, 20) == "3/20 = 15 % (3.2-38 %)"
    assert figures.rate_text(1, 1000) == "1/1000 = 0.10 % (0.00-0.56 %)"  # (2.5e-5, 0.00556)
    assert figures.rate_text(0, 0) == "0/0 (no tries)"


def test_an_impossible_count_is_refused():
    with pytest.raises(ValueError, match="k=3, n=2"):
        figures.rate_interval(3, 2)


def test_one_try_and_another_confidence_by_hand():
    assert figures.rate_interval(0, 1) == (0.0, pytest.approx(0.975))  # 1 - 0.025
    assert figures.rate_interval(1, 1) == (pytest.approx(0.025), 1.0)
    assert figures.rate_text(0, 20, confidence=0.9) == "0/20 = 0 % (0-14 %)"  # 1 - 0.05 ** (1 / 20) = 0.1391


def test_percentages_keep_two_significant_digits_around_one_and_ten():
    # 1 of 10: (0.00253, 0.4450); 1 of 100: (0.000253, 0.0545); 3 of 200: (0.0031, 0.0432)
    assert figures.rate_text(1, 10) == "1/10 = 10 % (0.25-45 %)"
    assert figures.rate_text(1, 100) == "1/100 = 1.0 % (0.03-5.4 %)"
    assert figures.rate_text(3, 200) == "3/200 = 1.5 % (0.31-4.3 %)"
