"""bench/dev/speed_schedules.py: it reports every schedule and the NumPy floor, and never fails on time."""

import schedules
from bench.dev import speed_schedules


def test_reports_each_schedule_against_the_floor_and_exits_0(capsys, monkeypatch):
    monkeypatch.setattr(speed_schedules, "TARGET_MS", 1e-9)  # every schedule over target: still exit 0
    assert speed_schedules.main(["--n", "1000", "--repeats", "2"]) == 0
    out = capsys.readouterr().out
    assert "vs floor" in out and "floor: numpy.exp(ts * -1e-6) on the same 1,000 int64 indices" in out
    assert all(f"\n{name} " in out for name in schedules.available()) and "no (over by" in out
