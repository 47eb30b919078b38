"""Data sets: the vendored files (checked by sha256) and the offline CIFAR-10 / Fashion-MNIST loaders
(``cifar10``, ``fashion_mnist``); ``synthetic`` writes stand-ins in their on-disk formats for a quick pass,
and ``manifest`` is how a folder says it holds them.

Nothing here downloads at test time; each loader's error says what to put where.
"""
