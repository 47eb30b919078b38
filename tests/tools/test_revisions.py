"""bench/tools/revisions.py: revisions resolved, fingerprinted and probed, on small git repositories; and the
bad input ``compare`` and ``bisect`` refuse with exit status 2 before anything trains."""

from pathlib import Path

import pytest

from bench.tools import revisions
from bench.tools.cli import UserError
from tests.tools import command
from tests.tools.revision_history import git

compare = command("compare")
bisect = command("bisect")

MODULE = '''"""A module."""


def rate(t):
    """The rate at ``t``."""
    return 0.1 * 0.5 ** (t // 2)  # halves every two epochs
'''


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "baselines").mkdir()
    (repo / "pkg.py").write_text(MODULE)
    (repo / "docs" / "page.md").write_text("# A page\n")
    (repo / "baselines" / "b.json").write_text('{"mean": 0.9}\n')
    (repo / "README.md").write_text("# Read me\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    return repo


def fingerprint_after(repo, path, text):
    (repo / path).write_text(text)
    return revisions.fingerprint(repo, revisions.resolve(repo))


def test_docs_comments_docstrings_formatting_and_baselines_leave_the_fingerprint(repo):
    first = revisions.fingerprint(repo, revisions.resolve(repo, "main"))
    assert revisions.fingerprint(repo, revisions.resolve(repo)) == first  # the clean working tree: the commit
    edited = MODULE.replace('"""The rate at ``t``."""', '"""The rate at epoch ``t``, halved every 2."""')
    edited = edited.replace("# halves every two epochs", "# see the page in docs").replace(
        "0.5 ** (t // 2)", "0.5**(t//2)"
    )
    assert fingerprint_after(repo, "pkg.py", edited) == first
    assert fingerprint_after(repo, Path("docs", "page.md"), "# Another page\n") == first
    assert fingerprint_after(repo, Path("baselines", "b.json"), '{"mean": 0.8}\n') == first  # judged, not trained
    assert fingerprint_after(repo, "README.md", "changed\n") == first


def test_code_data_and_new_files_change_the_fingerprint(repo):
    first = revisions.fingerprint(repo, revisions.resolve(repo, "main"))
    assert fingerprint_after(repo, "pkg.py", MODULE.replace("t // 2", "(t + 1) // 2")) != first
    (repo / "pkg.py").write_text(MODULE)
    assert fingerprint_after(repo, "data.csv", "1,2\n") != first  # an untracked file a run could read
    (repo / "data.csv").unlink()
    assert revisions.fingerprint(repo, revisions.resolve(repo)) == first


def test_the_working_tree_is_dirty_with_uncommitted_changes_and_a_commit_is_resolved_by_any_name(repo):
    tree = revisions.resolve(repo)
    assert tree.working_tree and not tree.dirty and tree.commit == git(repo, "rev-parse", "HEAD")
    (repo / "pkg.py").write_text(MODULE + "\nX = 1\n")
    assert revisions.resolve(repo).dirty and "uncommitted changes" in revisions.resolve(repo).label
    main = revisions.resolve(repo, "main")
    assert main.commit == tree.commit and main.subject == "first" and main.label == f"main ({tree.commit[:10]})"


def test_an_unknown_revision_and_a_revision_without_the_suite_are_user_errors(repo):
    with pytest.raises(UserError, match="unknown revision 'nope'"):
        revisions.resolve(repo, "nope")
    with pytest.raises(UserError, match="has no suite this command can drive"):
        revisions.probe(repo, "main")


def test_a_commit_is_checked_out_in_a_worktree_that_is_removed_after(repo):
    first = revisions.resolve(repo, "main")
    (repo / "pkg.py").write_text("changed = True\n")
    with revisions.checkout(repo, first) as folder:
        assert (folder / "pkg.py").read_text() == MODULE and folder != repo
    assert not folder.exists() and "worktree" not in git(repo, "worktree", "list").split("\n", 1)[-1]
    assert revisions.baselines_dir(repo, first, repo.parent / "out").joinpath("b.json").read_text() == '{"mean": 0.9}\n'


def test_compare_refuses_bad_input_with_exit_2(repo, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(repo)
    assert compare(["nope"]) == 2
    assert "unknown revision 'nope'" in capsys.readouterr().err
    assert compare(["main", "--select", "digits//step"]) == 2
    assert "is not BENCHMARK, BENCHMARK/PROTOCOL or BENCHMARK/PROTOCOL/CASE" in capsys.readouterr().err
    assert compare(["main", "--seeds", "1"]) == 2
    assert "--seeds must be >= 2" in capsys.readouterr().err
    (tmp_path / "exists.md").write_text("")
    assert compare(["main", f"--md={tmp_path / 'exists.md'}"]) == 2
    assert "never overwrites a report" in capsys.readouterr().err
    assert compare(["main", f"--results={tmp_path / 'r'}", "--history=off"]) == 2  # this repository has no suite
    assert "has no suite this command can drive" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    assert compare(["main"]) == 2
    assert "is not in a git checkout" in capsys.readouterr().err


def test_bisect_refuses_bad_input_with_exit_2(repo, monkeypatch, capsys):
    monkeypatch.chdir(repo)
    first = git(repo, "rev-parse", "HEAD")
    assert bisect([first, first, "--select", "step"]) == 2
    assert "give one whole case" in capsys.readouterr().err
    assert bisect([first, first, "--select", "digits/holdout/step"]) == 2
    assert "nothing between them to search" in capsys.readouterr().err
    (repo / "pkg.py").write_text("X = 2\n")
    second = revisions.git(repo, "-c", "user.email=t@x", "-c", "user.name=t", "commit", "-qam", "second") or git(
        repo, "rev-parse", "HEAD"
    )
    assert bisect([second, first, "--select", "digits/holdout/step"]) == 2
    assert "is not an ancestor of BAD" in capsys.readouterr().err
    assert bisect([first, "HEAD", "--select", "digits/holdout/step", "--quick-seeds", "0"]) == 2
    assert "--quick-seeds must be >= 1" in capsys.readouterr().err
