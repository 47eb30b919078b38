"""Several seeds of one small Keras model trained at once, as copies inside one compiled step.

Each copy has its own weights (its seed's initialisation, taken from the Keras model the
benchmark builds), its own training rows and batch order (``rules.epoch_order(seed, ...)``),
and its own batch-mean loss. The step minimises the sum of the copies' losses, whose
gradient with respect to a copy's weights is that copy's own; SGD's update is element-wise,
so each copy trains exactly as it would alone in this arithmetic. Every layer is one
batched op over all copies, so a step of 20 copies costs about what a step of one does
on a CPU, where the per-op overhead of a small model dominates.

What makes a copy's numbers independent of how many copies train beside it (tested bit
for bit in ``tests/engine/test_stacked.py``): batched matrix products compute each copy's
slice as a separate product; every reduction runs along the innermost axis, one copy at
a time; and transcendental element-wise ops (sigmoid, log, exp) take a vectorised path
everywhere except the last few elements of a tensor, so inert padding copies are
appended at the end (``PAD_ELEMENTS``). The same seed therefore gives the same numbers
whether it trains alone (a Ray task), with its case's other seeds, or after a resume.

Against ``loop.train_loop`` (Keras' own layers, one seed) the arithmetic differs in the
last bits (a bias gradient summed in another order, the loss averaged with another
reduction), so the two agree to float32 rounding, not bit for bit; the test states the
tolerance.

Supported layers: ``InputLayer``, ``Dense``, ``Conv2D`` (stride 1, no dilation or groups,
``same`` or ``valid``), ``MaxPooling2D`` (pool size equal to its stride, ``valid``) and
``Flatten``; activations ``linear``, ``relu``, ``sigmoid`` and ``softmax``; no weight
regularisers. Anything else raises ``CannotStack``: train those seeds one at a time.

Needs TensorFlow (the TF backend under Keras 3, or Keras 2), imported when it trains.
"""

import math

import numpy as np

from bench.engine.rules import NonFiniteLoss, check_rate, classes_of, epoch_order

PAD_ELEMENTS = 64  # at least this many padding elements follow the last real copy in every tensor


class CannotStack(ValueError):
    """The model uses a layer or setting the stacked engine does not reproduce."""


def why_not(model):
    """Why ``model`` cannot train stacked (``CannotStack``'s message), None where every layer can."""
    try:
        _layers(model)
    except CannotStack as err:
        return str(err)
    return None


def padding_copies(smallest_rows):
    """How many inert copies to append so every tensor ends in at least ``PAD_ELEMENTS`` padding elements.

    ``smallest_rows`` is the fewest rows any batch has (every layer has at least one unit)."""
    return math.ceil(PAD_ELEMENTS / smallest_rows)


def _activation(layer):
    import tensorflow as tf

    name = getattr(layer.activation, "__name__", str(layer.activation))
    table = {
        "linear": lambda x: x,
        "relu": tf.nn.relu,
        "sigmoid": tf.sigmoid,
        "softmax": lambda x: tf.nn.softmax(x, axis=-1),
    }
    if name not in table:
        raise CannotStack(f"layer {layer.name!r}: activation {name!r} is not one of {sorted(table)}")
    return table[name]


def _check_plain(layer):
    for attr in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
        if getattr(layer, attr, None) is not None:
            raise CannotStack(f"layer {layer.name!r} has a {attr}")


def _bias_add(x, bias):
    """``x + bias`` per copy, with a gradient summed along the innermost axis (copy-count independent)."""
    import tensorflow as tf

    @tf.custom_gradient
    def add(x, bias):
        def grad(dy):
            rows = tf.reshape(dy, [tf.shape(dy)[0], -1, tf.shape(dy)[-1]])  # (copies, rows, units)
            return dy, tf.reduce_sum(tf.transpose(rows, [0, 2, 1]), axis=-1)

        shape = tf.concat([tf.shape(bias)[:1], tf.ones([tf.rank(x) - 2], tf.int32), tf.shape(bias)[1:]], 0)
        return x + tf.reshape(bias, shape), grad

    return add(x, bias)


class _Layer:
    """One layer of the stacked model: its stacked weights' indices and its forward function."""

    def __init__(self, forward, weights):
        self.forward = forward  # forward(x, [weights]) -> y, x and y of shape (copies, rows, ...)
        self.weights = weights  # index into the per-model weight list of each weight it uses


