"""The stored accuracy baselines: one JSON file per benchmark, ``<benchmark>.json`` (docs/baselines.md).

No code: a package only so that an installed copy of the suite carries the files beside its
code, and ``bench.stores.baselines.DEFAULT_DIR`` finds them there as it does in a checkout.
"""
