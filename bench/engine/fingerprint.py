"""What code a run trained with, as a hash: the same text for the same training code, whatever its comments.

``code_of`` is what of one file counts: a Python file's syntax tree without docstrings (comments and
formatting never reach it), any other file's bytes. ``python -m bench compare`` fingerprints a whole
revision with it (``bench.tools.revisions``); ``training_code`` fingerprints the installed packages that
decide how a case trains (``TRAINING_PACKAGES``: the schedules, the benchmarks, the engines and the data
loaders), so that a night can tell whether an earlier night trained the same code: a baseline collected
over nights (docs/nightlies.md#baselines-from-nights) keeps only seeds of one training code and machine.
Tests, tools, stores, reports and docs are not part of it: a commit that only changes those keeps the
collection going.
"""

import ast
import functools
import hashlib
import importlib.util
from pathlib import Path

TRAINING_PACKAGES = ("schedules", "bench.benchmarks", "bench.engine", "bench.data")


def code_of(name, data):
    """What of a file counts for a fingerprint: a Python file's syntax tree without docstrings (its bytes
    when it does not parse), any other file's bytes."""
    if not name.endswith(".py"):
        return data
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return data
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False).encode()


def hash_files(files):
    """The fingerprint (hex, 16 digits) of ``{name: bytes}``, each file by ``code_of``, in name order."""
    h = hashlib.sha256()
    for name, data in sorted(files.items()):
        code = code_of(name, data)
        h.update(f"{name}\0{len(code)}\0".encode())
        h.update(code)
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=None)
def training_code(extra=()):
    """The fingerprint of ``TRAINING_PACKAGES`` as this process imports them (a checkout or an installed
    copy alike), and of the ``extra`` modules (a project's own benchmarks, whole packages where they are in
    one): every file under each package's folder but compiled ones and Markdown."""
    files = {}
    for package in (*TRAINING_PACKAGES, *extra):
        spec = importlib.util.find_spec(package)
        if spec.submodule_search_locations:
            folder = Path(next(iter(spec.submodule_search_locations)))
            paths = folder.rglob("*")
        else:  # a module on its own
            folder, paths = Path(spec.origin).parent, [Path(spec.origin)]
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".md"):
                files[f"{package}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return hash_files(files)
