"""A compiled training loop built from Keras' own model, optimizer, loss and metric.

It runs the same protocol as ``model.fit``: each epoch, the training rows in a
given order, in batches of ``batch_size`` (the last one may be smaller), then the
loss and accuracy on the whole validation set. What it leaves out is fit's
per-epoch machinery (callbacks, data adapters, metric objects), which costs
more than the training itself for small models (``python -m bench.dev speed ionosphere``).
Each epoch is one compiled call with the training data on the device.
``bench.engine.stacked`` trains several seeds of one small model in one such call.

The order is stateless: epoch ``e`` of seed ``s`` visits the rows in
``numpy.random.default_rng([s, e]).permutation(n)``, so any runner, including
``model.fit`` on that order, reproduces it (``tests/engine/test_loop.py``).

Needs TensorFlow (the TF backend under Keras 3, or Keras 2), imported when a loop runs, not
when this module is: a Ray driver loads the benchmarks without it. ``bench.engine.loop`` chooses
this engine or ``bench.engine.portable`` (Keras 3 on JAX or PyTorch) for the backend in use.
"""

import math

import numpy as np

from bench.engine.rules import NonFiniteLoss, check_rate, classes_of, epoch_order


def train(
    model,
    optimizer,
    loss_fn,
    metric_fn,
    train,
    val,
    *,
    epochs,
    batch_size,
    seed,
    expected_lr=None,
    lr_tolerance=None,
    on_epoch=None,
    eval_batch_size=1024,
    metric_name="accuracy",
    keep_predictions=False,
    xla=False,
):
    """Train ``model`` and return its per-epoch history as a dict of lists.

    Each epoch is one compiled call over the training rows, which stay on the device:
    the host waits once per epoch, not once per batch. A non-finite loss is noticed on
    the device, ends the epoch at that batch and raises ``NonFiniteLoss`` naming both.

    Args:
        model, optimizer, loss_fn: Keras objects; ``loss_fn(y, pred)`` gives the batch mean.
            A ``LossScaleOptimizer`` (mixed precision, ``bench.engine.precision``) scales the
            loss and unscales the gradients.
        metric_fn: Keras per-sample accuracy, e.g. ``keras.metrics.binary_accuracy``.
        train, val: ``(x, y)`` numpy arrays.
        epochs, batch_size, seed: the protocol.
        expected_lr: ``expected_lr(epoch, iteration) -> float``, the schedule's rate
            at the first iteration of each epoch; a mismatch with the optimizer's
            rate raises ``WiringError``. Under loss scaling, ``iteration`` is the steps the
            optimizer took (it skips overflowing ones; ``skipped_steps`` in the history counts
            them) and ``epoch`` is ``iteration // steps per epoch``.
        lr_tolerance: ``lr_tolerance(epoch, iteration) -> float``, the absolute slack the wiring check allows
            there (``Schedule.wiring_tolerance``); None: 1e-12.
        on_epoch: called with ``(epoch, record)`` after each epoch (progress display).
        keep_predictions: also return the final model's predicted and true class of every
            validation row (``val_predicted``, ``val_true``), for a per-class report.
        xla: compile each training step and the evaluation with XLA (``jit_compile``); every
            batch has a static shape (the full batches in a loop, the smaller last one on its
            own), so a step compiles at most twice.

    History keys: ``lr`` (the optimizer's rate at each epoch's first iteration),
    ``train_loss`` (sample-weighted mean over the epoch, regularisation included),
    ``train_<metric_name>`` (the mean of ``metric_fn`` over the epoch's rows, as the
    weights were when each batch was seen, like ``model.fit``'s), ``val_loss`` and
    ``val_<metric_name>`` (on the whole validation set after the epoch). Metrics are summed
    per row, so an accuracy is exactly (correct rows) / rows: 570 of 600 gives 0.95, not a
    float32 mean's 0.94999999 or 0.95000005 (which moved ``epochs_to_target`` across a target).
    """
    import tensorflow as tf

    from bench.engine import precision
    from schedules.backend import current_lr

    x_train, y_train = train
    n = len(x_train)
    full, rest = divmod(n, batch_size)
    steps_per_epoch = full + (rest > 0)
    x_dev, y_dev = tf.constant(x_train), tf.constant(y_train)
    if not precision.is_loss_scaled(optimizer):
        optimizer.build(model.trainable_variables)  # its slots exist before tracing, so a step is traced once

    @tf.function(jit_compile=xla)
    def step(x, y):
        with tf.GradientTape() as tape:
            pred = model(x, training=True)
            loss = loss_fn(y, pred)
            if model.losses:
                loss = loss + tf.add_n(model.losses)
            scaled = precision.scale_loss(optimizer, loss)
        grads = tape.gradient(scaled, model.trainable_variables)
        precision.apply(optimizer, grads, model.trainable_variables)
        return tf.cast(loss, tf.float32), tf.reduce_sum(tf.cast(metric_fn(y, pred), tf.float32))

    def train_step(rows):
        return step(tf.gather(x_dev, rows), tf.gather(y_dev, rows))

    @tf.function
    def full_batches(order):
        """The epoch's full batches, stopping after the first non-finite loss; per-batch values."""
        losses = tf.TensorArray(tf.float32, size=full)
        metrics = tf.TensorArray(tf.float32, size=full)
        done = tf.constant(0)
        for b in tf.range(full):
            loss, metric = train_step(tf.slice(order, [b * batch_size], [batch_size]))
            losses = losses.write(b, loss)
            metrics = metrics.write(b, metric)
            done = b + 1
            if not tf.math.is_finite(loss):
                break
        return losses.stack(), metrics.stack(), done

    @tf.function
    def last_batch(order):
        return train_step(tf.slice(order, [full * batch_size], [rest]))

    @tf.function(jit_compile=xla)
    def eval_step(x, y):
        pred = model(x, training=False)
        return tf.cast(loss_fn(y, pred), tf.float32), tf.reduce_sum(tf.cast(metric_fn(y, pred), tf.float32))

    metric_key = f"val_{metric_name}"
    history = {"lr": [], "train_loss": [], f"train_{metric_name}": [], "val_loss": [], metric_key: []}
    for epoch in range(epochs):
        lr = current_lr(optimizer)
        at_epoch, iteration = epoch, epoch * steps_per_epoch
        if precision.is_loss_scaled(optimizer):
            # dynamic loss scaling skips a step whose gradients overflow float16, and the schedule
            # counts only the steps taken: it runs behind by the steps skipped so far
            iteration = int(optimizer.inner_optimizer.iterations.numpy())
            at_epoch = iteration // steps_per_epoch
            history.setdefault("skipped_steps", []).append(epoch * steps_per_epoch - iteration)
        if expected_lr is not None:
            slack = 1e-12 if lr_tolerance is None else lr_tolerance(at_epoch, iteration)
            check_rate(epoch, lr, expected_lr(at_epoch, iteration), slack)
        order = tf.constant(epoch_order(seed, epoch, n).astype(np.int32))
        losses, metrics = [], []
        if full:
            batch_losses, batch_metrics, done = full_batches(order)
            losses, metrics = batch_losses.numpy()[: int(done)].tolist(), batch_metrics.numpy()[: int(done)].tolist()
        if rest and all(math.isfinite(v) for v in losses):
            loss, metric = last_batch(order)
            losses.append(float(loss))
            metrics.append(float(metric))
        sizes = [batch_size] * full + [rest] * (rest > 0)
        total = total_metric = 0.0
        for batch, (loss, metric, rows) in enumerate(zip(losses, metrics, sizes)):
            if not math.isfinite(loss):
                raise NonFiniteLoss(
                    f"loss became {loss} at epoch {epoch}, batch {batch} (rate {lr:.6g}); the run was stopped there"
                )
            total += loss * rows
            total_metric += metric  # the batch's sum: a count of correct rows, exact in float32
        val_loss, val_metric = _evaluate(eval_step, val, eval_batch_size)
        record = {
            "lr": lr,
            "train_loss": total / n,
            f"train_{metric_name}": total_metric / n,
            "val_loss": val_loss,
            metric_key: val_metric,
        }
        for key, value in record.items():
            history[key].append(value)
        if on_epoch is not None:
            on_epoch(epoch, record)
    if keep_predictions:
        history["val_predicted"], history["val_true"] = _classes(model, val, eval_batch_size)
    return history


