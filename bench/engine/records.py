"""Plain result records: what one training run measured, and summaries over seeds.

The engines and benchmarks fill them; the results store (``bench/stores/results.py``) writes and
reads them, the gates (``bench/statistics/gates.py``) judge their summaries against the baselines
(``bench/stores/baselines.py``), and ``bench/report/`` renders them. Nothing here trains or prints.
"""

import dataclasses
import datetime
import importlib.metadata
import os
import platform
import statistics
import sys
import typing


class CaseId(typing.NamedTuple):
    """Which case a record, verdict or selection is about: a benchmark, one of its protocols, one of its cases.

    A named tuple: equal to, and the same dictionary key as, the plain ``(benchmark, protocol, case)``.

    Its one text form is ``BENCHMARK/PROTOCOL/CASE`` (``str``), read back by ``parse``; a selection
    (``--bench-case``) is that form or a prefix of whole parts, matched by ``selected_by``. Whether the
    names are declared is the registry's question (``bench.benchmarks.selection``), not this value's.
    """

    benchmark: str
    protocol: str
    case: str

    SEPARATOR = "/"

    def __str__(self):
        return self.SEPARATOR.join((self.benchmark, self.protocol, self.case))

    @classmethod
    def parse(cls, text):
        """The ``CaseId`` written ``BENCHMARK/PROTOCOL/CASE``; ``ValueError`` for any other shape."""
        parts = str(text).split(cls.SEPARATOR)
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{text!r} is not BENCHMARK/PROTOCOL/CASE (e.g. cifar10_resnet/published/cosine)")
        return cls(*parts)

    @classmethod
    def of(cls, item):
        """The identity a record carries: a mapping or an object with ``benchmark``, ``protocol``, ``case``."""
        if isinstance(item, dict):
            return cls(item["benchmark"], item["protocol"], item["case"])
        return cls(item.benchmark, item.protocol, item.case)

    @classmethod
    def selection(cls, benchmark, protocol=None, case=None):
        """The ``--bench-case`` text that selects a benchmark, a protocol of it, or one case."""
        return cls.SEPARATOR.join(part for part in (benchmark, protocol, case) if part)

    def selected_by(self, selections):
        """Whether any of ``selections`` (``BENCHMARK[/PROTOCOL[/CASE]]`` texts; none: all) names this case
        or a benchmark or protocol it belongs to (whole parts only: ``digits/pub`` selects nothing)."""
        key = str(self)
        return not selections or any(key == s or key.startswith(s + self.SEPARATOR) for s in selections)


@dataclasses.dataclass(frozen=True)
class Metric:
    """A number measured per run: its unit, which direction is better, and what the gates ask of it.

    ``question``: "worse" (the headline: one-sided, fails when it gets worse), "changed"
    (the training trajectory: two-sided, fails when it moves either way) or "info" (shown,
    never gated). ``min_margin``: the smallest distance from the baseline mean a "worse"
    gate ever flags, in ``unit``.
    """

    name: str
    unit: str
    better: str  # "higher" or "lower"
    question: str
    min_margin: float
    description: str


METRICS = {
    m.name: m
    for m in (
        Metric("final_val_accuracy", "fraction", "higher", "worse", 0.005, "validation accuracy after the last epoch"),
        Metric(
            "final_val_rmse",
            "k$",
            "lower",
            "worse",
            0.05,
            "root mean squared error on the validation set after the last epoch (regression)",
        ),
        # The trajectory: on a saturated task (ionosphere: 0.98 of 116 rows) accuracy does not move
        # when a schedule changes, while the training loss does, in either direction.
        Metric(
            "final_train_loss",
            "loss",
            "lower",
            "changed",
            0.0,
            "mean training loss over the last epoch (regularisation included)",
        ),
        Metric(
            "mean_train_loss",
            "loss",
            "lower",
            "changed",
            0.0,
            "training loss averaged over all epochs: the whole trajectory, not only its end",
        ),
        Metric("best_val_accuracy", "fraction", "higher", "info", 0.0, "highest validation accuracy over all epochs"),
        Metric(
            "epochs_to_target",
            "epochs",
            "lower",
            "info",
            0.0,
            "first epoch (1-based) whose validation accuracy reaches the target; epochs + 1 if never",
        ),
        Metric("final_val_loss", "loss", "lower", "info", 0.0, "validation loss after the last epoch"),
        Metric("best_val_rmse", "k$", "lower", "info", 0.0, "lowest validation RMSE over all epochs (regression)"),
    )
}


@dataclasses.dataclass
class RunResult:
    """One seed of one benchmark / protocol / case."""

    benchmark: str
    protocol: str
    case: str
    seed: int
    metrics: dict
    history: dict
    train_time_s: float
    majority_rate: float  # accuracy of always predicting the validation set's majority class
    environment: dict

    @property
    def case_id(self):
        return CaseId.of(self)

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, record):
        """The run ``to_dict`` wrote (a results.jsonl line; keys that are no field, ``kind`` and ``format``,
        ignored)."""
        return cls(**{f.name: record[f.name] for f in dataclasses.fields(cls)})


def metrics_from_history(history, target_accuracy):
    """The per-run metrics of ``METRICS`` from a per-epoch history (see ``bench.engine.loop``)."""
    acc = history["val_accuracy"]
    reached = [i + 1 for i, a in enumerate(acc) if a >= target_accuracy]
    return {
        "final_val_accuracy": acc[-1],
        "best_val_accuracy": max(acc),
        "epochs_to_target": float(reached[0] if reached else len(acc) + 1),
        "final_train_loss": history["train_loss"][-1],
        "mean_train_loss": statistics.fmean(history["train_loss"]),
        "final_val_loss": history["val_loss"][-1],
    }


