"""bench/stores/project.py: the project a session guards, read from a [tool.lr_bench] table."""

from pathlib import Path

import pytest

from bench.stores import project

ROOT = Path(__file__).resolve().parents[2]


def write(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(text)
    return folder


def test_the_suite_s_own_pyproject_names_its_seven_benchmarks_in_table_order():
    mine = project.read(ROOT / "pyproject.toml")
    assert mine.benchmarks == project.SUITE and mine.own
    assert mine.root == ROOT and mine.baselines == ROOT / "baselines"
    assert project.SUITE[0] == "bench.benchmarks.ionosphere" and len(project.SUITE) == 7


def test_a_project_is_found_from_a_folder_below_it_and_its_baselines_default(tmp_path, monkeypatch):
    monkeypatch.delenv(project.ENV, raising=False)
    root = write(tmp_path / "team", '[tool.lr_bench]\nbenchmarks = ["mybench.wine"]\n')
    found = project.find(root / "tests" / "deep")
    assert found == project.Project(root.resolve(), ("mybench.wine",), (root / "baselines").resolve())
    assert not found.own


def test_a_pyproject_without_the_table_is_passed_over_and_none_found_is_the_suite_s_own(tmp_path, monkeypatch):
    monkeypatch.delenv(project.ENV, raising=False)
    write(tmp_path / "outer", '[tool.lr_bench]\nbenchmarks = ["outer.b"]\nbaselines = "gates"\n')
    inner = write(tmp_path / "outer" / "inner", '[project]\nname = "x"\n')
    found = project.find(inner)
    assert found.benchmarks == ("outer.b",) and found.baselines == (tmp_path / "outer" / "gates").resolve()
    nowhere = tmp_path / "elsewhere"
    nowhere.mkdir()
    if not any((p / "pyproject.toml").is_file() for p in (nowhere, *nowhere.parents)):
        assert project.find(nowhere) == project.Project(None, project.SUITE, None)


def test_the_environment_names_a_project_and_a_wrong_one_says_so(tmp_path, monkeypatch):
    root = write(tmp_path / "team", '[tool.lr_bench]\nbenchmarks = ["mybench.wine"]\n')
    monkeypatch.setenv(project.ENV, str(root))
    assert project.find(tmp_path).benchmarks == ("mybench.wine",)
    monkeypatch.setenv(project.ENV, str(tmp_path / "none"))
    with pytest.raises(project.ProjectError, match=r"has no pyproject.toml with a \[tool.lr_bench\] table"):
        project.find(tmp_path)


@pytest.mark.parametrize(
    "table, message",
    [
        ("benchmarks = []", r"must list its benchmark modules, e.g. benchmarks = \[\"mybench.wine\"\]. Received: "),
        ('benchmarks = "a.b"', r"Received: benchmarks='a.b'"),
        ('benchmarks = ["a.b", "a.b"]', r"lists a module twice"),
        ('benchmarks = ["a.b"]\nbaseline = "x"', r"has no key 'baseline'; its keys: benchmarks, baselines"),
        ('benchmarks = ["a.b"]\nbaselines = ""', r"baselines must be a folder, from the project's root"),
        ('benchmarks = ["a.b"', r"is not valid TOML"),
    ],
)
def test_a_table_the_suite_cannot_use_says_what_to_change(tmp_path, table, message):
    root = write(tmp_path, f"[tool.lr_bench]\n{table}\n")
    with pytest.raises(project.ProjectError, match=message):
        project.read(root / "pyproject.toml")
