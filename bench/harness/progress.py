"""What a session prints while it trains: one line per seed as it finishes, one per epoch while it runs.

Written past pytest's output capture to its terminal reporter: on a terminal an epoch line is
rewritten in place, in a log every 10th epoch (and the last) is kept. A pytest-xdist worker has
no terminal reporter, so it prints nothing. Nothing here measures or judges.
"""

import time


class Progress:
    """The progress lines of one pytest session (``config``)."""

    def __init__(self, config):
        self.config = config

    def line(self, text, final=False):
        """Print ``text``: rewritten in place on a terminal unless ``final``; a line of its own otherwise."""
        reporter = self.config.pluginmanager.getplugin("terminalreporter")
        capture = self.config.pluginmanager.getplugin("capturemanager")
        if reporter is None or capture is None:
            return
        with capture.global_and_fixture_disabled():
            if reporter.isatty() and not final:
                reporter.rewrite(text, erase=True)
            else:
                reporter.write_line(text)

    def case(self, label, seeds, epochs, resumed, where):
        """The progress of one case: ``CaseProgress``; says first how many seeds ``--bench-resume`` found."""
        if resumed:
            self.line(
                f"{label}: {resumed} of {len(seeds)} seeds already in {where} (--bench-resume); "
                f"training {len(seeds) - resumed}",
                final=True,
            )
        return CaseProgress(self, label, len(seeds), epochs, resumed)


class CaseProgress:
    """Progress of one case's seeds; ``total`` seeds of which ``resumed`` were trained before."""

    def __init__(self, progress, label, total, epochs, resumed):
        self.progress, self.label, self.total, self.epochs = progress, label, total, epochs
        self.finished = resumed
        self.start = time.perf_counter()
        self.epochs_done = 0
        self.epochs_todo = (total - resumed) * epochs

    def seed_done(self, run, headline):
        """One line per finished seed: its headline metric (``headline``, else its first) and train time."""
        self.finished += 1
        key = headline if headline in run.metrics else next(iter(run.metrics))
        together = run.environment.get("seeds_together", 1)
        took = (
            f"{run.environment['group_train_time_s']:.1f} s for {together} seeds together"
            if together > 1
            else f"{run.train_time_s:.1f} s"
        )
        self.progress.line(
            f"{self.label} seed {run.seed} ({self.finished}/{self.total} done): {key} {run.metrics[key]:.4f}, {took}",
            final=True,
        )

    def epoch_printer(self, seeds):
        """``on_epoch(first, epoch, records)`` for ``Benchmark.run`` training ``seeds``: which seeds (seed k,
        i of N; or seeds k..l, n of N, training together), epoch, rate, loss, metric (the mean over seeds
        training together) and the case's ETA (wall clock, from the epochs done so far). Every epoch on a
        terminal (rewritten in place), every 10th in a log."""
        reporter = self.progress.config.pluginmanager.getplugin("terminalreporter")  # None in xdist workers
        tty = reporter is not None and reporter.isatty()

        def on_epoch(first, epoch, records):
            self.epochs_done += len(records)
            if tty or (epoch + 1) % 10 == 0 or epoch + 1 == self.epochs:
                metric = next(k for k in records[0] if k.startswith("val_") and k != "val_loss")
                elapsed = time.perf_counter() - self.start
                eta = elapsed / self.epochs_done * (self.epochs_todo - self.epochs_done)
                which = (
                    f"seed {seeds[first]} ({first + 1} of {len(seeds)})"
                    if len(records) == 1
                    else f"seeds {seeds[first]}..{seeds[first + len(records) - 1]} together "
                    f"({len(records)} of {len(seeds)})"
                )
                mean = lambda key: sum(r[key] for r in records) / len(records)
                self.progress.line(
                    f"{self.label} {which} epoch {epoch + 1}/{self.epochs}: lr {records[0]['lr']:.3g}, "
                    f"loss {mean('train_loss'):.4f}, {metric} {mean(metric):.4f}, "
                    f"case ETA {duration(eta)}"
                )

        return on_epoch


def duration(seconds):
    """``42 s``, ``3 min 5 s``, ``2 h 10 min``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