def summarize(values):
    """n, mean, std (sample, ddof=1; 0 for n=1), min and max of a list of numbers."""
    values = [float(v) for v in values]
    if not values:
        raise ValueError("summarize() needs at least one value")
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }


def regression_metrics_from_history(history):
    """Per-run metrics of a regression run whose loss is the mean squared error."""
    return {
        "final_val_rmse": history["val_loss"][-1] ** 0.5,
        "best_val_rmse": min(history["val_loss"]) ** 0.5,
        "final_train_loss": history["train_loss"][-1],
        "mean_train_loss": statistics.fmean(history["train_loss"]),
        "final_val_loss": history["val_loss"][-1],
    }


def summarize_runs(runs):
    """``{metric: summary}`` over the seeds in ``runs`` (one case), for the metrics they report."""
    return {name: summarize([r.metrics[name] for r in runs]) for name in METRICS if name in runs[0].metrics}


def per_seed(runs):
    """``{metric: [value per seed]}``, in the order of ``runs``: what a baseline stores."""
    return {name: [float(r.metrics[name]) for r in runs] for name in METRICS if name in runs[0].metrics}


def environment():
    """Versions and device of this process, for provenance.

    Versions come from package metadata, so nothing is imported for them; the GPU is
    asked of TensorFlow only when this process has loaded it (it trained here).
    """
    env = {
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    for key, dist in (("keras", "keras"), ("tensorflow", "tensorflow-cpu"), ("tensorflow", "tensorflow")):
        try:
            env.setdefault(key, importlib.metadata.version(dist))
        except importlib.metadata.PackageNotFoundError:
            pass
    keras_module = sys.modules.get("schedules.backend")
    if keras_module is not None:
        env["keras"] = keras_module.VERSION
    if "keras" in env:
        env["keras_backend"] = keras_backend()
    for backend in ("jax", "torch"):  # the backend's own version, where Keras 3 runs on it
        if env.get("keras_backend") == backend:
            try:
                env[backend] = importlib.metadata.version(backend)
            except importlib.metadata.PackageNotFoundError:
                pass
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        env["tensorflow"] = tf.__version__
        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            env["device"] = f"GPU x{len(gpus)}: {details.get('device_name', gpus[0].name)}"
            env.update(_cuda_versions(tf.sysconfig.get_build_info()))
    env.setdefault("device", f"CPU: {_cpu_name()}")
    isa = cpu_isa()
    if isa:
        env["cpu_isa"] = isa
    if "CUDA_VISIBLE_DEVICES" in os.environ:
        env["cuda_visible_devices"] = os.environ["CUDA_VISIBLE_DEVICES"]
    return env


def machine():
    """What two runs of one seed must share to train the same bits, without importing TensorFlow: Python and
    the library versions, the Keras backend, the CPU (model and the vector instruction sets its kernels pick
    their code by), whether TensorFlow's oneDNN kernels are switched (``TF_ENABLE_ONEDNN_OPTS``) and the GPUs
    visible. ``python -m bench compare`` reuses a revision's stored runs only where this is equal."""
    env = {key: value for key, value in environment().items() if key not in ("date", "device")}
    env["cpu"] = _cpu_name()
    env["machine"] = platform.machine()
    env["onednn"] = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "default")
    env["gpus"] = os.environ.get("CUDA_VISIBLE_DEVICES", _gpu_names())
    return env


def _gpu_names():
    """The GPUs ``nvidia-smi -L`` lists, or "none" where there is none (or no driver)."""
    import shutil
    import subprocess

    if shutil.which("nvidia-smi") is None:
        return "none"
    try:
        done = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "none"
    return done.stdout.strip() or "none"


def _cuda_versions(build):
    """``{"cuda", "cudnn"}`` TensorFlow was built against, from ``tf.sysconfig.get_build_info()`` (a CPU
    build has neither)."""
    return {
        key: str(build[name]) for key, name in (("cuda", "cuda_version"), ("cudnn", "cudnn_version")) if build.get(name)
    }


def keras_backend():
    """The backend Keras trains on here, without importing Keras (which imports TensorFlow) when
    nothing has yet: a driver that only hands work out (Ray) must not load TensorFlow."""
    keras_module = sys.modules.get("schedules.backend")
    if keras_module is not None:
        return keras_module.BACKEND
    try:
        major = int(importlib.metadata.version("keras").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return "tensorflow"  # tf.keras: TensorFlow's own
    return os.environ.get("KERAS_BACKEND", "tensorflow") if major >= 3 else "tensorflow"


# The vector instruction sets TensorFlow's CPU kernels (oneDNN, Eigen) choose their code by: two CPUs with the
# same model name (a virtual machine often says only "AMD EPYC") but other sets sum in another order, so their
# runs agree to the last bits only, not bit for bit (README.md#what-a-run-prints).
ISA_FLAGS = ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_bf16", "amx_tile")


def cpu_isa(cpuinfo="/proc/cpuinfo"):
    """The ``ISA_FLAGS`` this CPU has, space-separated (``"avx avx2 fma"``); None where the kernel does not say."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    return " ".join(flag for flag in ISA_FLAGS if flag in have)
    except OSError:
        pass
    return None


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
