"""A revision of this repository as ``compare`` and ``bisect`` use it: resolved, fingerprinted, checked out,
asked what it trains here, and trained (docs/changes.md).

- ``resolve``: a git revision (or ``None``: the working tree, uncommitted changes included) as a
  ``Revision``; an unknown one is a ``UserError``.
- ``fingerprint``: a hash of what can change training at the revision: every ``.py`` file by its syntax
  tree without docstrings (comments and formatting never reach it), every other file by its bytes, except
  the files that only document, gate or test the suite's installs (``NOT_TRAINING``). Two revisions with
  one fingerprint train the same bits; the stores key a side's runs by it.
- ``checkout``: a folder with the revision's files: the working tree itself, or a ``git worktree`` made for
  the call and removed after it.
- ``probe``: the cases the revision trains on this machine and their seeds, in the revision's own terms
  (its ``bench.benchmarks``, or, in a project that installs the suite, the benchmarks its ``[tool.lr_bench]``
  declares); a revision with neither is a ``UserError``.
- ``train``: the revision's own ``pytest -m slow`` on the given cases, in another process with the
  revision's code first on ``sys.path``; the runs read back from its results folder.
"""

import contextlib
import dataclasses
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from bench.engine import fingerprint as fingerprints
from bench.engine.records import CaseId, RunResult
from bench.stores import results
from bench.tools.cli import UserError

WORKING_TREE = "working tree"
# Files that cannot change how a case trains: documentation, the baselines (read by the gates, judged per
# revision), CI and packaging pins of other environments, mutation testing.
NOT_TRAINING = ("docs/", ".github/", ".ci/", "mutation/", "baselines/", "constraints/")
NOT_TRAINING_FILES = ("mkdocs.yml", "tox.ini", ".gitignore", "LICENSE")


@dataclasses.dataclass(frozen=True)
class Revision:
    """A commit, or the working tree (``commit`` is HEAD's, ``dirty`` whether files differ from it)."""

    given: str  # what the user wrote (``WORKING_TREE`` for none)
    commit: str
    subject: str
    working_tree: bool = False
    dirty: bool = False

    @property
    def label(self):
        short = self.commit[:10]
        if self.working_tree:
            return f"working tree ({short}{' + uncommitted changes' if self.dirty else ''})"
        return short if self.given.startswith(short) else f"{self.given} ({short})"

    def to_dict(self):
        return {**dataclasses.asdict(self), "label": self.label}


