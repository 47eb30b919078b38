"""``python -m bench.dev docs [--check]``: the parts of the docs that are written from the code.

A generated region of a page sits between ``<!-- generated: NAME (python -m bench.dev docs) -->`` and
``<!-- end: NAME -->``; everything else on the page is written by hand. ``docs`` rewrites every region from
today's registry and declarations; ``--check`` changes nothing and exits 1 naming each region that is out of
date (``tests/test_docs.py`` runs it, so a new schedule or case that changes a figure fails the fast tier
until the command is run and the pages are committed).

Regions:

- ``schedule-reference`` (docs/schedules.md): one section per registered schedule, from its class: what
  ``t`` counts, the docstring (formula, arguments, doctest) and a table of its arguments with their
  accepted ranges, defaults and the example its tests use.
- ``benchmarks`` (docs/nightlies.md): every registered benchmark, its source, cases, device, seeds a night and
  epochs, and what its baseline file holds for each protocol (seeds, date and machine of a measured baseline,
  the published floors, the cases with none yet): the one place those figures are stated.
- ``gpu-costs`` (docs/nightlies.md): each GPU benchmark's cases, seeds, epochs and a case's time at the
  suite's goal of 10 s per ResNet epoch and at source A's measured 171 s, the others scaled by their
  declared cost; and the rotation periods under the GPU workflow's budget, as ``bench.planning.plan.period``
  finds them.
"""

import inspect
import re
from pathlib import Path

from bench.tools import cli

ROOT = Path(__file__).resolve().parents[2]
START = "<!-- generated: {name} (python -m bench.dev docs) -->"
END = "<!-- end: {name} -->"

GOAL_S = 10.0  # the suite's goal for one ResNet epoch on one GPU, seconds (docs/nightlies.md)
SOURCE_A_S = 171.0  # source A's measured seconds per ResNet epoch on its GPU (docs/reference.md)
WORKFLOW_BUDGET_H = 10  # .github/workflows/nightly.yml's --bench-budget


def _default(cls, arg):
    default = inspect.signature(cls.__init__).parameters[arg].default
    if default is inspect.Parameter.empty:
        return "required"
    meaning = getattr(cls.params[arg], "meaning", None)
    return f"`{meaning}`" if default is None and meaning else f"`{default!r}`"


def schedule_section(name):
    """The reference section of the registered schedule ``name``."""
    import schedules

    cls = schedules.declared(name)
    path = Path(inspect.getfile(cls)).resolve().relative_to(ROOT).as_posix()
    rows = [
        f"| `{arg}` | {rng.requirement} | {_default(cls, arg)} | "
        f"{'`' + repr(cls.example[arg]) + '`' if arg in cls.example else ''} |"
        for arg, rng in cls.params.items()
    ]
    return "\n".join(
        [
            f"### `{name}`",
            "",
            f"Counts **{cls.unit}s** from 0. Class `{cls.__module__}.{cls.__name__}` (`{path}`).",
            "",
            "```text",
            inspect.getdoc(cls),
            "```",
            "",
            "| argument | accepted | default | example |",
            "|---|---|---|---|",
            *rows,
        ]
    )


def schedule_reference():
    import schedules

    return "\n\n".join(schedule_section(name) for name in schedules.available())


def case_seconds(benchmark, resnet_epoch_s, seeds=None):
    """One case's training time, seconds, when a ResNet epoch takes ``resnet_epoch_s``: the benchmark's declared
    cost per seed-epoch scaled by the ResNet's."""
    from bench import benchmarks

    resnet = benchmarks.get("cifar10_resnet").cost.seed_epoch_s
    seeds = benchmark.seeds if seeds is None else seeds
    return seeds * benchmark.config["epochs"] * benchmark.cost.seed_epoch_s * resnet_epoch_s / resnet


