"""bench/benchmarks/__init__.py: every registered declaration is complete and consistent."""

import ast
from pathlib import Path

import pytest

import schedules
from bench import benchmarks
from bench.benchmarks import RunOptions
from bench.engine.records import METRICS
from bench.stores import baselines

REGISTERED = benchmarks.all_benchmarks()


def test_the_registry_lists_each_benchmark_file_once_in_table_order():
    assert benchmarks.names() == (
        "ionosphere",
        "digits",
        "cifar10_resnet",
        "cifar10_minivggnet",
        "cifar10_onecycle",
        "fashion_mnist_onecycle",
        "boston_housing",
    )
    assert [b.name for b in REGISTERED] == list(benchmarks.names())
    with pytest.raises(ValueError, match="Unknown benchmark 'mnist'; valid: ionosphere, digits, cifar10_resnet"):
        benchmarks.get("mnist")


@pytest.mark.parametrize("declared", REGISTERED, ids=lambda b: b.name)
def test_every_case_names_a_registered_schedule(declared):
    for name, case in declared.cases.items():
        assert case.schedule in schedules.available(), f"{declared.name}/{name}"
        assert case.params is not None or case.chosen_by, f"{declared.name}/{name}: how are its parameters chosen?"


@pytest.mark.parametrize("declared", REGISTERED, ids=lambda b: b.name)
def test_every_protocol_and_case_it_trains_is_in_its_baseline_file(declared):
    doc = baselines.load(declared.name)
    for protocol, case in declared.protocol_cases():
        entries = baselines.case_entries(doc, protocol, case)  # an absent case: BaselineError with the command
        if not entries:  # no baseline yet (no published figure, no reviewed run): the file must say why
            assert baselines.pending_reason(doc, protocol, case), (
                f"{declared.name}/{protocol}/{case} is empty; record why: "
                f"{baselines.pending_command(declared.name, protocol, case)}"
            )
        elif declared.published is None:  # measured here: the headline metric is gated
            assert declared.metric in entries, f"{declared.name}/{protocol}/{case} has no {declared.metric}"
    assert set(doc["cases"]) == set(declared.protocols)  # nothing stale either


@pytest.mark.parametrize("declared", REGISTERED, ids=lambda b: b.name)
def test_requirements_say_why_it_would_skip(declared):
    kinds = [r.kind for r in declared.requires]
    assert kinds[0] == "backend"  # the training loop needs TensorFlow: checked first, cheapest
    assert all(r.why.strip() for r in declared.requires)
    assert declared.needs_gpu == ("gpu" in kinds)
    if declared.needs_gpu:
        assert "data" in kinds and declared.data_option in ("cifar10", "fashion_mnist")
        assert declared.published_floors is not None or declared.reference_note


@pytest.mark.parametrize("declared", REGISTERED, ids=lambda b: b.name)
def test_declaration_is_complete(declared):
    assert declared.metric in METRICS and declared.source.split(":")[0] in ("A", "B", "C", "D", "none")
    assert declared.config["epochs"] >= 1 and declared.config["batch_size"] >= 1
    assert callable(declared.train)
    if METRICS[declared.metric].unit == "fraction":  # a classifier: the per-class report needs its labels
        assert len(declared.class_names) >= 2


@pytest.mark.parametrize("declared", REGISTERED, ids=lambda b: b.name)
def test_each_benchmark_declares_what_an_epoch_costs_and_a_gpu_one_why_its_seeds(declared):
    """The night's plan falls back on the declared cost (docs/nightlies.md#a-nights-budget); a GPU benchmark's
    seeds cost hours, so it says why it trains that many (bench/benchmarks/power.py)."""
    assert declared.cost is not None and declared.cost.seed_epoch_s > 0 and declared.cost.source.strip()
    if declared.needs_gpu:
        assert declared.seeds_why.startswith(f"{declared.seeds} seeds: "), declared.seeds_why


def test_gpu_seeds_come_from_the_power_rule():
    # (z(1 - 0.0001) + z(0.8)) = 3.7190 + 0.8416 = 4.5606 (normal quantiles, any table); n = ceil((4.5606 s / m)^2)
    assert [benchmarks.get(n).seeds for n in ("cifar10_resnet", "cifar10_minivggnet", "fashion_mnist_onecycle")] == [
        4,  # spread 0.002, margin 0.005: (1.824)^2 = 3.33
        8,  # spread 0.003: (2.736)^2 = 7.49
        4,
    ]