def _classes(model, data, batch_size):
    x, y = data
    return classes_of(
        np.concatenate(
            [np.asarray(model(x[i : i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
        ),
        y,
    )


def _evaluate(eval_step, data, batch_size):
    x, y = data
    loss_sum = acc_sum = 0.0
    for start in range(0, len(x), batch_size):
        loss, acc = eval_step(x[start : start + batch_size], y[start : start + batch_size])
        rows = len(x[start : start + batch_size])
        loss_sum += float(loss) * rows
        acc_sum += float(acc)  # a sum over the batch's rows
    return loss_sum / len(x), acc_sum / len(x)


def fit_in_same_order(model, optimizer, loss_fn, metric_fn, train, val, *, epochs, batch_size, seed):
    """Plain ``model.fit`` over exactly the batches ``train`` visits; returns its history.

    The reference for ``train``: the same per-epoch order (``epoch_order``), batch
    boundaries and epochs, streamed to fit as one ``tf.data`` pipeline with
    ``steps_per_epoch`` so that fit's own iterator handling cannot change the order.
    """
    import tensorflow as tf

    x_train, y_train = train
    n = len(x_train)
    orders = np.stack([epoch_order(seed, e, n) for e in range(epochs)])

    def epoch_batches(e):
        rows = tf.gather(orders, e)
        return tf.data.Dataset.from_tensor_slices((tf.gather(x_train, rows), tf.gather(y_train, rows))).batch(
            batch_size
        )

    stream = tf.data.Dataset.range(epochs).flat_map(epoch_batches)
    model.compile(optimizer=optimizer, loss=loss_fn, metrics=[metric_fn])
    fitted = model.fit(
        stream, epochs=epochs, steps_per_epoch=math.ceil(n / batch_size), validation_data=val, shuffle=False, verbose=0
    )
    h = fitted.history
    return {
        "train_loss": h["loss"],
        "train_accuracy": h[metric_fn.__name__],
        "val_loss": h["val_loss"],
        "val_accuracy": h[f"val_{metric_fn.__name__}"],
    }
