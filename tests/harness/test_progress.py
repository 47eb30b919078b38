"""bench/harness/progress.py: a line per finished seed, epoch lines with an ETA, durations people read."""

from bench.engine.records import RunResult
from bench.harness.progress import Progress, duration
from tests.harness.fakes import Reporter, config_with


def test_durations():
    assert [duration(s) for s in (0.4, 42, 185, 7800)] == ["0 s", "42 s", "3 min 5 s", "2 h 10 min"]


def _run(seed, together=1):
    env = {"seeds_together": together, "group_train_time_s": 6.0} if together > 1 else {}
    return RunResult("demo", "p", "c", seed, {"final_val_accuracy": 0.91}, {}, 1.25, 0.5, env)


def test_a_line_per_seed_counts_the_seeds_resumed_before():
    reporter = Reporter()
    case = Progress(config_with(reporter)).case("demo/p/c", [0, 1, 2], epochs=4, resumed=1, where="results/x")
    case.seed_done(_run(1), "final_val_accuracy")
    case.seed_done(_run(2, together=2), "final_val_accuracy")
    assert reporter.lines == [
        "demo/p/c: 1 of 3 seeds already in results/x (--bench-resume); training 2",
        "demo/p/c seed 1 (2/3 done): final_val_accuracy 0.9100, 1.2 s",
        "demo/p/c seed 2 (3/3 done): final_val_accuracy 0.9100, 6.0 s for 2 seeds together",
    ]


def test_epoch_lines_every_tenth_in_a_log_and_every_one_on_a_terminal():
    record = {"lr": 0.05, "train_loss": 0.5, "val_loss": 0.6, "val_accuracy": 0.8}
    log, terminal = Reporter(), Reporter(tty=True)
    for reporter in (log, terminal):
        case = Progress(config_with(reporter)).case("demo/p/c", [4, 5], epochs=20, resumed=0, where=None)
        on_epoch = case.epoch_printer([4, 5])
        for epoch in range(20):
            on_epoch(0, epoch, [record, record])  # both seeds together
    assert [line.split(":")[0] for line in log.lines] == [
        "demo/p/c seeds 4..5 together (2 of 2) epoch 10/20",
        "demo/p/c seeds 4..5 together (2 of 2) epoch 20/20",
    ]
    assert log.lines[-1].endswith("lr 0.05, loss 0.5000, val_accuracy 0.8000, case ETA 0 s")
    assert len(terminal.lines) == 20 and all(line.startswith("\r") for line in terminal.lines)


def test_nothing_is_printed_without_a_terminal_reporter(capsys):
    silent = Progress(config_with(None))  # an xdist worker has none
    silent.line("nobody sees this", final=True)
    case = silent.case("demo/p/c", [0], epochs=1, resumed=0, where=None)
    case.epoch_printer([0])(0, 0, [{"lr": 0.1, "train_loss": 0.5, "val_accuracy": 0.9}])
    case.seed_done(_run(0), "final_val_accuracy")
    assert capsys.readouterr() == ("", "") and case.finished == 1
