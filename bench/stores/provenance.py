"""A night's description: what a session's records belong to, built once and kept in its results folder.

``night_info`` builds it (a new key, the start, the checkout's commit, dirtiness and branch, the host, the
environment, the options); ``write_session_file`` keeps it in the folder as ``session.json`` and
``read_session_file`` finds it again, so a resumed session, a pytest-xdist worker and a ``store import``
of the folder all put the records under the same night with the same description.
"""

import datetime
import json
import os
import platform
import subprocess
import uuid
from pathlib import Path


def now():
    """The current UTC time as the stores write it (``2026-12-02T01:00:00Z``)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


SESSION_FILE = "session.json"


def night_info(root, environment, options, results_dir=None, key=None):
    """What a night carries: a new key, the start date, this checkout's commit, dirtiness and branch
    (``git_state``), the host, the environment and the options."""
    return {
        "key": key or uuid.uuid4().hex,
        "started": now(),
        **git_state(root),
        "host": platform.node(),
        "results_dir": None if results_dir is None else str(Path(results_dir).absolute()),
        "environment": environment,
        "options": options,
    }


def git_state(root):
    """``{"commit", "dirty", "branch"}`` of the git checkout at ``root``; outside one, what a CI runner says
    ($GITHUB_SHA, $GITHUB_REF_NAME), else None for each."""

    def git(*args):
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": os.environ.get("GITHUB_SHA"), "dirty": None, "branch": os.environ.get("GITHUB_REF_NAME")}
    status = git("status", "--porcelain", "--untracked-files=no")
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    if branch == "HEAD":  # detached, as a CI checkout is
        branch = os.environ.get("GITHUB_REF_NAME") or None
    return {"commit": commit, "dirty": None if status is None else bool(status), "branch": branch}


def write_session_file(folder, info):
    """Keep the night's description in its results folder (``session.json``): a resumed session, and an
    import of the folder, find the same night again. Whole or not at all: xdist's workers, each at its first
    record, may write the same description at once."""
    path = Path(folder) / SESSION_FILE
    if not path.exists():
        part = path.with_name(f".{SESSION_FILE}.{os.getpid()}")
        part.write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
        os.replace(part, path)


def read_session_file(folder):
    path = Path(folder) / SESSION_FILE
    if not path.exists():
        return None
    try:
        info = json.loads(path.read_text())
    except json.JSONDecodeError:
        return None
    return info if isinstance(info, dict) and "key" in info and "started" in info else None
