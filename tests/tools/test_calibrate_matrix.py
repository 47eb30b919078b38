"""bench/tools/calibrate_matrix.py: the matrix's false alarms and detections from calibration files."""

import pytest

from bench.stores import results
from bench.tools import calibrate_matrix
from tests.tools import command

main = command("calibrate matrix")

REFERENCE = "TF 2.21.0 / Keras 3.15.1 (tensorflow), CPU: AMD EPYC"  # the ionosphere baseline's environment
OTHER = "Keras 3.15.1 (jax 0.10.2), CPU: AMD EPYC"
SEEDS = range(100_000, 100_040)  # two sets of ionosphere's 20 nightly seeds
# per-seed values of ionosphere/published/step near its committed baseline (loss 0.0396, accuracy 0.9875)
LOSS = {s: 0.0396 + 0.0004 * ((7 * s) % 9 - 4) for s in SEEDS}
ACC = {s: 0.9875 + 0.0043 * ((5 * s) % 5 - 2) / 2 for s in SEEDS}


def calibration_file(path, env, conditions):
    """``conditions``: condition -> (loss factor per seed, accuracy shift): one record per seed each."""
    for condition, (factor, shift) in conditions.items():
        for s in SEEDS:
            loss = LOSS[s] * factor(s)
            results.append_to(
                path,
                results.record(
                    "calibration",
                    benchmark="ionosphere",
                    protocol="published",
                    case="step",
                    condition=condition,
                    seed=s,
                    environment=env,
                    metrics={
                        "final_val_accuracy": ACC[s] + shift,
                        "final_train_loss": loss,
                        "mean_train_loss": 2.2 * loss,
                    },
                ),
            )
    return str(path)


