"""Source C: constant rate vs 1cycle on Fashion-MNIST, max_lr from the range test (REFERENCE.md s3 C).

Needs a GPU and Fashion-MNIST (``bench/fashion_mnist_data.py``). Run on its own:
``python -m bench.fashion_mnist_onecycle --seeds 1 [--fashion-mnist DIR] [--allow-cpu]``.

Source C names no CNN and publishes no accuracy here, only that 1cycle passes the
constant-rate run's best validation accuracy by epoch 9. This benchmark documents its own
CNN (conv 32 - pool - conv 64 - pool - dense 128 - dropout 0.5 - softmax, ReLU), inputs
standardized with the training images' mean and std, batch 32 (C's), 15 epochs, SGD
momentum 0.9; "constant" at 0.01, "onecycle" with max_lr from this suite's range test.
There is no published baseline to gate on: the first reviewed GPU run creates one with
``pytest -m slow -k fashion_mnist --update-baselines``. Each run's history keeps the
per-epoch validation accuracy, so C's epoch-9 claim can be read off the results.
"""

import sys

import numpy as np

from bench import classifier, fashion_mnist_data

NAME = "fashion_mnist_onecycle"
NEEDS_GPU = True
DATA_OPTION = "fashion_mnist"

CONFIG = {
    "batch_size": 32,
    "epochs": 15,
    "momentum": 0.9,
    "constant_lr": 0.01,
    "range_test": {"min_lr": 1e-6, "max_lr": 10.0, "num_iterations": 300},
    "target_accuracy": {"published": 0.85},
}
SCHEDULES = ("constant", "onecycle")
PROTOCOLS = ("published",)
CLASS_NAMES = fashion_mnist_data.CLASS_NAMES
REFERENCE_NOTE = ("fashion_mnist_onecycle: source C publishes no accuracy, only that 1cycle passes the constant "
                  "run's best validation accuracy by epoch 9; see val_accuracy in each run's history")


def requirements(options):
    return classifier.requirements(options, "15 epochs of a CNN on 60,000 images at batch 32",
                                   lambda o: fashion_mnist_data.locate(o.fashion_mnist))


def load_data(path=None):
    (x, y), (xt, yt) = fashion_mnist_data.load(path)
    x, xt = x[..., None].astype(np.float32), xt[..., None].astype(np.float32)
    mean, std = x.mean(), x.std()
    eye = np.eye(10, dtype=np.float32)
    return ((x - mean) / std, eye[y[:, 0]]), ((xt - mean) / std, eye[yt[:, 0]])


def build_model():
    from schedules._keras import keras

    L = keras.layers
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
        L.Flatten(), L.Dense(128, activation="relu"), L.Dropout(0.5), L.Dense(10, activation="softmax"),
    ], name="fashion_cnn")


def train(schedule, seed, protocol="published", on_epoch=None, options=None):
    from bench.cifar10_onecycle import schedule_and_model

    classifier.check_protocol(sys.modules[__name__], protocol)
    train_set, val = load_data(getattr(options, "fashion_mnist", None))
    s, model, extra = schedule_and_model(schedule, seed, train_set, module=sys.modules[__name__])
    return classifier.train(sys.modules[__name__], schedule, s, seed, protocol, train_set, val, model=model,
                            optimizer_args={"momentum": CONFIG["momentum"]}, on_epoch=on_epoch, extra_history=extra,
                            keep_predictions=getattr(options, "keep_predictions", False))


def main(argv=None):
    classifier.main(sys.modules[__name__], "Source C's constant vs 1cycle on Fashion-MNIST.", argv)


if __name__ == "__main__":
    main()
