"""The direction of imports between the packages (docs/architecture.md).

Lowest first; a module may import from its own package and from packages of a lower
rank, never from one of the same rank or higher:

    0  schedules
    1  bench.engine, bench.data
    2  bench.report, bench.stores
    3  bench.benchmarks, bench.statistics, bench.planning
    4  bench.harness (the pytest glue)
    5  bench.tools
    6  bench.dev (the contributors' tools: ``python -m bench.dev``), bench itself: ``python -m bench`` (its
       __main__), over the commands of bench.tools

Imports inside functions count too: a lazy import upward is still a dependency upward.
Cycles are checked twice: none among module-level imports, the ones that run when a module loads;
and counting lazy imports too, no module imports one that imports it back, and the only longer
circles are the two ``BY_NAME`` lists, where something is rebuilt from a registry by name at call
time. No module of one package imports another package's private module (``_name``) or name.
"""

import ast
import functools
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RANK = {
    "schedules": 0,
    "bench.engine": 1,
    "bench.data": 1,
    "bench.report": 2,
    "bench.stores": 2,
    "bench.benchmarks": 3,
    "bench.statistics": 3,
    "bench.planning": 3,
    "bench.harness": 4,
    "bench.tools": 5,
    "bench.dev": 6,
    "bench": 6,
}


def package_of(module):
    """The ranked package a dotted module name belongs to (the longest matching prefix)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in RANK:
            return prefix
    return None


def project_modules():
    out = {}
    for top in ("schedules", "bench"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = project_modules()


@functools.cache
def tree_of(path):
    """A file's syntax tree, parsed once per session and only when a test first asks: collection (on every
    xdist worker) parses nothing."""
    return ast.parse(path.read_text())


def statements(node):
    """Every statement under ``node``, however deep: in functions, classes, branches, loops, ``with``, ``try``
    (its handlers too) and ``match``. An import is a statement, and no expression holds one, so this finds
    every import ``ast.walk`` would, without visiting the expressions: about a tenth of the nodes."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(node, field, ()):
            if isinstance(child, ast.stmt):
                yield child
            yield from statements(child)  # an except handler or a match case holds statements of its own


