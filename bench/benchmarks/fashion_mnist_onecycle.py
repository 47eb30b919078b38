"""Source C: constant rate vs 1cycle on Fashion-MNIST, max_lr from the range test
(docs/reference.md#c-1cycle-with-tensorflow-and-keras).

Needs a GPU and Fashion-MNIST (``bench/data/fashion_mnist.py``). Run on its own:
``python -m bench.benchmarks.fashion_mnist_onecycle --seeds 1 [--fashion-mnist DIR] [--allow-cpu]``.

Source C names no CNN and publishes no accuracy here, only that 1cycle passes the
constant-rate run's best validation accuracy by epoch 9. This benchmark documents its own
CNN (conv 32 - pool - conv 64 - pool - dense 128 - dropout 0.5 - softmax, ReLU), inputs
standardized with the training images' mean and std, batch 32 (C's), 15 epochs, SGD
momentum 0.9; "constant" at 0.01, "onecycle" with max_lr from this suite's range test.
There is no published baseline to gate on: the first reviewed GPU run creates one with
``pytest -m slow --bench-case=fashion_mnist_onecycle --update-baselines``. Each run's history keeps the
per-epoch validation accuracy, so C's epoch-9 claim can be read off the results.
"""

import numpy as np

from bench.benchmarks import classifier, power
from bench.benchmarks.spec import Case, Cost
from bench.data import fashion_mnist as fashion_mnist_data

NAME = "fashion_mnist_onecycle"

CONFIG = {
    "batch_size": 32,
    "epochs": 15,
    "constant_lr": 0.01,
    "range_test": {"min_lr": 1e-6, "max_lr": 10.0, "num_iterations": 300},
    "target_accuracy": {"published": 0.85},
}
SGD = {"momentum": 0.9}
CASES = {
    "constant": Case("constant", {"lr": CONFIG["constant_lr"]}, SGD),
    "onecycle": Case("onecycle", None, SGD, chosen_by="max_lr from source C's range test on the fresh model"),
}
REFERENCE_NOTE = (
    "fashion_mnist_onecycle: source C publishes no accuracy, only that 1cycle passes the constant "
    "run's best validation accuracy by epoch 9; see val_accuracy in each run's history"
)


def load_data(path=None):
    (x, y), (xt, yt) = fashion_mnist_data.load(path)
    x, xt = x[..., None].astype(np.float32), xt[..., None].astype(np.float32)
    mean, std = x.mean(), x.std()
    eye = np.eye(10, dtype=np.float32)
    return ((x - mean) / std, eye[y[:, 0]]), ((xt - mean) / std, eye[yt[:, 0]])


def build_model():
    from schedules.backend import keras

    L = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            L.Conv2D(32, 3, activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(64, 3, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ],
        name="fashion_cnn",
    )


# Seeds a night trains per case, from the power its worse gate needs (bench/benchmarks/power.py) on the spread
# (standard deviation) of final validation accuracy over seeds: the figure and where it comes from.
SEEDS, SEEDS_WHY = power.declared(
    0.002, "assumed for a small Fashion-MNIST CNN until its collected baseline measures it"
)
# What one seed's epoch costs, for the night's plan until this machine has timed it (docs/nightlies.md).
COST = Cost(
    4.07,
    "source A's GPU (projected)",
    "projected from source A's 171 s per ResNet epoch by training FLOPs per image (0.0158 against the ResNet's "
    "0.795 GFLOP, bench/engine/flops.py) and images per epoch (60,000 against 50,000)",
)

BENCHMARK = classifier.image_benchmark(
    __name__,
    source="C: '1cycle learning rate scheduling with TensorFlow and Keras' (Towards AI); "
    "docs/reference.md#c-1cycle-with-tensorflow-and-keras",
    **classifier.on_gpu("15 epochs of a CNN on 60,000 images at batch 32", fashion_mnist_data),
)


if __name__ == "__main__":
    from bench.benchmarks import standalone

    standalone.main(BENCHMARK)
