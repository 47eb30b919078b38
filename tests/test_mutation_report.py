"""mutation/report.py and mutation/equivalent.toml: the parts that run without a mutmut run."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("mutation_report", ROOT / "mutation" / "report.py")
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)


def test_mutant_names_map_to_functions():
    assert report.function_of("schedules._base.xǁScheduleǁvalues__mutmut_7") == "schedules._base.Schedule.values"
    assert report.function_of("schedules.x_get__mutmut_10") == "schedules.get"
    assert report.function_of("schedules._base.x__check_indices__mutmut_4") == "schedules._base._check_indices"


def module_file(function):
    """The file of ``package.module.[Class.]function``: the longest dotted prefix that is a module or a package."""
    parts = function.split(".")
    for n in range(len(parts) - 1, 0, -1):
        base = ROOT.joinpath(*parts[:n])
        if base.with_suffix(".py").is_file():
            return base.with_suffix(".py")
        if (base / "__init__.py").is_file():
            return base / "__init__.py"
    raise AssertionError(f"no module for {function}")


def test_equivalent_entries_name_their_files():
    assert module_file("schedules.decay.Step._rate") == ROOT / "schedules" / "decay.py"
    assert module_file("schedules.get") == ROOT / "schedules" / "__init__.py"
    assert module_file("bench.statistics.changepoints._segment") == ROOT / "bench" / "statistics" / "changepoints.py"


def test_every_equivalent_entry_names_a_real_line_and_says_why():
    entries = report.load_equivalents()
    assert entries
    for e in entries:
        path = module_file(e["function"])
        assert e["before"] in path.read_text(), f"{e['function']}: {e['before']!r} is not in {path}"
        assert e["before"] != e["after"] and len(e["why"]) > 40
    keys = [(e["function"], e["before"], e["after"]) for e in entries]
    assert len(keys) == len(set(keys))
