"""bench/engine/records.py: per-run metrics from a history, summaries over seeds, and the run record."""

import dataclasses
import math

import pytest

from bench.engine.records import (
    METRICS,
    RunResult,
    environment,
    metrics_from_history,
    per_seed,
    regression_metrics_from_history,
    summarize,
    summarize_runs,
)

HISTORY = {"train_loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.4], "val_accuracy": [0.80, 0.93, 0.91]}


def test_classifier_metrics_by_hand():
    m = metrics_from_history(HISTORY, target_accuracy=0.9)
    assert m == {
        "final_val_accuracy": 0.91,
        "best_val_accuracy": 0.93,
        "epochs_to_target": 2.0,
        "final_train_loss": 0.3,
        "mean_train_loss": pytest.approx(1.7 / 3),
        "final_val_loss": 0.4,
    }
    assert metrics_from_history(HISTORY, target_accuracy=0.95)["epochs_to_target"] == 4.0  # epochs + 1: never


def test_regression_metrics_are_roots_of_the_squared_error():
    m = regression_metrics_from_history({"train_loss": [20.0, 10.0], "val_loss": [16.0, 25.0]})
    assert (m["final_val_rmse"], m["best_val_rmse"], m["final_val_loss"]) == (5.0, 4.0, 25.0)
    assert m["mean_train_loss"] == 15.0 and set(m) <= set(METRICS)


def test_summary_uses_the_sample_standard_deviation():
    s = summarize([1, 2, 3, 4])
    assert s == {"n": 4, "mean": 2.5, "std": pytest.approx(math.sqrt(5 / 3)), "min": 1.0, "max": 4.0}
    assert summarize([0.7])["std"] == 0.0
    with pytest.raises(ValueError, match=r"summarize\(\) needs at least one value"):
        summarize([])


def _run(seed, acc):
    return RunResult(
        "demo",
        "p",
        "c",
        seed,
        {"final_val_accuracy": acc, "final_train_loss": 0.1 * seed},
        HISTORY,
        1.5,
        0.6,
        {"device": "CPU: test"},
    )


def test_summaries_and_per_seed_values_keep_the_metrics_order_and_the_seeds_order():
    runs = [_run(2, 0.9), _run(0, 0.8)]
    assert per_seed(runs) == {"final_val_accuracy": [0.9, 0.8], "final_train_loss": [0.2, 0.0]}
    summaries = summarize_runs(runs)
    assert list(summaries) == ["final_val_accuracy", "final_train_loss"]  # METRICS' order
    assert summaries["final_val_accuracy"]["mean"] == pytest.approx(0.85)


def test_a_run_record_round_trips_and_ignores_keys_that_are_no_field():
    run = _run(3, 0.9)
    record = {"format": 2, "kind": "run", **run.to_dict()}
    assert RunResult.from_dict(record) == run
    assert [f.name for f in dataclasses.fields(RunResult)][:4] == ["benchmark", "protocol", "case", "seed"]


def test_environment_names_versions_device_and_date():
    env = environment()
    assert {"python", "date", "device"} <= set(env)
    assert env["date"].endswith("Z") and env["device"].startswith(("CPU: ", "GPU x"))


def test_a_gpu_environment_names_the_gpus_and_the_cuda_and_cudnn_tensorflow_was_built_with(monkeypatch):
    import sys
    import types

    gpu = types.SimpleNamespace(name="/physical_device:GPU:0")
    config = types.SimpleNamespace(
        list_physical_devices=lambda kind: [gpu, gpu] if kind == "GPU" else [],
        experimental=types.SimpleNamespace(get_device_details=lambda d: {"device_name": "NVIDIA H100 80GB HBM3"}),
    )
    build = {"is_cuda_build": True, "cuda_version": "12.5.1", "cudnn_version": "9"}
    fake = types.SimpleNamespace(
        __version__="2.21.0", config=config, sysconfig=types.SimpleNamespace(get_build_info=lambda: build)
    )
    monkeypatch.setitem(sys.modules, "tensorflow", fake)
    env = environment()
    assert (env["device"], env["cuda"], env["cudnn"], env["tensorflow"]) == (
        "GPU x2: NVIDIA H100 80GB HBM3",
        "12.5.1",
        "9",
        "2.21.0",
    )
    build.pop("cuda_version"), build.pop("cudnn_version")
    assert "cuda" not in environment()  # a CPU build says nothing of CUDA


def test_the_cpu_s_vector_instruction_sets_are_part_of_the_environment(tmp_path):
    from bench.engine import records

    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx fma avx2 avx512f avx512_bf16 "
        "sha_ni\n\nprocessor\t: 1\n"
    )
    assert records.cpu_isa(str(cpuinfo)) == "avx avx2 fma avx512f avx512_bf16"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2\n")
    assert records.cpu_isa(str(cpuinfo)) == ""
    assert records.cpu_isa(str(tmp_path / "none")) is None
