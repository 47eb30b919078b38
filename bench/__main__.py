"""``python -m bench <command> [<verb>] [options]``: the suite's commands, grouped by what a user is doing.

``python -m bench --help`` lists them; ``python -m bench <command> --help`` lists a group's verbs and
``python -m bench <command> <verb> --help`` a command's options. Each runs ``main(argv)`` of a module of
``bench/tools/`` through ``bench.tools.cli.run``, the one place bad input becomes exit status 2. The names
of the release before (``changes``, ``cross_version``, ``speed_tests``, ...) still work, for one release,
with a line on stderr naming the new spelling.
"""

import importlib
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
    "speed": {
        "schedules": ("speed_schedules", "time s.values() over 1,000,000 indices for every schedule"),
        "ionosphere": ("speed_ionosphere", "time the ionosphere benchmark: this suite's loop against model.fit"),
        "resnet": ("speed_resnet", "epoch time and images/s of source A's ResNet on synthetic CIFAR-10"),
        "history": ("speed_history", "time the history store's writes of a session's records"),
        "compare": ("speed_compare", "time compare with the base side stored against one CPU nightly"),
        "tests": ("speed_tests", 'time the fast tier (pytest -m "not slow") from outside, phase by phase'),
    },
}

# The release before's spellings -> today's words. A group called with no verb of its own (``history
# ionosphere``, ``calibrate digits``) is the release before's tool of that name: RENAMED_GROUPS.
RENAMED = {
    "changes": "history changes",
    "dashboard": "history dashboard",
    "store": "history",  # store import / store info
    "cross_version": "matrix",
    "published": "baselines published",
    "pending": "baselines pending",
    "calibrate_matrix": "calibrate matrix",
    "calibrate_changes": "calibrate changes",
    "speed_schedules": "speed schedules",
    "speed_ionosphere": "speed ionosphere",
    "speed_resnet": "speed resnet",
    "speed_history": "speed history",
    "speed_tests": "speed tests",
}
RENAMED_GROUPS = {"history": "show", "calibrate": "gates"}


def usage():
    lines = [
        "usage: python -m bench <command> [<verb>] [options]",
        "       (python -m bench <command> [<verb>] --help for its options)",
        "",
        "commands:",
    ]
    width = max(len(f"{c} {v}") for c, verbs in COMMANDS.items() for v in (verbs if isinstance(verbs, dict) else [""]))
    for command, entry in COMMANDS.items():
        if isinstance(entry, dict):
            lines += [f"  {command + ' ' + verb:<{width}}  {text}" for verb, (_, text) in entry.items()]
        else:
            lines.append(f"  {command:<{width}}  {entry[1]}")
    return "\n".join(lines)


def group_usage(command):
    verbs = COMMANDS[command]
    width = max(map(len, verbs))
    return "\n".join(
        [f"usage: python -m bench {command} {{{','.join(verbs)}}} [options]", "", "verbs:"]
        + [f"  {verb:<{width}}  {text}" for verb, (_, text) in verbs.items()]
    )


def resolve(argv):
    """``(words, module, fixed words, rest)`` for a command line, the release before's spellings mapped to
    today's with a line on stderr; None, with a message, for a name that is not a command."""
    if not argv:
        return None
    first, rest = argv[0], argv[1:]
    if first in RENAMED:
        new = RENAMED[first].split()
        shown = " ".join(new + (rest[:1] if first == "store" else []))
        print(
            f"python -m bench {first} is now python -m bench {shown}; the old name works until the next release.",
            file=sys.stderr,
        )
        return resolve(new + rest)
    entry = COMMANDS.get(first)
    if entry is None:
        return None
    if not isinstance(entry, dict):
        return [first], entry[0], [], rest
    if rest and rest[0] in entry:
        module, *fixed = entry[rest[0]][0].split()
        return [first, rest[0]], module, fixed, rest[1:]
    if first in RENAMED_GROUPS and rest and not rest[0].startswith("-"):
        verb = RENAMED_GROUPS[first]
        print(
            f"python -m bench {first} {rest[0]} is now python -m bench {first} {verb} {rest[0]}; "
            "the old spelling works until the next release.",
            file=sys.stderr,
        )
        return resolve([first, verb, *rest])
    return [first], None, [], rest


def main(argv=None):
    from bench.tools import cli

    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    found = resolve(argv)
    if found is None:
        print(f"python -m bench: unknown command {argv[0]!r}.\n\n{usage()}", file=sys.stderr)
        return 2
    words, module, fixed, rest = found
    if module is None:  # a group without a verb
        if rest and rest[0] in ("-h", "--help"):
            print(group_usage(words[0]))
            return 0
        wrong = f"unknown verb {rest[0]!r}" if rest else "a verb is needed"
        print(f"python -m bench {words[0]}: {wrong}.\n\n{group_usage(words[0])}", file=sys.stderr)
        return 2
    tool = importlib.import_module(f"bench.tools.{module}")
    return cli.run(tool.main, fixed + rest, prog=f"python -m bench {' '.join(words)}")


if __name__ == "__main__":
    sys.exit(main())
