"""pytest plugin for the slow accuracy suite: options, hooks, the end-of-session table and baseline writes.

The state of a session (what it trained, its verdicts) is ``bench.harness.session.BenchSession``.

Registered by the top-level ``conftest.py``. Options live in one group; all but
``--update-baselines`` (named so by its users) carry the ``--bench-`` prefix.
"""

import json
import os
from pathlib import Path

import pytest

from bench import benchmarks
from bench.benchmarks import RunOptions, regressions
from bench.benchmarks.spec import QUICK
from bench.engine.records import CaseId
from bench.harness import baseline_writer, summary
from bench.harness.options import SHARED
from bench.harness.session import BASELINE_SEEDS, BenchSession
from bench.statistics import gates
from bench.stores import baselines

SESSION_KEY = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup("lr-schedule-suite", "learning-rate schedule benchmarks (pytest -m slow)")
    group.addoption(
        "--update-baselines",
        action="store_true",
        default=False,
        help="write this run's results as the new baselines (printing old / new / delta "
        "first); nothing else ever writes them (default: off)",
    )
    group.addoption(
        "--bench-case",
        action="append",
        default=[],
        metavar=SHARED["select"].metavar,
        help=SHARED["select"].help(
            "run them and nothing else; with --update-baselines only their entries are written "
            "(default: every case -m and -k select)"
        ),
    )
    group.addoption(
        "--bench-confirm-baselines",
        action="store_true",
        default=False,
        help="record in the baseline files that this environment meets them: adds it to "
        "the `holds_for` list of every case whose gates all passed (default: off)",
    )
    group.addoption(
        "--bench-cifar10",
        default=None,
        metavar="PATH",
        help="offline CIFAR-10: cifar-10-python.tar.gz or its extracted cifar-10-batches-py/ "
        "(default: $LR_SUITE_CIFAR10, else Keras' cache)",
    )
    group.addoption(
        "--bench-fashion-mnist",
        default=None,
        metavar="DIR",
        help="offline Fashion-MNIST: a folder with its four .gz files "
        "(default: $LR_SUITE_FASHION_MNIST, else Keras' cache)",
    )
    group.addoption(
        "--bench-allow-cpu",
        action="store_true",
        default=False,
        help="run GPU benchmarks on the CPU instead of skipping them (default: skip)",
    )
    group.addoption(
        "--bench-require-data",
        action="store_true",
        default=False,
        help="fail, instead of skipping, a benchmark whose data set is absent; for nightly runs (default: skip)",
    )
    group.addoption(
        "--bench-seeds",
        type=int,
        default=None,
        metavar=SHARED["seeds"].metavar,
        help=SHARED["seeds"].help(
            f"default: each benchmark's own number, chosen for the power of its gates; {BASELINE_SEEDS} with "
            "--update-baselines"
        ),
    )
    group.addoption(
        "--bench-first-seed",
        type=int,
        default=0,
        metavar=SHARED["first-seed"].metavar,
        help=SHARED["first-seed"].help(
            "pick seeds the baselines were not measured on, so a pass means the gate holds, not only that the "
            "run is deterministic (default: 0)"
        ),
    )
    group.addoption(
        "--bench-strict",
        action="store_true",
        default=False,
        help="fail every selected case that does not train and get judged (no GPU, data absent, "
        "no baseline entry), and a session in which no case trained; for nightlies "
        "(default: skip with the reason)",
    )
    group.addoption(
        "--bench-baselines",
        default=str(baselines.DEFAULT_DIR),
        metavar=SHARED["baselines"].metavar,
        help=SHARED["baselines"].help("read and, when asked, written (default: the project's baselines/)"),
    )
    group.addoption(
        "--bench-results",
        default="results",
        metavar=SHARED["results"].metavar,
        help=SHARED["results"].help("each record written as its seed finishes (default: results)"),
    )
    group.addoption(
        "--bench-report-md",
        default=None,
        metavar=SHARED["md"].metavar,
        help=SHARED["md"].help("the comparison table (default: none)"),
    )
    group.addoption(
        "--bench-report-dir",
        default=None,
        metavar="DIR",
        help="also write a report folder: index.html (table, plots of every case, baseline "
        "provenance), report.md and report.json; DIR must not exist (default: none)",
    )
    group.addoption(
        "--bench-tensorboard",
        default=None,
        metavar="DIR",
        help="also write every run's rate, train/validation loss and metric per epoch as TensorBoard "
        "scalars under DIR/<benchmark>/<protocol>/<case>/seed_<k> (default: none)",
    )
    group.addoption(
        "--bench-engine",
        default="auto",
        choices=RunOptions.ENGINES,
        help="auto: train the seeds of a small benchmark's case together in one compiled step "
        "(ionosphere, digits, Boston); keras: one seed at a time with Keras' own layers, the "
        "reference the stacked engine is tested against (default: auto)",
    )
    group.addoption(
        "--bench-xla",
        action="store_true",
        default=False,
        help="compile each training step and the evaluation with XLA (jit_compile); trains one seed "
        "at a time (default: off)",
    )
    group.addoption(
        "--bench-mixed-precision",
        action="store_true",
        default=False,
        help="train in mixed_float16 with dynamic loss scaling; trains one seed at a time (default: off)",
    )
    group.addoption(
        "--bench-resume",
        default=None,
        metavar="DIR",
        help="continue the run whose results folder is DIR: every (case, seed) already recorded "
        "there is not trained again, new seeds are appended there, and the table judges both "
        "(default: a new folder)",
    )
    group.addoption(
        "--bench-ray",
        action="store_true",
        default=False,
        help="train every (case, seed) as a Ray task: Ray on this machine, or the cluster named by "
        "$RAY_ADDRESS; needs the optional extra: pip install -e '.[ray]' (default: off)",
    )
    group.addoption(
        "--bench-inject",
        default=None,
        choices=regressions.NAMES,
        metavar="REGRESSION",
        help="train with this regression injected, to see what the verdicts make of it (docs/"
        "calibration.md): " + ", ".join(regressions.NAMES) + ". Every record is marked "
        "`injected`, so cross_version shows it as its own environment; never with "
        "--update-baselines or --bench-confirm-baselines (default: none)",
    )
    group.addoption(
        "--bench-history",
        action="append",
        default=[],
        metavar=SHARED["history"].metavar,
        help=SHARED["history"].help(
            "also keep every record there, with the night's commit, environment and options (docs/history.md; "
            "PostgreSQL: pip install -e '.[postgres]'); repeatable (a local file and the team's server); "
            "the word off keeps no history (default: sqlite:///<--bench-results>/history.sqlite)"
        ),
    )
    group.addoption(
        "--bench-quick",
        action="store_true",
        default=False,
        help=f"a quick pass: train every selected case for a few steps ({QUICK['seeds']} seed, {QUICK['epochs']} "
        f"epochs of at most {QUICK['batches']} batches of {QUICK['batch_size']} rows), GPU cases on the CPU "
        "and, where CIFAR-10 or Fashion-MNIST is absent, on synthetic "
        "files in its on-disk format; through the same loaders, models, wiring checks, records, "
        "stores and table as a nightly, judging nothing. Proves every case's path works; CI runs it "
        "(default: off)",
    )
    group.addoption(
        "--bench-budget",
        type=float,
        default=None,
        metavar="HOURS",
        help="plan the night to end within HOURS: each case's time estimated (this machine's earlier nights in the "
        "history store, else a probe at the night's start, else the benchmark's declared cost), the cases trained "
        "least recently first, whole cases, as many as fit; the rest are deferred to a later night and listed with "
        "when they are due (docs/nightlies.md#a-nights-budget) (default: no budget, every case trains)",
    )
    group.addoption(
        "--bench-plan",
        action="store_true",
        default=False,
        help="print the night's plan (every selected case's seeds, epochs, estimated time and where the estimate "
        "comes from; tonight, deferred or cannot train here) and train nothing (default: off)",
    )
    group.addoption(
        "--bench-report-json",
        default=None,
        metavar=SHARED["json"].metavar,
        help=SHARED["json"].help("the verdicts (default: none)"),
    )


