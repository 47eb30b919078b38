"""What every command of ``python -m bench`` shares: its options, defined once, and its one usage error.

``UserError`` is bad input (an unknown name, a file that must not exist, too few seeds): its message says
what to give instead. ``run`` is the one place it becomes a message on stderr and exit status 2; exit 1
is kept for a finding (a shift, a failed verdict). ``add`` adds a shared option
(``bench.harness.options.SHARED``: the same name, metavar and meaning as the pytest option where there is
one); ``add_benchmark`` adds the benchmark, positional in every command.
"""

import argparse
import sys
from pathlib import Path

from bench import benchmarks
from bench.harness.options import SHARED

PROG = "python -m bench"


class UserError(Exception):
    """Bad input to a command. ``run`` prints it and exits 2."""


def parser(command, description):
    """An ``ArgumentParser`` for ``python -m bench COMMAND`` (``command``: its words, e.g. "history changes")."""
    return argparse.ArgumentParser(prog=f"{PROG} {command}", description=description)


def add(p, name, more="", short=None, **kwargs):
    """Add the shared option ``name`` to ``p``: its flag (and ``short``, e.g. ``-c``), metavar and meaning from
    ``SHARED``, ``more`` after the meaning (its default here), ``kwargs`` as ``add_argument`` takes them."""
    shared = SHARED[name]
    flags = [shared.flag] + ([short] if short else [])
    return p.add_argument(*flags, metavar=shared.metavar, help=shared.help(more), **kwargs)


def add_benchmark(p, which=None, optional=False, many=False, renamed_from=None):
    """The benchmark, positional: one (or, ``optional``, none: every one; ``many``: any number), from
    ``which`` (default: every registered benchmark). ``renamed_from``: the option that named it in the
    release before (``--benchmark``), kept hidden; ``benchmark_of`` reads either."""
    names = list(which if which is not None else benchmarks.names())
    if many:
        return p.add_argument(
            "benchmark", nargs="*", metavar="BENCHMARK", help=f"benchmarks (default: every one): {', '.join(names)}"
        )
    kwargs = {"nargs": "?", "default": None} if optional or renamed_from else {}
    more = " (default: every benchmark)" if optional else ""
    if renamed_from:
        add_renamed(p, renamed_from, "BENCHMARK, positional", choices=names)
    return p.add_argument(
        "benchmark", metavar="BENCHMARK", choices=names, help=f"one of {', '.join(names)}{more}", **kwargs
    )


def benchmark_of(args, renamed_from="--benchmark"):
    """The positional benchmark, or the one its old option named (with a line naming the new spelling);
    ``UserError`` when neither is given."""
    name = args.benchmark or renamed(args, renamed_from, "BENCHMARK, positional")
    if name is None:
        raise UserError("give the benchmark, e.g. python -m bench train ionosphere --case step")
    return name


def not_there(path, option):
    """``UserError`` when the file an option names exists: the suite never overwrites a report."""
    if path and Path(path).exists():
        raise UserError(f"{option} {path} exists; this suite never overwrites a report. Choose a new file name.")


def run(main, argv=None, prog=PROG):
    """Call a command's ``main(argv)``; a ``UserError`` is printed as ``PROG: error: ...`` on stderr and
    becomes exit status 2. Returns the exit status (``main``'s, 0 when it returns None)."""
    try:
        result = main(argv)
    except UserError as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    return result if isinstance(result, int) else 0


def add_renamed(p, old, new, **kwargs):
    """Keep an option of the release before working, hidden from ``--help``; ``renamed`` says its new name."""
    return p.add_argument(old, dest=f"renamed_{old.lstrip('-').replace('-', '_')}", help=argparse.SUPPRESS, **kwargs)


def renamed(args, old, new):
    """The value given under the old option ``old`` (None if not given), with a line on stderr naming ``new``."""
    value = getattr(args, f"renamed_{old.lstrip('-').replace('-', '_')}", None)
    if value not in (None, []):
        print(f"{old} is now {new}; the old spelling works until the next release.", file=sys.stderr)
        return value
    return None
