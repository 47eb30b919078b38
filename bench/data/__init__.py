"""Data sets: the vendored files (checked by sha256) and the offline CIFAR-10 / Fashion-MNIST loaders.

Nothing here downloads at test time; each loader's error says what to put where.
"""
