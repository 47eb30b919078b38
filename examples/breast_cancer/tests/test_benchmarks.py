"""The benchmark cases of this project (pyproject.toml's [tool.lr_bench]): pytest -m slow runs them."""

from bench.harness.cases import test_accuracy_meets_baseline  # noqa: F401
