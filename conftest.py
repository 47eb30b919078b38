"""Project-wide pytest set-up: quiet TensorFlow's C++ start-up logging."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
