"""bench/report/plots.py: the PNGs are real images of the documented size."""

import struct

import pytest

from bench.report.plots import SIZE_PX, plot_drift, plot_lr, plot_training


def png_size(path):
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def history(offset):
    return {
        "lr": [0.1, 0.1, 0.05, 0.05],
        "train_loss": [1.0 - offset, 0.6, 0.4, 0.3],
        "val_loss": [1.1, 0.7, 0.5, 0.45 + offset],
        "val_accuracy": [0.5, 0.7, 0.8 + offset, 0.85],
    }


@pytest.mark.parametrize("plot", [plot_lr, plot_training])
def test_run_plots_are_800_by_500_pngs_with_content(tmp_path, plot):
    path = plot([history(0.0), history(0.05)], tmp_path / "p.png", "demo / p / s")
    assert png_size(path) == SIZE_PX == (800, 500)
    assert path.stat().st_size > 15_000  # axes, labels, lines and a band: not a blank canvas


def test_drift_plot(tmp_path):
    summary = {"n": 5, "mean": 0.98, "std": 0.01, "min": 0.97, "max": 0.99}
    path = plot_drift(
        [("run 1", summary), ("run 2", dict(summary, mean=0.975))],
        tmp_path / "d.png",
        "drift",
        "fraction",
        {"mean": 0.985, "threshold": 0.96},
    )
    assert png_size(path) == (800, 500) and path.stat().st_size > 15_000
