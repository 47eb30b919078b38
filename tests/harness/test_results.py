"""bench/harness/results.py, the one store of result records, and its readers (history, cross_version)."""

import json

from bench.harness import results
from bench.tools import cross_version, history


def summary(benchmark="ionosphere", case="step", mean=0.98, date="2026-11-30T00:00:00Z"):
    return {"kind": "summary", "benchmark": benchmark, "protocol": "published", "schedule": case,
            "environment": {"date": date, "tensorflow": "2.21.0", "keras": "3.15.1", "device": "CPU: test"},
            "summaries": {"final_val_accuracy": {"n": 3, "mean": mean, "std": 0.01, "min": mean, "max": mean}}}


def run(seed, case="step"):
    return {"kind": "run", "benchmark": "ionosphere", "protocol": "published", "schedule": case, "seed": seed,
            "metrics": {"final_val_accuracy": 0.9}, "history": {"train_loss": [0.5]}, "train_time_s": 0.1,
            "majority_rate": 0.9, "environment": {}}


def test_a_record_is_written_with_its_format_and_read_back(tmp_path):
    results.append(tmp_path, run(0))
    (line,) = (tmp_path / "results.jsonl").read_text().splitlines()
    assert json.loads(line)["format"] == results.FORMAT == 1
    assert [r["seed"] for r in results.records(tmp_path, "run")] == [0]
    assert list(results.records(tmp_path, "summary")) == []


def test_a_line_cut_by_a_kill_and_unmerged_worker_files_are_read(tmp_path):
    session = tmp_path / "20261130-000000-1"
    session.mkdir()
    results.append(session, summary(case="step"))
    with open(session / "results.jsonl", "a") as f:
        f.write('{"kind": "summary", "benchmark": "ionos')  # the kill came here
    results.append(session, summary(case="exp"), worker_id="gw1")
    results.append(session, summary(case="time"), worker_id="gw0")
    assert [r["schedule"] for r in results.records(session)] == ["step", "time", "exp"]  # main, then gw0, gw1
    assert results.sessions(tmp_path) == [session]
    (found,) = history.sessions(tmp_path, "ionosphere")
    assert found[0] == session.name and set(found[2]) == {("published", "step"), ("published", "time"),
                                                           ("published", "exp")}
    latest = cross_version.load_summaries([tmp_path])
    assert {key[3] for key in latest} == {"step", "time", "exp"}


def test_merging_workers_keeps_every_record_once_and_a_line_on_its_own(tmp_path):
    with open(tmp_path / "results.jsonl", "w") as f:
        f.write(json.dumps(run(0)) + "\n" + '{"kind": "ru')  # cut
    results.append(tmp_path, run(1), worker_id="gw0")
    assert results.merge_workers(tmp_path) == 1
    assert not list(tmp_path.glob("results-gw*.jsonl"))
    assert [r["seed"] for r in results.records(tmp_path, "run")] == [0, 1]
    assert results.merge_workers(tmp_path) == 0


def test_runs_keep_the_first_record_of_a_seed_and_read_records_without_a_format(tmp_path):
    (tmp_path / "results.jsonl").write_text(json.dumps(run(3)) + "\n")  # the first layout: no "format"
    results.append(tmp_path, {**run(3), "metrics": {"final_val_accuracy": 0.1}})
    results.append(tmp_path, run(4))
    found = results.runs(tmp_path)[("ionosphere", "published", "step")]
    assert sorted(found) == [3, 4] and found[3].metrics["final_val_accuracy"] == 0.9


def test_no_results_is_no_session(tmp_path):
    assert results.sessions(tmp_path / "absent") == [] and results.sessions(tmp_path) == []
    assert results.files(tmp_path) == []
