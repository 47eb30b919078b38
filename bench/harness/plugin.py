"""pytest plugin for the slow accuracy suite: options, session state, gates, tables.

Registered by the top-level ``conftest.py``. Options live in one group; all but
``--update-baselines`` (named so by its users) carry the ``--bench-`` prefix.
"""

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from bench import benchmarks
from bench.benchmarks import RunOptions
from bench.engine.records import METRICS, environment, per_seed, summarize_runs
from bench.harness import baselines, gates
from bench.report.tables import render_baseline_diff, render_comparison, render_json, render_markdown

SESSION_KEY = pytest.StashKey()
BASELINE_SEEDS = 40  # seeds per case when --update-baselines is given without --bench-seeds
GATED_PER_CASE = 3  # worse on the headline metric; changed on final and mean train loss


def pytest_addoption(parser):
    group = parser.getgroup("lr-schedule-suite", "learning-rate schedule benchmarks (pytest -m slow)")
    group.addoption("--update-baselines", action="store_true", default=False,
                    help="write this run's results as the new baselines (printing old / new / delta "
                         "first); nothing else ever writes them (default: off)")
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
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        _pin_gpu(worker["workerid"])
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
    # --bench-strict: a session that selected benchmark cases and trained none fails
    if bench.strict and bench.tests and bench.trained == 0 and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def bench_session(request):
    """The session's benchmark state: runs cases, records results, judges them."""
    return request.config.stash[SESSION_KEY]


