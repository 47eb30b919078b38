"""bench/benchmarks/spec.py: a declaration is checked when built, cannot change, and runs its seeds as it says."""

import dataclasses

import pytest

import schedules
from bench.benchmarks import Benchmark, Case, Requirement, RunOptions


def _declare(**changes):
    fields = dict(
        name="demo",
        source="D: a test",
        cases={"c": Case("constant", {"lr": 0.1})},
        protocols=("p",),
        metric="final_val_accuracy",
        config={"epochs": 1},
        requires=(),
        trainer=lambda *a, **k: None,
    )
    return Benchmark(**{**fields, **changes})


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"cases": {}}, "Benchmark 'demo': argument `cases` must be a non-empty mapping"),
        ({"protocols": ()}, "argument `protocols` must be a non-empty tuple. Received: protocols=()"),
        ({"metric": "accuracy"}, "argument `metric` must be one of final_val_accuracy"),
        ({"config": {}}, "argument `config` must be a mapping with 'epochs'"),
        ({"name": "my-bench"}, "argument `name` must be a Python identifier"),
        ({"published": {"c": 0.9}}, "argument `published_floors` must be given exactly when `published` is"),
        ({"published": {"x": 0.9}, "published_floors": {"x": 0.8}}, "argument `published` must be figures of declared"),
    ],
)
def test_an_incomplete_declaration_is_refused_when_built(changes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _declare(**changes)


def test_a_case_is_checked_against_the_schedule_registry_when_declared():
    with pytest.raises(
        ValueError, match=r"Argument `schedule` must be one of constant, cosine.*Received: schedule='cosin'"
    ):
        Case("cosin", {"initial_lr": 0.1, "decay_steps": 10})
    with pytest.raises(ValueError, match="Argument `drop_every` must be a positive integer"):
        Case("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 0})
    with pytest.raises(ValueError, match="Argument `chosen_by` must say how the parameters are chosen"):
        Case("onecycle", None)
    with pytest.raises(ValueError, match="Argument `kind` must be one of backend, gpu, data. Received: kind='disk'"):
        Requirement("disk", "space", lambda options: None)


def test_a_declaration_cannot_be_changed_after_it_is_built():
    demo = _declare()
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo.metric = "final_train_loss"
    with pytest.raises(TypeError):
        demo.cases["new"] = Case("constant", {"lr": 1.0})
    with pytest.raises(TypeError):
        demo.cases["c"].params["lr"] = 1.0


def test_options_pick_the_epochs():
    demo = _declare(config={"epochs": 7})
    assert demo.epochs(RunOptions()) == 7 and demo.epochs(RunOptions(epochs=2)) == 2 and demo.epochs(None) == 7
    assert demo.protocol_cases() == [("p", "c")]
    with pytest.raises(ValueError, match="Unknown demo case 'x'; valid: c"):
        demo.case("x")
    with pytest.raises(ValueError, match="Unknown demo protocol 'q'; valid: p"):
        demo.check_protocol("q")


def test_an_injected_regression_reaches_the_schedule_epochs_batch_and_optimizer_and_nothing_else():
    demo = _declare(
        cases={"c": Case("step", {"initial_lr": 0.1, "factor": 0.5, "drop_every": 2}, {"momentum": 0.9})},
        config={"epochs": 10, "batch_size": 32},
    )
    plain = demo.schedule_for("c")
    assert isinstance(plain, schedules.declared("step")) and plain(0) == 0.1
    assert (demo.epochs(None), demo.batch_size(None), demo.optimizer_args("c", None)) == (10, 32, {"momentum": 0.9})
    assert plain(5) == 0.0125  # 0.1 * 0.5 ** floor((5 + 1) / 2): A's convention, offset 1
    assert demo.schedule_for("c", RunOptions(regression="x0.5"))(5) == 0.00625
    assert demo.schedule_for("c", RunOptions(regression="momentum"))(5) == 0.0125  # the schedule is left alone
    assert demo.epochs(RunOptions(regression="fewer_epochs")) == 8 and demo.epochs(RunOptions(epochs=3)) == 3
    assert demo.batch_size(RunOptions(regression="batch_x2")) == 64
    assert demo.optimizer_args("c", RunOptions(regression="momentum")) == {"momentum": 0.45}
    assert demo.optimizer_args("c", RunOptions(regression="nesterov")) == {"momentum": 0.9, "nesterov": True}
    assert demo.optimizer_args("c", RunOptions(regression="x2")) == {"momentum": 0.9}
    assert dict(demo.case("c").optimizer) == {"momentum": 0.9}  # the declaration is not changed
    chosen = _declare(cases={"rt": Case("onecycle", None, chosen_by="a range test")})
    assert chosen.schedule_for("rt", max_lr=0.2, total_steps=10).get_config()["max_lr"] == 0.2


def test_options_and_requirements_say_what_is_wrong():
    with pytest.raises(ValueError, match="Unknown engine 'fast'; valid: auto, keras"):
        RunOptions(engine="fast")
    with pytest.raises(
        ValueError,
        match="Unknown regression 'x3'; valid: x0.5, x2, step_early, decay_dropped, "
        "fewer_epochs, momentum, nesterov, initializer, batch_x2",
    ):
        RunOptions(regression="x3")
    with pytest.raises(ValueError, match="Argument `why` must say why the benchmark needs this"):
        Requirement("gpu", " ", lambda options: None)
    needs = [Requirement("backend", "TF", lambda o: None), Requirement("gpu", "big", lambda o: "no GPU here")]
    demo = _declare(requires=needs)
    assert demo.unmet(RunOptions()) == ("gpu", "no GPU here") and demo.needs_gpu
    assert _declare().unmet(RunOptions()) is None and not _declare().needs_gpu


def test_a_quick_pass_trains_two_epochs_of_three_batches_of_32_rows_and_a_short_range_test():
    import numpy as np

    demo = _declare(
        config={"epochs": 100, "batch_size": 128, "range_test": {"min_lr": 1e-6, "max_lr": 1.0, "num_iterations": 300}}
    )
    quick = RunOptions(quick=True)
    assert (demo.epochs(quick), demo.batch_size(quick)) == (2, 32)
    assert (demo.epochs(RunOptions()), demo.batch_size(RunOptions())) == (100, 128)  # untouched otherwise
    assert demo.epochs(RunOptions(quick=True, epochs=5)) == 5  # an explicit number of epochs still wins
    assert _declare(config={"epochs": 50, "batch_size": 28}).batch_size(quick) == 28  # a smaller batch stays
    train, val = (np.arange(500), np.arange(500) * 2), (np.arange(200), np.arange(200) * 3)
    (x, y), (xv, yv) = demo.data_for(quick, train, val)
    assert (x.tolist(), y.tolist()) == (list(range(96)), [2 * i for i in range(96)])  # the first 3 x 32 rows
    assert (len(xv), yv[-1]) == (64, 189)
    assert demo.data_for(RunOptions(), train, val) == (train, val)
    assert demo.range_test_args(quick) == {"min_lr": 1e-6, "max_lr": 1.0, "num_iterations": 10}
    assert demo.range_test_args(RunOptions())["num_iterations"] == 300


def test_a_quick_pass_builds_the_model_its_benchmark_declares_for_it():
    sizes = []
    demo = _declare(quick_model={"depth": 1})
    build = lambda depth=9: sizes.append(depth)  # noqa: E731
    demo.new_model(build, 0, RunOptions(quick=True))
    demo.new_model(build, 0, RunOptions())
    assert sizes == [1, 9]
    with pytest.raises(TypeError):
        demo.quick_model["depth"] = 2  # read-only, like the rest of a declaration


def test_a_quick_pass_runs_gpu_cases_on_the_cpu_and_only_a_quick_pass_takes_synthetic_data(tmp_path):
    from bench.benchmarks.spec import data, gpu
    from bench.data import synthetic

    needs_gpu = gpu("big")
    assert needs_gpu.check(RunOptions(quick=True)) is None and needs_gpu.check(RunOptions(allow_cpu=True)) is None
    folder = synthetic.write_fashion_mnist(tmp_path / "fm")
    needs_data = data("Fashion-MNIST, 60,000 + 10,000 images", lambda options: folder)
    assert needs_data.check(RunOptions(quick=True)) is None
    refused = needs_data.check(RunOptions())
    assert refused.startswith(
        f"{folder} holds synthetic files written for a quick pass (synthetic.json), not "
        "Fashion-MNIST, 60,000 + 10,000 images; a run that measures needs the real data"
    )
    assert "--bench-quick" in refused


def test_a_case_names_any_keras_optimizer_and_a_bad_name_is_refused():
    with pytest.raises(ValueError, match=r"`optimizer_class` must name a class of keras.optimizers, e.g. 'Adam'"):
        Case("constant", {"lr": 0.1}, optimizer_class="adam w")
    b = _declare(cases={"c": Case("constant", {"lr": 0.1}, {"beta_1": 0.8}, optimizer_class="Adam")})
    opt = b.optimizer("c", 0.01, RunOptions())
    assert type(opt).__name__ == "Adam" and float(opt.beta_1) == 0.8
    wrong = _declare(cases={"c": Case("constant", {"lr": 0.1}, optimizer_class="Adamm")})
    with pytest.raises(ValueError, match=r"demo/c: keras.optimizers has no optimizer 'Adamm'; it has .*\bAdam\b"):
        wrong.optimizer("c", 0.01, RunOptions())
