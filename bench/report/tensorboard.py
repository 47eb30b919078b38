"""TensorBoard event files from run records: one run folder per case and seed, scalars per epoch.

Layout: ``DIR/<benchmark>/<protocol>/<case>/seed_<k>/``, so ``tensorboard --logdir DIR``
lists every case's seeds as runs and plots schedules side by side on the same tags:
``learning_rate``, ``loss/train``, ``loss/validation``, ``<metric>/train``, ``<metric>/validation``
(metric: ``accuracy`` or ``mae``), one point per epoch, step = the 1-based epoch.
Written with TensorFlow's own summary writer (``tf.summary.write`` with the scalars plugin's
metadata, as TensorBoard's ``tf.summary.scalar`` writes them), so nothing beyond TensorFlow is
needed to write them; viewing needs TensorBoard (``pip install tensorboard``), which recent
``tensorflow-cpu`` wheels no longer install.
"""

from pathlib import Path


def run_dir(root, benchmark, protocol, case, seed):
    return Path(root) / benchmark / protocol / case / f"seed_{seed}"


def write_run(root, run):
    """Write one ``RunResult``'s per-epoch history; returns its folder."""
    import tensorflow as tf
    from tensorflow.core.framework import summary_pb2

    scalar = summary_pb2.SummaryMetadata()
    scalar.plugin_data.plugin_name = "scalars"
    folder = run_dir(root, run.benchmark, run.protocol, run.case, run.seed)
    h = run.history
    metric = next(
        k[len("val_") :] for k in h if k.startswith("val_") and k not in ("val_loss", "val_predicted", "val_true")
    )
    tags = {
        "learning_rate": "lr",
        "loss/train": "train_loss",
        "loss/validation": "val_loss",
        f"{metric}/train": f"train_{metric}",
        f"{metric}/validation": f"val_{metric}",
    }
    writer = tf.summary.create_file_writer(str(folder))
    with writer.as_default():
        for tag, key in tags.items():
            for epoch, value in enumerate(h.get(key, []), 1):
                tf.summary.write(tag, tf.constant(float(value), tf.float32), step=epoch, metadata=scalar)
    writer.flush()
    writer.close()
    return folder
