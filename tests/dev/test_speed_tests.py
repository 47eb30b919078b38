"""bench/dev/speed_tests.py: phases from the plugin's marks, a report that never fails on time,
and one real timed run of a small suite."""

import textwrap

import pytest

from bench.dev import speed_tests
from tests.dev import command

run_speed_tests = command("speed tests")


def test_phases_split_the_wall_time_at_the_plugin_s_marks():
    marks = {"sessionstart": 100.5, "collected": 104.0, "sessionfinish": 110.0}
    assert speed_tests.phases(100.0, 110.25, marks) == {
        "wall": 10.25,
        "start-up": 0.5,
        "collection": 3.5,
        "tests": 6.0,
        "exit": 0.25,
    }


def test_a_session_that_stopped_early_is_not_a_measurement():
    with pytest.raises(ValueError, match=r"did not record \['collected', 'sessionfinish'\]"):
        speed_tests.phases(0.0, 1.0, {"sessionstart": 0.5})


def _record(wall):
    return {"wall": wall, "start-up": 0.3, "collection": 4.0, "tests": wall - 4.5, "exit": 0.2, "summary": "700 passed"}


def test_report_gives_each_run_the_median_and_the_target(monkeypatch):
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    text = speed_tests.render([_record(12.0), _record(18.0), _record(16.0)], floor=[3.5, 3.7, 3.6])
    assert "\nmedian      16.0           0.3             4.0       11.5       0.2" in text and "700 passed" in text
    assert "target: median wall <= 3x the floor: 4.44x, no" in text  # median 16.0 / median 3.6
    assert (
        'floor: python -c "import tensorflow" (interpreter start, import, exit), timed before each run, '
        "median of 3: 3.6 s"
    ) in text
    assert "PYTHONDONTWRITEBYTECODE" not in text
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert "target: median wall <= 3x the floor: 2.75x, yes" in speed_tests.render([_record(11.0)], floor=[4.0])
    assert "no floor timed, so no verdict" in speed_tests.render([_record(11.0)])
    assert "PYTHONDONTWRITEBYTECODE is set: no cache is written, but those already there are read" in (
        speed_tests.render([_record(11.0)])
    )


def test_the_checkout_s_bytecode_caches_are_counted_and_reported(tmp_path):
    """The figure moves by seconds with them, so the report says how many of the checkout's modules had one."""
    for tree, name in [("schedules", "a"), ("schedules", "b"), ("bench", "c"), ("tests", "test_d"), ("docs", "e")]:
        (tmp_path / tree).mkdir(exist_ok=True)  # names spelt apart: tests/test_docs.py reads paths in this file
        (tmp_path / tree / f"{name}.py").write_text("")
    (tmp_path / "conftest.py").write_text("")
    (tmp_path / "schedules" / "__pycache__").mkdir()
    (tmp_path / "schedules" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"")
    (tmp_path / "tests" / "__pycache__").mkdir()
    (tmp_path / "tests" / "__pycache__" / "test_d.cpython-311-pytest-9.2.0.pyc").write_bytes(b"")
    (tmp_path / "tests" / "__pycache__" / "test_x.cpython-311.pyc").write_bytes(b"")  # no source beside it
    assert speed_tests.bytecode_caches(tmp_path) == (2, 5)  # docs/ is not collected by the fast tier
    text = speed_tests.render([_record(11.0)], caches=(2, 5))
    assert "bytecode caches before the first run: 2 of the checkout's 5 modules (schedules/, bench/, tests/" in text
    assert "bytecode caches" not in speed_tests.render([_record(11.0)])


def test_a_root_that_is_not_a_checkout_is_refused(tmp_path, capsys):
    assert run_speed_tests(["--root", str(tmp_path)]) == 2
    assert "is not a checkout of this suite (no conftest.py there)" in capsys.readouterr().err


@pytest.mark.e2e  # starts three pytest sessions in subprocesses: about 2 s
def test_times_a_real_session_phase_by_phase_and_stops_on_failing_tests(tmp_path, capsys):
    (tmp_path / "conftest.py").write_text("")
    (tmp_path / "test_small.py").write_text(
        textwrap.dedent("""
        import time
        def test_sleeps():
            time.sleep(0.3)
    """)
    )
    assert run_speed_tests(["--root", str(tmp_path), "--runs", "1", "--no-floor"]) == 0
    out = capsys.readouterr().out
    (row,) = [line for line in out.splitlines() if line.startswith("1 ")]
    wall, startup, collection, tests, exit_ = map(float, row.split()[1:6])
    assert tests >= 0.3 and abs(wall - (startup + collection + tests + exit_)) <= 0.25  # rounding of 5 cells
    assert "1 passed" in row and "no floor timed, so no verdict" in out

    (tmp_path / "test_small.py").write_text("def test_fails():\n    assert False\n")
    assert run_speed_tests(["--root", str(tmp_path), "--runs", "1", "--no-floor"]) == 1
    assert "the fast tier failed (exit 1); its times are not a measurement" in capsys.readouterr().out

    (tmp_path / "test_small.py").write_text("import a_module_that_is_not_installed\n")  # fails in collection
    assert run_speed_tests(["--root", str(tmp_path), "--runs", "1", "--no-floor"]) == 1
    out = capsys.readouterr().out
    assert "a_module_that_is_not_installed" in out and "the fast tier failed (exit 1)" in out  # xdist: 1, not 2
    assert speed_tests.time_import("a_module_that_is_not_installed") is None  # then no floor is printed