def test_false_alarms_and_detections_per_environment_and_regression(tmp_path, capsys):
    reference = calibration_file(
        tmp_path / "tf.jsonl", REFERENCE, {"unchanged": (lambda s: 1.0, 0.0), "momentum": (lambda s: 1.06, 0.0)}
    )
    # another backend: per-seed differences that centre on zero (+-0.2 %); its momentum change moves every
    # seed's loss up 5 % (inside the gate's band of the 20-seed mean, far outside the paired test's);
    # its initializer change moves nothing
    jitter = lambda s: 1 + 0.002 * (1 if s % 2 else -1)
    other = calibration_file(
        tmp_path / "jax.jsonl",
        OTHER,
        {"unchanged": (jitter, 0.0), "momentum": (lambda s: 1.05 * jitter(s), 0.0), "initializer": (jitter, 0.0)},
    )
    assert main([reference, other, "--resamples", "50"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    tests = calibrate_matrix.matrix_tests(6)  # 660 with today's cases (checked against cross_version below)
    assert lines[0] == (
        f"ionosphere: 2 disjoint sets of 20 seeds (re-drawn 50 times); alpha {0.01 / tests:.2g} per "
        f"test = 1 % / {tests} tests of a matrix run"
    )
    assert lines[1] == f"environments: [1] {OTHER}; [2] {REFERENCE} (reference)"
    header, row = lines[3], lines[5]
    assert header.split() == [
        "protocol",
        "case",
        "false",
        "[1]",
        "false",
        "[2]",
        "momentum",
        "[1]",
        "momentum",
        "[2]",
        "initializer",
        "[1]",
    ]
    # Each rate with its exact (Clopper-Pearson) 95 % interval, by hand: 0 of 2 -> (0, 1 - 0.025 ** (1 / 2)) =
    # (0, 0.84); 2 of 2 -> (0.025 ** (1 / 2), 1) = (0.16, 1); then the rate over the re-drawn sets.
    none, both = "0/2 = 0 % (0-84 %); re-drawn 0.0%", "2/2 = 100 % (16-100 %); re-drawn 100.0%"
    assert " ".join(row.split()) == " ".join(["published", "step", none, none, both, both, none])
    assert f"ionosphere: sets with any false alarm (any case, any environment): {none}" in lines
    assert f"ionosphere: momentum in [1]: sets with any case caught: {both}" in lines
    assert f"ionosphere: initializer in [1]: sets with any case caught: {none}" in lines


def test_an_environment_that_trains_differently_unchanged_is_a_false_alarm(tmp_path, capsys):
    reference = calibration_file(tmp_path / "tf.jsonl", REFERENCE, {"unchanged": (lambda s: 1.0, 0.0)})
    other = calibration_file(tmp_path / "jax.jsonl", OTHER, {"unchanged": (lambda s: 0.97, 0.0)})
    assert main([reference, other, "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    # 3 % lower on every seed: paired
    assert " ".join(out.splitlines()[5].split()) == "published step 2/2 = 100 % (16-100 %) 0/2 = 0 % (0-84 %)"
    assert "ionosphere: sets with any false alarm (any case, any environment): 2/2 = 100 % (16-100 %)" in out


def test_the_alpha_is_that_of_a_matrix_run_of_the_environments_given():
    """T as cross_version counts it (``matrix.count_tests``, from the runs it reads) when E environments
    trained every CPU case on the same seeds; one environment is the nightly's own T."""
    from bench import benchmarks
    from bench.statistics import matrix
    from bench.stores import baselines
    from bench.tools import calibrate

    assert calibrate_matrix.matrix_tests(1) == calibrate.cpu_nightly_tests()
    docs = {b.name: baselines.load(b.name) for b in benchmarks.all_benchmarks() if not b.needs_gpu}
    keys = [(name, p, c) for name in docs for p, c in benchmarks.get(name).protocol_cases()]

    def entries_of(key):
        return baselines.case_entries(docs[key[0]], key[1], key[2], baselines.DEFAULT_DIR, missing_ok=True)

    for envs in (2, 6):
        by_case = {
            key: {
                f"env{i}": matrix.Runs(
                    f"env{i}", *key, seeds=list(range(10)), values={m: [0.5] * 10 for m in entries_of(key)}, epochs=1
                )
                for i in range(envs)
            }
            for key in keys
        }
        assert calibrate_matrix.matrix_tests(envs) == matrix.count_tests(by_case, entries_of, lambda name: "env0")


@pytest.mark.parametrize(
    "write, message",
    [
        (None, "no such file. Give the --records files of `python -m bench calibrate gates`."),
        ('{"kind": "run", "benchmark": "ionosphere"}\n', "no calibration records"),
        (
            '{"kind": "calibration", "benchmark": "ionosphere", "protocol": "published", "case": "step", '
            '"condition": "unchanged", "seed": 1, "metrics": {}}\n',
            "its records do not say which environment",
        ),
    ],
)
def test_files_it_cannot_use_are_refused_with_what_to_do(tmp_path, capsys, write, message):
    path = tmp_path / "c.jsonl"
    if write is not None:
        path.write_text(write)
    assert main([str(path)]) == 2
    assert message in capsys.readouterr().err


def test_too_few_shared_seeds_for_a_set_is_refused(tmp_path, capsys):
    path = calibration_file(tmp_path / "tf.jsonl", REFERENCE, {"unchanged": (lambda s: 1.0, 0.0)})
    assert main([path, "--seeds", "50"]) == 2
    assert (
        "ionosphere: 40 seeds trained unchanged in every environment, fewer than a set of 50" in capsys.readouterr().err
    )


def test_a_seed_that_diverged_fails_its_set(tmp_path, capsys):
    reference = calibration_file(
        tmp_path / "tf.jsonl", REFERENCE, {"unchanged": (lambda s: 1.0, 0.0), "nesterov": (lambda s: 1.0, 0.0)}
    )
    # the injected change leaves every seed alone but one of the second set, whose loss stopped being finite
    results.append_to(
        tmp_path / "tf.jsonl",
        results.record(
            "calibration",
            benchmark="ionosphere",
            protocol="published",
            case="step",
            condition="nesterov",
            seed=100_030,
            environment=REFERENCE,
            metrics=None,
            diverged="loss became inf at epoch 3, batch 2",
        ),
    )
    assert main([reference, "--resamples", "0"]) == 0
    # 1 of 2: (1 - 0.975 ** (1 / 2), 0.975 ** (1 / 2)) = (0.013, 0.987)
    line = capsys.readouterr().out.splitlines()[5]
    assert " ".join(line.split()) == "published step 0/2 = 0 % (0-84 %) 1/2 = 50 % (1.3-99 %)"