def gpu_costs():
    from bench import benchmarks
    from bench.planning import plan
    from bench.report.tables import duration_text

    gpu = [b for b in benchmarks.all_benchmarks() if b.needs_gpu]
    resnet = benchmarks.get("cifar10_resnet")
    budget = WORKFLOW_BUDGET_H * 3600

    def night(goal, resnet_seeds=None):
        out = []
        for b in gpu:
            seeds = resnet_seeds if b is resnet and resnet_seeds else None
            out += [case_seconds(b, goal, seeds)] * len(b.cases)
        return out

    rows = [
        f"| `{b.name}` | {len(b.cases)} | {b.seeds} | {b.config['epochs']} | "
        f"{duration_text(case_seconds(b, GOAL_S))} | {duration_text(case_seconds(b, SOURCE_A_S))} |"
        for b in gpu
    ]
    at_goal, at_a, at_a_2 = night(GOAL_S), night(SOURCE_A_S), night(SOURCE_A_S, resnet_seeds=2)
    goal_period = plan.period(at_goal, budget)
    over = [s for s in at_a if s > budget]
    one_resnet = case_seconds(resnet, SOURCE_A_S)
    a_sentence = (
        f"one ResNet case of {resnet.seeds} seeds ({duration_text(one_resnet)}) is over any night's budget: the plan "
        f"says so and strict fails it ({len(over)} cases over). With `--bench-seeds=2` a ResNet case is "
        f"{duration_text(case_seconds(resnet, SOURCE_A_S, 2))} and the {len(at_a_2)} cases "
        f"{sum(at_a_2) / 3600:.0f} h: a rotation of **{plan.period(at_a_2, budget)} nights**."
        if over
        else f"the {len(at_a)} cases take {sum(at_a) / 3600:.1f} h: a rotation of "
        f"**{plan.period(at_a, budget)} nights**."
    )
    # a case collects its baseline's seeds at `seeds` per night that trains it, one night in `goal_period`
    from bench.statistics.gates import MIN_BASELINE_SEEDS

    collect = -(-MIN_BASELINE_SEEDS // resnet.seeds) * goal_period
    return "\n".join(
        [
            "| benchmark | cases | seeds per case | epochs | per case at 10 s per ResNet epoch | per case at 171 s |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"Under the workflow's {WORKFLOW_BUDGET_H}-hour budget:",
            "",
            f"- at the suite's goal of **10 s per ResNet epoch** the {len(at_goal)} GPU cases take "
            f"{sum(at_goal) / 3600:.1f} h: a rotation of **{goal_period} night{'s' if goal_period > 1 else ''}**; "
            f"a ResNet case collects its {MIN_BASELINE_SEEDS} baseline seeds ([below](#baselines-from-nights)) "
            f"in {collect} nights;",
            f"- at source A's **171 s per epoch** {a_sentence}",
        ]
    )


def _seed_ranges(seeds):
    """``[1000, 1001, ..., 1039, 5000]`` as ``1000..1039, 5000``."""
    runs, out = [], []
    for s in seeds:
        if runs and s == runs[-1][1] + 1:
            runs[-1][1] = s
        else:
            runs.append([s, s])
    for a, b in runs:
        out.append(str(a) if a == b else f"{a}..{b}")
    return ", ".join(out)


def _baseline_cell(benchmark, doc, protocol):
    """What ``baselines/<benchmark>.json`` holds for ``protocol``'s cases, in words."""
    from bench.stores import baselines

    measured, floors, none = {}, [], []
    for case in benchmark.cases:
        entries = (doc or {}).get("cases", {}).get(protocol, {}).get(case, {})
        head = entries.get(benchmark.metric, {})
        if baselines.is_measured(entries):
            prov = head.get("provenance", {})
            key = (head.get("n"), _seed_ranges(baselines.seeds_of(doc, protocol, case)), prov.get("date", "")[:10])
            key += (prov.get("device", ""), f"TF {prov.get('tensorflow')} / Keras {prov.get('keras')}")
            measured.setdefault(key, []).append(case)
        elif "threshold" in head:
            floors.append(f"{case} {'>=' if head.get('better') == 'higher' else '<='} {head['threshold']:g}")
        else:
            none.append(case)
    parts = [
        f"measured on {n} seeds ({seeds}), {date}, {device}, {versions}"
        + ("" if len(cases) == len(benchmark.cases) else f": {', '.join(cases)}")
        for (n, seeds, date, device, versions), cases in measured.items()
    ]
    if floors:
        parts.append("published floors " + ", ".join(floors))
    if none:
        parts.append(f"no baseline yet: {', '.join(none)}")
    return f"`{protocol}`: " + "; ".join(parts)


def benchmarks_table():
    from bench import benchmarks
    from bench.stores import baselines

    rows = []
    for b in benchmarks.all_benchmarks():
        doc = baselines.load(b.name)
        cells = "<br>".join(_baseline_cell(b, doc, protocol) for protocol in b.protocols)
        source = "this suite" if b.source.startswith("none") else b.source.split(":")[0]
        rows.append(
            f"| `{b.name}` | {source} | {len(b.cases)}: {', '.join(b.cases)} | "
            f"{'GPU' if b.needs_gpu else 'CPU'} | {b.seeds} | {b.config['epochs']} | {cells} |"
        )
    return "\n".join(
        [
            "| benchmark (`bench/benchmarks/`) | source | cases (registry names) | device | seeds a night | epochs | "
            "baseline (`baselines/<benchmark>.json`) |",
            "|---|---|---|---|---|---|---|",
            *rows,
        ]
    )


REGIONS = {
    "schedule-reference": ("docs/schedules.md", schedule_reference),
    "gpu-costs": ("docs/nightlies.md", gpu_costs),
    "benchmarks": ("docs/nightlies.md", benchmarks_table),
}


def _span(text, name, page):
    start, end = START.format(name=name), END.format(name=name)
    found = re.search(re.escape(start) + r"\n(.*?)" + re.escape(end), text, re.S)
    if found is None:
        raise SystemExit(f"{page} has no region {start} ... {end}: put both markers back where the region goes")
    return found


def regions(root=ROOT):
    """``{name: (page, text on the page, text generated now)}`` for every region."""
    out = {}
    for name, (page, make) in REGIONS.items():
        found = _span((root / page).read_text(), name, page)
        out[name] = (page, found.group(1), make() + "\n")
    return out


def write(root=ROOT):
    """Rewrite every out-of-date region; returns the pages changed."""
    changed = []
    for name, (page, now, wanted) in regions(root).items():
        if now == wanted:
            continue
        path = root / page
        text = path.read_text()
        found = _span(text, name, page)
        path.write_text(text[: found.start(1)] + wanted + text[found.end(1) :])
        changed += [page] if page not in changed else []
    return changed


def stale(root=ROOT):
    """``[(page, name)]`` of the regions that differ from what the code generates now."""
    return [(page, name) for name, (page, now, wanted) in regions(root).items() if now != wanted]


def main(argv=None):
    p = cli.parser("docs", __doc__.split("\n\n")[0], prog=cli.DEV_PROG)
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 naming each out-of-date region")
    args = p.parse_args(argv)
    if args.check:
        out = stale()
        for page, name in out:
            print(f"{page}: region {name} is out of date; run python -m bench.dev docs and commit the page")
        return 1 if out else 0
    for page in write():
        print(f"rewrote {page}")
    return 0
