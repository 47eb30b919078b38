"""Training benchmarks for learning-rate schedules, and the machinery that runs and reports them.

Packages, lowest first; a package imports only from packages of a lower rank
(``tests/test_architecture.py``):

    schedules            (top level) the schedules: pure math and Keras adapters
    bench.engine         the training loop and the result record
    bench.data           vendored files and data-set loaders
    bench.report         tables, plots and the HTML report, rendered from records
    bench.stores         where records are kept: baseline files, results folders, the history store
    bench.benchmarks     one file per published experiment, each a declared ``Benchmark``
    bench.statistics     the gates, the version matrix's rule, change points and calibration's figures
    bench.planning       a night's plan under a budget, and the seeds a case collects for its baseline
    bench.harness        the pytest glue: plugin, session, progress, the closing table, baseline writes
    bench.tools          the commands (``python -m bench <command> [<verb>]``)
    bench.dev            the contributors' tools (``python -m bench.dev``): the docs' generated parts, the
                         suite's own speed

``bench.api`` holds the public declarations a project of its own writes its benchmarks with
(docs/your-project.md); the suite's own benchmarks use the same ones.

Packages on one line of ``tests/test_architecture.py``'s ranks (engine and data; report and stores;
benchmarks, statistics and planning; dev and bench's own ``__main__``) do not import each other.
"""
