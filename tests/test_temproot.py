"""tests/temproot.py: the fast tier's temporary folders in memory, only where nobody chose a place and the
machine has room; every other session keeps pytest's default."""

import os
import shutil
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from conftest import TEMPROOT_KEY
from tests import temproot

Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def shm(tmp_path, monkeypatch):
    """A folder that ``/proc/mounts`` (a planted copy) lists as a tmpfs, with 2 GiB free."""
    folder = tmp_path / "shm"
    folder.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw,relatime 0 0\ntmpfs {folder} tmpfs rw,nosuid,nodev 0 0\n")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(4 << 30, 2 << 30, 2 << 30))
    return folder, mounts


def choose(shm, markexpr="not slow", basetemp=None, environ=None, **kw):
    folder, mounts = shm
    return temproot.ram_root(markexpr, basetemp, environ or {}, folder=folder, mounts=mounts, **kw)


def test_the_fast_tier_goes_to_memory(shm):
    assert choose(shm) == shm[0]
    assert choose(shm, markexpr="  not   slow ") == shm[0]  # the same expression, spaced apart


@pytest.mark.parametrize("markexpr", ["slow", "e2e", "not slow and not gpu", "e2e or not slow", "", None])
def test_every_other_selection_keeps_pytest_s_default(shm, markexpr):
    assert choose(shm, markexpr=markexpr) is None


@pytest.mark.parametrize("variable", temproot.USER_CHOICES)
def test_a_place_the_user_chose_wins(shm, variable):
    assert choose(shm, environ={variable: "/somewhere"}) is None
    assert choose(shm, environ={variable: ""}) == shm[0]  # set but empty: not a choice
    assert choose(shm, basetemp="/somewhere") is None


def test_not_a_tmpfs_not_writable_or_too_full_keeps_the_default(shm, tmp_path, monkeypatch):
    folder, mounts = shm
    disk = tmp_path / "disk-mounts"
    disk.write_text(f"/dev/vda {folder} ext4 rw 0 0\n")
    assert temproot.ram_root("not slow", None, {}, folder=folder, mounts=disk) is None
    assert temproot.ram_root("not slow", None, {}, folder=folder, mounts=tmp_path / "no-proc") is None
    assert temproot.ram_root("not slow", None, {}, folder=tmp_path / "elsewhere", mounts=mounts) is None
    assert choose(shm, min_free=3 << 30) is None  # 2 GiB free
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert choose(shm) is None


def test_this_session_s_folders_are_where_the_rule_put_them(tmp_path, pytestconfig):
    """The root conftest's choice reached pytest and, under xdist, this worker (which the controller told):
    a test's tmp_path lies under the chosen folder."""
    workerinput = getattr(pytestconfig, "workerinput", None)
    if workerinput is not None:
        given = workerinput[TEMPROOT_KEY]  # a KeyError: the controller did not pass its choice on
        assert temproot.CHOSEN == (Path(given) if given else None)
    if temproot.CHOSEN is not None:
        assert os.environ["PYTEST_DEBUG_TEMPROOT"] == str(temproot.CHOSEN)
        assert tmp_path.is_relative_to(temproot.CHOSEN.resolve())


def test_hypothesis_is_imported_past_the_rewriter_and_the_tests_are_still_rewritten():
    """The root conftest imports Hypothesis with pytest's rewriting hook set aside (``import_past_the_rewriter``)
    and puts the hook back: this test module, collected after, was still assertion-rewritten."""
    import hypothesis.core

    assert type(hypothesis.core.__loader__).__name__ != "AssertionRewritingHook"
    assert type(sys.modules[__name__].__loader__).__name__ == "AssertionRewritingHook"
