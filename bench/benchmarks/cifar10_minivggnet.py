"""Source B: MiniVGGNet on CIFAR-10 with step decay every 5 epochs (docs/reference.md#b-minivggnet-on-cifar-10).

Needs a GPU and CIFAR-10 (``bench/data/cifar10.py``). Run on its own:
``python -m bench.benchmarks.cifar10_minivggnet --seeds 1 [--cifar10 PATH] [--allow-cpu]``.

Protocol: 50,000 train / 10,000 test images as validation, pixels in [0, 1], one-hot
labels; SGD lr 0.01, momentum 0.9, Nesterov, batch 64, 40 epochs; step decay in
source A/B's convention (``floor((1 + epoch) / 5)``), factor 0.25 or 0.5.
"""

from bench.benchmarks import classifier, power
from bench.benchmarks.spec import Case, Cost
from bench.data import cifar10 as cifar10_data

NAME = "cifar10_minivggnet"

CONFIG = {
    "batch_size": 64,
    "epochs": 40,
    "target_accuracy": {"published": 0.70},  # epochs_to_target; both published runs end >= 0.75
}
SGD = {"momentum": 0.9, "nesterov": True}
CASES = {
    "step_0.25": Case("step", {"initial_lr": 0.01, "factor": 0.25, "drop_every": 5}, SGD),
    "step_0.5": Case("step", {"initial_lr": 0.01, "factor": 0.5, "drop_every": 5}, SGD),
}
PUBLISHED = {"step_0.25": 0.75, "step_0.5": 0.78}
PUBLISHED_FLOORS = {"step_0.25": 0.74, "step_0.5": 0.77}
REFERENCE = "source B, a MiniVGGNet learning-rate-scheduler note (test accuracy after 40 epochs)"


def load_data(path=None):
    return classifier.one_hot_scaled(cifar10_data.load(path))


def build_model():
    """Two blocks of [3x3 conv, ReLU, BN] x 2 + 2x2 max-pool + dropout 0.25 (32, then 64
    filters); then dense 512, ReLU, BN, dropout 0.5, softmax over 10 classes."""
    from schedules.backend import keras

    L = keras.layers
    layers = [keras.Input((32, 32, 3))]
    for filters in (32, 64):
        for _ in range(2):
            layers += [L.Conv2D(filters, 3, padding="same"), L.Activation("relu"), L.BatchNormalization()]
        layers += [L.MaxPooling2D(2), L.Dropout(0.25)]
    layers += [
        L.Flatten(),
        L.Dense(512),
        L.Activation("relu"),
        L.BatchNormalization(),
        L.Dropout(0.5),
        L.Dense(10, activation="softmax"),
    ]
    return keras.Sequential(layers, name="minivggnet")


# Seeds a night trains per case, from the power its worse gate needs (bench/benchmarks/power.py) on the spread
# (standard deviation) of final validation accuracy over seeds: the figure and where it comes from.
SEEDS, SEEDS_WHY = power.declared(
    0.003, "assumed for a small CIFAR-10 CNN without augmentation until its collected baseline measures it"
)
# What one seed's epoch costs, for the night's plan until this machine has timed it (docs/nightlies.md).
COST = Cost(
    34.3,
    "source A's GPU (projected)",
    "projected from source A's 171 s per ResNet epoch by training FLOPs per image (0.159 against the ResNet's "
    "0.795 GFLOP, bench/engine/flops.py), the same 50,000 images per epoch",
)

BENCHMARK = classifier.image_benchmark(
    __name__,
    source="B: a MiniVGGNet learning-rate-scheduler note; docs/reference.md#b-minivggnet-on-cifar-10",
    **classifier.on_gpu("40 epochs of a VGG-style CNN on 50,000 images", cifar10_data),
)


if __name__ == "__main__":
    from bench.benchmarks import standalone

    standalone.main(BENCHMARK)
