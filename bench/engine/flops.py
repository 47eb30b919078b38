"""Floating-point operations of a Keras model per image, counted from its layers' shapes (no profiler).

A multiply-add is two operations. Counted: ``Conv2D`` (``2 * H_out * W_out * k_h * k_w * C_in * C_out``) and
``Dense`` (``2 * inputs * units``); batch normalisation, activations, additions and pooling are left out (under
1 % of source A's ResNet). A training step costs about three forward passes (the forward pass, then the
gradients with respect to the activations and to the weights, each about as costly): ``TRAINING_FACTOR``.
"""

TRAINING_FACTOR = 3


def forward_flops(model):
    """Operations of one image's forward pass through ``model``'s convolutions and dense layers."""
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            _, height, width, out_channels = layer.output.shape
            k_h, k_w, in_channels, _ = layer.kernel.shape
            total += 2 * height * width * k_h * k_w * in_channels * out_channels
        elif kind == "Dense":
            inputs, units = layer.kernel.shape
            total += 2 * inputs * units
    return int(total)


def training_flops(model):
    """Operations of one image's training step (``TRAINING_FACTOR`` forward passes)."""
    return TRAINING_FACTOR * forward_flops(model)
