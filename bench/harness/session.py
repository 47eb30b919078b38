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
from bench.benchmarks.spec import QUICK
from bench.engine import fingerprint, rules
from bench.engine.records import METRICS, CaseId, environment, keras_backend, machine, summarize_runs
from bench.harness.books import Books
from bench.harness.progress import Progress
from bench.planning import ledger
from bench.planning import plan as planning
from bench.report.tables import duration_text, plan_table
from bench.statistics import gates, verdicts
from bench.statistics.verdicts import Verdict
from bench.stores import baselines, provenance, results, writers

BASELINE_SEEDS = 40  # seeds per case when --update-baselines is given without --bench-seeds
PROBE_SEED = 0  # the seed a night's probe trains (nothing it trains is recorded)


@dataclasses.dataclass(frozen=True)
class Target:
    """The case a step works on: its benchmark, its identity and the registry schedule it trains, looked up once."""

    benchmark: object  # a bench.benchmarks.Benchmark
    id: CaseId
    schedule: str

    @classmethod
    def of(cls, benchmark, protocol, case):
        return cls(benchmark, CaseId(benchmark.name, protocol, case), benchmark.case(case).schedule)


class BenchSession:
    """State of one pytest session's benchmark runs."""

    def __init__(self, config):
        self.config = config
        self.seeds_option = config.getoption("--bench-seeds")
        self.first_seed = config.getoption("--bench-first-seed")
        self.strict = config.getoption("--bench-strict")
        self.quick = config.getoption("--bench-quick")  # train every case a few steps, judge nothing
        self.synthetic = {}  # data option -> the synthetic folder a quick pass wrote where the data was absent
        self.selected = []  # (benchmark, protocol, case) of every accuracy test selected (set after collection)
        self.tests = 0  # gated tests of the selected cases that will be judged here: T of the per-test alpha
        self.options = RunOptions(
            cifar10=config.getoption("--bench-cifar10"),
            fashion_mnist=config.getoption("--bench-fashion-mnist"),
            allow_cpu=config.getoption("--bench-allow-cpu"),
            engine=config.getoption("--bench-engine"),
            xla=config.getoption("--bench-xla"),
            mixed_precision=config.getoption("--bench-mixed-precision"),
            regression=config.getoption("--bench-inject"),
            quick=self.quick,
        )
        self.require_data = config.getoption("--bench-require-data")
        self.tensorboard = config.getoption("--bench-tensorboard")
        self.update = config.getoption("--update-baselines")
        self.baseline_dir = Path(config.getoption("--bench-baselines"))
        self.results_root = Path(config.getoption("--bench-results"))
        worker = getattr(config, "workerinput", None)
        self.worker_id = worker["workerid"] if worker else None
        self.results_dir = Path(worker["bench_results_dir"]) if worker else None
        resume = config.getoption("--bench-resume")
        self.resumed = {}  # (benchmark, protocol, case) -> {seed: RunResult} from --bench-resume
        if resume:
            self.results_dir = Path(resume)
            self.resumed = read_runs(self.results_dir)
            if worker is None:
                results.end_with_newline(self.results_dir)
        self.use_ray = config.getoption("--bench-ray")
        self.ray = None  # the RayRunner, started by the first case that trains under --bench-ray
        self.books = Books()  # what was trained and judged, for the table and the baseline writer
        self.confirm = config.getoption("--bench-confirm-baselines")
        self._baselines = {}
        self.progress = Progress(config)
        self.history_writers = []  # a night of each --bench-history store (bench.stores.writers), by open_history
        self._history_opened = False
        self.night = worker["bench_night"] if worker else None  # the night's description (session.json)
        self.folder_writer = None  # the results folder's writer, made by the first record
        # -- the night's plan (docs/nightlies.md#a-nights-budget) and the baselines collected over nights
        budget_h = config.getoption("--bench-budget")
        self.budget_s = None if budget_h is None else budget_h * 3600
        self.plan_only = config.getoption("--bench-plan")  # print the plan, train nothing
        self.plan = None  # bench.planning.plan.Plan, made once the cases are collected (with a budget or --bench-plan)
        self.night_start = time.perf_counter()
        self.collect = {}  # CaseId -> seeds it collected on earlier nights, for a case without a measured baseline
        self.deferred = {}  # CaseId -> why it waits for a later night
        self.collected_now = {}  # CaseId -> seeds a collecting case has once it trained tonight
        self.done_times = []  # (estimated, measured) seconds of each case trained tonight
        self._machine = None
        self._plan_store = None  # the history store --bench-plan reads, opened once if it exists

    # -- measuring ------------------------------------------------------------------
    def seeds_for(self, benchmark):
        """The seeds each case of ``benchmark`` trains: ``--bench-first-seed`` on, as many as chosen."""
        n = self.seeds_option or (BASELINE_SEEDS if self.update else QUICK["seeds"] if self.quick else benchmark.seeds)
        return list(range(self.first_seed, self.first_seed + n))

    def seeds_for_case(self, target):
        """The seeds ``target``'s case trains tonight: a case collecting its baseline continues after the last seed
        it collected (``ledger.COLLECT_SEEDS``), as many as a night trains; any other, ``seeds_for``."""
        if target.id not in self.collect:
            return self.seeds_for(target.benchmark)
        have = self.collect[target.id]
        first = have[-1] + 1 if have else ledger.COLLECT_SEEDS.start
        return list(range(first, first + (self.seeds_option or target.benchmark.seeds)))

    def run_case(self, benchmark, protocol, case):
        """Train every seed of one case of ``benchmark`` (a ``Benchmark``) and judge it; ``(runs, verdicts)``.

        The steps: the case's baseline entries (a broken file fails it before anything trains), the
        seeds ``--bench-resume`` already holds, training the rest (each seed's record written as it
        finishes), judging, and keeping the books for the table and the baseline writer.
        """
        start = time.perf_counter()
        target = Target.of(benchmark, protocol, case)
        baseline, entries = self._baseline_entries(target)
        seeds = self.seeds_for_case(target)
        done = self._resumed_runs(target, seeds)
        trained = self._train(target, seeds, done)
        runs = [done[seed] if seed in done else trained[seed] for seed in seeds]
        verdicts = self._judge(target, runs, baseline, entries)
        self._collected(target, runs, verdicts)
        wall = time.perf_counter() - start
        self._keep(target, runs, verdicts, wall)
        estimated = None if self.plan is None else self.plan.row(target.id).entry.seconds
        self.done_times.append((estimated, wall))
        return runs, verdicts

    def _collected(self, target, runs, verdicts):
        """A collecting case: its verdicts without a baseline, and ``collected_now``, say how many seeds it has now
        (with ``MIN_BASELINE_SEEDS``, it is ready for ``python -m bench baselines from-history``)."""
        if target.id not in self.collect:
            return
        have = len(set(self.collect[target.id]) | {run.seed for run in runs})
        for v in verdicts:
            if v.baseline is None:
                v.collecting = [have, gates.MIN_BASELINE_SEEDS]
        self.collected_now[target.id] = have

    def _baseline_entries(self, target):
        """``(baseline document, the case's entries)``; --update-baselines may create the file or the entry."""
        problem = None
        missing_ok = self.update or self.quick or target.id in self.collect
        try:
            baseline = self.baseline(target.id.benchmark, missing_ok=missing_ok)
            entries = (
                {}
                if baseline is None
                else baselines.case_entries(
                    baseline,
                    target.id.protocol,
                    target.id.case,
                    self.baseline_dir,
                    missing_ok=missing_ok,
                )
            )
        except baselines.BaselineError as err:
            problem = str(err)
        if problem:  # failed outside the handler, so the message is printed once, without its context
            pytest.fail(problem, pytrace=False)
        return baseline, entries

    def _resumed_runs(self, target, seeds):
        """``{seed: RunResult}`` of the seeds ``--bench-resume`` already holds, each checked to be what
        this session would train."""
        done = {seed: run for seed, run in self.resumed.get(target.id, {}).items() if seed in seeds}
        for run in done.values():
            self._check_resumable(target.benchmark, run)
        return done

    def _train(self, target, seeds, done):
        """``{seed: RunResult}`` of the seeds not in ``done``: on Ray, or here (together where the
        benchmark can); each written to the results store as it finishes."""
        benchmark, protocol, case = target.benchmark, target.id.protocol, target.id.case
        todo = [seed for seed in seeds if seed not in done]
        shown = self.progress.case(str(target.id), seeds, benchmark.epochs(self.options), len(done), self.results_dir)

        def on_run(run):
            self._mark(run.environment)
            self._write_result(results.run_record(run))
            if self.tensorboard:
                from bench.report import tensorboard

                tensorboard.write_run(self.tensorboard, run)
            shown.seed_done(run, benchmark.metric)

        if not todo:
            return {}
        if self.use_ray:
            trained, failed = self._ray().run(benchmark, case, todo, protocol, self.options, on_run=on_run)
            if failed:
                seed, why = min(failed.items())
                self._write_failed(target, f"seed {seed}: {why}")
                pytest.fail(
                    f"{target.id}: {len(failed)} of {len(todo)} seed(s) failed on {self.ray.where}, each after "
                    "one retry:\n"
                    + "\n".join(f"  seed {seed}: {why}" for seed, why in sorted(failed.items()))
                    + f"\nThe other seeds' results are in {self.results_dir}; --bench-resume="
                    f"{self.results_dir} trains only what is missing.",
                    pytrace=False,
                )
            return trained
        try:
            return {
                run.seed: run
                for run in benchmark.run(
                    case, todo, protocol, options=self.options, on_epoch=shown.epoch_printer(todo), on_run=on_run
                )
            }
        except (rules.NonFiniteLoss, rules.WiringError) as err:
            self._write_failed(target, f"{type(err).__name__}: {err}")
            raise

    def _write_failed(self, target, why):
        """A ``failed`` record: the case's training stopped here, and why (``cross_version`` shows it)."""
        self._write_result(results.stopped_record("failed", target.id, target.schedule, why, self.environment()))

    def _judge(self, target, runs, baseline, entries):
        """One verdict per measured metric, each against its baseline entry at the session's alpha; in a quick
        pass, one ``quick`` verdict per metric: trained, not judged."""
        if self.quick:
            return [
                Verdict(
                    *target.id,
                    metric,
                    summary,
                    verdict="quick",
                    majority_rate=runs[0].majority_rate,
                    schedule=target.schedule,
                )
                for metric, summary in summarize_runs(runs).items()
            ]
        alpha = gates.alpha_for(self.tests or len(gates.gated_metrics(entries)))
        return verdicts.judge_case(
            target.id,
            runs,
            entries,
            alpha,
            baselines.seeds_of(baseline, target.id.protocol, target.id.case),
            schedule=target.schedule,
            reference_note=target.benchmark.reference_note,
        )

    def _keep(self, target, runs, verdicts, wall_s):
        """The case's summary record in the results store (with the wall time its seeds took, which the next
        night's plan estimates from), and the books the end of the session reads: verdicts, histories, per-seed
        values for --update-baselines, cases that --bench-confirm-baselines confirms."""
        seeds = [run.seed for run in runs]
        epochs = target.benchmark.epochs(self.options)
        self._write_result(
            results.summary_record(
                target.id, target.schedule, seeds, runs[0].environment, verdicts, wall_s=wall_s, epochs=epochs
            )
        )
        self.books.keep(target.id, runs, verdicts)

    def collected(self, cases):
        """The selected cases, once collected: the cases without a measured baseline that collect one over nights
        are found (``find_collections``); unless measuring baselines (or in an xdist worker), any other case that
        cannot be judged stops the session before anything trains; then the history store is opened for writing
        (not under --collect-only or --bench-plan); then, with a budget or --bench-plan, the night's plan
        (``make_plan``); then ``count_judged``, of tonight's cases only where there is a plan."""
        self.find_collections(cases)
        if not (self.update or self.quick or self.worker_id is not None):
            self.check_baselines([case for case in cases if case not in self.collect])
        if cases and not self.config.option.collectonly and not self.plan_only:
            self.open_history()
        if (self.budget_s is not None or self.plan_only) and cases and not self.quick:
            self.make_plan(cases)
        self.count_judged(cases, only=None if self.plan is None else set(self.plan.tonight()))

    # -- the night's plan and the baselines collected over nights ---------------------------------
    def machine_key(self):
        """This machine's key (``records.machine()``), asked once: what its nights in the history store share."""
        if self._machine is None:
            self._machine = machine()
        return self._machine

    def history_urls(self):
        """The history stores this session keeps its records in: ``--bench-history`` (default:
        ``<--bench-results>/history.sqlite``); none for ``off``."""
        from bench.stores import history_store

        urls = self.config.getoption("--bench-history") or [history_store.default_url(self.results_root)]
        return [] if "off" in urls else list(urls)

    def history_reader(self):
        """The history store the plan reads: the first --bench-history store this session writes, or, before it
        is opened for writing (and under --bench-plan, which writes nothing), that store if it exists; None
        without one. Reading never creates a store."""
        from bench.stores import history_store

        if self.history_writers:
            return self.history_writers[0].store
        urls = self.history_urls()
        if not urls:
            return None
        if self._plan_store is None:
            try:
                self._plan_store = history_store.open_if_exists(urls[0])
            except history_store.HistoryError as err:
                raise pytest.UsageError(f"--bench-history: {err}") from None
        return self._plan_store

    def find_collections(self, cases):
        """``collect``: every selected case of a benchmark with a baseline file but without a measured entry (no
        entry, a no-baseline-yet note or a published floor only), with the seeds it collected on earlier nights of
        this machine and training code; none while measuring baselines, in a quick pass or
        without a history store (then such a case is judged as before: new, and strict fails it)."""
        if self.update or self.quick or not self.history_urls():
            return
        store = self.history_reader()  # None: --bench-plan before the store's first night
        without = []  # the cases without a measured entry
        for case in cases:
            try:
                doc = self.baseline(case.benchmark, missing_ok=True)
            except baselines.BaselineError:
                continue  # a broken file: check_baselines reports it
            if doc is None:
                continue  # no file at all (a wrong --bench-baselines, say): check_baselines says what to do
            if not baselines.is_measured(doc["cases"].get(case.protocol, {}).get(case.case, {})):
                without.append(case)
        found = (
            {}
            if store is None
            else ledger.collected_seeds(
                store, without, self.machine_key(), fingerprint.training_code(project_packages())
            )
        )
        self.collect = {case: found.get(case, []) for case in without}

    def make_plan(self, cases):
        """The night's plan (``bench.planning.plan.make``) for the selected ``cases``, printed as a table before
        anything trains. Each case's estimate comes from this machine's last night that trained it, else from a
        probe at the start of the night (one per benchmark; not under --bench-plan, which trains nothing), else
        from the figure its benchmark declares (``Benchmark.cost``). The budget counts from here: start-up and
        collection before it train nothing."""
        self.night_start = time.perf_counter()
        store = self.history_reader()
        nights = [] if store is None else ledger.machine_nights(store, self.machine_key())
        pasts = {} if store is None else ledger.pasts(store, nights)
        probed = {}  # benchmark -> Estimate from its probe
        entries = []
        for case in cases:
            benchmark = benchmarks.get(case.benchmark)
            target = Target.of(benchmark, case.protocol, case.case)
            unmet = benchmark.unmet(self.options)
            past = pasts.get(case, ledger.Past())
            estimate = planning.UNKNOWN
            if past.seed_epoch_s is not None:
                estimate = planning.Estimate(past.seed_epoch_s, "history", past.seed_epoch_detail)
            elif unmet is None and not self.plan_only:
                if benchmark.name not in probed:
                    probed[benchmark.name] = self._probe(benchmark, case)
                estimate = probed[benchmark.name]
            if estimate.seed_epoch_s is None and benchmark.cost is not None:
                c = benchmark.cost
                estimate = planning.Estimate(
                    c.seed_epoch_s,
                    "declared",
                    f"declared: {c.seed_epoch_s:g} s per seed-epoch on {c.device} ({c.source})",
                )
            have = self.collect.get(case)
            entries.append(
                planning.Entry(
                    case,
                    len(self.seeds_for_case(target)),
                    benchmark.epochs(self.options),
                    estimate,
                    cannot=None if unmet is None else unmet[1],
                    waited=past.waited,
                    last_trained=past.last_trained,
                    collecting=None if have is None else (len(have), gates.MIN_BASELINE_SEEDS),
                )
            )
        self.plan = planning.make(entries, self.budget_s, len(nights))
        self._write_lines(
            "the night's plan" + (" (--bench-plan: nothing trains)" if self.plan_only else ""), plan_table(self.plan)
        )

    def _probe(self, benchmark, case):
        """A short timed run of ``case`` at the start of the night (two epochs, nothing recorded): the first epoch
        builds and traces, the second is one epoch's time; an ``Estimate`` of one seed-epoch at the night's epochs.
        A benchmark that trains a case's seeds together is probed with the night's seeds together (they cost about
        what one does); any other with one seed."""
        night_seeds = len(self.seeds_for_case(Target.of(benchmark, case.protocol, case.case)))
        seeds = (
            list(range(PROBE_SEED, PROBE_SEED + night_seeds))
            if benchmark.trains_together(case.case, self.options)
            else [PROBE_SEED]
        )
        stamps = []
        start = time.perf_counter()
        options = dataclasses.replace(self.options, epochs=2)
        try:
            benchmark.run(
                case.case, seeds, case.protocol, options=options, on_epoch=lambda *_: stamps.append(time.perf_counter())
            )
        except (rules.NonFiniteLoss, rules.WiringError) as err:
            return planning.Estimate(None, "unknown", f"its probe stopped: {type(err).__name__}")
        total = time.perf_counter() - start
        epoch = stamps[1] - stamps[0] if len(stamps) >= 2 else total / 2
        setup = max(0.0, total - 2 * epoch)
        epochs = benchmark.epochs(self.options)
        return planning.Estimate(
            (setup + epochs * epoch) / (epochs * len(seeds)),
            "probe",
            f"probe at the night's start: {case} {len(seeds)} seed(s) x 2 epochs, {total:.1f} s ({setup:.1f} s to "
            f"build and trace, {epoch:.2f} s an epoch)",
        )

    def _write_lines(self, title, text):
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        reporter.section(title)
        for line in text.splitlines():
            reporter.write_line(line)

    def check_plan(self, target):
        """Before a case trains under a plan: skip it when it waits for a later night, or when, as tonight's cases
        ran, it would now end past the budget; fail it instead under --bench-strict where it is past its due
        night or can never fit the budget. Either way the end of the session lists it."""
        if self.plan is None or self.quick:
            return
        row = self.plan.row(target.id)
        if row.decision == planning.TONIGHT:
            elapsed = time.perf_counter() - self.night_start
            factor = planning.correction(self.done_times)
            if planning.still_fits(row, elapsed, self.budget_s, factor):
                return
            overhead = max(0.0, elapsed - sum(measured for _, measured in self.done_times))
            row = self.plan.deferred(row.entry, factor, overhead)
            why = (
                f"deferred as the night ran: {duration_text(elapsed)} into the budget of "
                f"{duration_text(self.budget_s)} ({duration_text(overhead)} of it training no case), "
                f"its estimate {duration_text(row.entry.seconds)} x {factor:.2f} (tonight's cases against their "
                "estimates) would end past it"
            )
        else:
            why = {
                planning.DEFERRED: "deferred to a later night by the plan",
                planning.OVER_BUDGET: f"over budget: its estimate {duration_text(row.entry.seconds)} exceeds the "
                f"night's {duration_text(self.budget_s)}; raise --bench-budget or train fewer seeds (--bench-seeds)",
            }[row.decision]
        when = (
            "never trained on this machine"
            if row.entry.last_trained is None
            else f"last trained on the night of {row.entry.last_trained[:10]}"
        )
        if row.decision == planning.DEFERRED:
            why += f"; {when}; " + (f"due in {row.due_in} night(s)" if row.due_in > 0 else "past its due night")
        self.deferred[target.id] = why
        self._write_result(results.stopped_record("not_trained", target.id, target.schedule, why, self.environment()))
        if self.strict and (row.overdue or row.decision == planning.OVER_BUDGET):
            pytest.fail(
                f"{target.id}: {why} (--bench-strict: a case can never go untrained past its due night)", pytrace=False
            )
        pytest.skip(f"{target.id}: {why}")

    def check_baselines(self, cases):
        """``pytest.UsageError`` listing every case whose baseline file or entry is missing or broken."""
        problems = {}  # error message -> the cases it stops
        for name, protocol, case in cases:
            try:
                baselines.case_entries(self.baseline(name), protocol, case, self.baseline_dir)
            except baselines.BaselineError as err:
                problems.setdefault(str(err), []).append(str(CaseId(name, protocol, case)))
        if problems:
            count = sum(len(c) for c in problems.values())
            raise pytest.UsageError(
                f"{count} selected case(s) cannot be judged, so nothing was trained:\n"
                + "\n".join(f"- {', '.join(c)}: {message}" for message, c in problems.items())
                + "\nWhat to do: fix or restore the files named above (each line says how), or measure them "
                "(the command above), or deselect those cases with -k."
            )

    def count_judged(self, cases, only=None):
        """Set ``tests``, the T of the per-test alpha: the gated metrics (``gates.gated_metrics``) of each
        selected case that will train and be judged here. A case that cannot run here (no GPU, no data)
        or has no baseline yet is judged on nothing, so it does not tighten the others' gates.

        Under --bench-ray a requirement is the cluster's: every case counts (a stricter alpha, never a
        looser one)."""
        self.selected = list(cases)
        self.tests = 0
        if self.quick:
            return  # nothing is judged
        runs_here = {}  # benchmark -> whether its requirements are met here (checked once per benchmark)
        for name, protocol, case in cases if only is None else [c for c in cases if c in only]:
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
        if not self.strict or self.update or self.quick or any(v.gated for v in verdicts):
            return []
        if verdicts and CaseId.of(verdicts[0]) in self.collect:
            return []  # collecting its baseline, and it trained tonight
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

    def environment(self):
        """This process's environment (``records.environment``), marked ``injected`` under --bench-inject and
        ``quick`` under --bench-quick."""
        return self._mark(environment())

    def _mark(self, env):
        """``env`` (changed in place) with ``injected``: the regression --bench-inject trains with, if any, and
        ``quick``: True in a quick pass, whose numbers measure nothing."""
        if self.options.regression:
            env["injected"] = self.options.regression
        if self.quick:
            env["quick"] = True
        return env

    def check_requirements(self, benchmark, protocol, case):
        """Skip a case that cannot run here; fail it instead under --bench-strict (any reason) or
        --bench-require-data (absent data). Either way the table's summary says why it did not train.

        A quick pass trains on the CPU, and on synthetic files in the data's own format where the data is
        absent (``_synthesize``), unless --bench-require-data asks for the real files."""
        if self.quick and not self.use_ray and not self.require_data:
            self._synthesize(benchmark)
        missing = self._ray().unmet(benchmark, self.options) if self.use_ray else benchmark.unmet(self.options)
        if missing:
            kind, reason = missing
            target = Target.of(benchmark, protocol, case)
            self.books.not_trained[target.id] = reason
            self._write_result(
                results.stopped_record("not_trained", target.id, target.schedule, reason, self.environment())
            )
            if kind == "gpu":
                reason += " Pass --bench-allow-cpu to run it on the CPU anyway."
            if self.strict:
                pytest.fail(
                    f"{benchmark.name}: did not train: {reason} (--bench-strict: a case that does not "
                    "train fails the nightly)",
                    pytrace=False,
                )
            if kind == "data" and self.require_data:
                pytest.fail(
                    f"{benchmark.name}: {reason} (--bench-require-data turns this skip into a failure)", pytrace=False
                )
            pytest.skip(f"{benchmark.name}: {reason}")
        self.check_plan(Target.of(benchmark, protocol, case))

    def _synthesize(self, benchmark):
        """Where ``benchmark`` reads a data set that is not on this machine, write a synthetic one in its
        on-disk format (``bench.data.synthetic``) under the results folder, once per session, and read that."""
        from bench.data import synthetic

        option = benchmark.data_option
        if option is None or option in self.synthetic or benchmark.unmet(self.options) is None:
            return
        kind, _ = benchmark.unmet(self.options)
        if kind != "data":
            return
        folder = synthetic.write_once(option, self.ensure_results_dir() / "synthetic-data" / option)
        self.synthetic[option] = folder
        self.options = dataclasses.replace(self.options, **{option: str(folder)})

    # -- pytest-xdist: the controller merges the workers' files (their books: plugin, Books.absorb) --------
    def merge_worker_results(self):
        """Append the workers' results files to the session's results.jsonl (``results.merge_workers``).

        The controller names the folder when workers start and the first record makes it; if none of them
        wrote one, there is no folder, and the session says so (``results_dir`` None).
        """
        if not self.results_dir.exists():
            self.results_dir = None
        else:
            results.merge_workers(self.results_dir)

    def finish(self):
        """The controller's end of the session: merge the workers' results files, stop Ray. Returns False
        when the session must fail although no test did: --bench-strict and not one selected case trained."""
        if self.results_dir is not None:
            self.merge_worker_results()
        if self.ray is not None:
            self.ray.shutdown()
        for writer in self.history_writers:
            writer.close()
        if self._plan_store is not None:
            self._plan_store.close()
        return self.plan_only or not (self.strict and self.selected and self.books.trained == 0)

    def failures(self, verdicts):
        """Failed gates; none while updating baselines (the table still shows them) or in a quick pass."""
        if self.update or self.quick:
            return []
        return [v for v in verdicts if v.verdict in ("FAIL", "CHANGED")] + self.strict_failures(verdicts)

    # -- output -------------------------------------------------------------------------
    def reserve_results_dir(self):
        """The session's results folder, named (no folder under ``--bench-results`` has the name) but not made:
        the first record makes it, so that a session which writes nothing (the fast tier under xdist, whose
        controller names the folder for its workers) leaves nothing behind."""
        if self.results_dir is None:
            self.results_dir = _free_dir_name(self.results_root, f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        return self.results_dir

    def ensure_results_dir(self):
        """The session's results folder, made where it is not yet."""
        folder = self.reserve_results_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _write_result(self, record):
        """One record into the results folder and every history store, under the night ``session.json`` describes."""
        if self.folder_writer is None:
            self.open_history()  # opened when the cases were collected, or now: the first record of a session
            night = self.night_description()
            folder = self.ensure_results_dir()
            provenance.write_session_file(folder, night)  # session.json, with the folder, before its first record
            self.folder_writer = writers.FolderWriter(folder, self.worker_id)
        for writer in (self.folder_writer, *self.history_writers):
            writer.write(record)

    # -- the history store ------------------------------------------------------------------
    def open_history(self):
        """Open every ``--bench-history`` store (default: ``<--bench-results>/history.sqlite``; ``off``:
        none), migrated, before anything trains, as a writer of this session's night (described at its
        first record); a ``pytest.UsageError`` saying what to do when one cannot be used."""
        from bench.stores import history_store

        if self._history_opened:
            return
        self._history_opened = True
        for url in self.history_urls():
            try:
                self.history_writers.append(writers.NightWriter(history_store.open_store(url), self.night_description))
            except history_store.HistoryError as err:
                raise pytest.UsageError(f"--bench-history: {err}") from None

    def night_description(self):
        """The night this session's records belong to: the one its results folder names (``session.json``,
        written with the folder's first record; a resumed folder keeps its night), or a new one. Under xdist
        the controller describes it before its workers start, and each worker writes under it."""
        if self.night is None:
            folder = self.reserve_results_dir()
            self.night = provenance.read_session_file(folder)
            if self.night is None:
                key = f"folder:{folder.name}" if self.resumed else None  # an old folder: as an import keys it
                self.night = provenance.night_info(
                    self.config.rootpath, self.environment(), self.options_record(), folder, key=key
                )
        return self.night

    def options_record(self):
        """The options a night ran with, for the history store."""
        o = self.options
        return {
            "seeds": self.seeds_option,
            "first_seed": self.first_seed,
            "strict": self.strict,
            "quick": self.quick,
            "engine": o.engine,
            "xla": o.xla,
            "mixed_precision": o.mixed_precision,
            "injected": o.regression,
            "ray": self.use_ray,
            "update_baselines": self.update,
            "bench_case": self.config.getoption("--bench-case"),
            "budget_h": self.config.getoption("--bench-budget"),
            "machine": self.machine_key(),
            "training_code": fingerprint.training_code(project_packages()),
            "args": list(self.config.invocation_params.args),
        }

    def how(self):
        """How this session trained, for the table's provenance line."""
        backend = keras_backend()  # not Keras itself: under --bench-ray this process trains nothing
        o = self.options
        together = sorted(self.books.stacked)  # every worker's, under xdist: the books travel to the controller
        if backend != "tensorflow":
            parts = [f"engine keras-train-step (Keras' own train step on its {backend} backend, one seed at a time)"]
        elif o.stacks:
            parts = [
                "engine auto (a case's seeds trained together where the model and fixed parameters allow: "
                + (", ".join(together) if together else "no case here")
                + ")"
            ]
        else:
            parts = ["engine keras (one seed at a time)"]
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
        want = benchmark.way(run.case, self.options).engine
        problems = []
        if trained != epochs:
            problems.append(f"it trained {trained} epochs, this session trains {epochs}")
        if engine is not None and want != "its own" and engine != want:
            problems.append(f"its engine was {engine!r}, this session's is {want!r}")
        for key, on in (("xla", self.options.xla), ("mixed_precision", self.options.mixed_precision)):
            if bool(run.environment.get(key, False)) != on:
                problems.append(f"{key} was {'on' if run.environment.get(key) else 'off'} there")
        if run.environment.get("injected") != self.options.regression:
            problems.append(
                f"it was trained with injected={run.environment.get('injected')}, this session "
                f"with injected={self.options.regression}"
            )
        if problems:
            pytest.fail(
                f"{run.case_id} seed {run.seed} in {self.results_dir} "
                f"cannot be resumed: {'; '.join(problems)}. Resume with the options that folder was made "
                "with, or start a new run without --bench-resume.",
                pytrace=False,
            )


def quick_text(synthetic):
    """What a quick pass trained, for the table's provenance line; ``synthetic``: option -> folder written."""
    data = "; ".join(f"{option} synthetic ({folder})" for option, folder in sorted(synthetic.items()))
    return (
        f"QUICK PASS (--bench-quick): {QUICK['seeds']} seed, {QUICK['epochs']} epochs of at most "
        f"{QUICK['batches']} batches of {QUICK['batch_size']} rows and {QUICK['validation_rows']} validation rows "
        f"per case, GPU cases on the CPU, the smaller models benchmarks declare for it; nothing judged"
        + (f"; {data}" if data else "")
    )


def read_runs(folder):
    """``{CaseId: {seed: RunResult}}`` from a results folder (``results.runs``:
    results.jsonl and any worker files not yet merged, a line cut short by a kill skipped). A folder
    that does not exist or holds no results file is a ``pytest.UsageError`` (raised while the session
    is configured, before anything is collected)."""
    if not Path(folder).is_dir() or not results.files(folder):
        raise pytest.UsageError(
            f"--bench-resume={folder}: no results.jsonl there. Give the results folder of the "
            "run to continue (the table's first line names it), or leave the option out."
        )
    return results.runs(folder)


def _free_dir_name(root, name):
    """A folder under ``root`` that does not exist: ``name``, else ``name-2``, ``name-3`` ..."""
    for attempt in range(1, 1000):
        path = Path(root) / (name if attempt == 1 else f"{name}-{attempt}")
        if not path.exists():
            return path
    raise RuntimeError(f"Could not find a free results folder name under {root}")


def project_packages():
    """The top packages of a project's own benchmark modules (``bench.stores.project``), whose code decides
    how its cases train as the suite's does; none for the suite's own."""
    from bench.stores import project

    found = project.current()
    return () if found.own else tuple(dict.fromkeys(m.partition(".")[0] for m in found.benchmarks))
