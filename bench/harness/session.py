"""The state of one pytest session's benchmark runs: what it trains, records and judges.

Created by the plugin (``bench/harness/plugin.py``) from the command-line options; the
``bench_session`` fixture hands it to the tests in ``tests/test_accuracy.py``.
"""

import dataclasses
import os
import time
from pathlib import Path

import pytest

from bench import benchmarks
from bench.benchmarks import RunOptions
from bench.engine.records import METRICS, per_seed, summarize_runs
from bench.harness import baselines, gates, results

BASELINE_SEEDS = 40  # seeds per case when --update-baselines is given without --bench-seeds


class BenchSession:
    """State of one pytest session's benchmark runs."""

    def __init__(self, config):
        self.config = config
        self.seeds_option = config.getoption("--bench-seeds")
        self.first_seed = config.getoption("--bench-first-seed")
        self.strict = config.getoption("--bench-strict")
        self.selected = []  # (benchmark, protocol, case) of every accuracy test selected (set after collection)
        self.tests = 0  # gated tests of the selected cases that will be judged here: T of the per-test alpha
        self.trained = 0  # cases that trained and were judged
        self.not_trained = {}  # (benchmark, protocol, case) -> why it did not train here
        self.options = RunOptions(cifar10=config.getoption("--bench-cifar10"),
                                  fashion_mnist=config.getoption("--bench-fashion-mnist"),
                                  allow_cpu=config.getoption("--bench-allow-cpu"),
                                  engine=config.getoption("--bench-engine"),
                                  xla=config.getoption("--bench-xla"),
                                  mixed_precision=config.getoption("--bench-mixed-precision"))
        self.require_data = config.getoption("--bench-require-data")
        self.tensorboard = config.getoption("--bench-tensorboard")
        self.update = config.getoption("--update-baselines")
        self.baseline_dir = Path(config.getoption("--bench-baselines"))
        self.results_root = Path(config.getoption("--bench-results"))
        worker = getattr(config, "workerinput", None)
        self.worker_id = worker["workerid"] if worker else None
        self.results_dir = Path(worker["bench_results_dir"]) if worker else None
        resume = config.getoption("--bench-resume")
        self.resumed = {}  # (benchmark, protocol, schedule) -> {seed: RunResult} from --bench-resume
        if resume:
            self.results_dir = Path(resume)
            self.resumed = read_runs(self.results_dir)
            if worker is None:
                results.end_with_newline(self.results_dir)
        self.use_ray = config.getoption("--bench-ray")
        self.ray = None  # the RayRunner, started by the first case that trains under --bench-ray
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
        # Fail before training if the file is unusable; --update-baselines may create it, or the case's entry.
        problem = None
        try:
            baseline = self.baseline(benchmark.name, missing_ok=self.update)
            entries = {} if baseline is None else baselines.case_entries(baseline, protocol, schedule,
                                                                         self.baseline_dir, missing_ok=self.update)
        except baselines.BaselineError as err:
            problem = str(err)
        if problem:  # failed outside the handler, so the message is printed once, without its context
            pytest.fail(problem, pytrace=False)
        seeds = self.seeds_for(benchmark)
        case = (benchmark.name, protocol, schedule)
        done = {seed: run for seed, run in self.resumed.get(case, {}).items() if seed in seeds}
        for run in done.values():
            self._check_resumable(benchmark, run)
        todo = [seed for seed in seeds if seed not in done]
        label = f"{benchmark.name}/{protocol}/{schedule}"
        headline = benchmark.metric
        clock = {"start": time.perf_counter(), "done": 0, "total": len(todo) * benchmark.epochs(self.options),
                 "finished": len(done)}
        if done:
            self._progress(f"{label}: {len(done)} of {len(seeds)} seeds already in {self.results_dir} "
                           f"(--bench-resume); training {len(todo)}", final=True)

        def on_run(run):
            self._write_result({"kind": "run", **run.to_dict()})
            if self.tensorboard:
                from bench.report import tensorboard

                tensorboard.write_run(self.tensorboard, run)
            clock["finished"] += 1
            key = headline if headline in run.metrics else next(iter(run.metrics))
            together = run.environment.get("seeds_together", 1)
            took = (f"{run.environment['group_train_time_s']:.1f} s for {together} seeds together" if together > 1
                    else f"{run.train_time_s:.1f} s")
            self._progress(f"{label} seed {run.seed} ({clock['finished']}/{len(seeds)} done): "
                           f"{key} {run.metrics[key]:.4f}, {took}", final=True)

        trained = {}
        if todo and self.use_ray:
            trained, failed = self._ray().run(benchmark, schedule, todo, protocol, self.options, on_run=on_run)
            if failed:
                pytest.fail(f"{label}: {len(failed)} of {len(todo)} seed(s) failed on {self.ray.where}, each after "
                            "one retry:\n" + "\n".join(f"  seed {seed}: {why}" for seed, why in sorted(failed.items()))
                            + f"\nThe other seeds' results are in {self.results_dir}; --bench-resume="
                            f"{self.results_dir} trains only what is missing.", pytrace=False)
        elif todo:
            printer = self._epoch_printer(label, benchmark, clock, todo)
            trained = {run.seed: run for run in benchmark.run(schedule, todo, protocol, options=self.options,
                                                              on_epoch=printer, on_run=on_run)}
        runs = [done[seed] if seed in done else trained[seed] for seed in seeds]
        summaries = summarize_runs(runs)
        self.histories[(benchmark.name, protocol, schedule)] = [r.history for r in runs]
        overlap = bool(set(seeds) & set(baselines.seeds_of(baseline, protocol, schedule)))
        alpha = gates.alpha_for(self.tests or len(gates.gated_metrics(entries)))
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

    def count_judged(self, cases):
        """Set ``tests``, the T of the per-test alpha: the gated metrics (``gates.gated_metrics``) of each
        selected case that will train and be judged here. A case that cannot run here (no GPU, no data)
        or has no baseline yet is judged on nothing, so it does not tighten the others' gates.

        Under --bench-ray a requirement is the cluster's: every case counts (a stricter alpha, never a
        looser one)."""
        self.selected = list(cases)
        self.tests = 0
        runs_here = {}  # benchmark -> whether its requirements are met here (checked once per benchmark)
        for name, protocol, case in cases:
            if name not in runs_here:
                runs_here[name] = self.use_ray or benchmarks.get(name).unmet(self.options) is None
            if not runs_here[name]:
                continue
            try:
                doc = self.baseline(name, missing_ok=True)
                entries = {} if doc is None else baselines.case_entries(doc, protocol, case, self.baseline_dir)
            except baselines.BaselineError:
                continue  # reported before training (plugin) or while training (run_case)
            self.tests += len(gates.gated_metrics(entries))

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

    def check_requirements(self, benchmark, protocol, case):
        """Skip a case that cannot run here; fail it instead under --bench-strict (any reason) or
        --bench-require-data (absent data). Either way the table's summary says why it did not train."""
        missing = self._ray().unmet(benchmark, self.options) if self.use_ray else benchmark.unmet(self.options)
        if missing:
            kind, reason = missing
            self.not_trained[(benchmark.name, protocol, case)] = reason
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
                "not_trained": [[*case, why] for case, why in self.not_trained.items()],
                "histories": [[*case, runs] for case, runs in self.histories.items()]}

    def absorb(self, payload):
        self.verdicts.extend(gates.Verdict(**v) for v in payload["verdicts"])
        self.trained += payload["trained"]
        for benchmark, protocol, case, why in payload["not_trained"]:
            self.not_trained[(benchmark, protocol, case)] = why
        for benchmark, cases in payload["measured"].items():
            for protocol, schedule, summaries in cases:
                self.measured.setdefault(benchmark, {})[(protocol, schedule)] = summaries
        self.seeds_used.update(payload["seeds_used"])
        for benchmark, cases in payload["confirmed"].items():
            self.confirmed.setdefault(benchmark, []).extend(tuple(c) for c in cases)
        for benchmark, protocol, schedule, runs in payload["histories"]:
            self.histories[(benchmark, protocol, schedule)] = runs

    def merge_worker_results(self):
        """Append the workers' results files to the session's results.jsonl (``results.merge_workers``).

        The controller reserves the folder when workers start; if none of them trained,
        the empty folder is removed again.
        """
        if not any(self.results_dir.iterdir()):
            self.results_dir.rmdir()
            self.results_dir = None
        else:
            results.merge_workers(self.results_dir)

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
        results.append(self.ensure_results_dir(), record, self.worker_id)

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

    def _epoch_printer(self, label, benchmark, clock, seeds):
        """Progress per epoch: which seeds (seed k, i of N; or seeds k..l, n of N, training together), epoch, rate, loss, metric
        (the mean over seeds training together) and the case's ETA (wall clock, from the epochs done so
        far). Every epoch on a terminal (rewritten in place), every 10th in a log."""
        epochs = benchmark.epochs(self.options)
        reporter = self.config.pluginmanager.getplugin("terminalreporter")  # None in xdist workers
        tty = reporter is not None and reporter.isatty()

        def on_epoch(first, epoch, records):
            clock["done"] += len(records)
            if tty or (epoch + 1) % 10 == 0 or epoch + 1 == epochs:
                metric = next(k for k in records[0] if k.startswith("val_") and k != "val_loss")
                elapsed = time.perf_counter() - clock["start"]
                eta = elapsed / clock["done"] * (clock["total"] - clock["done"])
                which = (f"seed {seeds[first]} ({first + 1} of {len(seeds)})" if len(records) == 1 else
                         f"seeds {seeds[first]}..{seeds[first + len(records) - 1]} together "
                         f"({len(records)} of {len(seeds)})")
                mean = (lambda key: sum(r[key] for r in records) / len(records))
                self._progress(f"{label} {which} epoch {epoch + 1}/{epochs}: lr {records[0]['lr']:.3g}, "
                               f"loss {mean('train_loss'):.4f}, {metric} {mean(metric):.4f}, "
                               f"case ETA {_duration(eta)}")
        return on_epoch

    def how(self):
        """How this session trained, for the table's provenance line."""
        o = self.options
        together = [b.name for b in benchmarks.all_benchmarks() if b.train_seeds is not None]
        parts = ["engine " + (f"auto (a case's seeds trained together where the model and fixed parameters allow: {', '.join(together)})" if o.stacks
                              else "keras (one seed at a time)")]
        if o.xla:
            parts.append("XLA on")
        if o.mixed_precision:
            parts.append("mixed_float16 on")
        if self.ray is not None:
            parts.append(f"each seed a task on {self.ray.where}")
        reused = sum(len(seeds) for seeds in self.resumed.values())
        if self.resumed:
            parts.append(f"resumed: {reused} run(s) recorded before in {self.results_dir}")
        return ", ".join(parts)

    def _ray(self):
        if self.ray is None:
            from bench.harness.ray_runner import RayRunner, RayUnavailable

            problem = None
            try:
                self.ray = RayRunner()
            except RayUnavailable as err:
                problem = str(err)
            if problem:
                pytest.fail(problem, pytrace=False)
        return self.ray

    def _check_resumable(self, benchmark, run):
        """A resumed run must be what this session would train: same epochs and engine."""
        epochs = benchmark.epochs(self.options)
        trained = len(run.history.get("train_loss", []))
        engine = run.environment.get("engine")
        want = "stacked" if benchmark.trains_together(run.schedule, self.options) else "keras"
        problems = []
        if trained != epochs:
            problems.append(f"it trained {trained} epochs, this session trains {epochs}")
        if engine is not None and engine != want:
            problems.append(f"its engine was {engine!r}, this session's is {want!r}")
        for key, on in (("xla", self.options.xla), ("mixed_precision", self.options.mixed_precision)):
            if bool(run.environment.get(key, False)) != on:
                problems.append(f"{key} was {'on' if run.environment.get(key) else 'off'} there")
        if problems:
            pytest.fail(f"{benchmark.name}/{run.protocol}/{run.schedule} seed {run.seed} in {self.results_dir} "
                        f"cannot be resumed: {'; '.join(problems)}. Resume with the options that folder was made "
                        "with, or start a new run without --bench-resume.", pytrace=False)


def read_runs(folder):
    """``{(benchmark, protocol, case): {seed: RunResult}}`` from a results folder (``results.runs``:
    results.jsonl and any worker files not yet merged, a line cut short by a kill skipped). A folder
    that does not exist or holds no results file is a ``pytest.UsageError`` (raised while the session
    is configured, before anything is collected)."""
    if not Path(folder).is_dir() or not results.files(folder):
        raise pytest.UsageError(f"--bench-resume={folder}: no results.jsonl there. Give the results folder of the "
                                "run to continue (the table's first line names it), or leave the option out.")
    return results.runs(folder)


def _duration(seconds):
    """``42 s``, ``3 min 5 s``, ``2 h 10 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


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


