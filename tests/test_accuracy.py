"""The slow accuracy gates of this repository's own benchmarks, collected as any project collects its own:
the plugin generates one case of ``bench.harness.cases.test_accuracy_meets_baseline`` per declared case
(``[tool.lr_bench]`` in ``pyproject.toml``). ``pytest -m slow`` runs them."""

from bench.harness.cases import test_accuracy_meets_baseline  # noqa: F401
