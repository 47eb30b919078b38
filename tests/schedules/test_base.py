"""The Schedule base: index checks, vectorised values and plotting."""

import math
import struct

import numpy as np
import pytest

import schedules

STEP = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=10)
STANDARD = schedules.get("standard", initial_lr=0.01, decay=0.00025)


@pytest.mark.parametrize("bad", [-1, 1.5, -0.5, math.nan, math.inf, True, "3", None, [1]])
def test_bad_scalar_index_is_a_clear_error(bad):
    with pytest.raises(ValueError, match=r"Index `t` must be a non-negative integer \(epochs counted"):
        STEP(bad)


def test_index_error_names_the_unit():
    with pytest.raises(ValueError, match="iterations counted from 0"):
        STANDARD(-1)


@pytest.mark.parametrize("bad", [[0, 1, -2], np.array([0.0, 1.5]), np.array([0.0, np.nan]), ["a"], np.array([True])])
def test_bad_index_arrays_are_clear_errors(bad):
    with pytest.raises(ValueError, match="`t`|`ts`"):
        STEP.values(bad)


def test_integral_floats_and_numpy_ints_are_indices():
    assert STEP(np.int64(9)) == STEP(9.0) == 0.05
    assert STEP.values(np.array([9.0, 10.0])).tolist() == [0.05, 0.05]


def test_values_keep_shape_and_dtype():
    ts = np.arange(12).reshape(3, 4)
    out = STEP.values(ts)
    assert out.shape == (3, 4) and out.dtype == np.float64
    assert STEP.values([]).shape == (0,)
    assert schedules.get("constant", lr=0.1).values(range(3)).tolist() == [0.1, 0.1, 0.1]


def test_repr_shows_name_and_config():
    assert repr(STEP) == "step(initial_lr=0.1, factor=0.5, drop_every=10, offset=1)"


def _png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", head[16:24])


def test_plot_writes_a_png_of_the_curve(tmp_path):
    path = tmp_path / "step.png"
    assert STEP.plot(range(100), path) == path
    assert _png_size(path) == (640, 400)
    assert path.stat().st_size > 5000  # a drawn curve, axes and labels, not an empty canvas


def test_at_reads_the_count_of_the_schedule_s_own_unit():
    step = schedules.get("step", initial_lr=0.1, factor=0.5, drop_every=1, offset=0)  # epochs
    standard = schedules.get("standard", initial_lr=0.1, decay=1.0)  # iterations
    assert step.at(epoch=2, iteration=0) == 0.025  # 0.1 * 0.5 ** 2: the epoch counts
    assert standard.at(epoch=0, iteration=3) == 0.025  # 0.1 / (1 + 3): the iteration counts
