"""The seeds of one case of a small benchmark trained together (``bench.engine.stacked``).

A benchmark whose model the stacked engine supports declares ``train_seeds``; its
one-seed ``train`` is the same call with one seed, so a seed gives the same numbers
however a session groups it (all seeds in one process, one per Ray task, the rest after a
resume). ``--bench-engine=keras``, ``--bench-xla`` and ``--bench-mixed-precision`` train
one seed at a time through ``bench.engine.loop`` with Keras' own layers instead.
"""

import time

from bench.engine import stacked


def train(benchmark, case_name, s, seeds, data_sets, build_model, *, epochs, loss, metric, metric_name="accuracy",
          on_epoch=None, keep_predictions=False):
    """Train ``seeds`` of ``case_name`` with schedule ``s`` under SGD, together.

    ``data_sets``: one ``(train, val)`` per seed; ``build_model()`` is called after
    ``keras.utils.set_random_seed(seed)``, as a one-seed run does. ``loss`` / ``metric``:
    Keras per-sample functions. Returns ``(histories, seconds)``: one history per seed and
    the wall time of the whole group.
    """
    from schedules._keras import keras

    config = benchmark.config
    models = []
    for seed in seeds:
        keras.utils.set_random_seed(seed)
        models.append(build_model())
    steps_per_epoch = -(-len(data_sets[0][0][0]) // config["batch_size"])
    rate = s.as_keras_schedule(**({"steps_per_epoch": steps_per_epoch} if s.unit == "epoch" else {}))
    optimizer = keras.optimizers.SGD(learning_rate=rate, **benchmark.case(case_name).optimizer)
    start = time.perf_counter()
    histories = stacked.train_stacked(
        models, optimizer, loss, metric, [t for t, _ in data_sets], [v for _, v in data_sets],
        epochs=epochs, batch_size=config["batch_size"], seeds=list(seeds),
        expected_lr=lambda epoch, it: s(epoch if s.unit == "epoch" else it), on_epoch=on_epoch,
        metric_name=metric_name, keep_predictions=keep_predictions)
    return histories, time.perf_counter() - start


def environment(env, seconds, seeds):
    """``env`` with how the group trained: the engine, the group's size and its wall time."""
    return {**env, "engine": "stacked", "seeds_together": len(seeds), "group_train_time_s": seconds}
