"""``python -m bench <command> [<verb>] [options]``: the suite's commands, grouped by what a user is doing.

``python -m bench --help`` lists them; ``python -m bench <command> --help`` lists a group's verbs and
``python -m bench <command> <verb> --help`` a command's options. Each runs ``main(argv)`` of a module of
``bench/tools/`` through ``bench.tools.cli.dispatch``; ``bench.tools.cli.run`` is the one place bad input
becomes exit status 2. What times the suite's own code is a contributor's, apart: ``python -m bench.dev``.
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up lines, as the test suite quiets them

# command -> (module of bench/tools, what it does), or -> {verb: (module, what it does)}; a module's
# argv may start with fixed words (``history import`` is ``store``'s ``import``).
COMMANDS = {
    "train": ("train", "train one case of a benchmark on one seed, with plots and a per-class report"),
    "compare": ("compare", "train the cases at two revisions on the same seeds: identical, changed or worse"),
    "bisect": ("bisection", "find the commit between GOOD and BAD that changed a case's training"),
    "matrix": ("cross_version", "the same cases' results side by side, a verdict per TensorFlow/Keras environment"),
    "history": {
        "show": ("history", "a benchmark's last sessions from a results root, and a drift plot"),
        "changes": ("changes", "the nights where a case's training shifted, and what changed then"),
        "dashboard": ("dashboard", "a static site of every benchmark's nights, bands and change points"),
        "import": ("store import", "add saved results folders to the history store as nights"),
        "info": ("store info", "what a history store holds: schema version, rows, nights per benchmark"),
    },
    "baselines": {
        "published": ("published", "write a benchmark's baseline file from its published figures"),
        "pending": ("pending", "record that cases have no baseline yet, and why (touches nothing else)"),
        "from-history": ("from_history", "write a case's baseline from the seeds its nights collected"),
    },
    "calibrate": {
        "gates": ("calibrate", "false alarms and detections of a CPU benchmark's gates on unseen seeds"),
        "matrix": ("calibrate_matrix", "false alarms and detections of the version matrix's verdicts"),
        "changes": ("calibrate_changes", "false positives and detections of `history changes` on drawn histories"),
        "compare": ("calibrate_compare", "what `compare` says of injected changes and of unchanged training"),
    },
}


def main(argv=None):
    from bench.tools import cli

    argv = sys.argv[1:] if argv is None else list(argv)
    return cli.dispatch("python -m bench", "bench.tools", COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