def imports_of(path, module, top_level_only=False):
    """Every project module ``module`` (in file ``path``) imports, anywhere in the file
    (``top_level_only``: only the statements that run when the module loads)."""
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = tree_of(path)
    for node in tree.body if top_level_only else statements(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from pkg import submodule` depends on the submodule, not on pkg
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {name for name in found if name in MODULES and name != module}


@functools.cache
def graph():
    """Every project module's imports of project modules, anywhere in its file."""
    return {module: imports_of(path, module) for module, path in MODULES.items()}


# Circles through a registry, closed at call time by a lazy import, each for a reason:
BY_NAME = {
    # Schedule.as_keras_schedule imports its adapter, which rebuilds the schedule from the registry by name
    # (a saved model's config holds the name and parameters).
    "schedules",
    "schedules._base",
    "schedules.keras_adapter",
    # A Benchmark trains seeds the way bench.benchmarks.training chooses, in worker processes among them
    # (bench.benchmarks.processes), which find it in the registry by name: a worker gets the name, not the object.
    "bench.benchmarks",
    "bench.benchmarks.spec",
    "bench.benchmarks.training",
    "bench.benchmarks.processes",
}


@functools.cache
def load_graph():
    """Every project module's imports of project modules that run when it loads."""
    return {module: imports_of(path, module, top_level_only=True) for module, path in MODULES.items()}


def test_every_module_belongs_to_a_ranked_package():
    assert all(package_of(m) for m in MODULES), [m for m in MODULES if not package_of(m)]
    assert {package_of(m) for m in MODULES} == set(RANK)  # and every package has modules


def upward_imports(module, graph):
    """Each import of ``module`` in ``graph`` that reaches a package of the same or a higher rank, in words."""
    mine = package_of(module)
    wrong = []
    for target in sorted(graph[module]):
        theirs = package_of(target)
        if theirs == mine or theirs == "bench":  # own package; "bench" itself holds only docs
            continue
        if RANK[theirs] >= RANK[mine]:
            wrong.append(f"{module} ({mine}, rank {RANK[mine]}) imports {target} ({theirs}, rank {RANK[theirs]})")
    return wrong


def test_imports_run_one_way():
    """Every module at once (one test: the fast tier's time goes to tests, not to 115 items' bookkeeping)."""
    wrong = [line for module in sorted(MODULES) for line in upward_imports(module, graph())]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    state, stack = {}, []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for target in sorted(load_graph()[module]):
            if state.get(target) == "open":
                cycle = stack[stack.index(target) :] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(load_graph()):
        if module not in state:
            visit(module)


def circles(graph):
    """The strongly connected components of ``graph`` with more than one module (Tarjan's algorithm)."""
    index, low, open_, stack, found = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        open_.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in open_:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                open_.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_one_that_imports_it_back():
    g = graph()
    back = sorted(f"{a} <-> {b}" for a in g for b in g[a] if a < b and a in g.get(b, ()))
    assert back == [], back


def test_the_only_circles_go_through_a_registry_by_name():
    """Lazy imports included: every circle's modules are BY_NAME's (the schedules' single modules close
    the first through the registry they are listed in)."""
    outside = [
        sorted(c - BY_NAME)
        for c in circles(graph())
        if not c & BY_NAME or any(not (m in BY_NAME or m.startswith("schedules.")) for m in c)
    ]
    assert outside == [], outside


def test_the_circle_finder_finds_one():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert circles({"a": {"b"}, "b": set()}) == []


def _private(dotted):
    return any(part.startswith("_") for part in dotted.split("."))


def private_imports(module, path, graph):
    """The private modules and names ``module`` (file ``path``) imports from another package."""
    mine = package_of(module)
    wrong = [t for t in sorted(graph[module]) if _private(t) and package_of(t) != mine]
    for node in statements(tree_of(path)):
        if isinstance(node, ast.ImportFrom) and node.module and package_of(node.module) not in (None, mine):
            wrong += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    return wrong


def test_no_private_module_or_name_is_imported_from_another_package():
    wrong = {m: found for m in sorted(MODULES) if (found := private_imports(m, MODULES[m], graph()))}
    assert wrong == {}, f"private imports {wrong}: make each public under a name that says what it is"


def test_the_checkers_name_an_upward_and_a_private_import(tmp_path):
    up = upward_imports("bench.engine.loop", {"bench.engine.loop": {"bench.stores.baselines", "bench.engine.rules"}})
    assert (
        len(up) == 1 and up[0].startswith("bench.engine.loop (bench.engine, rank ") and "imports bench.stores" in up[0]
    )
    path = tmp_path / "loop.py"
    path.write_text("from bench.stores.baselines import _package_dir\nfrom bench.engine.rules import _x\n")
    graph = {"bench.engine.loop": set()}
    assert private_imports("bench.engine.loop", path, graph) == ["bench.stores.baselines._package_dir"]


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    path = tmp_path / "loop.py"
    path.write_text("def f():\n    from bench.stores import baselines\n")
    assert "bench.stores.baselines" in imports_of(path, "bench.engine.loop")
    assert not imports_of(path, "bench.engine.loop", top_level_only=True)
    nested = tmp_path / "nested.py"  # every kind of block a lazy import can hide in
    nested.write_text(  # {p}: the names spelt apart, as tests/test_docs.py scans this file too
        "class C:\n    import {p}.a\n"
        "try:\n    pass\nexcept ImportError:\n    import {p}.b\nelse:\n    import {p}.c\n"
        "finally:\n    import {p}.d\n"
        "with open(__file__):\n    if True:\n        pass\n    else:\n        import {p}.e\n"
        "for _ in ():\n    while False:\n        import {p}.f\n"
        "async def f():\n    async with x:\n        import {p}.g\n"
        "match 1:\n    case 2:\n        import {p}.h\n".format(p="bench.stores")
    )
    seen = {f"bench.stores.{x}" for x in "abcdefgh"}
    monkeypatch.setattr(sys.modules[__name__], "MODULES", {**MODULES, **dict.fromkeys(seen, nested)})
    assert imports_of(nested, "bench.engine.loop") == seen
    relative = tmp_path / "ionosphere.py"
    relative.write_text("from . import spec\nfrom ..engine import records\n")
    assert imports_of(relative, "bench.benchmarks.ionosphere") >= {"bench.benchmarks.spec", "bench.engine.records"}


def _registered_modules(package):
    """Modules a registry lists, which a package docstring need not name one by one: each benchmark's file
    (``bench.benchmarks.MODULES``) and each registered schedule's module (a new one is one line of a guide)."""
    if package == "bench.benchmarks":
        from bench.benchmarks import MODULES as names

        return set(names)
    if package == "schedules":
        import schedules

        return {schedules.declared(n).__module__.rpartition(".")[2] for n in schedules.available()}
    return set()


PACKAGES = sorted(m for m, path in MODULES.items() if path.name == "__init__.py")


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_s_docstring_names_its_modules(package):
    import re

    init = MODULES[package]
    doc = ast.get_docstring(ast.parse(init.read_text())) or ""
    inside = sorted(
        [p.stem for p in init.parent.glob("*.py") if p.stem not in ("__init__", "__main__")]
        + [p.parent.name for p in init.parent.glob("*/__init__.py")]
    )
    unnamed = [m for m in inside if m not in _registered_modules(package) and not re.search(rf"\b{m}\b", doc)]
    assert unnamed == [], f"{init.relative_to(ROOT)}'s docstring does not name {unnamed}: say what each is for"


def test_no_command_module_shares_a_name_with_the_standard_library():
    """``python -m bench.dev speed tests`` puts ``bench/dev`` on the inner session's path (for its timing plugin):
    a module there named like a standard one (``bisect.py``) would be imported in its place by everything; the
    commands of ``bench/tools`` keep the same rule (``bisection``, not ``bisect``)."""
    tools = sorted(p.stem for folder in ("tools", "dev") for p in (ROOT / "bench" / folder).glob("*.py"))
    assert "bisection" in tools and "cli" in tools and "speed_tests" in tools
    assert [name for name in tools if name in sys.stdlib_module_names] == []
