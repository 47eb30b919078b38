"""bench/statistics/changepoints.py: change points in a series of nights, against hand-built series."""

import math

import numpy as np
import pytest

from bench.statistics import changepoints


def test_pooled_std_weights_each_night_by_its_degrees_of_freedom():
    # (19 * 0.02^2 + 9 * 0.04^2) / 28 = (0.0076 + 0.0144) / 28 = 0.000785714..., sqrt = 0.0280306
    assert changepoints.pooled_std([0.02, 0.04], [20, 10]) == pytest.approx(0.0280306, rel=1e-5)
    assert changepoints.pooled_std([0.5], [1]) == 0.0  # one seed: no spread measured


def test_split_z_by_hand():
    # nights 1.0 (n 2), 1.0 (n 2), 2.0 (n 4); sigma 1. Split after night 1: 1.0 vs (2 + 8) / 6 = 1.6667,
    # se sqrt(1/2 + 1/6) = 0.8165 -> z 0.8165; after night 2: 1.0 vs 2.0, se sqrt(1/4 + 1/4) -> z 1.4142
    z = changepoints.split_z([1.0, 1.0, 2.0], [2, 2, 4], 1.0)
    assert z == pytest.approx([0.81650, 1.41421], rel=1e-4)


def test_a_null_series_max_z_has_the_textbook_single_split_tail():
    # two nights: one split, z standard normal, so P(|z| >= 1.96) = 0.05
    null = changepoints.max_z_null([20, 20])
    assert np.mean(null >= 1.96) == pytest.approx(0.05, abs=0.003)
    # thirty nights: the largest of 29 correlated |z| lies further out than one z's 1.96
    assert np.mean(changepoints.max_z_null([20] * 30) >= 1.96) > 0.2


def test_a_step_is_found_at_the_night_it_starts_with_its_size():
    rng = np.random.default_rng(1)
    nights, n, sigma = 30, 20, 0.01
    means = 0.10 + rng.standard_normal(nights) * sigma / math.sqrt(n)
    means[17:] += 0.004  # 1.8 standard errors of one night's mean: no gate on one night would see it
    found = changepoints.find(means, [sigma] * nights, [n] * nights, alpha=0.01)
    assert [c.at for c in found] == [17]
    assert found[0].shift == pytest.approx(0.004, abs=0.0012) and found[0].p_value < 0.01


@pytest.mark.e2e  # 400 series, whose change points need 20 simulated nulls of 100,000 series: 1.3 s on a 2-core machine
def test_unchanged_nights_rarely_show_a_change_at_their_alpha():
    rng = np.random.default_rng(2)
    hits = sum(
        bool(
            changepoints.find(0.5 + rng.standard_normal(30) * 0.02 / math.sqrt(20), [0.02] * 30, [20] * 30, alpha=0.05)
        )
        for _ in range(400)
    )
    assert hits / 400 == pytest.approx(0.05, abs=0.03)


def test_two_shifts_are_both_found_and_a_small_one_is_held_back_by_min_shift():
    means = [1.0] * 10 + [1.5] * 10 + [1.0] * 10
    found = changepoints.find(means, [0.1] * 30, [20] * 30, alpha=0.01)
    assert [c.at for c in found] == [10, 20]
    assert [round(c.shift, 6) for c in found] == [0.5, -0.5]
    assert changepoints.find(means, [0.1] * 30, [20] * 30, alpha=0.01, min_shift=0.6) == []


def test_nights_without_spread_are_exact_and_an_identical_series_has_no_change():
    assert changepoints.find([0.3] * 8, [0.0] * 8, [20] * 8) == []
    found = changepoints.find([0.3] * 5 + [0.31] * 3, [0.0] * 8, [20] * 8)
    assert [c.at for c in found] == [5] and found[0].p_value == 0.0
    assert changepoints.find([0.3], [0.1], [20]) == []  # one night: nothing to compare


def test_the_level_before_the_first_change_counts_every_night_from_the_first():
    means = [0.99, 1.0, 1.0, 1.0, 1.0, 1.5, 1.5, 1.5]  # the first night a little low, within its noise
    (found,) = changepoints.find(means, [0.1] * 8, [20] * 8, alpha=0.01)
    assert found.at == 5
    assert found.before == pytest.approx(0.998, abs=1e-12) and found.after == pytest.approx(1.5, abs=1e-12)