def test_data_requirements_report_what_to_put_where(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("LR_SUITE_CIFAR10", raising=False)
    data_need = next(r for r in benchmarks.get("cifar10_resnet").requires if r.kind == "data")
    assert "--bench-cifar10=PATH" in data_need.check(RunOptions())
    assert data_need.check(RunOptions(cifar10=str(tmp_path / "absent.tar.gz")))


def test_every_registered_schedule_has_a_cpu_gate():
    # from the registry and the declarations, not a hand-kept list: a new schedule fails here until a
    # CPU benchmark (which CI runs) trains it
    on_cpu = {case.schedule for b in REGISTERED if not b.needs_gpu for case in b.cases.values()}
    missing = sorted(set(schedules.available()) - on_cpu)
    assert not missing, (
        f"registered schedules no CPU benchmark trains: {', '.join(missing)}; add a case to "
        "CASES in bench/benchmarks/digits.py (docs/contributing.md#add-a-schedule)"
    )


def test_source_a_s_resnet_trains_every_registered_schedule():
    resnet = benchmarks.get("cifar10_resnet")
    missing = sorted(set(schedules.available()) - {case.schedule for case in resnet.cases.values()})
    assert not missing, (
        f"registered schedules source A's ResNet does not train: {', '.join(missing)}; add a case "
        "to CASES in bench/benchmarks/cifar10_resnet.py (docs/contributing.md#add-a-schedule)"
    )
    assert set(resnet.published) == {"none", "standard", "step", "linear", "poly"}  # only A's own have figures


def test_a_selection_names_a_benchmark_a_protocol_or_a_case_and_says_what_is_valid():
    assert benchmarks.selection("digits") == ("digits",)
    assert benchmarks.selection("ionosphere/stratified/exp") == ("ionosphere", "stratified", "exp")
    with pytest.raises(ValueError, match="'digits/holdout/step/x' is not BENCHMARK, BENCHMARK/PROTOCOL or "):
        benchmarks.selection("digits/holdout/step/x")
    with pytest.raises(ValueError, match=r"'digits/holdout' is not BENCHMARK/PROTOCOL/CASE \(e.g."):
        benchmarks.selection("digits/holdout", whole_case=True)
    with pytest.raises(ValueError, match="Unknown digits protocol 'published'; valid: holdout"):
        benchmarks.selection("digits/published")


def _inside_functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            yield from ast.walk(node)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (Path(benchmarks.__file__).parent).glob("*.py") if p.name not in ("spec.py", "regressions.py")),
    ids=lambda p: p.name,
)
def test_runs_build_through_the_declaration_so_an_injected_regression_reaches_them(path):
    """Inside functions a benchmark file reads the batch size, SGD's arguments and a seeded model only
    through ``Benchmark.batch_size`` / ``optimizer_args`` / ``new_model`` (module-level constants such
    as digits' STEPS_PER_EPOCH are the published configuration, and stay)."""
    found = []
    for node in _inside_functions(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value == "batch_size"
        ):
            found.append(f'line {node.lineno}: ["batch_size"] (use BENCHMARK.batch_size(options))')
        elif isinstance(node, ast.Attribute) and node.attr == "optimizer" and isinstance(node.value, ast.Call):
            found.append(f"line {node.lineno}: .case(...).optimizer (use BENCHMARK.optimizer_args(case, options))")
        elif isinstance(node, ast.Attribute) and node.attr == "set_random_seed":
            found.append(f"line {node.lineno}: set_random_seed (use BENCHMARK.new_model(build_model, seed, options))")
    assert not found, f"{path.name}: " + "; ".join(found)


def test_the_registry_is_the_project_s_list_and_says_what_is_wrong_with_a_module(tmp_path, monkeypatch):
    """A project's own modules (here one made on the spot) become the registry; a module that does not import,
    one without BENCHMARK and two with one name are refused, each saying what to change."""
    from bench.stores import project

    (tmp_path / "teambench.py").write_text(
        "from bench.benchmarks import digits\n"
        "import dataclasses\n"
        "BENCHMARK = dataclasses.replace(digits.BENCHMARK, name='team')\n"
    )
    (tmp_path / "nothing.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    mine = project.Project(tmp_path, ("teambench",), tmp_path / "baselines")
    monkeypatch.setattr(project, "current", lambda: mine)
    assert benchmarks.names() == ("team",) and benchmarks.get("team").name == "team"
    with pytest.raises(ValueError, match=r"Unknown benchmark 'digits'; valid: team"):
        benchmarks.get("digits")
    refused = {
        ("no_such_module_here",): r"'no_such_module_here' \(the project's \[tool.lr_bench\] benchmarks\) does not",
        ("nothing",): r"nothing must end in BENCHMARK = \.\.\. .* Received: BENCHMARK=None",
        ("teambench", "teambench2"): r"two benchmark modules declare the name 'team'",
    }
    (tmp_path / "teambench2.py").write_text("from teambench import BENCHMARK\n")
    for modules, message in refused.items():
        with pytest.raises(ValueError, match=message):
            benchmarks._declared(modules)
