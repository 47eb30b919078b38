"""The end of a session, rendered: the comparison table in the terminal, and the report files asked for.

Reads a finished ``BenchSession``; measures and writes nothing else (the baselines are
``bench.harness.baseline_writer``'s). The rows follow the benchmarks' own order
(``case_order``), the metrics ``METRICS``' order, whichever xdist worker finished first.
"""

import textwrap
from pathlib import Path

from bench import benchmarks
from bench.benchmarks import regressions
from bench.engine.records import METRICS, CaseId
from bench.harness.session import quick_text
from bench.planning import ledger
from bench.report.tables import comparison_table, notes, render_json, render_markdown
from bench.statistics import gates
from bench.stores import baselines
from bench.stores.baselines import environment_label


def _position(sequence, item):
    """Sort key: an item's place in a declared sequence; unknown items after, by name."""
    sequence = list(sequence)
    return (sequence.index(item), "") if item in sequence else (len(sequence), str(item))


def case_order(benchmark, protocol, case):
    """Cases in the benchmarks' own order: benchmark, protocol, case as declared."""
    names = benchmarks.names()
    declared = benchmarks.get(benchmark) if benchmark in names else None
    return (
        _position(names, benchmark),
        _position(declared.protocols if declared else (), protocol),
        _position(declared.cases if declared else (), case),
    )


def table_order(verdict):
    """Rows by case (``case_order``), then metrics in ``METRICS`` order."""
    return (*case_order(verdict.benchmark, verdict.protocol, verdict.case), _position(METRICS, verdict.metric))


def seed_text(seeds_used):
    """``0..19`` for one range, else per benchmark: ``ionosphere 0..19, digits 0..9``."""
    ranges = {b: f"{s[0]}..{s[-1]}" for b, s in seeds_used.items()}
    if len(set(ranges.values())) == 1:
        return next(iter(ranges.values()))
    return ", ".join(f"{b} {r}" for b, r in ranges.items())


def write(bench_session, reporter, env, reports):
    """The session's section of the terminal summary (``reporter``: pytest's terminal reporter) and the
    report files in ``reports`` (``md``, ``json``, ``dir``: paths or None).

    The table comes last but for the lines that say which cases did not train, so that the end of a run is
    what it measured; every line is wrapped to the table's width."""
    if not bench_session.books.verdicts:
        _write_nothing_trained(bench_session, reporter)
        return
    bench_session.books.verdicts.sort(key=table_order)  # xdist workers finish in any order
    table = comparison_table(bench_session.books.verdicts)
    width = max(len(line) for line in table.splitlines())
    head = [
        f"measured here: {environment_label(env)}, seeds {seed_text(bench_session.books.seeds_used)} per case; "
        f"results in {bench_session.results_dir}"
    ]
    if env.get("injected"):
        regression = regressions.get(env["injected"])
        head.append(
            f"INJECTED regression {regression.name} ({regression.where}): {regression.what}. These "
            "verdicts measure the suite's power to see it, not the library."
        )
    head.append(f"how: {bench_session.how()}")
    if bench_session.quick:
        head.append(quick_text(bench_session.synthetic))
    head.extend(_write_reports(bench_session, env, reports))
    reporter.section("learning-rate schedule benchmarks")
    for line in [
        *head,
        *table.splitlines(),
        "",
        *notes(bench_session.books.verdicts),
        *_not_trained_lines(bench_session),
    ]:
        for part in wrapped(line, width):
            reporter.write_line(part)


def wrapped(line, width):
    """``line`` in pieces of at most ``width`` characters, broken at spaces; the pieces after the first indented."""
    if len(line) <= width:
        return [line]
    return textwrap.wrap(line, width, subsequent_indent="    ", break_on_hyphens=False, break_long_words=False) or [
        line
    ]


def _write_nothing_trained(bench_session, reporter):
    if not bench_session.selected or bench_session.plan_only:
        return
    failed = len(reporter.stats.get("failed", []))
    skipped = len(reporter.stats.get("skipped", []))
    reporter.write_line(
        f"no benchmark case trained: {len(bench_session.selected)} selected, {failed} failed before "
        f"training, {skipped} skipped" + ("; --bench-strict: this session fails" if bench_session.strict else "")
    )
    for line in _not_trained_lines(bench_session):
        reporter.write_line(line)


def _not_trained_lines(bench_session):
    """One line per selected case that did not train, and why; one per case judged on nothing
    because it has no baseline yet (not in a quick pass, which judges nothing)."""
    lines = [
        f"did not train: {CaseId(*case_id)}: {why}"
        for case_id, why in sorted(bench_session.books.not_trained.items(), key=lambda item: case_order(*item[0]))
    ]
    lines += [
        f"deferred: {case_id}: {why}"
        for case_id, why in sorted(bench_session.deferred.items(), key=lambda item: case_order(*item[0]))
    ]
    lines += _collecting_lines(bench_session)
    for name, protocol, case in [] if bench_session.quick else bench_session.selected:
        try:
            why = baselines.pending_reason(bench_session.baseline(name, missing_ok=True), protocol, case)
        except baselines.BaselineError:
            continue  # the case failed with that error, which the failure report shows
        if (
            why
            and (name, protocol, case) not in bench_session.books.not_trained
            and (name, protocol, case) not in (bench_session.collect)
        ):
            lines.append(f"no baseline yet: {CaseId(name, protocol, case)}: {why}")
    return lines


def _collecting_lines(bench_session):
    """One line per case that collected seeds for its baseline tonight, and, for each that now has enough, the
    one command that writes its entry."""
    from bench.stores import history_store  # SQLAlchemy: imported where a session has collected, not by the plugin

    lines = []
    urls = bench_session.history_urls()
    # from-history reads results/history.sqlite by default: name the store only where it is another
    history = urls[0] if urls and urls[0] != history_store.default_url("results") else None
    need = gates.MIN_BASELINE_SEEDS
    for case_id, have in sorted(bench_session.collected_now.items(), key=lambda item: case_order(*item[0])):
        if have >= need:
            command = baselines.from_history_command(case_id, history, bench_session.baseline_dir)
            lines.append(
                f"baseline ready: {case_id}: {have} seeds collected over this machine's nights; review them, then "
                f"write its entry with: {command}"
            )
        else:
            lines.append(
                f"collecting: {case_id}: {have} of {need} seeds for a baseline of its own (seeds from "
                f"{ledger.COLLECT_SEEDS.start} on, which no nightly judges); judged meanwhile on its published floor "
                "where it has one"
            )
    return lines


def _write_reports(bench_session, env, reports):
    """Write the report files asked for; a line naming each."""
    lines = []
    if reports.get("md"):
        Path(reports["md"]).write_text(render_markdown(bench_session.books.verdicts, [f"Measured: {env}"]))
        lines.append(f"Markdown report: {reports['md']}")
    if reports.get("json"):
        Path(reports["json"]).write_text(render_json(bench_session.books.verdicts, env))
        lines.append(f"JSON report: {reports['json']}")
    if reports.get("dir"):
        from bench.report import html as html_report

        ordered = {
            case: bench_session.books.histories[case]
            for case in sorted(bench_session.books.histories, key=lambda c: case_order(*c))
        }
        lines.append(f"HTML report: {html_report.write(reports['dir'], bench_session.books.verdicts, ordered, env)}")
    return lines
