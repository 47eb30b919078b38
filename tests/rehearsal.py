"""A GitHub Actions job run here as a hosted or self-hosted runner runs it: its own steps, unedited, in order.

``rehearse(workflow, job, ...)`` reads ``.github/workflows/<workflow>``, copies the repository into a fresh
workspace (what ``actions/checkout`` gives: the files git tracks or would track, nothing built), and runs
the job's steps there: each ``run:`` script in a file under the shell GitHub uses (``bash -e {0}``, or
``bash --noprofile --norc -eo pipefail {0}`` for ``shell: bash``), with the workflow's, job's and step's
``env`` over what a runner sets (``CI=true``, ``GITHUB_*``, ``RUNNER_*``), ``${{ }}`` expressions filled
from the secrets, variables and inputs given, ``if:`` honoured (a step after a failure runs only under
``always()``/``failure()``), and ``GITHUB_ENV`` / ``GITHUB_PATH`` / ``GITHUB_STEP_SUMMARY`` kept as a
runner keeps them. The actions a job uses are played by this module (``ACTIONS``): checkout, setup-python
(this interpreter, which must be the version asked for), upload-artifact (the paths must exist; kept in
``artifacts`` when given) and download-artifact (from ``artifacts``), cache/restore and cache/save (a folder
per key in ``cache``, the newest prefix match for ``restore-keys``, an existing key never overwritten). A
``services: postgres`` container is played by a local PostgreSQL server with the credentials the service
declares (``.ci/start-postgres`` starts one). Anything else a workflow uses is a ``RehearsalError`` that
says what to add here, so a workflow cannot outgrow its rehearsal unnoticed.

``add_options`` (``PYTEST_ADDOPTS``) reaches every pytest the steps start without editing them: the
nightly's rehearsal adds ``--bench-quick``. docs/tests.md#the-workflows-rehearsed says what runs where.
"""

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class RehearsalError(RuntimeError):
    """The workflow uses something this rehearsal cannot play; the message says what."""


@dataclasses.dataclass
class StepResult:
    name: str
    status: str  # success, failure or skipped
    output: str
    seconds: float


@dataclasses.dataclass
class JobResult:
    workspace: Path
    steps: list

    @property
    def failed(self):
        return [s.name for s in self.steps if s.status == "failure"]

    def step(self, name):
        return next(s for s in self.steps if s.name == name)

    def text(self):
        """Every step's name, status, time and output's last lines: what a run's log shows."""
        return "\n".join(f"--- {s.name}: {s.status} ({s.seconds:.0f} s)\n{s.output[-4000:]}" for s in self.steps)