def git(repo, *args, check=True, binary=False):
    """``git -C repo ARGS``'s stdout (stripped text, or bytes with ``binary``); ``UserError`` on failure when
    ``check``, else None."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise UserError(f"git {' '.join(args)} in {repo}: {err}") from None
    if done.returncode != 0:
        if not check:
            return None
        why = done.stderr.decode(errors="replace").strip().splitlines()
        raise UserError(f"git {' '.join(args)} in {repo} failed: {why[-1] if why else 'exit ' + str(done.returncode)}")
    return done.stdout if binary else done.stdout.decode().strip()


def repository(start="."):
    """The top folder of the git checkout holding ``start``; ``UserError`` outside one."""
    top = git(start, "rev-parse", "--show-toplevel", check=False)
    if not top:
        raise UserError(
            f"{Path(start).resolve()} is not in a git checkout: compare and bisect need the suite's history"
        )
    return Path(top)


def resolve(repo, given=None):
    """The ``Revision`` ``given`` names (``None``: the working tree); ``UserError`` for one git does not know."""
    if given is None:
        commit = git(repo, "rev-parse", "HEAD")
        status = git(repo, "status", "--porcelain", "--untracked-files=normal")
        return Revision(WORKING_TREE, commit, _subject(repo, commit), working_tree=True, dirty=bool(status))
    commit = git(repo, "rev-parse", "--verify", "--quiet", f"{given}^{{commit}}", check=False)
    if not commit:
        raise UserError(f"unknown revision {given!r}: give a commit, branch or tag of {repo} (git log shows them)")
    return Revision(given, commit, _subject(repo, commit))


def _subject(repo, commit):
    return git(repo, "log", "-1", "--format=%s", commit)


def _files(repo, revision):
    """``{path: bytes}`` of the revision's files: tracked and untracked-not-ignored ones for the working tree."""
    if revision.working_tree:
        names = git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
        out = {}
        for name in filter(None, names):
            path = Path(repo) / name
            if path.is_file():  # a tracked file deleted in the working tree is gone from it
                out[name] = path.read_bytes()
        return out
    archive = git(repo, "archive", "--format=tar", revision.commit, binary=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def trains(name):
    """Whether a file can change how a case trains (everything outside ``NOT_TRAINING`` but Markdown)."""
    return not (name.startswith(NOT_TRAINING) or name in NOT_TRAINING_FILES or name.endswith(".md"))


def fingerprint(repo, revision):
    """The hash (hex, 16 digits) of what can change training at ``revision`` (``trains``; each file by
    ``bench.engine.fingerprint.code_of``)."""
    return fingerprints.hash_files({name: data for name, data in _files(repo, revision).items() if trains(name)})


@contextlib.contextmanager
def checkout(repo, revision):
    """A folder with ``revision``'s files for the length of the ``with``: the working tree itself, or a
    detached ``git worktree`` of the commit, removed afterwards."""
    if revision.working_tree:
        yield Path(repo)
        return
    parent = Path(tempfile.mkdtemp(prefix="bench-revision-"))
    folder = parent / revision.commit[:10]
    git(repo, "worktree", "add", "--detach", "--quiet", str(folder), revision.commit)
    try:
        yield folder
    finally:
        git(repo, "worktree", "remove", "--force", str(folder), check=False)
        shutil.rmtree(parent, ignore_errors=True)
        git(repo, "worktree", "prune", check=False)


def baselines_dir(repo, revision, into):
    """A folder with ``revision``'s baseline files (written under ``into`` for a commit)."""
    from bench.stores import project

    found = project.read(Path(repo) / "pyproject.toml") if (Path(repo) / "pyproject.toml").is_file() else None
    name = "baselines" if found is None else found.baselines.relative_to(found.root).as_posix()
    if revision.working_tree:
        return Path(repo) / name
    folder = Path(into) / f"baselines-{revision.commit[:10]}"
    folder.mkdir(parents=True, exist_ok=True)
    archive = git(repo, "archive", "--format=tar", revision.commit, name, binary=True, check=False)
    if archive:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.endswith(".json"):
                    (folder / Path(member.name).name).write_bytes(tar.extractfile(member).read())
    return folder


# The GPU requirement is asked last: it imports the backend (seconds), which a benchmark whose data is not
# here never needs to.
PROBE = """
import json
import os
import bench
from bench.stores import project
here = os.path.dirname(os.path.dirname(os.path.abspath(bench.__file__)))
mine = project.find(os.getcwd())
own_root = mine.root is not None and os.path.realpath(mine.root) == os.path.realpath(os.getcwd())
if os.path.realpath(here) != os.path.realpath(os.getcwd()) and not own_root:
    print("PROBE " + json.dumps({"from": here}))
    raise SystemExit(0)
from bench import benchmarks
from bench.benchmarks import RunOptions
options = RunOptions()
out = []
for b in benchmarks.all_benchmarks():
    if not any(r.check(options) for r in sorted(b.requires, key=lambda r: r.kind == "gpu")):
        for protocol, case in b.protocol_cases():
            out.append([b.name, protocol, case, b.seeds])
print("PROBE " + json.dumps({"from": here, "cases": out}))
"""


def _env(root):
    env = dict(os.environ)
    env.pop("LR_BENCH_PROJECT", None)  # the revision's own pyproject.toml names its project
    env["PYTHONPATH"] = os.pathsep.join([str(root)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def probe(root, label, seeds=None, first_seed=0):
    """``{CaseId: [seeds]}``: the cases the revision checked out at ``root`` trains on this machine (its
    benchmarks whose requirements are met here) and the seeds a nightly trains them on (``seeds`` per case
    when given). ``UserError`` when the revision has no suite this command can drive."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=root, env=_env(root), capture_output=True, text=True, timeout=600
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("PROBE ")), None)
    if done.returncode != 0 or line is None:
        why = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise UserError(f"{label} has no suite this command can drive (its bench.benchmarks did not answer: {why})")
    answer = json.loads(line[6:])
    if "cases" not in answer:  # the installed suite answered, not the revision
        raise UserError(
            f"{label} has no suite this command can drive (no bench package of its own, and no [tool.lr_bench] "
            "table in its pyproject.toml)"
        )
    return {CaseId(b, p, c): list(range(first_seed, first_seed + (seeds or n))) for b, p, c, n in answer["cases"]}


@dataclasses.dataclass
class Trained:
    """What one ``train`` call gave: the runs, where they are, the session's exit status and its output's tail."""

    runs: dict  # {CaseId: {seed: RunResult}}
    folder: Path
    status: int
    tail: str
    seconds: float


def slow_session(results_root):
    """The command line of a ``pytest -m slow`` session writing under ``results_root`` and keeping no history
    (what ``train`` starts; ``python -m bench.dev speed compare`` times the same)."""
    return [
        sys.executable,
        "-m",
        "pytest",
        "-m",
        "slow",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--bench-results={results_root}",
        "--bench-history=off",
    ]


def train(root, cases, results_root, seeds=None, first_seed=0, extra=()):
    """Train ``cases`` (``CaseId``s) with the revision's own ``pytest -m slow`` in ``root``; a ``Trained``.
    A gate the session fails does not matter here (the runs are what is wanted); a case without runs after
    it did not train, and the caller says so."""
    import time

    results_root = Path(results_root).absolute()  # the session runs in root
    results_root.mkdir(parents=True, exist_ok=True)
    before = set(results.sessions(results_root))
    command = [
        *slow_session(results_root),
        f"--bench-first-seed={first_seed}",
        *([f"--bench-seeds={seeds}"] if seeds else []),
        *[f"--bench-case={case}" for case in cases],
        *extra,
    ]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=_env(root), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    new = [s for s in results.sessions(results_root) if s not in before]
    runs = {}
    for folder in new:
        for case_id, by_seed in results.runs(folder).items():
            runs.setdefault(case_id, {}).update(by_seed)
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return Trained(runs, new[0] if new else results_root, done.returncode, tail, seconds)


def as_runs(records):
    """``{CaseId: {seed: RunResult}}`` of run records."""
    out = {}
    for record in records:
        run = RunResult.from_dict(record)
        out.setdefault(run.case_id, {})[run.seed] = run
    return out
