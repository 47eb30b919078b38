"""The engine that trains one seed on the Keras backend in use: ``bench.engine.compiled`` (a compiled loop
over Keras' model, optimizer, loss and metric) on TensorFlow, ``bench.engine.portable`` (Keras' own train step)
on Keras 3's JAX or PyTorch backend. ``train_loop`` takes the same arguments and returns the same history
whichever runs (``bench.engine.compiled.train`` documents both); ``engine_name`` and ``environment`` say which
ran, for the run records.
"""

from bench.engine import records


def train_loop(model, optimizer, loss_fn, metric_fn, train, val, *, xla=False, **protocol):
    """Train ``model`` on this backend's engine and return its per-epoch history (``compiled.train``'s
    arguments and keys)."""
    from schedules.backend import BACKEND

    if BACKEND == "tensorflow":
        from bench.engine import compiled

        return compiled.train(model, optimizer, loss_fn, metric_fn, train, val, xla=xla, **protocol)
    return _portable(model, optimizer, loss_fn, metric_fn, train, val, xla=xla, **protocol)


def engine_name():
    """The engine that trains one seed here: ``keras`` on TensorFlow, ``keras-train-step`` (``bench.engine.portable``)
    on another Keras 3 backend."""
    return "keras" if records.keras_backend() == "tensorflow" else "keras-train-step"


def environment(xla=False, mixed_precision=False):
    """``records.environment()`` plus how this loop trained: one seed (``engine_name``), XLA, precision."""
    return {
        **records.environment(),
        "engine": engine_name(),
        "xla": bool(xla),
        "mixed_precision": bool(mixed_precision),
    }


def _portable(model, optimizer, *args, xla, **kwargs):
    from bench.engine import portable, precision
    from schedules.backend import BACKEND

    if xla or precision.is_loss_scaled(optimizer):
        raise ValueError(
            f"--bench-xla and --bench-mixed-precision are TensorFlow's options; on Keras' {BACKEND} "
            "backend the suite trains in float32 with the backend's own compilation. Leave them out."
        )
    return portable.train_loop(model, optimizer, *args, **kwargs)