def _layers(model):
    """The stacked forward of each layer of ``model`` (a built Sequential or functional chain)."""
    import tensorflow as tf

    out = []
    w = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        _check_plain(layer)
        if kind == "Dense":
            act = _activation(layer)
            out.append(_Layer(lambda x, p, act=act: act(_bias_add(tf.matmul(x, p[0]), p[1])), [w, w + 1]))
            w += 2
        elif kind == "Conv2D":
            if (
                tuple(layer.strides) != (1, 1)
                or tuple(layer.dilation_rate) != (1, 1)
                or getattr(layer, "groups", 1) != 1
                or layer.data_format != "channels_last"
            ):
                raise CannotStack(f"layer {layer.name!r}: only stride 1, no dilation or groups, channels_last")
            act = _activation(layer)
            kh, kw = layer.kernel_size
            padding = layer.padding.upper()

            def conv(x, p, act=act, kh=kh, kw=kw, padding=padding):
                copies, rows = tf.shape(x)[0], tf.shape(x)[1]
                images = tf.reshape(x, tf.concat([[copies * rows], tf.shape(x)[2:]], 0))
                patches = tf.image.extract_patches(images, [1, kh, kw, 1], [1, 1, 1, 1], [1, 1, 1, 1], padding)
                h, wd, depth = patches.shape[1], patches.shape[2], patches.shape[3]
                flat = tf.reshape(patches, [copies, rows * h * wd, depth])
                kernel = tf.reshape(p[0], [copies, depth, -1])  # (kh, kw, in, out) per copy, row-major = patch order
                y = _bias_add(tf.matmul(flat, kernel), p[1])
                return act(tf.reshape(y, [copies, rows, h, wd, -1]))

            out.append(_Layer(conv, [w, w + 1]))
            w += 2
        elif kind == "MaxPooling2D":
            if tuple(layer.pool_size) != tuple(layer.strides) or layer.padding != "valid":
                raise CannotStack(f"layer {layer.name!r}: only pool size equal to strides, 'valid'")
            size = list(layer.pool_size)

            def pool(x, p, size=size):
                copies, rows = tf.shape(x)[0], tf.shape(x)[1]
                images = tf.reshape(x, tf.concat([[copies * rows], tf.shape(x)[2:]], 0))
                y = tf.nn.max_pool2d(images, size, size, "VALID")
                return tf.reshape(y, tf.concat([[copies, rows], tf.shape(y)[1:]], 0))

            out.append(_Layer(pool, []))
        elif kind == "Flatten":
            out.append(_Layer(lambda x, p: tf.reshape(x, [tf.shape(x)[0], tf.shape(x)[1], -1]), []))
        else:
            raise CannotStack(f"layer {layer.name!r}: {kind} is not supported")
    if w != len(model.weights):
        raise CannotStack(f"model {model.name!r} has weights outside its supported layers")
    return out


def train_stacked(
    models,
    optimizer,
    loss_fn,
    metric_fn,
    train_sets,
    val_sets,
    *,
    epochs,
    batch_size,
    seeds,
    expected_lr=None,
    lr_tolerance=None,
    on_epoch=None,
    eval_batch_size=1024,
    metric_name="accuracy",
    keep_predictions=False,
):
    """Train ``models`` (one built Keras model per seed, same architecture) together; one history per seed.

    Args:
        models: Keras models, each initialised from its seed; their weights are updated at the end.
        optimizer: one Keras optimizer; it updates the stacked weights (its schedule is shared).
        loss_fn, metric_fn: Keras per-sample functions, e.g. ``keras.losses.binary_crossentropy``
            and ``keras.metrics.binary_accuracy``; the loss is averaged over each copy's batch.
        train_sets, val_sets: one ``(x, y)`` pair of numpy arrays per seed, the same sizes for all.
        seeds: one per model; seed ``s`` visits its rows in ``epoch_order(s, epoch, n)``.
        expected_lr, lr_tolerance, on_epoch, eval_batch_size, metric_name, keep_predictions: as in
            ``loop.train_loop``; ``on_epoch(epoch, records)`` gets one record per seed.

    Returns one history per seed, with ``loop.train_loop``'s keys. Raises ``NonFiniteLoss``
    (naming the seeds, epoch and batch) when any copy's loss stops being finite, and
    ``CannotStack`` before training when the model is outside what this engine supports.
    """
    real = len(models)
    if not real or len(train_sets) != real or len(val_sets) != real or len(seeds) != real:
        raise ValueError(
            "train_stacked needs one model, training set, validation set and seed per copy; "
            f"got {len(models)}, {len(train_sets)}, {len(val_sets)}, {len(seeds)}"
        )
    run = _StackedRun(models, optimizer, loss_fn, metric_fn, train_sets, val_sets, batch_size, eval_batch_size)
    metric_key = f"val_{metric_name}"
    histories = [
        {"lr": [], "train_loss": [], f"train_{metric_name}": [], "val_loss": [], metric_key: []} for _ in range(real)
    ]
    for epoch in range(epochs):
        lr, losses, metrics, val_loss, val_metric = run.epoch(epoch_order, seeds, epoch)
        if expected_lr is not None:
            at = (epoch, epoch * run.steps_per_epoch)
            check_rate(epoch, lr, expected_lr(*at), 1e-12 if lr_tolerance is None else lr_tolerance(*at))
        _stop_on_non_finite(losses[:, :real], epoch, lr, seeds)
        records = run.records(lr, losses, metrics, val_loss, val_metric, metric_name)
        for history, record in zip(histories, records):
            for key, value in record.items():
                history[key].append(value)
        if on_epoch is not None:
            on_epoch(epoch, records)
    run.write_back(models)
    if keep_predictions:
        pred = run.predictions()
        for k in range(real):
            histories[k]["val_predicted"], histories[k]["val_true"] = classes_of(pred[k], val_sets[k][1])
    return histories


