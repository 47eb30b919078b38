"""pytest plugin for the slow accuracy suite: options, hooks, the end-of-session table and baseline writes.

The state of a session (what it trained, its verdicts) is ``bench.harness.session.BenchSession``.

Registered by the top-level ``conftest.py``. Options live in one group; all but
``--update-baselines`` (named so by its users) carry the ``--bench-`` prefix.
"""

import json
import os
import shlex
from pathlib import Path

import pytest

from bench import benchmarks
from bench.benchmarks import RunOptions
from bench.engine.records import METRICS, environment
from bench.harness import baselines, gates
from bench.harness.session import BASELINE_SEEDS, BenchSession
from bench.report.tables import render_baseline_diff, render_comparison, render_json, render_markdown

SESSION_KEY = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup("lr-schedule-suite", "learning-rate schedule benchmarks (pytest -m slow)")
    group.addoption("--update-baselines", action="store_true", default=False,
                    help="write this run's results as the new baselines (printing old / new / delta "
                         "first); nothing else ever writes them (default: off)")
    group.addoption("--bench-case", action="append", default=[], metavar="BENCHMARK[/PROTOCOL[/CASE]]",
                    help="run exactly these benchmark cases and nothing else (repeatable; a benchmark or protocol "
                         "alone selects all its cases); with --update-baselines only their entries are written "
                         "(default: every case -m and -k select)")
    group.addoption("--bench-confirm-baselines", action="store_true", default=False,
                    help="record in the baseline files that this environment meets them: adds it to "
                         "the `holds_for` list of every case whose gates all passed (default: off)")
    group.addoption("--bench-cifar10", default=None, metavar="PATH",
                    help="offline CIFAR-10: cifar-10-python.tar.gz or its extracted cifar-10-batches-py/ "
                         "(default: $LR_SUITE_CIFAR10, else Keras' cache)")
    group.addoption("--bench-fashion-mnist", default=None, metavar="DIR",
                    help="offline Fashion-MNIST: a folder with its four .gz files "
                         "(default: $LR_SUITE_FASHION_MNIST, else Keras' cache)")
    group.addoption("--bench-allow-cpu", action="store_true", default=False,
                    help="run GPU benchmarks on the CPU instead of skipping them (default: skip)")
    group.addoption("--bench-require-data", action="store_true", default=False,
                    help="fail, instead of skipping, a benchmark whose data set is absent; for nightly "
                         "runs (default: skip)")
    group.addoption("--bench-seeds", type=int, default=None, metavar="N",
                    help="seeds per case (default: each benchmark's own number, chosen for the power of its "
                         f"gates; {BASELINE_SEEDS} with --update-baselines)")
    group.addoption("--bench-first-seed", type=int, default=0, metavar="K",
                    help="run seeds K..K+N-1; pick seeds the baselines were not measured on, so a pass means "
                         "the gate holds, not only that the run is deterministic (default: 0)")
    group.addoption("--bench-strict", action="store_true", default=False,
                    help="fail every selected case that does not train and get judged (no GPU, data absent, "
                         "no baseline entry), and a session in which no case trained; for nightlies "
                         "(default: skip with the reason)")
    group.addoption("--bench-baselines", default=str(baselines.DEFAULT_DIR), metavar="DIR",
                    help="directory of baseline files (default: the project's baselines/)")
    group.addoption("--bench-results", default="results", metavar="DIR",
                    help="per-run results go to DIR/<session>/results.jsonl, written as each seed "
                         "finishes (default: results)")
    group.addoption("--bench-report-md", default=None, metavar="FILE",
                    help="also write the comparison table as Markdown to FILE, which must not exist "
                         "(default: none)")
    group.addoption("--bench-report-dir", default=None, metavar="DIR",
                    help="also write a report folder: index.html (table, plots of every case, baseline "
                         "provenance), report.md and report.json; DIR must not exist (default: none)")
    group.addoption("--bench-tensorboard", default=None, metavar="DIR",
                    help="also write every run's rate, train/validation loss and metric per epoch as TensorBoard "
                         "scalars under DIR/<benchmark>/<protocol>/<schedule>/seed_<k> (default: none)")
    group.addoption("--bench-engine", default="auto", choices=RunOptions.ENGINES,
                    help="auto: train the seeds of a small benchmark's case together in one compiled step "
                         "(ionosphere, digits, Boston); keras: one seed at a time with Keras' own layers, the "
                         "reference the stacked engine is tested against (default: auto)")
    group.addoption("--bench-xla", action="store_true", default=False,
                    help="compile each training step and the evaluation with XLA (jit_compile); trains one seed "
                         "at a time (default: off)")
    group.addoption("--bench-mixed-precision", action="store_true", default=False,
                    help="train in mixed_float16 with dynamic loss scaling; trains one seed at a time (default: off)")
    group.addoption("--bench-resume", default=None, metavar="DIR",
                    help="continue the run whose results folder is DIR: every (case, seed) already recorded "
                         "there is not trained again, new seeds are appended there, and the table judges both "
                         "(default: a new folder)")
    group.addoption("--bench-ray", action="store_true", default=False,
                    help="train every (case, seed) as a Ray task: Ray on this machine, or the cluster named by "
                         "$RAY_ADDRESS; needs the optional extra: pip install -e '.[ray]' (default: off)")
    group.addoption("--bench-report-json", default=None, metavar="FILE",
                    help="also write the verdicts as JSON to FILE, which must not exist (default: none)")