# The markers the plugin gives every project (a project may declare them too; its own words win in --markers).
MARKERS = (
    "slow: a benchmark case: trains one case of a declared benchmark on its seeds and judges it against its "
    "baseline (pytest -m slow is the benchmark tier)",
    "gpu: needs a GPU; skipped with a reason when none is visible",
    "bench_case(case_id): the benchmark case (a bench.engine.records.CaseId) this test trains and judges",
)
# Options that take a folder: written apart from it (`--bench-results DIR`), pytest has already taken DIR for a
# test path when it chose the session's root folder, before any plugin's options were known.
FOLDER_OPTIONS = ("--bench-results", "--bench-baselines", "--bench-report-dir", "--bench-resume")


def _folder_apart(args):
    """The first ``--option DIR`` of ``FOLDER_OPTIONS`` written apart from an existing folder, else None."""
    for option, value in zip(args, args[1:]):
        if option in FOLDER_OPTIONS and Path(value).is_dir():
            return option, value
    return None


def pytest_configure(config):
    apart = _folder_apart([str(a) for a in config.invocation_params.args])
    if apart:
        option, value = apart
        raise pytest.UsageError(
            f"`{option} {value}`: pytest takes a folder written apart from its option for a test path, and chose "
            f"its root folder from it before reading this option. Write `{option}={value}` instead."
        )
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    from bench.stores import project

    try:
        project.use(config.rootpath)
    except project.ProjectError as err:
        raise pytest.UsageError(str(err)) from None
    injected = config.getoption("--bench-inject")
    for option in ("--update-baselines", "--bench-confirm-baselines"):
        if injected and config.getoption(option):
            raise pytest.UsageError(
                f"--bench-inject={injected} trains with a regression on purpose; its results "
                f"must not become or confirm baselines. Drop {option}, or --bench-inject."
            )
    for option in ("--update-baselines", "--bench-confirm-baselines"):
        if config.getoption("--bench-quick") and config.getoption(option):
            raise pytest.UsageError(
                f"--bench-quick trains a few steps and measures nothing; its results must not "
                f"become or confirm baselines. Drop {option}, or --bench-quick."
            )
    if config.getoption("--update-baselines") and config.getoption("--bench-confirm-baselines"):
        raise pytest.UsageError(
            "--update-baselines replaces baselines and --bench-confirm-baselines keeps them; use one at a time."
        )
    seeds = config.getoption("--bench-seeds")
    if seeds is not None and seeds < 1:
        raise pytest.UsageError(f"--bench-seeds must be >= 1. Received: --bench-seeds={seeds}")
    if config.getoption("--update-baselines") and seeds is not None and seeds < gates.MIN_BASELINE_SEEDS:
        raise pytest.UsageError(
            f"--update-baselines needs at least {gates.MIN_BASELINE_SEEDS} seeds per case: the gates resample the "
            f"baseline's seeds. Received: --bench-seeds={seeds}. Use --bench-seeds={BASELINE_SEEDS} (the default "
            "with --update-baselines), on seeds the nightly does not use, e.g. --bench-first-seed=1000."
        )
    first = config.getoption("--bench-first-seed")
    if first < 0:
        raise pytest.UsageError(f"--bench-first-seed must be >= 0. Received: --bench-first-seed={first}")
    for option in ("--bench-report-md", "--bench-report-json", "--bench-report-dir"):
        path = config.getoption(option)
        if path and Path(path).exists():
            raise pytest.UsageError(
                f"{option}={path} exists; this suite never overwrites a report. "
                "Choose a new file name or move the old one away."
            )
    if config.getoption("--bench-resume") and config.getoption("--update-baselines"):
        raise pytest.UsageError(
            "--bench-resume with --update-baselines would write baselines from runs of "
            "another session; finish the run first, then measure baselines in one session."
        )
    if (
        config.getoption("--bench-ray")
        and config.pluginmanager.hasplugin("xdist")
        and getattr(config.option, "numprocesses", None)
    ):
        raise pytest.UsageError(
            "--bench-ray and -n both spread the work; use one (--bench-ray reaches more "
            "than one machine, -n uses this one)."
        )
    budget = config.getoption("--bench-budget")
    if budget is not None and not budget > 0:
        raise pytest.UsageError(
            f"--bench-budget is hours of training and must be > 0. Received: --bench-budget={budget}"
        )
    if budget is not None or config.getoption("--bench-plan"):
        spread = (
            "-n"
            if getattr(config.option, "numprocesses", None)
            else "--bench-ray"
            if config.getoption("--bench-ray")
            else None
        )
        if spread:
            raise pytest.UsageError(
                f"--bench-budget and --bench-plan plan one process's night; {spread} spreads the cases over several, "
                "which the plan does not yet time. Drop one of them."
            )
        for option in ("--update-baselines", "--bench-confirm-baselines"):
            if config.getoption(option):
                raise pytest.UsageError(
                    f"{option} measures or confirms the selected cases whole, in one session; a budget would defer "
                    f"some. Drop --bench-budget / --bench-plan, or {option}."
                )
    for selected in config.getoption("--bench-case"):
        try:
            benchmarks.selection(selected)
        except ValueError as err:
            raise pytest.UsageError(f"--bench-case={selected}: {err}") from None
    if hasattr(config.option, "benchmark_quiet"):
        # pytest-benchmark's own table times each case's one round again, in 20 columns: the
        # comparison table says what a case measured; --benchmark-autosave still saves the times.
        config.option.benchmark_quiet = True
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        _pin_gpu(worker["workerid"])
    if config.getoption("--bench-ray"):
        from bench.harness import ray_runner

        problem = ray_runner.missing()
        if problem:
            raise pytest.UsageError(problem)
    config.stash[SESSION_KEY] = BenchSession(config)


