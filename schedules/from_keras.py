"""A schedule of ``keras.optimizers.schedules`` as a benchmark case's schedule, under the name ``keras.CLASS``.

``schedules.get("keras.CosineDecay", initial_learning_rate=0.01, decay_steps=390)`` is Keras' own
``CosineDecay`` with those arguments: the optimizer trains with the Keras object itself (``as_keras_schedule``),
so what a case guards is the installed Keras version's implementation, and the suite reads the values through
that same object, per optimizer iteration (0-based), as the wiring check and the plots need them. Its arguments
are Keras' (the class's constructor): Keras checks them when the schedule is built, and its error is passed on
with what to change. The suite's own schedules are pure math (``schedules._base``); this one is Keras, so it
lives on the Keras side of the package with ``keras_adapter`` and is not in ``schedules.available()``.
"""

import numpy as np

from schedules._base import Schedule

PREFIX = "keras."


def names():
    """The ``keras.CLASS`` names: each ``LearningRateSchedule`` class of the installed Keras."""
    from schedules.backend import keras

    module = keras.optimizers.schedules
    classes = {n: getattr(module, n) for n in dir(module)}
    base = module.LearningRateSchedule
    kept = [n for n, c in classes.items() if isinstance(c, type) and issubclass(c, base) and c is not base]
    return sorted(PREFIX + n for n in kept)


class FromKeras(Schedule):
    """``keras.optimizers.schedules.<class_name>(**config)``, read per iteration: rate(i) = that object at step i.

    Args:
        class_name: a ``LearningRateSchedule`` class of ``keras.optimizers.schedules`` (``"CosineDecay"``).
        **config: its constructor's arguments.
    """

    unit = "iteration"

    def __init__(self, class_name, **config):
        from schedules.backend import keras

        if PREFIX + str(class_name) not in names():
            raise ValueError(
                f"Schedule {PREFIX}{class_name} is not a schedule of keras.optimizers.schedules. "
                f"Valid names: {', '.join(names())}"
            )
        try:
            self._keras = getattr(keras.optimizers.schedules, class_name)(**config)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"Schedule {PREFIX}{class_name} refused its arguments {config!r}: {err}. "
                f"Give the arguments of keras.optimizers.schedules.{class_name} (help(keras.optimizers.schedules."
                f"{class_name}) lists them)"
            ) from err
        self.name = PREFIX + class_name
        self.class_name = class_name
        self._config = dict(config)
        self._peak = (0, 0.0)  # (steps read so far, the largest rate among them), for wiring_tolerance

    def _rate(self, t, xp):
        return np.array([float(np.asarray(self._keras(int(i)))) for i in np.ravel(t)], dtype=np.float64).reshape(
            np.shape(t)
        )

    def wiring_tolerance(self, epoch, iteration):
        """1e-5 of the largest rate of steps 0..``iteration``: Keras computes the rate in float32, and inside the
        optimizer's compiled step (XLA, a traced graph) its operations round differently than here, eagerly, by
        some units in float32's last place (1.2e-7) of the rates involved; a rate off by an iteration, another
        class or other arguments differs by far more (0.4 % of the peak a step, midway through a cosine decay
        of 390 steps)."""
        while self._peak[0] <= iteration:
            self._peak = (self._peak[0] + 1, max(self._peak[1], abs(self(self._peak[0]))))
        return 1e-5 * self._peak[1]

    def get_config(self):
        """The Keras class's arguments, as given."""
        return dict(self._config)

    def as_keras_schedule(self, steps_per_epoch=None):
        """A fresh Keras object of the class and arguments: the optimizer's iteration drives it (a Keras schedule
        knows no epochs, so ``steps_per_epoch`` changes nothing)."""
        return type(self._keras)(**self._config)

    def as_training_schedule(self, steps_per_epoch):
        return self.as_keras_schedule()

    def as_callback(self):
        raise ValueError(
            f"{self.name} is driven by the optimizer's iteration: give it as the optimizer's learning_rate "
            "(as_keras_schedule()), not as a per-epoch callback"
        )
