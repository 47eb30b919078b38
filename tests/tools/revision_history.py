"""Git histories of this repository for ``compare`` and ``bisect`` to run on: a copy of the checkout (its
tracked and untracked-not-ignored files, so uncommitted work is tested too) committed as one base commit,
then the commits a test adds with ``commit``."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STEP_LINE = '"step": Case("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 2}, SGD)'
DIGITS = "bench/benchmarks/digits.py"


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=bench@example.invalid", "-c", "user.name=bench", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def copy_of_checkout(dest):
    """A new git repository at ``dest`` holding this checkout's files as its one commit; the commit's hash."""
    dest = Path(dest)
    dest.mkdir(parents=True)
    names = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "base")
    return git(dest, "rev-parse", "HEAD")


def edit(repo, path, old, new):
    """Replace ``old`` (which must be there once) with ``new`` in ``repo/path``."""
    file = Path(repo) / path
    text = file.read_text()
    assert text.count(old) == 1, f"{path}: {old!r} found {text.count(old)} times"
    file.write_text(text.replace(old, new))


def commit(repo, message):
    git(repo, "commit", "-q", "-a", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def step_one_epoch_early(repo):
    """Digits' ``step`` case drops its rate one epoch early (offset 2 where the registry's default is 1)."""
    edit(repo, DIGITS, STEP_LINE, STEP_LINE.replace('"drop_every": 2}', '"drop_every": 2, "offset": 2}'))


def docs_and_comments(repo, word):
    """An edit no training can see: a line of the README and a comment in a schedule's module."""
    readme = Path(repo) / "README.md"
    readme.write_text(readme.read_text() + f"\n<!-- {word} -->\n")
    decay = Path(repo) / "schedules" / "decay.py"
    decay.write_text(decay.read_text() + f"\n# {word}\n")


def ten_commits(repo):
    """Ten commits on top of the base: docs and comments, a harmless change that moves the last bits of digits'
    ``step`` training (its initial rate 0.1 + 1e-8, a float32 ulp away), then the harmful one (``step``
    drops a rate one epoch early), then docs again. Returns ``(hashes, index of the harmful commit)``."""
    hashes = []
    for i in range(10):
        if i == 2:
            edit(repo, DIGITS, STEP_LINE, STEP_LINE.replace('"initial_lr": 0.1,', '"initial_lr": 0.1 + 1e-8,'))
            message = "digits step: initial rate written 0.1 + 1e-8 (moves the last bits only)"
        elif i == 5:
            line = STEP_LINE.replace('"initial_lr": 0.1,', '"initial_lr": 0.1 + 1e-8,')
            edit(repo, DIGITS, line, line.replace('"drop_every": 2}', '"drop_every": 2, "offset": 2}'))
            message = "digits step: drop the rate one epoch early"
        else:
            docs_and_comments(repo, f"note {i}")
            message = f"docs: note {i}"
        hashes.append(commit(repo, message))
    return hashes, 5
