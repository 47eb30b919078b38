"""This project's schedule (``warmup_exp``) and its benchmark (``breast_cancer``), guarded by the suite."""