def _pin_gpu(worker_id):
    """Give pytest-xdist worker gwN the N-th visible GPU, before TensorFlow starts.

    With ``CUDA_VISIBLE_DEVICES`` already set (say "2,3"), worker N takes its N-th entry.
    """
    index = int(worker_id.removeprefix("gw"))
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    devices = visible.split(",") if visible else None
    os.environ["CUDA_VISIBLE_DEVICES"] = devices[index % len(devices)] if devices else str(index)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist controller: every worker writes into this session's one results folder, under its one night (the
    first record makes the folder)."""
    bench_session = node.config.stash[SESSION_KEY]
    node.workerinput["bench_results_dir"] = str(bench_session.reserve_results_dir())
    node.workerinput["bench_night"] = bench_session.night_description()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist controller: take over a finished worker's verdicts and measurements."""
    payload = getattr(node, "workeroutput", {}).get("bench")
    if payload:
        node.config.stash[SESSION_KEY].books.absorb(json.loads(payload))


def pytest_sessionfinish(session, exitstatus):
    """A worker hands its books to the controller; the controller closes the session (``BenchSession.finish``)."""
    bench_session = session.config.stash.get(SESSION_KEY, None)
    if bench_session is None:
        return
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["bench"] = json.dumps(bench_session.books.export())
    elif not bench_session.finish() and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif bench_session.plan_only and session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.OK  # --bench-plan deselected every case on purpose


