"""PNG plots of runs: rate per epoch, training history, and a metric across sessions.

Rendering only: everything is drawn from plain records (run histories, summaries).
With several seeds, a line is the mean and the shaded band spans min..max.
"""

import contextlib

import numpy as np

SIZE_PX = (800, 500)


@contextlib.contextmanager
def _figure(path, rows=1):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, axes = plt.subplots(rows, 1, figsize=(SIZE_PX[0] / 100, SIZE_PX[1] / 100), dpi=100, squeeze=False)
    try:
        yield fig, axes[:, 0]
        for ax in axes[:, 0]:
            ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)


def _band(ax, histories, key, label):
    values = np.array([h[key] for h in histories], dtype=float)
    epochs = np.arange(1, values.shape[1] + 1)
    (line,) = ax.plot(epochs, values.mean(axis=0), label=label)
    if len(values) > 1:
        ax.fill_between(epochs, values.min(axis=0), values.max(axis=0), alpha=0.2, color=line.get_color())


def plot_lr(histories, path, title):
    """The rate the optimizer used at the start of each epoch."""
    with _figure(path) as (fig, (ax,)):
        _band(ax, histories, "lr", "learning rate")
        ax.set_xlabel("epoch")
        ax.set_ylabel("learning rate")
        ax.set_title(f"{title}: learning rate ({len(histories)} seed(s))", fontsize=10)
    return path


def plot_training(histories, path, title):
    """Train and validation loss, and the metric on training and validation rows, per epoch."""
    metric = next(
        k for k in histories[0] if k.startswith("val_") and k not in ("val_loss", "val_predicted", "val_true")
    )
    with _figure(path, rows=2) as (fig, (top, bottom)):
        _band(top, histories, "train_loss", "train loss")
        _band(top, histories, "val_loss", "validation loss")
        top.set_ylabel("loss")
        top.legend()
        top.set_title(f"{title}: training history ({len(histories)} seed(s))", fontsize=10)
        train_metric = metric.replace("val_", "train_", 1)
        if train_metric in histories[0]:
            _band(bottom, histories, train_metric, train_metric.replace("_", " "))
        _band(bottom, histories, metric, metric.replace("val_", "validation ").replace("_", " "))
        bottom.set_xlabel("epoch")
        bottom.set_ylabel(metric.replace("val_", ""))
        bottom.legend()
    return path


def plot_drift(points, path, title, unit, baseline=None):
    """One point per session (mean, with min..max whiskers), against the baseline's mean and threshold.

    ``points``: list of ``(label, summary)`` in time order.
    """
    with _figure(path) as (fig, (ax,)):
        x = np.arange(len(points))
        means = [s["mean"] for _, s in points]
        low = [s["mean"] - s["min"] for _, s in points]
        high = [s["max"] - s["mean"] for _, s in points]
        ax.errorbar(x, means, yerr=[low, high], fmt="o-", capsize=3, label="measured mean (min..max)")
        if baseline is not None:
            ax.axhline(
                baseline["mean"], color="tab:green", linestyle="--", label=f"baseline mean {baseline['mean']:.4g}"
            )
            if "threshold" in baseline:  # a published floor
                ax.axhline(
                    baseline["threshold"], color="tab:red", linestyle=":", label=f"floor {baseline['threshold']:.4g}"
                )
            else:  # a measured baseline: the range its seeds covered
                ax.axhspan(
                    baseline["min"],
                    baseline["max"],
                    color="tab:green",
                    alpha=0.12,
                    label=f"baseline seeds {baseline['min']:.4g}..{baseline['max']:.4g} (n={baseline['n']})",
                )
        ax.set_xticks(x, [label for label, _ in points], rotation=30, ha="right", fontsize=7)
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8)
    return path
