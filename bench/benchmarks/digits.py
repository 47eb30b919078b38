"""Every registered schedule on real images, on any CPU: a small CNN on scikit-learn's 8x8 digits.

No write-up publishes this experiment; it exists so that each schedule in
``schedules.available()`` has an accuracy gate that CI runs (the experiments of docs/reference.md#experiments
need a GPU and CIFAR-10 for linear, poly, cosine and cyclical). Run on its own:
``python -m bench.benchmarks.digits [--seeds 5] [--cases cosine cyclical]``.

Data: the 1,797 8x8 images of ``sklearn.datasets.load_digits`` (shipped with scikit-learn,
UCI "Optical Recognition of Handwritten Digits", 10 classes), pixels 0..16 scaled to [0, 1].
Protocol ``holdout``: one fixed stratified split (``train_test_split(test_size=600,
random_state=0)``), 1,197 rows train, 600 validate; the seed sets the weights and the order.

Model: conv 8 x 3x3 (same, ReLU) - 2x2 max-pool - dense softmax over 10 (1,370 weights);
SGD momentum 0.9, batch 32 (38 iterations per epoch), 6 epochs, categorical cross-entropy.

Sized so the schedule moves the outcome: 6 epochs is short enough that how much rate a
schedule spends, and when, shows in the final train loss (0.04 at a constant 0.1, 0.14 at
a constant 0.02, measured over 3 seeds) and in accuracy. The peak rate 0.1 comes from the
range test (``schedules.range_test``, 1e-5 to 10 over 300 iterations, seed 0, momentum 0.9):
the smoothed loss is lowest near 0.7-1.0 and climbs from 1.3; a tenth of the lowest is 0.104.
Every schedule starts (or peaks) at 0.1 and spends the same 6 epochs.
"""

import numpy as np

from bench.benchmarks import classifier
from bench.benchmarks.spec import Case, Cost

NAME = "digits"
CONFIG = {
    "filters": 8,
    "batch_size": 32,
    "epochs": 6,
    "validation_rows": 600,
    "split_seed": 0,
    "peak_lr": 0.1,
    "target_accuracy": {"holdout": 0.95},  # epochs_to_target: above what an epoch of a small rate reaches
}
DATA_ROWS = 1797  # images in sklearn.datasets.load_digits() (tests/benchmarks/test_digits.py loads and counts them)
STEPS_PER_EPOCH = -(-(DATA_ROWS - CONFIG["validation_rows"]) // CONFIG["batch_size"])  # ceil(1197 / 32) = 38
STEPS = CONFIG["epochs"] * STEPS_PER_EPOCH  # iterations in the whole run: 228
HALF_EPOCH = STEPS_PER_EPOCH // 2  # 19 iterations
SGD = {"momentum": 0.9}
CASES = {
    "constant": Case("constant", {"lr": 0.1}, SGD),
    "standard": Case("standard", {"initial_lr": 0.1, "decay": 0.004}, SGD),  # 0.1 -> 0.052 at the end
    "time": Case("time", {"initial_lr": 0.1, "decay": 0.2}, SGD),  # 0.1 -> 0.05 at epoch 5
    "step": Case("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 2}, SGD),  # A's convention
    "linear": Case("linear", {"initial_lr": 0.1, "max_epochs": 6}, SGD),
    "poly": Case("poly", {"initial_lr": 0.1, "max_epochs": 6, "power": 2}, SGD),
    "exp": Case("exp", {"initial_lr": 0.1, "k": 0.3}, SGD),
    "onecycle": Case("onecycle", {"max_lr": 0.1, "total_steps": STEPS}, SGD),
    "cyclical": Case("cyclical", {"base_lr": 0.01, "max_lr": 0.1, "step_size": HALF_EPOCH}, SGD),
    "cosine": Case("cosine", {"initial_lr": 0.1, "decay_steps": STEPS - HALF_EPOCH, "warmup_steps": HALF_EPOCH}, SGD),
}


def load_data():
    """``(train, val)``: float32 images (N, 8, 8, 1) in [0, 1] and one-hot float32 labels."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = np.eye(10, dtype=np.float32)[digits.target]
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=CONFIG["validation_rows"], stratify=digits.target, random_state=CONFIG["split_seed"]
    )
    return (x_train, y_train), (x_val, y_val)


def build_model():
    from schedules.backend import keras

    L = keras.layers
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            L.Conv2D(CONFIG["filters"], 3, padding="same", activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(10, activation="softmax"),
        ],
        name="digits_cnn",
    )


BENCHMARK = classifier.image_benchmark(
    __name__,
    source="none: this suite's own CPU gate for every schedule (scikit-learn's 8x8 digits)",
    protocols=("holdout",),
    class_names=tuple(str(d) for d in range(10)),
    seeds=10,
    cost=Cost(
        0.028,
        "CPU, 2 cores",
        "measured here on 2026-12-05 by one CPU nightly (10 seeds of a case trained together, about 1.7 s a case): "
        "2-core Intel Xeon, TF 2.21.0",
    ),
)


if __name__ == "__main__":
    from bench.benchmarks import standalone

    standalone.main(BENCHMARK)
