"""The training loop on Keras 3's JAX and PyTorch backends, without TensorFlow.

The same protocol and history as ``bench.engine.loop.train_loop``: each epoch the training rows
in ``epoch_order(seed, epoch, n)``, in batches of ``batch_size`` (the last one may be smaller),
then the loss and metric on the validation set. Each step is the one Keras' own trainer takes
(the model's forward pass, the compiled loss plus the layers' regularisation losses, the
optimizer's update), written with the backend's own autodiff:

- JAX: ``model.stateless_call`` and ``optimizer.stateless_apply`` under ``jax.grad``, one jitted
  call per epoch (``jax.lax.scan`` over the full batches, then the last one);
- PyTorch: the forward pass, ``loss.backward()`` and ``optimizer.apply``, per batch, with the
  epoch's losses kept on the device until it ends.

``tests/engine/test_portable.py`` proves each against that backend's own ``model.fit`` on the
same batches. Guarantees as the TensorFlow loop gives them: the optimizer's rate at each epoch's
first iteration is checked against the schedule (``WiringError``), a loss that stops being
finite stops the run (``NonFiniteLoss`` naming epoch and batch), and the same seed gives the same
numbers on the same machine. Seeds train one at a time (the stacked engine is TensorFlow's).
"""

import math

import numpy as np

from bench.engine.rules import NonFiniteLoss, check_rate, classes_of, epoch_order


def train_loop(
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
    metric_name="accuracy",
    keep_predictions=False,
):
    """Train ``model``; its per-epoch history with ``loop.train_loop``'s keys.

    ``loss_fn(y, pred)``: the batch mean (a Keras loss object); ``metric_fn``: a per-sample Keras
    metric, summed per row (an accuracy is then exactly correct rows / rows)."""
    from schedules.backend import BACKEND, current_lr

    steps = {"jax": _JaxSteps, "torch": _TorchSteps}[BACKEND](model, optimizer, loss_fn, metric_fn)
    n = len(train[0])
    x_train, y_train = steps.to_device(train)  # once: every epoch gathers its batches from these
    x_val, y_val = steps.to_device(val)
    full, rest = divmod(n, batch_size)
    steps_per_epoch = full + (rest > 0)
    sizes = [batch_size] * full + [rest] * (rest > 0)
    metric_key = f"val_{metric_name}"
    history = {"lr": [], "train_loss": [], f"train_{metric_name}": [], "val_loss": [], metric_key: []}
    try:
        for epoch in range(epochs):
            lr = current_lr(optimizer)
            if expected_lr is not None:
                at = (epoch, epoch * steps_per_epoch)
                check_rate(epoch, lr, expected_lr(*at), 1e-12 if lr_tolerance is None else lr_tolerance(*at))
            losses, metrics = steps.epoch(x_train, y_train, epoch_order(seed, epoch, n), batch_size)
            for batch, loss in enumerate(losses):
                if not math.isfinite(loss):
                    raise NonFiniteLoss(
                        f"loss became {loss} at epoch {epoch}, batch {batch} (rate {lr:.6g}); "
                        "the run was stopped in that epoch"
                    )
            val_loss, val_metric = steps.evaluate(x_val, y_val)
            record = {
                "lr": lr,
                "train_loss": sum(loss * rows for loss, rows in zip(losses, sizes)) / n,
                f"train_{metric_name}": sum(metrics) / n,
                "val_loss": val_loss,
                metric_key: val_metric / len(val[0]),
            }
            for key, value in record.items():
                history[key].append(value)
            if on_epoch is not None:
                on_epoch(epoch, record)
        if keep_predictions:
            history["val_predicted"], history["val_true"] = classes_of(steps.predict(x_val), val[1])
    finally:
        steps.finish()
    return history


