"""Rendering of a schedule's curve and of a range test to PNG (matplotlib, Agg). Measures nothing."""

import contextlib

import numpy as np


@contextlib.contextmanager
def _png(path):
    """Yield the axes of a 640x400 figure, then save it as a PNG to ``path`` and close it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    try:
        yield ax
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)


def plot_schedule(schedule, ts, path, *, log_y=False):
    """Write the curve of ``schedule`` over indices ``ts`` to the PNG ``path``."""
    ts = np.asarray(ts)
    values = schedule.values(ts)
    with _png(path) as ax:
        ax.plot(ts, values, drawstyle="steps-post" if schedule.unit == "epoch" else "default")
        ax.set_xlabel(f"{schedule.unit} (0-based)")
        ax.set_ylabel("learning rate")
        if log_y:
            ax.set_yscale("log")
        ax.set_title(repr(schedule), fontsize=8)
    return path


def plot_range_test(result, path):
    """Write smoothed loss against rate (log x) with the suggested max_lr to the PNG ``path``."""
    with _png(path) as ax:
        ax.plot(result.lrs, result.smoothed_losses, label="smoothed loss")
        ax.axvline(
            result.suggested_max_lr,
            color="tab:red",
            linestyle="--",
            label=f"suggested max_lr = {result.suggested_max_lr:.3g}",
        )
        ax.set_xscale("log")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("training loss (EMA, bias-corrected)")
        ax.legend()
    return path
