"""Source C: constant rate vs 1cycle on CIFAR-10, max_lr from the range test (REFERENCE.md s3 C).

Needs a GPU and CIFAR-10. Run on its own: ``python -m bench.cifar10_onecycle --seeds 1``.

Source C names neither its CNN nor its epochs. This benchmark documents its own: source
B's MiniVGGNet (``bench.cifar10_minivggnet.build_model``), 25 epochs, batch 32 (C's),
inputs standardized per channel with the training images' mean and std (C: "data
standardized"), SGD momentum 0.9. "constant" trains at 0.01; "onecycle" runs this
suite's range test on the freshly built model (1e-6 to 10 over 300 iterations) and uses
a tenth of the rate at the lowest smoothed loss as ``max_lr``. Published: 0.734 constant
vs 0.812 1cycle; gated as published floors (- 0.01) until reproduced here.
"""

import sys


from bench import cifar10_data, cifar10_minivggnet, classifier

NAME = "cifar10_onecycle"
NEEDS_GPU = True
DATA_OPTION = "cifar10"

CONFIG = {
    "batch_size": 32,
    "epochs": 25,
    "momentum": 0.9,
    "constant_lr": 0.01,
    "range_test": {"min_lr": 1e-6, "max_lr": 10.0, "num_iterations": 300},
    "target_accuracy": {"published": 0.70},
}
SCHEDULES = ("constant", "onecycle")
PROTOCOLS = ("published",)
CLASS_NAMES = cifar10_data.CLASS_NAMES
PUBLISHED = {"constant": 0.734, "onecycle": 0.812}
PUBLISHED_FLOORS = {"constant": 0.724, "onecycle": 0.802}
REFERENCE = "source C, '1cycle learning rate scheduling with TensorFlow and Keras' (Towards AI), CIFAR-10"


def requirements(options):
    return classifier.requirements(options, "25 epochs of a VGG-style CNN on 50,000 images at batch 32",
                                   lambda o: cifar10_data.locate(o.cifar10))


def load_data(path=None):
    """Images standardized per channel with the training set's mean and std; one-hot labels."""
    (x, y), (xt, yt) = classifier.one_hot_scaled(cifar10_data.load(path))
    mean, std = x.mean(axis=(0, 1, 2)), x.std(axis=(0, 1, 2))
    return ((x - mean) / std, y), ((xt - mean) / std, yt)


build_model = cifar10_minivggnet.build_model


def schedule_and_model(name, seed, train_set, module=None):
    """Our schedule for ``name`` and the model to train; onecycle's max_lr from a range test on it.

    ``module`` (default: this one) supplies CONFIG, SCHEDULES and build_model, so the
    Fashion-MNIST benchmark runs the same procedure on its own model.
    """
    import schedules
    from schedules._keras import keras
    from schedules.range_test import lr_range_test

    module = module or sys.modules[__name__]
    config = module.CONFIG
    if name not in module.SCHEDULES:
        raise ValueError(f"Unknown {module.NAME} schedule {name!r}; valid: {', '.join(module.SCHEDULES)}")
    keras.utils.set_random_seed(seed)
    model = module.build_model()
    if name == "constant":
        return schedules.get("constant", lr=config["constant_lr"]), model, {}
    model.compile(optimizer=keras.optimizers.SGD(config["constant_lr"], momentum=config["momentum"]),
                  loss="categorical_crossentropy")
    found = lr_range_test(model, *train_set, batch_size=config["batch_size"], **config["range_test"])
    total = config["epochs"] * -(-len(train_set[0]) // config["batch_size"])
    extra = {"range_test": {"suggested_max_lr": found.suggested_max_lr, "lrs": found.lrs.tolist(),
                            "smoothed_losses": found.smoothed_losses.tolist()}}
    return schedules.get("onecycle", max_lr=found.suggested_max_lr, total_steps=total), model, extra


def train(schedule, seed, protocol="published", on_epoch=None, options=None):
    classifier.check_protocol(sys.modules[__name__], protocol)
    train_set, val = load_data(getattr(options, "cifar10", None))
    s, model, extra = schedule_and_model(schedule, seed, train_set)
    return classifier.train(sys.modules[__name__], schedule, s, seed, protocol, train_set, val, model=model,
                            optimizer_args={"momentum": CONFIG["momentum"]}, on_epoch=on_epoch, extra_history=extra,
                            keep_predictions=getattr(options, "keep_predictions", False))


def main(argv=None):
    classifier.main(sys.modules[__name__], "Source C's constant vs 1cycle on CIFAR-10.", argv)


if __name__ == "__main__":
    main()