class _JaxSteps:
    """An epoch as one jitted call: the model's and optimizer's state in, their new state out.

    The compiled functions are kept per model architecture, optimizer configuration (its schedule
    included), loss and metric (``_signature``): the seeds of a case compile once, not once each."""

    compiled = {}  # signature -> (epoch, evaluate, predict), the most recent CACHE of them
    CACHE = 16

    def __init__(self, model, optimizer, loss_fn, metric_fn):
        self.model, self.optimizer = model, optimizer
        optimizer.build(model.trainable_variables)
        self.state = (
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
            [v.value for v in optimizer.variables],
        )
        key = _signature(model, optimizer, loss_fn, metric_fn)
        if key not in self.compiled:
            if len(self.compiled) >= self.CACHE:
                self.compiled.pop(next(iter(self.compiled)))
            self.compiled[key] = self._compile(model, optimizer, loss_fn, metric_fn)
        self._epoch, self._evaluate, self._predict = self.compiled[key]

    @staticmethod
    def _compile(model, optimizer, loss_fn, metric_fn):
        """``(epoch, evaluate, predict)`` jitted for ``model``'s architecture: they take any such model's state."""
        import jax

        def loss_of(trainable, non_trainable, x, y):
            pred, non_trainable, losses = model.stateless_call(
                trainable, non_trainable, x, training=True, return_losses=True
            )
            loss = loss_fn(y, pred)
            if losses:
                loss = loss + sum(losses)
            return loss, (pred, non_trainable)

        grad = jax.value_and_grad(loss_of, has_aux=True)

        def step(state, x, y):
            trainable, non_trainable, opt_vars = state
            (loss, (pred, non_trainable)), grads = grad(trainable, non_trainable, x, y)
            trainable, opt_vars = optimizer.stateless_apply(opt_vars, grads, trainable)
            metric = metric_fn(y, pred).astype("float32").sum()
            return (trainable, non_trainable, opt_vars), (loss.astype("float32"), metric)

        def epoch(state, x, y, full_rows, last_rows):
            state, (losses, metrics) = jax.lax.scan(lambda s, rows: step(s, x[rows], y[rows]), state, full_rows)
            if last_rows is not None:
                state, (loss, metric) = step(state, x[last_rows], y[last_rows])
                losses, metrics = jax.numpy.append(losses, loss), jax.numpy.append(metrics, metric)
            return state, losses, metrics

        def predict(state, x):
            trainable, non_trainable, _ = state
            return model.stateless_call(trainable, non_trainable, x, training=False)[0]

        def evaluate(state, x, y):
            pred = predict(state, x)
            return loss_fn(y, pred).astype("float32"), metric_fn(y, pred).astype("float32").sum()

        return jax.jit(epoch), jax.jit(evaluate), jax.jit(predict)

    @staticmethod
    def to_device(data):
        import jax.numpy as jnp

        return tuple(jnp.asarray(a) for a in data)

    def epoch(self, x, y, order, batch_size):
        full = len(order) // batch_size
        full_rows = order[: full * batch_size].reshape(full, batch_size)
        last_rows = order[full * batch_size :] if len(order) % batch_size else None
        self.state, losses, metrics = self._epoch(self.state, x, y, full_rows, last_rows)
        for variable, value in zip(self.optimizer.variables, self.state[2]):  # the iteration count, for the rate
            variable.assign(value)
        return np.asarray(losses).tolist(), np.asarray(metrics).tolist()

    def evaluate(self, x, y):
        loss, metric = self._evaluate(self.state, x, y)
        return float(loss), float(metric)

    def predict(self, x):
        return np.asarray(self._predict(self.state, x))

    def finish(self):
        """The trained state into the model's and optimizer's own variables."""
        trainable, non_trainable, opt_vars = self.state
        for variables, values in (
            (self.model.trainable_variables, trainable),
            (self.model.non_trainable_variables, non_trainable),
            (self.optimizer.variables, opt_vars),
        ):
            for variable, value in zip(variables, values):
                variable.assign(value)