def pytest_configure(config):
    if config.inipath is None:
        raise pytest.UsageError(
            "pytest did not read this project's pyproject.toml, so its markers and options are not set. "
            "A directory given as a separate argument (`--bench-results DIR`) makes pytest take DIR for "
            "its root: write `--bench-results=DIR` (and `--bench-baselines=DIR`) instead."
        )
    if config.getoption("--update-baselines") and config.getoption("--bench-confirm-baselines"):
        raise pytest.UsageError("--update-baselines replaces baselines and --bench-confirm-baselines keeps "
                                "them; use one at a time.")
    seeds = config.getoption("--bench-seeds")
    if seeds is not None and seeds < 1:
        raise pytest.UsageError(f"--bench-seeds must be >= 1. Received: --bench-seeds={seeds}")
    if config.getoption("--update-baselines") and seeds is not None and seeds < gates.MIN_BASELINE_SEEDS:
        raise pytest.UsageError(
            f"--update-baselines needs at least {gates.MIN_BASELINE_SEEDS} seeds per case: the gates resample the "
            f"baseline's seeds. Received: --bench-seeds={seeds}. Use --bench-seeds={BASELINE_SEEDS} (the default "
            "with --update-baselines), on seeds the nightly does not use, e.g. --bench-first-seed=1000.")
    first = config.getoption("--bench-first-seed")
    if first < 0:
        raise pytest.UsageError(f"--bench-first-seed must be >= 0. Received: --bench-first-seed={first}")
    for option in ("--bench-report-md", "--bench-report-json", "--bench-report-dir"):
        path = config.getoption(option)
        if path and Path(path).exists():
            raise pytest.UsageError(f"{option}={path} exists; this suite never overwrites a report. "
                                    "Choose a new file name or move the old one away.")
    if config.getoption("--bench-resume") and config.getoption("--update-baselines"):
        raise pytest.UsageError("--bench-resume with --update-baselines would write baselines from runs of "
                                "another session; finish the run first, then measure baselines in one session.")
    if config.getoption("--bench-ray") and config.pluginmanager.hasplugin("xdist") and \
            getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("--bench-ray and -n both spread the work; use one (--bench-ray reaches more "
                                "than one machine, -n uses this one).")
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


def _selected_by(selections, name, protocol, case):
    """Whether ``--bench-case`` selections (none: all) include this case."""
    key = f"{name}/{protocol}/{case}"
    return not selections or any(key == s or key.startswith(s + "/") for s in selections)


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
    """xdist controller: every worker writes into this session's one results folder."""
    session = node.config.stash[SESSION_KEY]
    node.workerinput["bench_results_dir"] = str(session.ensure_results_dir())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist controller: take over a finished worker's verdicts and measurements."""
    payload = getattr(node, "workeroutput", {}).get("bench")
    if payload:
        node.config.stash[SESSION_KEY].absorb(json.loads(payload))


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    bench = config.stash.get(SESSION_KEY, None)
    if bench is None:
        return
    if hasattr(config, "workeroutput"):
        config.workeroutput["bench"] = json.dumps(bench.export())
        return
    if bench.results_dir is not None:
        bench.merge_worker_results()
    if bench.ray is not None:
        bench.ray.shutdown()
    # --bench-strict: a session that selected benchmark cases and trained none fails
    if bench.strict and bench.selected and bench.trained == 0 and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def bench_session(request):
    """The session's benchmark state: runs cases, records results, judges them."""
    return request.config.stash[SESSION_KEY]


