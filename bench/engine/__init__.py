"""How one seed trains: the compiled loop (``loop``) and the plain record it returns (``records``).

Uses ``schedules`` only; the benchmarks build on it.
"""
