"""Every command that only reads a history store refuses one that does not exist (exit 2, what to give instead)
and leaves nothing behind: no database file, no folder."""

import pytest

from bench.__main__ import main

READERS = [
    ["history", "changes", "ionosphere"],
    ["history", "dashboard", "{tmp}/site", "ionosphere"],
    ["history", "show", "ionosphere"],
    ["history", "info"],
    ["baselines", "from-history", "ionosphere", "--protocol", "published", "--case", "step"],
]


@pytest.mark.parametrize("argv", READERS, ids=[" ".join(a[:2]) for a in READERS])
def test_a_read_only_command_on_a_missing_store_exits_2_and_creates_nothing(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "typo" / "nights.sqlite"
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--history", f"sqlite:///{missing}"]
    if argv[1] == "from-history":
        argv += ["--baselines", str(tmp_path / "baselines")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and str(missing.parent) in err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == []
