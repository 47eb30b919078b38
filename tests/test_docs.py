"""The repository explains itself: every document, section, file and module the code and the docs cite exists.

Citations are ``docs/<page>.md`` with an optional ``#anchor`` in code, comments and docstrings, and
relative Markdown links between the pages; an anchor must be a heading of that page, slugged as
MkDocs does. ``mkdocs build --strict`` (CI) checks the built site's links and anchors as well.
"""

import functools
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CITATION = re.compile(r"\bdocs/([\w/-]+\.md)(#[\w-]+)?")
LINK = re.compile(r"\]\(([\w/.-]+\.md)(#[\w-]+)?\)")
SOURCE_SUFFIXES = {".py", ".toml", ".ini", ".md", ".yml", ""}


def slug(heading):
    """MkDocs' default anchor of a heading (Python-Markdown's toc ``slugify``)."""
    text = re.sub(r"[`*]", "", heading).strip()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def anchors(page):
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # a "# comment" in a code block is no heading
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, flags=re.M)}


def tracked_files():
    """The project's own files: what git tracks (or would add), else every file outside build folders."""
    done = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode == 0:
        listed = [ROOT / f for f in done.stdout.splitlines()]
    else:  # not a git checkout (an unpacked archive)
        skip = {".git", ".venv", ".tox", "mutants", "site", "results", "__pycache__"}
        listed = [p for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts)]
    return [p for p in listed if p.is_file() and p.suffix in SOURCE_SUFFIXES]


def citations():
    found = []
    for path in tracked_files():
        text = path.read_text(errors="ignore")
        for m in CITATION.finditer(text):
            found.append((path.relative_to(ROOT).as_posix(), DOCS / m.group(1), m.group(2)))
        if path.suffix == ".md":
            for m in LINK.finditer(text):
                if "://" not in m.group(1):
                    found.append((path.relative_to(ROOT).as_posix(), (path.parent / m.group(1)).resolve(), m.group(2)))
    return found


def test_slugs_follow_mkdocs():
    assert slug("The accuracy suite (`pytest -m slow`)") == "the-accuracy-suite-pytest-m-slow"
    assert slug("Gates: two questions per case") == "gates-two-questions-per-case"
    assert slug("A: ResNet on CIFAR-10") == "a-resnet-on-cifar-10"


def test_there_are_citations_to_check():
    cited = {(where, target.name) for where, target, _ in citations()}
    assert ("bench/benchmarks/ionosphere.py", "reference.md") in cited
    assert ("README.md", "contributing.md") in cited


def citation_problem(where, target, anchor):
    """What is wrong with one citation, in words; None when it resolves."""
    if not target.is_file():
        return f"{where} cites {target.relative_to(ROOT)}, which does not exist"
    if anchor and anchor[1:] not in anchors(target):
        return f"{where} cites {target.relative_to(ROOT)}{anchor}: no such heading (there: {sorted(anchors(target))})"
    return None


def test_every_citation_resolves():
    """Every citation at once (one test, not one per link: the fast tier's time goes to its tests, not to
    pytest's bookkeeping of 1,000 items); the message names each that does not resolve."""
    problems = [p for p in (citation_problem(*c) for c in citations()) if p]
    assert problems == [], "\n".join(problems)


def test_a_citation_to_a_missing_page_or_heading_is_named():
    page, heading = "nowhere" + ".md", "#no-such" + "-heading"  # spelt apart: this file's own text is scanned too
    assert citation_problem("README.md", DOCS / page, "") == f"README.md cites docs/{page}, which does not exist"
    problem = citation_problem("README.md", DOCS / "tests.md", heading)
    assert problem.startswith(f"README.md cites docs/tests.md{heading}: no such heading (there: [")
    assert citation_problem("README.md", DOCS / "tests.md", "#mutation-testing") is None


def test_no_document_outside_the_repository_is_cited():
    for path in tracked_files():
        if path.name == "test_docs.py":
            continue
        assert "REFERENCE.md" not in path.read_text(errors="ignore"), f"{path} cites REFERENCE.md, which is not here"


def test_every_page_is_in_the_site_s_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.glob("*.md"))
    assert [p for p in pages if f": {p}" not in nav] == []


# Paths and dotted names of the project's own modules, as code, comments and docs write them:
# ``bench/harness/session.py``, ``bench.engine.loop`` or ``bench.statistics.gates.judge_metric``.
PATH = re.compile(r"(?<![\w/.])((?:bench|schedules|tests|baselines)/[\w/]*\w\.(?:py|json))\b")
DOTTED = re.compile(r"(?<![\w./-])((?:bench|schedules)(?:\.[A-Za-z_]\w*)+)")
# What docs/contributing.md walks a contributor through creating, and mutmut's names of mutants.
NOT_YET_WRITTEN = re.compile(r"invsqrt|__mutmut_")


def _module_file(dotted):
    """``(file, rest)``: the longest prefix of ``dotted`` that is a project module, and the names after it."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:n])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate, parts[n:]
    return None, parts


@functools.cache
def _top_level_names(path):
    """The names ``path`` defines or imports at its top; parsed once per session (many names point into one module)."""
    import ast

    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def references():
    found = []
    for path in tracked_files():
        text = path.read_text(errors="ignore")
        where = path.relative_to(ROOT).as_posix()
        found += [(where, m.group(1)) for m in PATH.finditer(text) if not NOT_YET_WRITTEN.search(m.group(1))]
        found += [
            (where, m.group(1))
            for m in DOTTED.finditer(text)
            if not NOT_YET_WRITTEN.search(m.group(1)) and m.group(1).rsplit(".", 1)[1] not in ("md", "py")
        ]
    return found


def test_there_are_references_to_check():
    refs = references()
    assert ("bench/harness/plugin.py", "bench.harness.session.BenchSession") in refs
    assert any(target == "bench/stores/results.py" for _, target in refs)


# A page that builds an example project file by file (and its test) names that project's files from its root.
BUILDS_EXAMPLE = {
    "docs/your-project.md": "examples/breast_cancer",
    "tests/test_your_project.py": "examples/breast_cancer",
}


def reference_problem(where, target):
    """What is wrong with one name of a file or module, in words; None when it exists. A file of an example
    project (``examples/NAME/``) names its own files from that project's root."""
    if "/" in target:
        parts = Path(where).parts
        base = ROOT.joinpath(*parts[:2]) if parts[0] == "examples" and len(parts) > 2 else ROOT
        built = ROOT / BUILDS_EXAMPLE[where] / target if where in BUILDS_EXAMPLE else None
        found = (base / target).is_file() or (built is not None and built.is_file())
        return None if found else f"{where} names {target}, which does not exist"
    module, rest = _module_file(target)
    if module is None:
        return f"{where} names {target}, which is no module of this project"
    if rest and module.suffix == ".py":
        names = _top_level_names(module)
        lazy = "__getattr__" in names and f'"{rest[0]}"' in module.read_text()  # a module-level __getattr__ makes it
        if not (
            rest[0] in names
            or lazy
            or rest[0].startswith("__")
            or (module.parent / f"{rest[0]}.py").is_file()
            or (module.parent / rest[0]).is_dir()
        ):
            return f"{where} names {target}: {module.relative_to(ROOT)} has no {rest[0]}"
    return None


def test_every_file_and_module_named_exists():
    """A comment, docstring or page that names a file or module of the project names one that exists; every
    name at once, the message naming each that does not."""
    problems = [p for p in (reference_problem(*r) for r in sorted(set(references()))) if p]
    assert problems == [], "\n".join(problems)


def test_a_missing_file_module_or_name_is_named():
    top = "bench"  # the names spelt apart: this file's own text is scanned too
    missing, absent, name = f"{top}/nowhere.py", f"{top}.nowhere", f"{top}.engine.loop.no_such"
    assert reference_problem("a.md", missing) == f"a.md names {missing}, which does not exist"
    assert reference_problem("a.md", absent) == f"a.md names {absent}: bench/__init__.py has no nowhere"
    assert reference_problem("a.md", name) == f"a.md names {name}: bench/engine/loop.py has no no_such"
    assert reference_problem("a.md", f"{top}.engine.loop.train_loop") is None
    example, own = "examples/breast_cancer/README.md", "tests/" + "test_benchmarks.py"
    assert reference_problem(example, own) is None  # the example project's own file, from its root
    assert reference_problem("a.md", own) == f"a.md names {own}, which does not exist"
    assert reference_problem("docs/your-project.md", own) is None  # the page that builds the example
    nowhere = "tests/" + "nowhere.py"
    assert (
        reference_problem("docs/your-project.md", nowhere)
        == f"docs/your-project.md names {nowhere}, which does not exist"
    )


def test_the_intervals_calibration_md_prints_are_the_ones_the_tools_print():
    from bench.statistics import figures

    text = (ROOT / "docs" / "calibration.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| of ")]
    assert len(rows) == 3
    for row in rows:
        n = int(row.split()[2])
        cells = [c.strip() for c in row.strip("|").split("|")[1:] if c.strip()]
        assert cells == [figures.rate_text(k, n) for k in range(n + 1)]


def test_the_generated_regions_of_the_docs_are_what_the_code_generates_now():
    """docs/schedules.md's reference and docs/nightlies.md's GPU costs are written by ``python -m bench.dev docs``;
    a new schedule, case or declared cost that changes them fails here until the command is run."""
    from bench.dev import docs

    assert docs.stale() == [], "run python -m bench.dev docs and commit the pages"