class BenchSession:
    """State of one pytest session's benchmark runs."""

    def __init__(self, config):
        self.config = config
        self.seeds_option = config.getoption("--bench-seeds")
        self.first_seed = config.getoption("--bench-first-seed")
        self.strict = config.getoption("--bench-strict")
        self.tests = 0  # gated tests selected this session, for the per-test alpha (set after collection)
        self.trained = 0  # cases that trained and were judged
        self.options = RunOptions(cifar10=config.getoption("--bench-cifar10"),
                                  fashion_mnist=config.getoption("--bench-fashion-mnist"),
                                  allow_cpu=config.getoption("--bench-allow-cpu"))
        self.require_data = config.getoption("--bench-require-data")
        self.tensorboard = config.getoption("--bench-tensorboard")
        self.update = config.getoption("--update-baselines")
        self.baseline_dir = Path(config.getoption("--bench-baselines"))
        self.results_root = Path(config.getoption("--bench-results"))
        worker = getattr(config, "workerinput", None)
        self.worker_id = worker["workerid"] if worker else None
        self.results_dir = Path(worker["bench_results_dir"]) if worker else None
        self.verdicts = []
        self.confirm = config.getoption("--bench-confirm-baselines")
        self.measured = {}  # benchmark -> {(protocol, schedule): per-seed values}, for --update-baselines
        self.seeds_used = {}  # benchmark -> the seeds its cases trained
        self.confirmed = {}  # benchmark -> [(protocol, schedule)] whose gates all passed
        self.histories = {}  # (benchmark, protocol, schedule) -> per-seed histories, for the report
        self._baselines = {}

    # -- measuring ------------------------------------------------------------------
    def seeds_for(self, benchmark):
        """The seeds each case of ``benchmark`` trains: ``--bench-first-seed`` on, as many as chosen."""
        n = self.seeds_option or (BASELINE_SEEDS if self.update else benchmark.seeds)
        return list(range(self.first_seed, self.first_seed + n))

    def run_case(self, benchmark, protocol, schedule):
        """Train every seed of one case of ``benchmark`` (a ``Benchmark``); returns ``(runs, verdicts)``.

        Results are written per seed, as each finishes.
        """
        # Fail before training if the file is unusable; --update-baselines may create it.
        try:
            baseline = self.baseline(benchmark.name, missing_ok=self.update)
            entries = {} if baseline is None else baselines.case_entries(baseline, protocol, schedule,
                                                                         self.baseline_dir)
        except baselines.BaselineError as err:
            pytest.fail(str(err), pytrace=False)
        seeds = self.seeds_for(benchmark)
        runs = []
        clock = {"start": time.perf_counter(), "done": 0, "total": len(seeds) * benchmark.epochs(self.options)}
        for i, seed in enumerate(seeds):
            label = f"{benchmark.name}/{protocol}/{schedule} seed {i + 1}/{len(seeds)}"
            run = benchmark.train(schedule, seed, protocol, on_epoch=self._epoch_printer(label, benchmark, clock),
                                  options=self.options)
            self._write_result({"kind": "run", **run.to_dict()})
            if self.tensorboard:
                from bench.report import tensorboard

                tensorboard.write_run(self.tensorboard, run)
            headline = benchmark.metric if benchmark.metric in run.metrics else next(iter(run.metrics))
            self._progress(f"{label} (seed {seed}): {headline} {run.metrics[headline]:.4f}, "
                           f"{run.train_time_s:.1f} s", final=True)
            runs.append(run)
        summaries = summarize_runs(runs)
        self.histories[(benchmark.name, protocol, schedule)] = [r.history for r in runs]
        overlap = bool(set(seeds) & set(baselines.seeds_of(baseline, protocol, schedule)))
        alpha = gates.alpha_for(self.tests or GATED_PER_CASE)
        verdicts = [gates.judge_metric(gates.Verdict(
            benchmark.name, protocol, schedule, metric, summary, baseline=entries.get(metric),
            majority_rate=runs[0].majority_rate, reference_note=benchmark.reference_note,
            registry_schedule=benchmark.case(schedule).schedule, seeds_overlap=overlap), alpha)
            for metric, summary in summaries.items()]
        self.verdicts.extend(verdicts)
        self.trained += 1
        self._write_result({"kind": "summary", "benchmark": benchmark.name, "protocol": protocol,
                            "schedule": schedule, "registry_schedule": benchmark.case(schedule).schedule,
                            "seeds": seeds, "environment": runs[0].environment, "summaries": summaries,
                            "verdicts": [v.to_dict() for v in verdicts]})
        self.measured.setdefault(benchmark.name, {})[(protocol, schedule)] = per_seed(runs)
        self.seeds_used[benchmark.name] = seeds
        if all(v.verdict not in ("FAIL", "CHANGED") for v in verdicts):
            self.confirmed.setdefault(benchmark.name, []).append((protocol, schedule))
        return runs, verdicts

    def strict_failures(self, verdicts):
        """Under --bench-strict: a case none of whose gates has a baseline entry fails (one verdict names it).

        A case gated on some metrics only (a published floor on accuracy) is judged, so it passes."""
        if not self.strict or self.update or any(v.gated for v in verdicts):
            return []
        unjudged = [v for v in verdicts if v.verdict == "new" and METRICS[v.metric].question != "info"]
        return unjudged[:1]

    def baseline(self, benchmark, missing_ok=False):
        """The benchmark's baseline document, loaded once; None when absent and ``missing_ok``.

        An absent file is otherwise a ``BaselineError`` naming it; a malformed one always is.
        """
        if self._baselines.get(benchmark) is None:
            path = baselines.path_for(benchmark, self.baseline_dir)
            if missing_ok and not path.exists():
                return None
            self._baselines[benchmark] = baselines.load(benchmark, self.baseline_dir)
        return self._baselines[benchmark]

    def check_requirements(self, benchmark):
        """Skip a case that cannot run here; fail it instead under --bench-strict (any reason) or
        --bench-require-data (absent data)."""
        missing = benchmark.unmet(self.options)
        if missing:
            kind, reason = missing
            if kind == "gpu":
                reason += " Pass --bench-allow-cpu to run it on the CPU anyway."
            if self.strict:
                pytest.fail(f"{benchmark.name}: did not train: {reason} (--bench-strict: a case that does not "
                            "train fails the nightly)", pytrace=False)
            if kind == "data" and self.require_data:
                pytest.fail(f"{benchmark.name}: {reason} (--bench-require-data turns this skip into a failure)",
                            pytrace=False)
            pytest.skip(f"{benchmark.name}: {reason}")

    # -- pytest-xdist: workers export, the controller absorbs and merges ----------------
    def export(self):
        return {"verdicts": [dataclasses.asdict(v) for v in self.verdicts],
                "measured": {b: [[p, s, summaries] for (p, s), summaries in cases.items()]
                             for b, cases in self.measured.items()},
                "confirmed": self.confirmed, "trained": self.trained, "seeds_used": self.seeds_used,
                "histories": [[*case, runs] for case, runs in self.histories.items()]}

    def absorb(self, payload):
        self.verdicts.extend(gates.Verdict(**v) for v in payload["verdicts"])
        self.trained += payload["trained"]
        for benchmark, cases in payload["measured"].items():
            for protocol, schedule, summaries in cases:
                self.measured.setdefault(benchmark, {})[(protocol, schedule)] = summaries
        self.seeds_used.update(payload["seeds_used"])
        for benchmark, cases in payload["confirmed"].items():
            self.confirmed.setdefault(benchmark, []).extend(tuple(c) for c in cases)
        for benchmark, protocol, schedule, runs in payload["histories"]:
            self.histories[(benchmark, protocol, schedule)] = runs

    def merge_worker_results(self):
        """Append the workers' results files, in worker order, to the session's results.jsonl.

        The controller reserves the folder when workers start; if none of them trained,
        the empty folder is removed again.
        """
        parts = sorted(self.results_dir.glob("results-gw*.jsonl"), key=lambda p: int(p.stem[len("results-gw"):]))
        if not any(self.results_dir.iterdir()):
            self.results_dir.rmdir()
            self.results_dir = None
        elif parts:
            with open(self.results_dir / "results.jsonl", "a") as out:
                for part in parts:
                    out.write(part.read_text())

    def failures(self, verdicts):
        """Failed gates; none while updating baselines (the table still shows them)."""
        if self.update:
            return []
        return [v for v in verdicts if v.verdict in ("FAIL", "CHANGED")] + self.strict_failures(verdicts)

    # -- output -------------------------------------------------------------------------
    def ensure_results_dir(self):
        if self.results_dir is None:
            self.results_dir = _new_dir(self.results_root, f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        return self.results_dir

    def _write_result(self, record):
        name = f"results-{self.worker_id}.jsonl" if self.worker_id else "results.jsonl"
        with open(self.ensure_results_dir() / name, "a") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _progress(self, text, final=False):
        reporter = self.config.pluginmanager.getplugin("terminalreporter")
        capture = self.config.pluginmanager.getplugin("capturemanager")
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            if reporter.isatty() and not final:
                reporter.rewrite(text, erase=True)
            else:
                reporter.write_line(text)

    def _epoch_printer(self, label, benchmark, clock):
        """Progress per epoch: seed i/N, epoch, rate, loss, metric, and the case's ETA (wall clock, from
        the epochs done so far). Every epoch on a terminal (rewritten in place), every 10th in a log."""
        epochs = benchmark.epochs(self.options)
        reporter = self.config.pluginmanager.getplugin("terminalreporter")  # None in xdist workers
        tty = reporter is not None and reporter.isatty()

        def on_epoch(epoch, record):
            clock["done"] += 1
            if tty or (epoch + 1) % 10 == 0 or epoch + 1 == epochs:
                metric = next(k for k in record if k.startswith("val_") and k != "val_loss")
                elapsed = time.perf_counter() - clock["start"]
                eta = elapsed / clock["done"] * (clock["total"] - clock["done"])
                self._progress(f"{label} epoch {epoch + 1}/{epochs}: lr {record['lr']:.3g}, "
                               f"loss {record['train_loss']:.4f}, {metric} {record[metric]:.4f}, "
                               f"case ETA {_duration(eta)}")
        return on_epoch


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


def _duration(seconds):
    """``42 s``, ``3 min 5 s``, ``2 h 10 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def _seed_text(seeds_used):
    """``0..19`` for one range, else per benchmark: ``ionosphere 0..19, digits 0..9``."""
    ranges = {b: f"{s[0]}..{s[-1]}" for b, s in seeds_used.items()}
    if len(set(ranges.values())) == 1:
        return next(iter(ranges.values()))
    return ", ".join(f"{b} {r}" for b, r in ranges.items())


def _new_dir(root, name):
    """Create and return a directory under ``root`` that did not exist before."""
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        path = root / (name if attempt == 1 else f"{name}-{attempt}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise RuntimeError(f"Could not create a new results directory under {root}")


@pytest.hookimpl(trylast=True)  # after -m / -k have deselected
def pytest_collection_modifyitems(session, config, items):
    """Count the session's gated tests (cases x GATED_PER_CASE): each gets alpha = 1 % / T. Then,
    before anything trains, check that every selected case can be judged (its baseline file and entry)."""
    bench = config.stash.get(SESSION_KEY, None)
    if bench is None:
        return
    cases = [item for item in items if "bench_session" in getattr(item, "fixturenames", ())
             and item.get_closest_marker("slow")]
    bench.tests = GATED_PER_CASE * len(cases)
    if bench.update or bench.worker_id is not None:
        return
    problems = {}  # error message -> the cases it stops
    for item in cases:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "benchmark_name" not in params:
            continue
        name, protocol, schedule = params["benchmark_name"], params["protocol"], params["schedule"]
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
            + "\nWhat to do: restore the baseline files from git, or measure them (the command above), or "
              "deselect those cases with -k.")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    session = config.stash.get(SESSION_KEY, None)
    if session is None or not session.verdicts:
        if session is not None and session.tests:
            failed = len(terminalreporter.stats.get("failed", []))
            skipped = len(terminalreporter.stats.get("skipped", []))
            terminalreporter.write_line(
                f"no benchmark case trained: {session.tests // GATED_PER_CASE} selected, {failed} failed before "
                f"training, {skipped} skipped (the reasons are above; pytest -rs lists the skips)"
                + ("; --bench-strict: this session fails" if session.strict else ""))
        return
    session.verdicts.sort(key=_table_order)  # xdist workers finish in any order
    env = environment()
    terminalreporter.section("learning-rate schedule benchmarks")
    terminalreporter.write_line(
        f"measured here: TF {env.get('tensorflow', '-')} / Keras {env.get('keras', '-')}, {env['device']}, "
        f"seeds {_seed_text(session.seeds_used)} per case; results in {session.results_dir}")
    terminalreporter.write_line(render_comparison(session.verdicts))
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


def _update_baselines(session, terminalreporter, env):
    command = "pytest " + " ".join(session.config.invocation_params.args)
    provenance = {"source": "measured", "tensorflow": env.get("tensorflow"), "keras": env.get("keras"),
                  "keras_backend": env.get("keras_backend"), "device": env["device"], "date": env["date"],
                  "python": env["python"], "command": command}
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
