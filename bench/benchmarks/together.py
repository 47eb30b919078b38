"""The seeds of one case of a small benchmark trained together (``bench.engine.stacked``).

``bench.benchmarks.training`` trains a case's seeds here where its model, schedule and optimizer
allow it, and a single seed of such a case as a group of one, so a seed gives the same numbers
however a session groups it (all seeds in one process, one per Ray task, the rest after a
resume). ``--bench-engine=keras``, ``--bench-xla`` and ``--bench-mixed-precision`` train one
seed at a time through ``bench.engine.loop`` with Keras' own layers instead.
"""

import time

from bench.engine import records, stacked


def train(
    benchmark,
    case_name,
    seeds,
    data_sets,
    build_model,
    *,
    options,
    loss,
    metric,
    metric_name="accuracy",
    on_epoch=None,
    keep_predictions=False,
):
    """Train ``seeds`` of ``case_name`` under SGD, together, with the schedule the case builds under ``options``.

    ``data_sets``: one ``(train, val)`` per seed; each seed's model comes from
    ``benchmark.new_model(build_model, seed, options)``, as a one-seed run's does. ``loss`` / ``metric``:
    Keras per-sample functions. Returns ``(histories, seconds)``: one history per seed and
    the wall time of the whole group. A case whose parameters are chosen per seed at run
    time (a range test) is a ``ValueError``: its seeds would not share one schedule.
    """

    if benchmark.case(case_name).params is None:
        raise ValueError(
            f"{benchmark.name} {case_name!r} chooses its rate per seed (a range test); train its seeds one at a time"
        )
    s = benchmark.schedule_for(case_name, options)
    models = [benchmark.new_model(build_model, seed, options) for seed in seeds]
    batch_size = benchmark.batch_size(options)
    rate = s.as_training_schedule(-(-len(data_sets[0][0][0]) // batch_size))
    optimizer = benchmark.optimizer(case_name, rate, options)
    start = time.perf_counter()
    histories = stacked.train_stacked(
        models,
        optimizer,
        loss,
        metric,
        [t for t, _ in data_sets],
        [v for _, v in data_sets],
        epochs=benchmark.epochs(options),
        batch_size=batch_size,
        seeds=list(seeds),
        expected_lr=s.at,
        lr_tolerance=s.wiring_tolerance,
        on_epoch=on_epoch,
        metric_name=metric_name,
        keep_predictions=keep_predictions,
    )
    return histories, time.perf_counter() - start


def environment(seconds, seeds):
    """This process's environment with how the group trained: the engine, the group's size and wall time."""
    return {**records.environment(), "engine": "stacked", "seeds_together": len(seeds), "group_train_time_s": seconds}