def test_the_gpu_costs_region_gives_a_case_s_time_from_the_declarations():
    """By hand: a ResNet case is 4 seeds x 100 epochs, 4,000 s at 10 s per epoch and 68,400 s (19 h) at 171 s; a
    VGG-style case 8 seeds x 40 epochs x 0.159 / 0.795 GFLOP per image (the same images): 641 s at 10 s."""
    from bench import benchmarks
    from bench.dev import docs

    resnet, vgg = benchmarks.get("cifar10_resnet"), benchmarks.get("cifar10_minivggnet")
    assert docs.case_seconds(resnet, 10) == pytest.approx(4000)
    assert docs.case_seconds(resnet, 171) == pytest.approx(68400)
    assert docs.case_seconds(vgg, 10) == pytest.approx(8 * 40 * 10 * 0.159 / 0.795, rel=0.01)
    region = docs.gpu_costs()
    assert "| `cifar10_resnet` | " in region and "| 4 | 100 | 1 h 06 min | 19 h 00 min |" in region
    assert f"the workflow's {docs.WORKFLOW_BUDGET_H}-hour budget" in region
    assert f"--bench-budget={docs.WORKFLOW_BUDGET_H}" in (ROOT / ".github" / "workflows" / "nightly.yml").read_text()


def test_the_benchmarks_region_states_what_the_baseline_files_hold(tmp_path):
    """By hand, against the committed files: source A's five floors (REFERENCE's step >= 0.86 and linear >= 0.87
    among them), ionosphere's published seeds 1000..1199; seed lists are written as ranges."""
    from bench.dev import docs

    assert docs._seed_ranges([1000, 1001, 1002, 5000, 7, 8]) == "1000..1002, 5000, 7..8"
    rows = {line.split("|")[1].strip(): line for line in docs.benchmarks_table().splitlines()[2:]}
    assert len(rows) == 7
    resnet = rows["`cifar10_resnet`"]
    # source A's ten schedules; a schedule a contributor adds (docs/contributing.md) joins the list ahead of them
    assert "| A | " in resnet
    assert "none, standard, step, linear, poly, time, exp, onecycle, cyclical, cosine | GPU | 4 | 100 |" in resnet
    assert "step >= 0.86, linear >= 0.87" in resnet and "time, exp, onecycle, cyclical, cosine |" in resnet
    assert re.search(r"no baseline yet: (\w+, )*time, exp", resnet)
    assert "`published`: measured on 200 seeds (1000..1199)" in rows["`ionosphere`"]
    assert "`published`: no baseline yet: constant, onecycle" in rows["`fashion_mnist_onecycle`"]


def test_a_changed_region_is_named_and_rewritten(tmp_path):
    from bench.dev import docs

    for page, _ in docs.REGIONS.values():
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text((ROOT / page).read_text())
    page = tmp_path / "docs" / "nightlies.md"
    page.write_text(page.read_text().replace("| per case at 171 s |", "| per case at 170 s |"))
    assert docs.stale(tmp_path) == [("docs/nightlies.md", "gpu-costs")]
    assert docs.write(tmp_path) == ["docs/nightlies.md"]
    assert docs.stale(tmp_path) == [] and page.read_text() == (ROOT / "docs" / "nightlies.md").read_text()
    page.write_text(page.read_text().replace("<!-- end: gpu-costs -->", ""))
    with pytest.raises(SystemExit, match="docs/nightlies.md has no region"):
        docs.stale(tmp_path)


def readme_example():
    """The README's one Python block, as a user pastes it."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) == 1, "the README shows one Python example"
    return blocks[0]


def test_the_readme_is_short_and_gives_the_two_commands_first():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 90
    main_job = ".venv/bin/pip install -e '.[cpu]' && .venv/bin/pytest -m slow\n"
    tests = ".venv/bin/pip install -e '.[cpu,test]' && .venv/bin/pytest -m \"not slow\" -n 2\n"
    assert text.index(main_job) < text.index(tests) < text.index("```python")
    assert "as_training_schedule(steps_per_epoch=" in readme_example() and "model.fit(" in readme_example()
    assert "](docs/architecture.md#words)" in text  # the glossary, for every term in italics
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.e2e  # trains a small model in a new process (about 5 s)
def test_the_readme_s_example_runs_as_pasted(tmp_path):
    pytest.importorskip("keras")
    script = tmp_path / "example.py"
    script.write_text(readme_example())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    name, unit, first, last = done.stdout.split()[-4:]
    assert (name, unit, float(first)) == ("step", "epoch", 0.1)
    # 3 epochs of 16 iterations: step (offset 1) is floor((1 + 2) / 15) = 0 drops in, so the optimizer still has 0.1
    assert float(last) == pytest.approx(0.1, rel=1e-6)


def test_every_term_in_italics_in_the_readme_is_in_the_glossary():
    text = (ROOT / "README.md").read_text()
    glossary = (DOCS / "architecture.md").read_text().split("## Words", 1)[1]
    words = {w.rstrip("s") for w in re.findall(r"(?<![*\w])\*([a-z][a-z ]+)\*(?!\*)", text)}
    assert {"baseline", "benchmark", "case", "tier", "session", "night", "history store"} <= words
    defined = {w.rstrip("s") for w in re.findall(r"^\| ([a-z][a-z /]+?) \|", glossary, re.M)}
    assert sorted(words - defined) == []
