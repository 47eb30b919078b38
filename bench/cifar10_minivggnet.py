"""Source B: MiniVGGNet on CIFAR-10 with step decay every 5 epochs (REFERENCE.md s3 B).

Needs a GPU and CIFAR-10 (``bench/cifar10_data.py``). Run on its own:
``python -m bench.cifar10_minivggnet --seeds 1 [--cifar10 PATH] [--allow-cpu]``.

Protocol: 50,000 train / 10,000 test images as validation, pixels in [0, 1], one-hot
labels; SGD lr 0.01, momentum 0.9, Nesterov, batch 64, 40 epochs; step decay in
source A/B's convention (``floor((1 + epoch) / 5)``), factor 0.25 or 0.5.
"""

import sys

from bench import cifar10_data, classifier

NAME = "cifar10_minivggnet"
NEEDS_GPU = True
DATA_OPTION = "cifar10"

CONFIG = {
    "batch_size": 64,
    "epochs": 40,
    "momentum": 0.9,
    "nesterov": True,
    "target_accuracy": {"published": 0.70},  # epochs_to_target; both published runs end >= 0.75
}
SCHEDULES = {
    "step_0.25": ("step", {"initial_lr": 0.01, "factor": 0.25, "drop_every": 5}),
    "step_0.5": ("step", {"initial_lr": 0.01, "factor": 0.5, "drop_every": 5}),
}
PROTOCOLS = ("published",)
CLASS_NAMES = cifar10_data.CLASS_NAMES
PUBLISHED = {"step_0.25": 0.75, "step_0.5": 0.78}
PUBLISHED_FLOORS = {"step_0.25": 0.74, "step_0.5": 0.77}
REFERENCE = "source B, a MiniVGGNet learning-rate-scheduler note (test accuracy after 40 epochs)"


def requirements(options):
    return classifier.requirements(options, "40 epochs of a VGG-style CNN on 50,000 images",
                                   lambda o: cifar10_data.locate(o.cifar10))


def load_data(path=None):
    return classifier.one_hot_scaled(cifar10_data.load(path))


def build_model():
    """Two blocks of [3x3 conv, ReLU, BN] x 2 + 2x2 max-pool + dropout 0.25 (32, then 64
    filters); then dense 512, ReLU, BN, dropout 0.5, softmax over 10 classes."""
    from schedules._keras import keras

    L = keras.layers
    layers = [keras.Input((32, 32, 3))]
    for filters in (32, 64):
        for _ in range(2):
            layers += [L.Conv2D(filters, 3, padding="same"), L.Activation("relu"), L.BatchNormalization()]
        layers += [L.MaxPooling2D(2), L.Dropout(0.25)]
    layers += [L.Flatten(), L.Dense(512), L.Activation("relu"), L.BatchNormalization(), L.Dropout(0.5),
               L.Dense(10, activation="softmax")]
    return keras.Sequential(layers, name="minivggnet")


def schedule_for(name):
    return classifier.schedule_for(sys.modules[__name__], name)


def train(schedule, seed, protocol="published", on_epoch=None, options=None):
    classifier.check_protocol(sys.modules[__name__], protocol)
    train_set, val = load_data(getattr(options, "cifar10", None))
    return classifier.train(sys.modules[__name__], schedule, schedule_for(schedule), seed, protocol, train_set, val,
                            optimizer_args={"momentum": CONFIG["momentum"], "nesterov": CONFIG["nesterov"]},
                            on_epoch=on_epoch,
                            keep_predictions=getattr(options, "keep_predictions", False))


def main(argv=None):
    classifier.main(sys.modules[__name__], "Source B's MiniVGGNet on CIFAR-10, n seeds per schedule.", argv)


if __name__ == "__main__":
    main()