def test_three_shifts_are_found_with_their_segments_levels_and_signs():
    """Binary segmentation by hand: the largest step first (0 -> 3 at night 15), then each side."""
    means = [1.0] * 5 + [2.0] * 5 + [1.0] * 5 + [3.0] * 5
    found = changepoints.find(means, [0.01] * 20, [20] * 20, alpha=0.01)
    assert [(c.at, c.before, c.after) for c in found] == [(5, 1.0, 2.0), (10, 2.0, 1.0), (15, 1.0, 3.0)]
    assert [(c.start, c.stop) for c in found] == [(0, 15), (5, 15), (0, 20)]  # where each split was found
    assert [math.copysign(1, c.z) for c in found] == [1, -1, 1] and all(abs(c.z) > 50 for c in found)
    assert all(c.p_value == 0.0 for c in found)  # beyond every one of the 100,000 simulated series


def test_a_segment_of_two_nights_is_split_too():
    found = changepoints.find([0.0] * 8 + [10.0, 20.0], [0.01] * 10, [20] * 10, alpha=0.01)
    assert [c.at for c in found] == [8, 9] and (found[1].before, found[1].after) == (10.0, 20.0)


def test_without_spread_a_change_has_an_infinite_z():
    (found,) = changepoints.find([0.3] * 5 + [0.31] * 3, [0.0] * 8, [20] * 8)
    assert found.z == math.inf and (found.before, found.after) == (0.3, 0.31)
    (fall,) = changepoints.find([0.31] * 5 + [0.3] * 3, [0.0] * 8, [20] * 8)
    assert fall.z == -math.inf


def test_a_shift_exactly_at_min_shift_is_reported():
    means = [1.0] * 10 + [1.5] * 10
    assert [c.at for c in changepoints.find(means, [0.1] * 20, [20] * 20, alpha=0.01, min_shift=0.5)] == [10]


def test_split_z_where_a_side_has_no_seeds_and_the_null_is_seeded():
    z = changepoints.split_z([1.0, 1.0, 2.0], [20, 20, 20], 0.0)  # no spread: any step is infinitely sure
    assert list(z) == [math.inf, math.inf]
    assert list(changepoints.split_z([1.0, 1.0], [20, 20], 0.0)) == [0.0]  # and no step is no change
    assert list(changepoints.split_z([2.0, 1.0], [20, 20], 0.0)) == [-math.inf]
    assert np.array_equal(changepoints.max_z_null([20] * 5), changepoints.max_z_null([20] * 5, seed=0))
    assert not np.array_equal(changepoints.max_z_null([20] * 5), changepoints.max_z_null([20] * 5, seed=1))


def test_the_pooled_spread_ignores_nights_of_one_seed_and_is_0_without_any_pair():
    assert changepoints.pooled_std([0.5, 0.1], [1, 5]) == pytest.approx(0.1)
    assert changepoints.pooled_std([0.5, 0.4], [1, 1]) == 0.0
    assert changepoints.pooled_std([0.3, 0.1], [2, 2]) == pytest.approx(math.sqrt((0.09 + 0.01) / 2))
    assert changepoints.p_text(0.0) == "< 1e-05" and changepoints.p_text(0.0123) == "= 0.012"


def test_no_spread_raises_no_numpy_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a division by zero in NumPy would warn: split_z silences it on purpose
        assert list(changepoints.split_z([1.0, 1.0, 2.0], [20, 20, 20], 0.0)) == [math.inf, math.inf]
        assert list(changepoints.split_z([1.0, 1.0], [20, 20], 0.0)) == [0.0]  # 0 / 0, silenced too
        assert [c.at for c in changepoints.find([0.3] * 5 + [0.31] * 3, [0.0] * 8, [20] * 8)] == [5]


def test_two_nights_are_a_series_and_one_seed_nights_no_spread():
    assert [c.at for c in changepoints.find([1.0, 2.0], [0.0, 0.0], [20, 20])] == [1]
    assert changepoints.pooled_std([0.3, 0.2], [1, 2]) == pytest.approx(0.2)  # one degree of freedom in all
    assert changepoints.pooled_std([0.5, 0.1], [0, 5]) == pytest.approx(0.1)  # a night of no seeds weighs nothing


def test_a_p_value_equal_to_alpha_is_not_a_change():
    rng = np.random.default_rng(3)
    means = list(0.10 + rng.standard_normal(12) * 0.01 / math.sqrt(20))
    means[8:] = [m + 0.002 for m in means[8:]]
    every = changepoints.find(means, [0.01] * 12, [20] * 12, alpha=1.0)  # every split, reported at any p
    (first,) = [c for c in every if (c.start, c.stop) == (0, 12)]  # the split of the whole series
    assert 0 < first.p_value < 0.01
    assert changepoints.find(means, [0.01] * 12, [20] * 12, alpha=first.p_value) == []  # p >= alpha: no change