def _position(sequence, item):
    """Sort key: an item's place in a declared sequence; unknown items after, by name."""
    sequence = list(sequence)
    return (sequence.index(item), "") if item in sequence else (len(sequence), str(item))


def _case_order(benchmark, protocol, schedule):
    """Cases in the benchmarks' own order: benchmark, protocol, schedule as declared."""
    names = benchmarks.names()
    declared = benchmarks.get(benchmark) if benchmark in names else None
    return (_position(names, benchmark), _position(declared.protocols if declared else (), protocol),
            _position(declared.schedules if declared else (), schedule))


def _table_order(verdict):
    """Rows by case (``_case_order``), then metrics in ``METRICS`` order."""
    return (*_case_order(verdict.benchmark, verdict.protocol, verdict.schedule), _position(METRICS, verdict.metric))


def _seed_text(seeds_used):
    """``0..19`` for one range, else per benchmark: ``ionosphere 0..19, digits 0..9``."""
    ranges = {b: f"{s[0]}..{s[-1]}" for b, s in seeds_used.items()}
    if len(set(ranges.values())) == 1:
        return next(iter(ranges.values()))
    return ", ".join(f"{b} {r}" for b, r in ranges.items())


def _case_of(item):
    """``(benchmark, protocol, case)`` of an accuracy test, else None."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "benchmark_name" not in params or "bench_session" not in getattr(item, "fixturenames", ()):
        return None
    return params["benchmark_name"], params["protocol"], params["schedule"]


@pytest.hookimpl(trylast=True)  # after -m / -k have deselected
def pytest_collection_modifyitems(session, config, items):
    """Keep only the ``--bench-case`` selection, when one is given. Before anything trains, check
    that every selected case can be judged (its baseline file and entry). Then count the gated tests
    of the cases that will be judged here (``BenchSession.count_judged``): each gets alpha = 1 % / T."""
    bench = config.stash.get(SESSION_KEY, None)
    if bench is None:
        return
    found = [(item, _case_of(item)) for item in items]
    selections = config.getoption("--bench-case")
    if selections:
        kept = [(item, case) for item, case in found if case is not None and _selected_by(selections, *case)]
        if len(kept) < len(found):
            chosen = {id(item) for item, _ in kept}
            config.hook.pytest_deselected(items=[item for item, _ in found if id(item) not in chosen])
            items[:] = [item for item, _ in kept]
            found = kept
    cases = [case for item, case in found if case is not None and item.get_closest_marker("slow")]
    if not (bench.update or bench.worker_id is not None):
        _check_baselines_before_training(bench, cases)
    bench.count_judged(cases)


def _check_baselines_before_training(bench, cases):
    problems = {}  # error message -> the cases it stops
    for name, protocol, schedule in cases:
        try:
            doc = bench.baseline(name)
            baselines.case_entries(doc, protocol, schedule, bench.baseline_dir)
        except baselines.BaselineError as err:
            problems.setdefault(str(err), []).append(f"{name}/{protocol}/{schedule}")
    if problems:
        count = sum(len(c) for c in problems.values())
        raise pytest.UsageError(
            f"{count} selected case(s) cannot be judged, so nothing was trained:\n"
            + "\n".join(f"- {', '.join(c)}: {message}" for message, c in problems.items())
            + "\nWhat to do: fix or restore the files named above (each line says how), or measure them "
              "(the command above), or deselect those cases with -k.")


@pytest.hookimpl(trylast=True)  # the comparison table is the last thing the session prints before pytest's summary line
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    session = config.stash.get(SESSION_KEY, None)
    if session is None or not session.verdicts:
        if session is not None and session.selected:
            failed = len(terminalreporter.stats.get("failed", []))
            skipped = len(terminalreporter.stats.get("skipped", []))
            terminalreporter.write_line(
                f"no benchmark case trained: {len(session.selected)} selected, {failed} failed before "
                f"training, {skipped} skipped" + ("; --bench-strict: this session fails" if session.strict else ""))
            _write_not_trained(terminalreporter, session)
        return
    session.verdicts.sort(key=_table_order)  # xdist workers finish in any order
    env = environment()
    terminalreporter.section("learning-rate schedule benchmarks")
    terminalreporter.write_line(
        f"measured here: TF {env.get('tensorflow', '-')} / Keras {env.get('keras', '-')}, {env['device']}, "
        f"seeds {_seed_text(session.seeds_used)} per case; results in {session.results_dir}")
    terminalreporter.write_line(f"how: {session.how()}")
    terminalreporter.write_line(render_comparison(session.verdicts))
    _write_not_trained(terminalreporter, session)
    md, js = config.getoption("--bench-report-md"), config.getoption("--bench-report-json")
    if md:
        Path(md).write_text(render_markdown(session.verdicts, [f"Measured: {env}"]))
        terminalreporter.write_line(f"Markdown report: {md}")
    if js:
        Path(js).write_text(render_json(session.verdicts, env))
        terminalreporter.write_line(f"JSON report: {js}")
    folder = config.getoption("--bench-report-dir")
    if folder:
        from bench.report import html as html_report

        ordered = {case: session.histories[case] for case in sorted(session.histories, key=lambda c: _case_order(*c))}
        terminalreporter.write_line(f"HTML report: {html_report.write(folder, session.verdicts, ordered, env)}")
    if session.update:
        _update_baselines(session, terminalreporter, env)
    if session.confirm:
        _confirm_baselines(session, terminalreporter, env)


def _write_not_trained(terminalreporter, session):
    """One line per selected case that did not train, and why; one per case judged on nothing
    because it has no baseline yet."""
    for (name, protocol, case), why in sorted(session.not_trained.items(), key=lambda item: _case_order(*item[0])):
        terminalreporter.write_line(f"did not train: {name}/{protocol}/{case}: {why}")
    for name, protocol, case in session.selected:
        try:
            why = baselines.pending_reason(session.baseline(name, missing_ok=True), protocol, case)
        except baselines.BaselineError:
            continue  # the case failed with that error, which the failure report shows
        if why and (name, protocol, case) not in session.not_trained:
            terminalreporter.write_line(f"no baseline yet: {name}/{protocol}/{case}: {why}")


def _update_baselines(session, terminalreporter, env):
    command = "pytest " + shlex.join(session.config.invocation_params.args)
    provenance = {"source": "measured", "tensorflow": env.get("tensorflow"), "keras": env.get("keras"),
                  "keras_backend": env.get("keras_backend"), "device": env["device"], "date": env["date"],
                  "python": env["python"], "command": command, "how": session.how()}
    terminalreporter.section("baseline update (review this before committing)")
    for benchmark, measured in session.measured.items():
        old = session.baseline(benchmark, missing_ok=True)
        new = baselines.updated(old, benchmark, measured, {**provenance, "seeds": session.seeds_used[benchmark]},
                                [baselines.environment_label(env)])
        path = baselines.path_for(benchmark, session.baseline_dir)
        terminalreporter.write_line(render_baseline_diff(benchmark, baselines.diff_rows(old, new)))
        baselines.write_atomic(path, new)
        terminalreporter.write_line(f"wrote {path}")


def _confirm_baselines(session, terminalreporter, env):
    label = baselines.environment_label(env)
    terminalreporter.section("baseline confirmation")
    for benchmark, cases in session.confirmed.items():
        doc = baselines.with_holds_for(session.baseline(benchmark), cases, label)
        path = baselines.path_for(benchmark, session.baseline_dir)
        baselines.write_atomic(path, doc)
        terminalreporter.write_line(f"{path}: {len(cases)} case(s) hold for {label}")
    failed = sorted({(v.benchmark, v.protocol, v.schedule) for v in session.verdicts
                     if v.verdict in ("FAIL", "CHANGED")})
    for benchmark, protocol, schedule in failed:
        terminalreporter.write_line(f"{benchmark}/{protocol}/{schedule} differs beyond noise on {label}: "
                                    "not confirmed; it needs its own baseline for this environment")
