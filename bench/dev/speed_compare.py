"""Time ``python -m bench compare`` against one CPU nightly, side by side, on a copy of this checkout.

Run: ``python -m bench.dev speed compare [--select ...]``

A pull request's comparison trains its own side and reads its base's from the store; the goal is a wall
time of at most 1.2x one CPU nightly's (``pytest -m slow``). This measures it in a temporary clone of this
checkout's HEAD, in one process tree at a time:

1. ``compare HEAD HEAD`` keeps HEAD's side in a new store (not timed: the push to main does this);
2. a branch that edits code without changing training (a constant nothing reads, added to
   ``bench/tools/__init__.py``: a new fingerprint, so its side must train);
3. timed: ``pytest -m slow`` on that branch (one CPU nightly), then ``compare HEAD`` with the base side
   stored (the branch's side trains), then a docs-only branch's ``compare HEAD`` (nothing trains).

Prints each wall time and the ratio, and exits 1 when the ratio is above 1.2.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.tools import cli, revisions
from bench.tools.compare import add_selection_option

GOAL = 1.2


def _run(command, cwd, label):
    env = {**os.environ, "PYTHONPATH": str(cwd), "TF_CPP_MIN_LOG_LEVEL": "2"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
    print(f"{label}: {seconds:.1f} s (exit {done.returncode}; {tail[-1] if tail else 'no output'})", flush=True)
    return seconds, done


def main(argv=None):
    p = cli.parser("speed compare", __doc__.splitlines()[0], prog=cli.DEV_PROG)
    add_selection_option(p, "time these (default: every case that trains on this machine)")
    args = p.parse_args(argv)
    repo = revisions.repository(".")
    select = [a for s in args.selections for a in ("--select", s)]
    cases = [f"--bench-case={s}" for s in args.selections]
    with tempfile.TemporaryDirectory(prefix="bench-speed-compare-") as tmp:
        clone = Path(tmp) / "repo"
        revisions.git(repo, "clone", "-q", str(repo), str(clone))
        store = f"--history=sqlite:///{Path(tmp) / 'sides.sqlite'}"
        results = f"--results={Path(tmp) / 'results'}"
        python = sys.executable
        _run(
            [python, "-m", "bench", "compare", "HEAD", "HEAD", *select, store, results],
            clone,
            "setup: HEAD's side kept",
        )
        init = clone / "bench" / "tools" / "__init__.py"
        init.write_text(init.read_text() + "\nSPEED_COMPARE_BRANCH = 1  # read by nothing: a new fingerprint only\n")
        nightly, _ = _run(
            [*revisions.slow_session(Path(tmp) / "nightly"), *cases],
            clone,
            "one CPU nightly (pytest -m slow)",
        )
        compared, done = _run(
            [python, "-m", "bench", "compare", "HEAD", *select, store, results], clone, "compare HEAD"
        )
        trained = "trained nothing" not in done.stdout.split("**HEAD**", 1)[-1].split("\n", 1)[0]
        revisions.git(clone, "checkout", "-q", "--", "bench/tools/__init__.py")
        readme = clone / "README.md"
        readme.write_text(readme.read_text() + "\n<!-- a docs-only branch -->\n")
        docs_only, _ = _run(
            [python, "-m", "bench", "compare", "HEAD", *select, store, results], clone, "compare HEAD, docs only"
        )
    ratio = compared / nightly
    print(
        f"compare with the base side stored, HEAD's side {'trained' if trained else 'NOT trained'}: {compared:.1f} s = "
        f"{ratio:.2f}x one CPU nightly ({nightly:.1f} s; goal <= {GOAL}x); a docs-only branch: {docs_only:.1f} s"
    )
    return 0 if ratio <= GOAL and trained else 1


if __name__ == "__main__":
    raise SystemExit(cli.run(main))
