"""docs/your-project.md, followed into an empty folder, builds examples/breast_cancer file for file.

Each block the page marks ``<!-- guide: create PATH -->`` is written to PATH, in the page's order. The
folder it leaves must hold exactly the example's files (its README and its measured ``baselines/`` aside,
which the page's commands write), byte for byte: so the page cannot drift from the example that
``tests/test_example.py`` runs against the suite's wheel, and its commands must be the example README's.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "your-project.md"
EXAMPLE = ROOT / "examples" / "breast_cancer"
CREATE = re.compile(r"<!-- guide: create (\S+) -->\n```\w*\n(.*?)\n```", re.S)
WRITTEN_BY_COMMANDS = ("README.md", "baselines/")  # the example's own page, and what --update-baselines wrote


def follow(text, root):
    """Write every ``create`` block of ``text`` under ``root``; the paths, in order. A path made twice is an error."""
    made = []
    for path, block in CREATE.findall(text):
        target = root / path
        assert not target.exists(), f"the guide creates {path} twice"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block + "\n")
        made.append(path)
    return made


def example_files():
    return sorted(
        str(p.relative_to(EXAMPLE))
        for p in EXAMPLE.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not str(p.relative_to(EXAMPLE)).startswith(WRITTEN_BY_COMMANDS)
    )


def mismatches(text, root):
    """``(files only one side has, files that differ)`` between ``text`` followed under ``root`` and the example."""
    made = follow(text, root)
    one_side = sorted(set(made) ^ set(example_files()))
    differ = [
        path for path in made if path not in one_side and (root / path).read_text() != (EXAMPLE / path).read_text()
    ]
    return one_side, differ


def test_the_page_builds_the_example_file_for_file(tmp_path):
    one_side, differ = mismatches(GUIDE.read_text(), tmp_path)
    assert one_side == [], f"the page and examples/breast_cancer disagree on which files exist: {one_side}"
    assert differ == [], f"the page's copy of {differ} is not the example's: change both"


def test_a_file_the_page_leaves_out_or_changes_is_found(tmp_path):
    text = GUIDE.read_text()
    dropped = CREATE.sub(lambda m: "" if m.group(1) == "tests/test_schedule.py" else m.group(0), text)
    assert mismatches(dropped, tmp_path / "a") == (["tests/test_schedule.py"], [])
    edited = text.replace("    seeds=20,\n", "    seeds=10,\n", 1)
    assert edited != text and mismatches(edited, tmp_path / "b") == ([], ["mybench/breast_cancer.py"])


def test_the_page_s_commands_are_the_example_s():
    """Every command the page gives a user is one the example's README gives, which tests/test_example.py runs."""
    page = [block.strip() for block in re.findall(r"```bash\n(.*?)```", GUIDE.read_text(), re.S)]
    readme = [block.strip() for block in re.findall(r"```bash\n(.*?)```", (EXAMPLE / "README.md").read_text(), re.S)]
    assert page and [command for command in page if command not in readme] == []
