"""Project-wide pytest set-up: the benchmark plugin, and quiet TensorFlow start-up logs."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

pytest_plugins = ["bench.harness.plugin"]
