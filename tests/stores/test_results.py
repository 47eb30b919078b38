"""bench/stores/results.py, the one store of result records, and a reader of it (history)."""

import json

import pytest

from bench.stores import results
from bench.tools import history


def summary(benchmark="ionosphere", case="step", mean=0.98, date="2026-11-30T00:00:00Z"):
    return results.record(
        "summary",
        benchmark=benchmark,
        protocol="published",
        case=case,
        schedule=case,
        environment={"date": date, "tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU: test"},
        summaries={"final_val_accuracy": {"n": 3, "mean": mean, "std": 0.01, "min": mean, "max": mean}},
    )


def run(seed, case="step"):
    return results.record(
        "run",
        benchmark="ionosphere",
        protocol="published",
        case=case,
        seed=seed,
        metrics={"final_val_accuracy": 0.9},
        history={"train_loss": [0.5]},
        train_time_s=0.1,
        majority_rate=0.9,
        environment={},
    )


def test_a_record_is_written_with_its_format_and_read_back(tmp_path):
    results.append(tmp_path, run(0))
    (line,) = (tmp_path / "results.jsonl").read_text().splitlines()
    assert json.loads(line)["format"] == results.FORMAT == 2
    assert [r["seed"] for r in results.records(tmp_path, "run")] == [0]
    assert list(results.records(tmp_path, "summary")) == []


def test_a_line_cut_by_a_kill_and_unmerged_worker_files_are_read(tmp_path, capsys):
    session = tmp_path / "20261130-000000-1"
    session.mkdir()
    results.append(session, summary(case="step"))
    with open(session / "results.jsonl", "a") as f:
        f.write('{"kind": "summary", "benchmark": "ionos')  # the kill came here
    results.append(session, summary(case="exp"), worker_id="gw1")
    results.append(session, summary(case="time"), worker_id="gw0")
    assert [r["case"] for r in results.records(session)] == ["step", "time", "exp"]  # main, then gw0, gw1
    assert results.sessions(tmp_path) == [session]
    (found,) = history.sessions(tmp_path, "ionosphere")
    assert found[0] == session.name and set(found[2]) == {
        ("published", "step"),
        ("published", "time"),
        ("published", "exp"),
    }
    assert history.main(["ionosphere", "--results", str(tmp_path)]) == 0  # python -m bench history
    table = capsys.readouterr().out
    assert all(f"published/{case}" in table for case in ("step", "time", "exp")) and "0.9800 +- 0.0100 (3)" in table


def test_merging_workers_keeps_every_record_once_and_a_line_on_its_own(tmp_path):
    with open(tmp_path / "results.jsonl", "w") as f:
        f.write(json.dumps(run(0)) + "\n" + '{"kind": "ru')  # cut
    results.append(tmp_path, run(1), worker_id="gw0")
    assert results.merge_workers(tmp_path) == 1
    assert not list(tmp_path.glob("results-gw*.jsonl"))
    assert [r["seed"] for r in results.records(tmp_path, "run")] == [0, 1]
    assert results.merge_workers(tmp_path) == 0


def test_runs_keep_the_first_record_of_a_seed_and_read_records_without_a_format(tmp_path):
    first_layout = {**run(3), "schedule": "step"}
    del first_layout["case"], first_layout["format"]
    (tmp_path / "results.jsonl").write_text(json.dumps(first_layout) + "\n")  # no "format"; case in "schedule"
    results.append(tmp_path, {**run(3), "metrics": {"final_val_accuracy": 0.1}})
    results.append(tmp_path, run(4))
    found = results.runs(tmp_path)[("ionosphere", "published", "step")]
    assert sorted(found) == [3, 4] and found[3].metrics["final_val_accuracy"] == 0.9


def test_no_results_is_no_session(tmp_path):
    assert results.sessions(tmp_path / "absent") == [] and results.sessions(tmp_path) == []
    assert results.files(tmp_path) == []


def test_records_of_format_1_read_as_format_2():
    """Format 1 called the case ``schedule`` and the registry name ``registry_schedule``, in a summary's
    verdicts too; a calibration record of the first layout had no ``kind``."""
    old = {
        "format": 1,
        "kind": "summary",
        "benchmark": "ionosphere",
        "protocol": "published",
        "schedule": "time",
        "registry_schedule": "standard",
        "verdicts": [
            {"metric": "final_train_loss", "schedule": "time", "registry_schedule": "standard", "verdict": "pass"}
        ],
    }
    new = results.upgrade(old)
    assert (new["format"], new["case"], new["schedule"]) == (2, "time", "standard")
    assert (new["verdicts"][0]["case"], new["verdicts"][0]["schedule"]) == ("time", "standard")
    assert "registry_schedule" not in new and old["schedule"] == "time"  # the record read is left as it was
    run_1 = results.upgrade({"format": 1, "kind": "run", "schedule": "time", "seed": 0})
    assert (run_1["case"], "schedule" in run_1) == ("time", False)
    calibration = results.upgrade({"benchmark": "digits", "case": "step", "condition": "x2", "seed": 5})
    assert (calibration["kind"], calibration["case"]) == ("calibration", "step")
    current = summary()
    assert results.upgrade({"format": 2, **current}) == {"format": 2, **current}


def test_append_refuses_a_record_without_a_known_kind_and_starts_its_own_line(tmp_path):
    path = tmp_path / "calibrate-digits.jsonl"
    with pytest.raises(
        ValueError,
        match="A result record's `kind` must be one of run, summary, not_trained, failed, calibration. Received: 'x'",
    ):
        results.record("x", seed=1)
    for hand_made in ({"seed": 1}, {"kind": "run", "seed": 1}, {"format": 1, "kind": "run", "seed": 1}):
        with pytest.raises(
            ValueError, match=r"Not a result record of this version.*Build it with bench.stores.results"
        ):
            results.append_to(path, hand_made)
    assert not path.exists()
    path.write_text('{"kind": "calibration", "se')  # cut by a kill
    results.append_to(path, results.record("calibration", case="step", condition="unchanged", seed=2))
    assert path.read_text().splitlines()[1].startswith('{"format": 2, "kind": "calibration"')
    assert [r["seed"] for r in results.read(path, "calibration")] == [2]
