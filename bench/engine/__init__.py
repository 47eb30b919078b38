"""How seeds train. ``loop`` chooses the engine for the Keras backend in use: ``compiled`` (TensorFlow, one
seed per compiled epoch) or ``portable`` (Keras 3 on JAX or PyTorch, Keras' own train step); ``stacked``
trains a case's seeds together in one model; ``rules`` is what every engine shares (the row order, the
wiring check, the non-finite stop); ``precision`` is mixed precision's loss scaling; ``records`` the
plain record a run returns and the environment it ran in; ``fingerprint`` hashes the code a run trained with
(a night's training code, a revision's for ``compare``); ``flops`` counts a model's operations per image.

Uses ``schedules`` only; the benchmarks build on it.
"""