def _stop_on_non_finite(losses, epoch, lr, seeds):
    """``NonFiniteLoss`` naming the first batch of the epoch whose loss is not finite, and its seeds."""
    bad = ~np.isfinite(losses)
    if bad.any():
        batch = int(np.argmax(bad.any(axis=1)))
        which = np.flatnonzero(bad[batch])
        raise NonFiniteLoss(
            f"loss became {losses[batch, which[0]]} at epoch {epoch}, batch {batch} "
            f"(rate {lr:.6g}) for seed(s) {[seeds[k] for k in which]}; the run was stopped "
            "at the end of that epoch"
        )


def _per_copy_mean(values):
    """(copies, rows[, 1]) -> (copies,): one innermost-axis reduction per copy."""
    import tensorflow as tf

    values = tf.cast(values, tf.float32)
    return tf.reduce_mean(tf.reshape(values, [tf.shape(values)[0], -1]), axis=-1)


def _per_copy_sum(values):
    """A metric summed over each copy's rows: a count of correct rows is exact."""
    import tensorflow as tf

    values = tf.cast(values, tf.float32)
    return tf.reduce_sum(tf.reshape(values, [tf.shape(values)[0], -1]), axis=-1)


class _StackedRun:
    """The state of one stacked training: every copy's weights, rows and validation rows on the device,
    the compiled epoch, and what an epoch's values mean per seed.

    Copies beyond the real ones (``padding_copies``) repeat the first copy's weights and rows."""

    def __init__(self, models, optimizer, loss_fn, metric_fn, train_sets, val_sets, batch_size, eval_batch_size):
        import tensorflow as tf

        self.layers = _layers(models[0])
        self.optimizer, self.loss_fn, self.metric_fn = optimizer, loss_fn, metric_fn
        self.real = len(models)
        self.n, self.n_val = len(train_sets[0][0]), len(val_sets[0][0])
        if any(len(x) != self.n for x, _ in train_sets) or any(len(x) != self.n_val for x, _ in val_sets):
            raise ValueError("every seed's training set (and validation set) must have the same number of rows")
        self.batch_size = batch_size
        self.full, self.rest = divmod(self.n, batch_size)
        self.steps_per_epoch = self.full + (self.rest > 0)
        eval_sizes = [min(eval_batch_size, self.n_val - start) for start in range(0, self.n_val, eval_batch_size)]
        pad = padding_copies(min([batch_size if self.full else self.rest] + [self.rest] * (self.rest > 0) + eval_sizes))
        self.copies = self.real + pad
        self.extend = list(range(self.real)) + [0] * pad

        weights = [[np.asarray(w) for w in m.weights] for m in models]
        self.params = [
            tf.Variable(np.stack([weights[k][i] for k in self.extend]), name=f"stacked_{i}")
            for i in range(len(weights[0]))
        ]
        self.x_dev = tf.constant(np.stack([train_sets[k][0] for k in self.extend]))
        self.y_dev = tf.constant(np.stack([train_sets[k][1] for k in self.extend]))
        self.x_val = tf.constant(np.stack([val_sets[k][0] for k in self.extend]))
        self.y_val = tf.constant(np.stack([val_sets[k][1] for k in self.extend]))
        self.eval_slices = [(start, size) for start, size in zip(range(0, self.n_val, eval_batch_size), eval_sizes)]
        optimizer.build(self.params)  # its slots exist before tracing, so the epoch is traced once
        self._compiled_epoch = tf.function(self._epoch)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x, [self.params[i] for i in layer.weights])
        return x

    def train_step(self, rows):
        """One batch; ``rows``: (copies, batch) row indices into each copy's own training set."""
        import tensorflow as tf

        x, y = tf.gather(self.x_dev, rows, batch_dims=1), tf.gather(self.y_dev, rows, batch_dims=1)
        with tf.GradientTape() as tape:
            pred = self.forward(x)
            losses = _per_copy_mean(self.loss_fn(y, pred))
            total = tf.reduce_sum(losses)
        grads = tape.gradient(total, self.params)
        self.optimizer.apply_gradients(zip(grads, self.params))
        return losses, _per_copy_sum(self.metric_fn(y, pred))

    def evaluate(self):
        """Per-copy validation loss and metric, batch means weighted by rows as ``loop`` weights them."""
        import tensorflow as tf

        loss_sum = metric_sum = tf.zeros([self.copies], tf.float32)
        preds = []
        for start, size in self.eval_slices:
            x, y = self.x_val[:, start : start + size], self.y_val[:, start : start + size]
            pred = self.forward(x)
            loss_sum += _per_copy_mean(self.loss_fn(y, pred)) * size
            metric_sum += _per_copy_sum(self.metric_fn(y, pred))
            preds.append(pred)
        return loss_sum / self.n_val, metric_sum, tf.concat(preds, axis=1)

    def _epoch(self, order):
        """One epoch: the rate it starts at, each batch's per-copy loss and metric, then validation.

        Every batch runs; a copy whose loss stops being finite is found afterwards, from these values."""
        import tensorflow as tf

        full, rest, copies, batch_size = self.full, self.rest, self.copies, self.batch_size
        lr = _rate(self.optimizer)
        losses = tf.TensorArray(tf.float32, size=self.steps_per_epoch)
        metrics = tf.TensorArray(tf.float32, size=self.steps_per_epoch)
        for b in tf.range(full):
            loss, metric = self.train_step(tf.slice(order, [0, b * batch_size], [copies, batch_size]))
            losses = losses.write(b, loss)
            metrics = metrics.write(b, metric)
        if rest:
            loss, metric = self.train_step(tf.slice(order, [0, full * batch_size], [copies, rest]))
            losses = losses.write(full, loss)
            metrics = metrics.write(full, metric)
        val_loss, val_metric, _ = self.evaluate()
        return lr, losses.stack(), metrics.stack(), val_loss, val_metric

    def epoch(self, order_of, seeds, epoch):
        """Train one epoch, each copy visiting its rows in ``order_of(seed, epoch, n)``; its values as numpy
        (the rate as a float)."""
        import tensorflow as tf

        orders = np.stack([order_of(seeds[k], epoch, self.n) for k in self.extend]).astype(np.int32)
        lr, losses, metrics, val_loss, val_metric = (v.numpy() for v in self._compiled_epoch(tf.constant(orders)))
        return float(lr), losses, metrics, val_loss, val_metric

    def records(self, lr, losses, metrics, val_loss, val_metric, metric_name):
        """One history record per real copy: train loss and metric weighted by each batch's rows."""
        sizes = [self.batch_size] * self.full + [self.rest] * (self.rest > 0)
        records = []
        for k in range(self.real):
            total = total_metric = 0.0
            for loss, metric, rows in zip(losses[:, k].tolist(), metrics[:, k].tolist(), sizes):
                total += loss * rows
                total_metric += metric  # the batch's sum over its rows
            records.append(
                {
                    "lr": lr,
                    "train_loss": total / self.n,
                    f"train_{metric_name}": total_metric / self.n,
                    "val_loss": float(val_loss[k]),
                    f"val_{metric_name}": float(val_metric[k]) / self.n_val,
                }
            )
        return records

    def write_back(self, models):
        """Each model gets its copy's trained weights."""
        for k, model in enumerate(models):
            model.set_weights([p[k].numpy() for p in self.params])

    def predictions(self):
        """Every copy's predictions on its validation rows."""
        import tensorflow as tf

        return tf.function(self.evaluate)()[2].numpy()


def _rate(optimizer):
    """The rate the optimizer applies at its next iteration, computed in the graph (see ``current_lr``)."""
    import tensorflow as tf

    from schedules.backend import keras

    schedule = getattr(optimizer, "_learning_rate", None)
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        return tf.cast(schedule(optimizer.iterations), tf.float64)
    return tf.cast(optimizer.learning_rate, tf.float64)
