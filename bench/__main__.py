"""``python -m bench <tool> [options]``: the command-line programs of ``bench/tools/``.

``python -m bench --help`` lists them; ``python -m bench <tool> --help`` shows a tool's options.
"""

import importlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up lines, as the test suite quiets them

# tool -> what it does; each is bench/tools/<tool>.py with a main(argv) (also `python -m bench.tools.<tool>`).
TOOLS = {
    "train": "train one benchmark with one schedule, in the shape of source A's train.py; plots and a per-class report",
    "history": "the last N sessions of a benchmark from saved results, and a drift plot",
    "changes": "the nights where a case's training shifted, from the history store, and what changed then",
    "dashboard": "a static site of every benchmark's nights: spread, baseline band, failed nights, change points",
    "store": "the history store: import saved results folders, show what it holds",
    "cross_version": "the same cases' results side by side, one column per TensorFlow/Keras environment",
    "published": "write a benchmark's baseline file from its published figures (refuses to overwrite)",
    "pending": "record that benchmark cases have no baseline yet, and why (touches nothing else)",
    "calibrate": "false alarms and detections of a CPU benchmark's gates on unseen seeds, regressions injected",
    "calibrate_matrix": "false alarms and detections of the version matrix's verdicts, from calibrate's records",
    "calibrate_changes": "false positives and detections of `changes` on histories of unseen seeds, shifts injected",
    "speed_schedules": "time s.values() over 1,000,000 indices for every schedule",
    "speed_ionosphere": "time the ionosphere benchmark: this suite's loop against plain model.fit",
    "speed_resnet": "epoch time and images/s of source A's ResNet on synthetic CIFAR-shaped data",
    "speed_history": "time the history store's writes of a session's records (SQLite or PostgreSQL)",
    "speed_tests": 'time the fast tier (pytest -m "not slow") from outside, phase by phase',
}


def usage():
    width = max(map(len, TOOLS))
    lines = ["usage: python -m bench <tool> [options]   (python -m bench <tool> --help for its options)", "", "tools:"]
    lines += [f"  {name:<{width}}  {text}" for name, text in TOOLS.items()]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    tool, rest = argv[0], argv[1:]
    if tool not in TOOLS:
        print(f"python -m bench: unknown tool {tool!r}.\n\n{usage()}", file=sys.stderr)
        return 2
    result = importlib.import_module(f"bench.tools.{tool}").main(rest)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