def load(workflow):
    """The workflow file as a mapping, booleans read as YAML 1.2 reads them (only true/false: GitHub takes
    ``on:`` for a key, where YAML 1.1 reads True). PyYAML is imported here, not with this module: pytest's
    doctest collection imports every module under tests/, in environments without the test extra too."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, regexp) for tag, regexp in v if tag != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
    return yaml.load((WORKFLOWS / workflow).read_text(), Loader=Loader)


def rehearse(
    workflow,
    job,
    workspace,
    *,
    secrets=None,
    variables=None,
    inputs=None,
    env=None,
    add_options="",
    timeout_s=1800,
    github=None,
    source=None,
    artifacts=None,
    cache=None,
):
    """Run ``job`` of ``workflow`` in ``workspace`` (made here; it must not exist); a ``JobResult``.

    ``env``: variables a runner's machine would have besides GitHub's own (a PostgreSQL URL for the tests'
    stores, a PATH); ``add_options``: ``PYTEST_ADDOPTS`` for every pytest the steps start; ``github``: the
    event's context over the defaults (``event_name``, ``sha``, ``event``: the payload); ``source``: a git
    repository the checkout clones (at ``github.sha``) instead of this checkout's files; ``artifacts`` and
    ``cache``: folders the artifact and cache actions keep their files in, shared between rehearsals."""
    doc = load(workflow)
    if job not in doc.get("jobs", {}):
        raise RehearsalError(f"{workflow} has no job {job!r}; it has {', '.join(doc.get('jobs', {}))}")
    spec = doc["jobs"][job]
    workspace = Path(workspace)
    if workspace.exists():
        raise RehearsalError(f"{workspace} exists; a rehearsal starts in a new folder")
    workspace.mkdir(parents=True)
    context = {
        "secrets": dict(secrets or {}),
        "vars": dict(variables or {}),
        "inputs": dict(inputs or {}),
        "github": {
            "run_number": "7",
            "workflow": doc.get("name", workflow),
            "job": job,
            "ref_name": "main",
            "event_name": "workflow_dispatch",
            "repository": "team/lr-schedule-suite",
            **(github or {}),
        },
    }
    runner = _Runner(workspace, context, {**_runner_env(workspace, context, job), **(env or {})}, timeout_s)
    runner.source, runner.artifacts, runner.cache = source, artifacts, cache
    if add_options:
        runner.env["PYTEST_ADDOPTS"] = add_options
    runner.start_services(spec.get("services", {}))
    for key in ("env",):
        runner.env.update({k: runner.expand(v) for k, v in (doc.get(key) or {}).items()})
        runner.env.update({k: runner.expand(v) for k, v in (spec.get(key) or {}).items()})
    shell = ((spec.get("defaults") or doc.get("defaults") or {}).get("run") or {}).get("shell")
    results = []
    for number, step in enumerate(spec.get("steps", []), 1):
        results.append(runner.step(number, step, shell, failed=any(r.status == "failure" for r in results)))
    return JobResult(workspace, results)


def _runner_env(workspace, context, job):
    """What a runner sets for every step (docs.github.com: default environment variables)."""
    github = context["github"]
    home = workspace.parent / "runner-home"
    temp = workspace.parent / "runner-temp"
    for folder in (home, temp):
        folder.mkdir(exist_ok=True)
    keep = {
        k: os.environ[k]
        for k in (
            "PATH",
            "LANG",
            "PIP_NO_CACHE_DIR",
            "PIP_CONSTRAINT",
            "PIP_FIND_LINKS",
            "PIP_EXTRA_INDEX_URL",
            "PIP_INDEX_URL",
            "PIP_CERT",
            "SSL_CERT_FILE",
            "OPENBLAS_CORETYPE",
            "OPENBLAS_L2_SIZE",
            "TMPDIR",
        )
        if k in os.environ
    }
    return {
        **keep,
        "HOME": str(home),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_RUN_NUMBER": github["run_number"],
        "GITHUB_RUN_ID": "1000" + github["run_number"],
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_JOB": job,
        "GITHUB_WORKFLOW": github["workflow"],
        "GITHUB_REF_NAME": github["ref_name"],
        "GITHUB_REF": f"refs/heads/{github['ref_name']}",
        **({"GITHUB_SHA": github["sha"]} if github.get("sha") else {}),
        "GITHUB_EVENT_NAME": github["event_name"],
        "GITHUB_REPOSITORY": github["repository"],
        "GITHUB_SERVER_URL": "https://github.com",
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
        "RUNNER_TEMP": str(temp),
    }


class _Runner:
    def __init__(self, workspace, context, env, timeout_s):
        self.workspace, self.context, self.env, self.timeout_s = workspace, context, env, timeout_s
        files = workspace.parent / "runner-files"
        files.mkdir(exist_ok=True)
        self.files = {
            name: files / name for name in ("GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
        }
        for name, path in self.files.items():
            path.write_text("")
            self.env[name] = str(path)

    # -- expressions ------------------------------------------------------------------------
    def expand(self, value):
        """``value`` with every ``${{ expr }}`` replaced by its value (text)."""
        if not isinstance(value, str):
            return value
        return EXPRESSION.sub(lambda m: str(self.evaluate(m.group(1))), value)

    def evaluate(self, expr):
        """The few expression forms the workflows use: ``a.b``, ``'text'``, ``x || y``, ``x && y``, ``x == y``,
        ``always()`` and the other status functions; anything else is a ``RehearsalError``."""
        expr = expr.strip()
        if "&&" in expr:
            value = True
            for part in expr.split("&&"):
                value = self.evaluate(part)
                if not value:
                    return value
            return value
        if "==" in expr:
            left, right = expr.split("==", 1)
            return self.evaluate(left) == self.evaluate(right)
        if "||" in expr:
            for part in expr.split("||"):
                value = self.evaluate(part)
                if value:
                    return value
            return value
        if re.fullmatch(r"'[^']*'", expr):
            return expr[1:-1]
        if re.fullmatch(r"[a-z]+(\.[A-Za-z_][\w-]*)+", expr):
            scope, *keys = expr.split(".")
            if scope not in self.context:
                raise RehearsalError(
                    f"the rehearsal has no {scope!r} context (${{{{ {expr} }}}}): add it to tests/rehearsal.py"
                )
            value = self.context[scope]
            for key in keys:
                value = value.get(key, "") if isinstance(value, dict) else ""
            return value
        raise RehearsalError(f"the rehearsal cannot evaluate ${{{{ {expr} }}}}: teach tests/rehearsal.py this form")

    def runs(self, condition, failed):
        """Whether a step with ``if: condition`` runs after the steps before it (``failed``: one of them failed)."""
        if condition is None:
            return not failed
        condition = str(condition).strip()
        condition = condition[3:-2].strip() if condition.startswith("${{") else condition
        status = {"always()": True, "success()": not failed, "failure()": failed, "cancelled()": False}
        if condition in status:
            return status[condition]
        if not any(f in condition for f in status):  # an expression alone: success() && it, as GitHub reads it
            return not failed and bool(self.evaluate(condition))
        raise RehearsalError(f"the rehearsal cannot decide `if: {condition}`: teach tests/rehearsal.py this form")

    # -- services and steps -------------------------------------------------------------------
    def start_services(self, services):
        for name, service in services.items():
            image = str(service.get("image", ""))
            if not image.startswith("postgres"):
                raise RehearsalError(f"the rehearsal cannot play service {name!r} ({image}): only postgres")
            _check_postgres(service)

    def step(self, number, step, shell, failed):
        name = step.get("name") or step.get("uses") or f"step {number}"
        start = time.perf_counter()
        if not self.runs(step.get("if"), failed):
            return StepResult(name, "skipped", "", 0.0)
        env = {**self.env, **{k: str(self.expand(v)) for k, v in (step.get("env") or {}).items()}}
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action not in ACTIONS:
                raise RehearsalError(
                    f"the rehearsal cannot play {step['uses']}: add it to tests/rehearsal.py's ACTIONS"
                )
            with_ = {k: self.expand(v) for k, v in (step.get("with") or {}).items()}
            ok, output = ACTIONS[action](self.workspace, with_, {**env, "_runner": self})
        else:
            ok, output = self._script(
                self.expand(step["run"]), step.get("shell", shell), env, step.get("working-directory"), number
            )
        self._take_runner_files()
        return StepResult(name, "success" if ok else "failure", output, time.perf_counter() - start)

    def _script(self, script, shell, env, directory, number):
        path = Path(self.env["RUNNER_TEMP"]) / f"step-{number}.sh"
        path.write_text(script)
        if shell in (None, "sh"):
            command = ["bash", "-e", str(path)] if shell is None else ["sh", "-e", str(path)]
        elif shell == "bash":
            command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)]
        else:
            raise RehearsalError(f"the rehearsal runs bash and sh steps, not shell: {shell}")
        try:
            done = subprocess.run(
                command,
                cwd=self.workspace / (directory or ""),
                env=env,
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
            )
        except subprocess.TimeoutExpired as err:
            return False, f"timed out after {self.timeout_s} s\n{err.stdout or ''}{err.stderr or ''}"
        return done.returncode == 0, done.stdout + done.stderr + f"\n[exit {done.returncode}]"

    def _take_runner_files(self):
        """What a step wrote to GITHUB_ENV and GITHUB_PATH reaches the steps after it, as on a runner."""
        lines = self.files["GITHUB_ENV"].read_text().splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if "<<" in line and "=" not in line.split("<<")[0]:
                key, marker = line.split("<<", 1)
                end = lines.index(marker, i + 1)
                self.env[key] = "\n".join(lines[i + 1 : end])
                i = end + 1
                continue
            if "=" in line:
                key, value = line.split("=", 1)
                self.env[key] = value
            i += 1
        self.files["GITHUB_ENV"].write_text("")
        for folder in self.files["GITHUB_PATH"].read_text().splitlines():
            self.env["PATH"] = f"{folder}:{self.env['PATH']}"
        self.files["GITHUB_PATH"].write_text("")


def _check_postgres(service):
    """The job's PostgreSQL service, played by a local server that must answer with the service's credentials."""
    env = service.get("env", {})
    port = str(service.get("ports", ["5432:5432"])[0]).split(":")[0]
    url = (
        f"postgresql://{env.get('POSTGRES_USER', 'postgres')}:{env.get('POSTGRES_PASSWORD', '')}"
        f"@127.0.0.1:{port}/{env.get('POSTGRES_DB', env.get('POSTGRES_USER', 'postgres'))}"
    )
    try:
        import sqlalchemy as sa

        from bench.stores.history_store import engine_url

        engine = sa.create_engine(engine_url(url))
        with engine.connect():
            pass
        engine.dispose()
    except Exception as err:  # noqa: BLE001  (any driver or server error: the service is not there)
        raise RehearsalError(
            f"the job's postgres service is played by a local server at {url.split('@')[1]} with its "
            f"user and password, which did not answer ({type(err).__name__}); start it: "
            ".ci/start-postgres"
        ) from None


# -- the actions the workflows use, played here ------------------------------------------------------


def _checkout(workspace, with_, env):
    """``actions/checkout``: the repository's files as a clone holds them, in the workspace; with a ``source``
    repository, a clone of it (its branches as ``origin/*``) at the event's commit."""
    runner = env["_runner"]
    if runner.source is not None:
        sha = runner.context["github"].get("sha") or "HEAD"
        subprocess.run(["git", "clone", "-q", str(runner.source), str(workspace)], check=True)
        subprocess.run(["git", "-C", str(workspace), "checkout", "-q", "--detach", sha], check=True)
        return True, f"a clone of {runner.source} at {sha}"
    listed = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = workspace / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git = ["git", "-c", "user.name=rehearsal", "-c", "user.email=rehearsal@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=workspace, check=True)
    subprocess.run([*git, "add", "-A"], cwd=workspace, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "the commit under rehearsal"], cwd=workspace, check=True)
    return True, f"{len(listed)} files"


def _setup_python(workspace, with_, env):
    """``actions/setup-python``: this interpreter stands in, and must be the version the step asks for."""
    wanted = str(with_.get("python-version", ""))
    have = f"{sys.version_info.major}.{sys.version_info.minor}"
    found = subprocess.run(
        ["python3", "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
        env={k: v for k, v in env.items() if k != "_runner"},
        capture_output=True,
        text=True,
    ).stdout.strip()
    if wanted and wanted not in (have, found):
        return False, f"the step asks for Python {wanted}; python3 here is {found}"
    return True, f"python3 {found}"


def _upload_artifact(workspace, with_, env):
    """``actions/upload-artifact``: every path it names must exist (the rehearsal is stricter than
    ``if-no-files-found: warn``: a nightly that leaves out a report it promises has failed); kept under
    ``artifacts/<name>`` when the rehearsal has an artifacts folder."""
    paths = [p.strip() for p in str(with_.get("path", "")).splitlines() if p.strip()]
    missing = [p for p in paths if not (workspace / p).exists()]
    if missing:
        return False, f"artifact {with_.get('name')}: missing {', '.join(missing)}"
    kept = env["_runner"].artifacts
    if kept is not None:
        for p in paths:
            source = workspace / p
            target = Path(kept) / with_["name"] / (source.name if source.is_file() else "")
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    return True, f"artifact {with_.get('name')}: {', '.join(paths)}"


def _download_artifact(workspace, with_, env):
    """``actions/download-artifact``: an artifact an earlier rehearsal uploaded, into ``path``."""
    kept = env["_runner"].artifacts
    found = None if kept is None else Path(kept) / with_.get("name", "")
    if found is None or not found.is_dir():
        return False, f"no artifact {with_.get('name')!r} was uploaded"
    shutil.copytree(found, workspace / with_.get("path", "."), dirs_exist_ok=True)
    return True, f"artifact {with_['name']} into {with_.get('path', '.')}"


def _cache_restore(workspace, with_, env):
    """``actions/cache/restore``: the folder saved under ``key``, else the newest under a ``restore-keys``
    prefix; a miss is not a failure."""
    cache = env["_runner"].cache
    if cache is None:
        return True, "cache miss (no cache folder)"
    saved = sorted((p for p in Path(cache).iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    prefixes = [k.strip() for k in str(with_.get("restore-keys", "")).splitlines() if k.strip()]
    hit = next((p for p in saved if p.name == with_["key"]), None) or next(
        (p for prefix in prefixes for p in saved if p.name.startswith(prefix)), None
    )
    if hit is None:
        return True, f"cache miss for {with_['key']}"
    shutil.copytree(hit, workspace / with_["path"], dirs_exist_ok=True)
    return True, f"restored {hit.name}"


def _cache_save(workspace, with_, env):
    """``actions/cache/save``: the folder under ``key``; a key that exists is kept, as GitHub keeps it."""
    cache = env["_runner"].cache
    target = None if cache is None else Path(cache) / with_["key"]
    if target is None or target.exists():
        return True, f"not saved: {with_['key']} exists" if target is not None else "not saved (no cache folder)"
    shutil.copytree(workspace / with_["path"], target)
    return True, f"saved {with_['key']}"


ACTIONS = {
    "actions/checkout": _checkout,
    "actions/setup-python": _setup_python,
    "actions/upload-artifact": _upload_artifact,
    "actions/download-artifact": _download_artifact,
    "actions/cache/restore": _cache_restore,
    "actions/cache/save": _cache_save,
}