def _signature(model, optimizer, loss_fn, metric_fn):
    """What a compiled step depends on, as text: the model's and optimizer's configurations (layer and
    variable names left out: they differ between two builds of one architecture), the loss and metric."""
    import json

    def unnamed(config):
        if isinstance(config, dict):
            return {k: unnamed(v) for k, v in config.items() if k != "name"}
        if isinstance(config, (list, tuple)):
            return [unnamed(v) for v in config]
        return config

    parts = [
        type(model).__name__,
        unnamed(model.get_config()),
        type(optimizer).__name__,
        unnamed(optimizer.get_config()),
        type(loss_fn).__name__,
        unnamed(loss_fn.get_config()) if hasattr(loss_fn, "get_config") else None,
        getattr(metric_fn, "__module__", ""),
        getattr(metric_fn, "__qualname__", repr(metric_fn)),
    ]
    return json.dumps(parts, sort_keys=True, default=repr)


class _TorchSteps:
    """A batch as Keras' torch trainer takes it: forward, ``backward()``, ``optimizer.apply``.

    A small model on the CPU trains in one thread (``SMALL`` weights or fewer): its operations take
    microseconds and more threads only wait for each other (ionosphere: 1.2 s a seed in one thread,
    2.1 s in two, measured side by side on this project's 2-core machine)."""

    SMALL = 1_000_000
    PLAIN = ("Dense", "Conv2D", "MaxPooling2D", "Flatten")  # layers whose call() is the whole of __call__ here

    def __init__(self, model, optimizer, loss_fn, metric_fn):
        import torch

        from schedules.backend import keras

        self.model, self.optimizer, self.loss_fn, self.metric_fn = model, optimizer, loss_fn, metric_fn
        # A Sequential stack of plain layers on float32 inputs runs each layer's call() directly: Layer.__call__'s
        # bookkeeping (name scopes, autocast, masks, input checks) is most of a small model's step on PyTorch.
        plain = (
            isinstance(model, keras.Sequential)
            and all(type(layer).__name__ in self.PLAIN for layer in model.layers)
            and not any(getattr(layer, "activity_regularizer", None) for layer in model.layers)
        )
        self.layers = list(model.layers) if plain else None
        optimizer.build(model.trainable_variables)
        self.threads = torch.get_num_threads()
        on_cpu = all(v.value.device.type == "cpu" for v in model.trainable_variables)
        if on_cpu and model.count_params() <= self.SMALL:
            torch.set_num_threads(1)

    @staticmethod
    def to_device(data):
        from schedules.backend import keras

        return tuple(keras.ops.convert_to_tensor(a) for a in data)

    def epoch(self, x_dev, y_dev, order, batch_size):
        import torch

        losses, metrics = [], []
        rows_of = torch.as_tensor(order, device=x_dev.device)
        variables = self.model.trainable_variables
        for start in range(0, len(order), batch_size):
            rows = rows_of[start : start + batch_size]
            xb, yb = x_dev[rows], y_dev[rows]
            pred = self.forward(xb, training=True)
            try:
                loss = self.loss_fn(yb, pred)
            except RuntimeError:  # torch's cross-entropy refuses NaN predictions instead of giving a NaN loss
                if bool(torch.isfinite(pred).all()):
                    raise
                losses.append(torch.tensor(float("nan"), device=pred.device))
                break
            if self.model.losses:
                loss = loss + sum(self.model.losses)
            self.model.zero_grad()
            loss.backward()
            with torch.no_grad():
                self.optimizer.apply([v.value.grad for v in variables], variables)
                losses.append(loss.detach().float())
                metrics.append(self.metric_fn(yb, pred).float().sum())
        return torch.stack(losses).cpu().tolist(), (torch.stack(metrics).cpu().tolist() if metrics else [])

    def evaluate(self, x, y):
        import torch

        with torch.no_grad():
            pred = self.forward(x, training=False)
            return float(self.loss_fn(y, pred)), float(self.metric_fn(y, pred).float().sum())

    def forward(self, x, training):
        if self.layers is None:
            return self.model(x, training=training)
        for layer in self.layers:
            x = layer.call(x)
        return x

    def predict(self, x):
        import torch

        with torch.no_grad():
            return self.model(x, training=False).cpu().numpy()

    def finish(self):
        """The variables were updated in place; the thread count is put back."""
        import torch

        torch.set_num_threads(self.threads)
