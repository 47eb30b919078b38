"""Training benchmarks for learning-rate schedules, and the machinery that runs and reports them.

Packages, lowest first; a package imports only from those listed before it:

    schedules            (top level) the schedules: pure math and Keras adapters
    bench.engine         the training loop and the result record
    bench.data           vendored files and data-set loaders
    bench.benchmarks     one file per published experiment, each a declared ``Benchmark``
    bench.report         tables, plots and the HTML report, rendered from records
    bench.harness        the pytest plugin, the session, baselines and gates
    bench.tools          command-line programs (``python -m bench <tool>``)
"""
