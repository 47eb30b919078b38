"""``python -m bench.dev <command> [<verb>] [options]``: the contributors' tools (``bench/dev/__init__.py``).

``docs`` writes the docs' generated regions; ``speed`` times the suite's own code (docs/speed.md). Each runs
``main(argv)`` of a module of ``bench/dev/`` through ``bench.tools.cli.dispatch``, as ``python -m bench`` does.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

COMMANDS = {
    "docs": ("docs", "rewrite the docs' generated regions from the code (--check: only say which differ)"),
    "speed": {
        "schedules": ("speed_schedules", "time s.values() over 1,000,000 indices for every schedule"),
        "ionosphere": ("speed_ionosphere", "time the ionosphere benchmark: this suite's loop against model.fit"),
        "resnet": ("speed_resnet", "epoch time and images/s of source A's ResNet on synthetic CIFAR-10"),
        "history": ("speed_history", "time the history store's writes of a session's records"),
        "compare": ("speed_compare", "time compare with the base side stored against one CPU nightly"),
        "tests": ("speed_tests", 'time the fast tier (pytest -m "not slow") from outside, phase by phase'),
    },
}


def main(argv=None):
    from bench.tools import cli

    return cli.dispatch("python -m bench.dev", "bench.dev", COMMANDS, sys.argv[1:] if argv is None else list(argv))


if __name__ == "__main__":
    sys.exit(main())
