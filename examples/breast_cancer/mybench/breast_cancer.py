"""The team's model: an MLP on scikit-learn's Wisconsin breast-cancer data, trained with Adam.

Data: the 569 rows of ``sklearn.datasets.load_breast_cancer`` (shipped with scikit-learn; UCI "Breast Cancer
Wisconsin (Diagnostic)", 30 features, 2 classes). One fixed stratified split (``train_test_split(test_size=169,
random_state=0)``): 400 rows train, 169 validate; features standardised by the training rows' mean and
standard deviation. The seed sets the weights and the order of the batches.

Model: dense 16 (ReLU) - dense softmax over 2; Adam, batch 32 (13 iterations an epoch), 30 epochs. Three cases:
the suite's step decay, this project's own ``warmup_exp``, and Keras' ``CosineDecay`` (``keras.CLASS``).
"""

import numpy as np

from bench import api
from mybench import warmup_exp  # noqa: F401  (registers the schedule)

NAME = "breast_cancer"
CONFIG = {"batch_size": 32, "epochs": 30, "validation_rows": 169, "split_seed": 0, "target_accuracy": {"holdout": 0.95}}
CASES = {
    "step": api.Case("step", {"initial_lr": 0.01, "factor": 0.5, "drop_every": 10}, optimizer_class="Adam"),
    "warmup_exp": api.Case("warmup_exp", {"peak_lr": 0.01, "warmup": 5, "decay": 0.9}, optimizer_class="Adam"),
    # Keras' own cosine decay over the whole run (13 iterations x 30 epochs): the installed Keras is guarded too
    "keras_cosine": api.Case(
        "keras.CosineDecay", {"initial_learning_rate": 0.01, "decay_steps": 390}, optimizer_class="Adam"
    ),
}


def load_data():
    """``(train, val)``: standardised float32 features and one-hot float32 labels."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    x = data.data.astype(np.float32)
    y = np.eye(2, dtype=np.float32)[data.target]
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=CONFIG["validation_rows"], stratify=data.target, random_state=CONFIG["split_seed"]
    )
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return ((x_train - mean) / std, y_train), ((x_val - mean) / std, y_val)


def build_model():
    from schedules.backend import keras

    return keras.Sequential(
        [keras.Input((30,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2, activation="softmax")],
        name="breast_cancer_mlp",
    )


BENCHMARK = api.keras_classifier(
    __name__,
    source="this project's own model (scikit-learn's breast-cancer data)",
    protocols=("holdout",),
    class_names=("malignant", "benign"),
    seeds=20,
)
