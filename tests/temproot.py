"""Where the fast tier's temporary folders go (docs/tests.md#temporary-folders-in-memory).

The fast tier makes and removes about a thousand ``tmp_path`` folders, and its in-process nightlies write
results files (each record fsynced), SQLite history stores and session files into them. On the 2-core
machines this suite is sized for, a folder or file made and removed on the disk's filesystem (ext4) costs
about 1 ms, against 0.1 ms in memory (tmpfs): side by side, the whole tier took about 1 s longer on the
disk. So ``pytest -m "not slow"`` puts pytest's temporary root in ``/dev/shm`` where that is a tmpfs with
room to spare, through pytest's own ``PYTEST_DEBUG_TEMPROOT``: pytest still numbers the sessions' folders,
keeps the last three and, by this project's ``tmp_path_retention_policy``, keeps a failing test's folder.

Nothing a test checks changes: the code under test still writes, fsyncs and commits the same way; only
the folder it is given lives in memory. The benchmark and e2e tiers keep the system's temporary folder
(an e2e check installs whole virtual environments there), and so does any session whose user chose a
place: ``--basetemp``, ``PYTEST_DEBUG_TEMPROOT``, ``TMPDIR``, ``TEMP`` or ``TMP``.
"""

import os
import shutil
from pathlib import Path

RAM = Path("/dev/shm")  # a tmpfs on Linux; absent elsewhere
MIN_FREE = 1 << 30  # bytes: the fast tier holds a few MB at a time, so anything smaller is not ours to fill
FAST_TIER = "not slow"  # the README's test command's -m expression
USER_CHOICES = ("PYTEST_DEBUG_TEMPROOT", "TMPDIR", "TEMP", "TMP")
CHOSEN = None  # the root conftest records what it chose for this session (None: pytest's default)


def is_tmpfs(folder, mounts="/proc/mounts"):
    """Whether ``folder`` is a mount point of a tmpfs, as ``mounts`` (``/proc/mounts``'s format) lists it."""
    try:
        lines = Path(mounts).read_text().splitlines()
    except OSError:  # no /proc: not Linux
        return False
    return any(len(f) > 2 and f[1] == str(folder) and f[2] == "tmpfs" for f in (line.split() for line in lines))


def ram_root(markexpr, basetemp, environ, folder=RAM, mounts="/proc/mounts", min_free=MIN_FREE):
    """The folder to hold this session's temporary folders, or None to leave pytest's default: ``folder`` for
    the fast tier (``markexpr``, pytest's ``-m``) where no place was chosen (``basetemp``, ``environ``) and it
    is a writable tmpfs with at least ``min_free`` bytes free."""
    if " ".join((markexpr or "").split()) != FAST_TIER or basetemp or any(environ.get(k) for k in USER_CHOICES):
        return None
    folder = Path(folder)
    if not (is_tmpfs(folder, mounts) and os.access(folder, os.W_OK | os.X_OK)):
        return None
    return folder if shutil.disk_usage(folder).free >= min_free else None
