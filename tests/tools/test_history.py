"""bench/tools/history.py: the last N sessions of a benchmark from saved results."""

import json

import pytest

from bench.tools.history import sessions
from tests.report.test_plots import png_size
from tests.tools import command

main = command("history show")


def _session(root, name, date, mean):
    d = root / name
    d.mkdir(parents=True)
    s = {"n": 5, "mean": mean, "std": 0.004, "min": mean - 0.01, "max": mean + 0.01}
    lines = [
        {"kind": "run", "seed": 0},
        {
            "kind": "summary",
            "benchmark": "ionosphere",
            "protocol": "published",
            "schedule": "step",
            "environment": {"date": date},
            "summaries": {"final_val_accuracy": s},
        },
        {
            "kind": "summary",
            "benchmark": "other",
            "protocol": "p",
            "schedule": "s",
            "environment": {"date": date},
            "summaries": {"final_val_accuracy": s},
        },
    ]
    (d / "results.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")


@pytest.fixture
def results(tmp_path):
    _session(tmp_path / "r", "s3", "2026-11-20T00:00:00Z", 0.981)  # names out of date order on purpose
    _session(tmp_path / "r", "s1", "2026-11-18T00:00:00Z", 0.990)
    _session(tmp_path / "r", "s2", "2026-11-19T00:00:00Z", 0.985)
    return tmp_path / "r"


def test_sessions_are_oldest_first_and_per_benchmark(results):
    found = sessions(results, "ionosphere")
    assert [name for name, _, _ in found] == ["s1", "s2", "s3"]
    assert found[2][2][("published", "step")]["final_val_accuracy"]["mean"] == 0.981


def test_table_of_the_last_n_and_a_drift_plot(results, tmp_path, capsys):
    plot = tmp_path / "drift.png"
    assert (
        main(
            [
                "ionosphere",
                "--results",
                str(results),
                "--last",
                "2",
                "--plot",
                str(plot),
                "--protocol",
                "published",
                "--case",
                "step",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "s1" not in out and "0.9850 +- 0.0040 (5)" in out and "0.9810 +- 0.0040 (5)" in out
    assert "published/step" in out and png_size(plot) == (800, 500)


def test_missing_results_and_existing_plot_are_clear(results, tmp_path, capsys):
    assert main(["ionosphere", "--results", str(tmp_path / "nowhere")]) == 2
    assert "run `pytest -m slow --bench-results=" in capsys.readouterr().err
    (tmp_path / "taken.png").write_bytes(b"x")
    assert (
        main(
            [
                "ionosphere",
                "--results",
                str(results),
                "--plot",
                str(tmp_path / "taken.png"),
                "--protocol",
                "published",
                "--case",
                "step",
            ]
        )
        == 2
    )
    assert "exists; choose another file" in capsys.readouterr().err


def test_by_default_it_reads_the_history_store_night_by_night(tmp_path, capsys):
    from bench.stores import history_store
    from bench.stores import results as records

    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    store = history_store.open_store(url)
    for k, mean in enumerate((0.990, 0.985, 0.981), start=1):
        night = store.night({"key": f"k{k}", "started": f"2026-11-1{k}T02:00:00Z", "environment": {}, "options": {}})
        summary = {"n": 20, "mean": mean, "std": 0.004, "min": mean, "max": mean}
        store.add(
            night,
            records.record(
                "summary",
                benchmark="ionosphere",
                protocol="published",
                case="step",
                schedule="step",
                seeds=list(range(20)),
                environment={},
                summaries={"final_val_accuracy": summary},
                verdicts=[],
            ),
        )
    assert main(["ionosphere", "--history", url, "--last", "2"]) == 0
    out = capsys.readouterr().out
    assert "night 2" in out and "night 3" in out and "night 1 " not in out
    assert "0.9850 +- 0.0040 (20)" in out and "0.9810 +- 0.0040 (20)" in out
    assert main(["digits", "--history", url]) == 2
    assert f"no digits results in sqlite:///{tmp_path / 'h.sqlite'}" in capsys.readouterr().err
