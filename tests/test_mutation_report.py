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


def test_every_equivalent_entry_names_a_real_line_and_says_why():
    entries = report.load_equivalents()
    assert entries
    for e in entries:
        second = ROOT / "schedules" / f"{e['function'].split('.')[1]}.py"  # schedules.<module>.<function>
        path = second if second.is_file() else ROOT / "schedules" / "__init__.py"  # schedules.<function>
        assert e["before"] in path.read_text(), f"{e['function']}: {e['before']!r} is not in {path}"
        assert e["before"] != e["after"] and len(e["why"]) > 40
    keys = [(e["function"], e["before"], e["after"]) for e in entries]
    assert len(keys) == len(set(keys))