@pytest.fixture(scope="session")
def bench_session(request):
    """The session's benchmark state: runs cases, records results, judges them."""
    return request.config.stash[SESSION_KEY]


def pytest_generate_tests(metafunc):
    """The cases of ``bench.harness.cases.test_accuracy_meets_baseline``, wherever a project's test module
    collects it: one per case of the project's benchmarks."""
    from bench.harness import cases

    if metafunc.function is cases.test_accuracy_meets_baseline:
        metafunc.parametrize(cases.CASE_ARGUMENT, cases.params())


@pytest.hookimpl(trylast=True)  # after -m / -k have deselected
def pytest_collection_modifyitems(session, config, items):
    """Keep only the ``--bench-case`` selection; then the session checks, before anything trains, that
    every selected case can be judged, and counts the gated tests that get alpha = 1 % / T."""
    bench_session = config.stash.get(SESSION_KEY, None)
    if bench_session is not None:
        bench_session.collected(_select(config, items, config.getoption("--bench-case")))
        if bench_session.plan_only:  # the plan is printed; nothing trains
            config.hook.pytest_deselected(items=list(items))
            items[:] = []
        elif bench_session.plan is not None:
            _in_rotation_order(items, bench_session.plan.tonight())


def _in_rotation_order(items, tonight):
    """Tonight's cases in ``items`` put in the order of ``tonight`` (the plan's rotation order), in the places
    their tests held; every other item stays where it was."""
    rank = {case: i for i, case in enumerate(tonight)}
    places = [i for i, item in enumerate(items) if case_of(item) in rank]
    ordered = sorted((items[i] for i in places), key=lambda item: rank[case_of(item)])
    for i, item in zip(places, ordered):
        items[i] = item


def _select(config, items, selections):
    """The ``CaseId`` of each slow accuracy test left in ``items`` once those the
    ``--bench-case`` selections (none: all) leave out are deselected."""
    found = [(item, case_of(item)) for item in items]
    if selections:
        kept = [(item, case) for item, case in found if case is not None and case.selected_by(selections)]
        if len(kept) < len(found):
            chosen = {id(item) for item, _ in kept}
            config.hook.pytest_deselected(items=[item for item, _ in found if id(item) not in chosen])
            items[:] = [item for item, _ in kept]
            found = kept
    return [case for item, case in found if case is not None and item.get_closest_marker("slow")]


def case_of(item):
    """The ``CaseId`` a benchmark case's test declares with its ``bench_case`` marker, else None."""
    marker = item.get_closest_marker("bench_case")
    return None if marker is None else CaseId(*marker.args[0])


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Hand the finished session to the table (``summary``) and, when asked, the baseline writer: after
    pytest's own summaries (failures, warnings, the short test summary), so the table is the last thing a
    session prints before pytest's closing line."""
    yield
    bench_session = config.stash.get(SESSION_KEY, None)
    if bench_session is None:
        return
    env = bench_session.environment()
    reports = {
        "md": config.getoption("--bench-report-md"),
        "json": config.getoption("--bench-report-json"),
        "dir": config.getoption("--bench-report-dir"),
    }
    summary.write(bench_session, terminalreporter, env, reports)
    if bench_session.books.verdicts and bench_session.update:
        baseline_writer.update(bench_session, terminalreporter, env)
    if bench_session.books.verdicts and bench_session.confirm:
        baseline_writer.confirm(bench_session, terminalreporter, env)
