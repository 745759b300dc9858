"""Run Lambda handlers from their deployment zip in isolated worker processes.

moto's Docker-less Lambda backend only echoes payloads, so the emulator routes
``Invoke`` here instead.  Every function gets its own pool of ``spawn``-ed
worker processes: a worker serves exactly one function configuration, imports
the handler module once and is reused for later invocations, so module-level
state and environment variables of different functions never mix, and
concurrent invocations (e.g. a Distributed Map) really run in parallel.

This module must stay cheap to import: it is the entry point of every worker
process, so it must not import moto, boto3 or the rest of the harness.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zipfile
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

__all__ = ["FunctionSpec", "InvokeResult", "LambdaRuntime", "LayerSpec", "WorkerStartError"]

# Generous budget for spawning a worker and importing the handler module; real
# Lambda also has a separate (10 s) init phase not counted in the timeout.
INIT_TIMEOUT_SECONDS = 60.0

# Exit status of a worker killed by crash injection (as after SIGKILL in a shell).
CRASH_EXIT_STATUS = 137

# AWS Lambda quotas: "Execution processes/threads 1,024" and "File descriptors 1,024" per
# sandbox. A handler that opens more fails on AWS; the worker enforces both (0: no limit).
LAMBDA_MAX_THREADS = 1024
LAMBDA_MAX_OPEN_FILES = 1024

# How often the parent looks whether a starting worker died before it said it was ready.
_START_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class LayerSpec:
    """One layer version of a function: its ARN, content hash and zip (Lambda's copy of it)."""

    arn: str
    code_sha256: str
    zip_bytes: bytes = field(repr=False, compare=False)


@dataclass(frozen=True)
class FunctionSpec:
    """Everything a worker needs to run one configuration of one function."""

    function_name: str
    function_arn: str
    handler: str
    region: str
    timeout_seconds: float
    memory_mb: int
    version: str
    endpoint: str
    environment: dict[str, str] = field(default_factory=dict)
    code_sha256: str = ""
    # Sandbox limits (0: unlimited). Part of the fingerprint: a changed limit means new workers.
    max_threads: int = LAMBDA_MAX_THREADS
    max_open_files: int = LAMBDA_MAX_OPEN_FILES
    # What the handler's SDK signs with: the function role's temporary credentials when the
    # emulator enforces IAM (harness/iam_enforcement.py), else the emulator's admin key.
    access_key_id: str = "test"
    secret_access_key: str = "test"
    session_token: str = ""
    # The function's layers in configuration order, extracted as Lambda does into one /opt.
    layers: tuple[LayerSpec, ...] = ()

    def fingerprint(self) -> str:
        """Identify this configuration; a changed fingerprint means a new pool."""
        fields = dict(self.__dict__, layers=[[layer.arn, layer.code_sha256] for layer in self.layers])
        data = json.dumps(fields, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass(frozen=True)
class InvokeResult:
    """Response payload plus the ``X-Amz-Function-Error`` value, if any.

    ``cpu_seconds``: CPU time the worker process spent in the handler (all its threads), which
    bench/ uses to model Lambda's billed duration; 0.0 when no handler ran.
    """

    payload: bytes
    function_error: str | None = None
    cpu_seconds: float = 0.0


def _error_payload(error_type: str, message: str, stack: list[str] | None = None) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message, "stackTrace": stack or []}).encode()


# --------------------------------------------------------------------------
# Worker process side
# --------------------------------------------------------------------------


class LambdaContext:
    """The subset of the Python Lambda context object handlers commonly use."""

    def __init__(self, spec: FunctionSpec, request_id: str, deadline: float) -> None:
        self.function_name = spec.function_name
        self.function_version = spec.version
        self.invoked_function_arn = spec.function_arn
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec.function_name}"
        self.log_stream_name = f"emulator/{os.getpid()}"
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function's configured timeout."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def extract_code(zip_bytes: bytes, cache_root: str) -> str:
    """Extract a deployment zip once per content hash and return its directory."""
    return _extract_once(hashlib.sha256(zip_bytes).hexdigest(), [zip_bytes], cache_root)


def extract_layers(layers: tuple[LayerSpec, ...], cache_root: str) -> str | None:
    """Extract a function's layers, in order, into one directory (its /opt) and return it.

    As on Lambda, a later layer's file replaces an earlier one's at the same path. None: no layers.
    """
    if not layers:
        return None
    digests = "\n".join(hashlib.sha256(layer.zip_bytes).hexdigest() for layer in layers)
    key = "opt-" + hashlib.sha256(digests.encode()).hexdigest()
    return _extract_once(key, [layer.zip_bytes for layer in layers], cache_root)


def _extract_once(key: str, zips: list[bytes], cache_root: str) -> str:
    """Extract `zips` in order into cache_root/key unless already there.

    Extraction goes to a private temp dir that is then renamed into place, so
    several workers of the same function may race here safely.
    """
    target = os.path.join(cache_root, key)
    if os.path.isdir(target):
        return target
    staging = tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=cache_root)
    for zip_bytes in zips:
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
            archive.extractall(staging)
    try:
        os.rename(staging, target)
    except OSError:
        # Another worker won the race; its copy is identical.
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _worker_environment(spec: FunctionSpec, code_dir: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "TMPDIR": tempfile.gettempdir(),
    }
    env.update({k: str(v) for k, v in spec.environment.items()})
    # Reserved variables win over the function's own, as in real Lambda; the
    # endpoint/credential ones point every SDK client at the emulator and keep
    # the developer's real AWS profile out of reach.
    env.update(
        {
            "AWS_ENDPOINT_URL": spec.endpoint,
            "AWS_ACCESS_KEY_ID": spec.access_key_id,
            "AWS_SECRET_ACCESS_KEY": spec.secret_access_key,
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_EXECUTION_ENV": "AWS_Lambda_python_emulator",
            "LAMBDA_TASK_ROOT": code_dir,
            "_HANDLER": spec.handler,
        }
    )
    if spec.session_token:
        env["AWS_SESSION_TOKEN"] = spec.session_token
    return env


def layer_paths(opt_dir: str) -> list[str]:
    """Where a Python runtime looks for layer code, in its order: ahead of its own packages."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return [os.path.join(opt_dir, "python", "lib", version, "site-packages"), os.path.join(opt_dir, "python")]


def _isolate_sys_path(code_dir: str, opt_dir: str | None = None) -> None:
    # spawn copies the parent's sys.path (repo root, tests, ...); a real Lambda only sees its own
    # package, then its layers, then the runtime's libraries (here: the venv's, boto3 included).
    prefixes = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
    kept = [p for p in sys.path if p and any(os.path.realpath(p).startswith(prefix) for prefix in prefixes)]
    sys.path[:] = [code_dir, *(layer_paths(opt_dir) if opt_dir else []), *kept]
    if opt_dir:
        _forget_modules_in(layer_paths(opt_dir))
    importlib.invalidate_caches()


def _forget_modules_in(paths: list[str]) -> None:
    """Drop already imported modules that the layers provide, so the handler imports the layers'.

    A spawned worker re-imports the script that drives the emulator before it gets here; if that
    script imported boto3, the handler would otherwise share the venv's copy, not the layer's.
    """
    names: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            names.update(entry.removesuffix(".py") for entry in os.listdir(path))
    for module in [m for m in sys.modules if m.partition(".")[0] in names]:
        del sys.modules[module]
    # six installs an import hook for six.moves; the forgotten copy's must not answer for the new one.
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__module__.partition(".")[0] not in names]


def _load_handler(handler: str) -> Any:
    module_name, _, func_name = handler.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler '{handler}': expected module.function")
    module = importlib.import_module(module_name)
    return getattr(module, func_name)


def _redirect_output(log_path: str) -> None:
    # Handler logs go to one file, as they would go to CloudWatch Logs, not into the caller's terminal.
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _limit_threads(limit: int) -> None:
    """Refuse to start a thread beyond ``limit`` live ones, as CPython does when the OS refuses."""
    original_start = threading.Thread.start
    lock = threading.Lock()

    def start(self: threading.Thread) -> None:
        # Serialised, so that the count includes every thread started before this one (a
        # started thread is registered before Thread.start returns).
        with lock:
            if threading.active_count() >= limit:
                raise RuntimeError("can't start new thread")
            original_start(self)

    threading.Thread.start = start  # type: ignore[method-assign]


def _limit_open_files(limit: int) -> None:
    """Cap file descriptors like the sandbox: soft and hard RLIMIT_NOFILE (never raised)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (cap, cap))


def _apply_sandbox_limits(spec: FunctionSpec) -> None:
    if spec.max_threads:
        _limit_threads(spec.max_threads)
    if spec.max_open_files:
        _limit_open_files(spec.max_open_files)


def _worker_main(
    conn: Connection, spec: FunctionSpec, zip_bytes: bytes, cache_root: str, log_path: str | None
) -> None:
    """Entry point of a worker process: init once, then serve invocations."""
    if log_path:
        _redirect_output(log_path)
    handler_fn: Any = None
    init_error: bytes | None = None
    try:
        _apply_sandbox_limits(spec)
        code_dir = extract_code(zip_bytes, cache_root)
        opt_dir = extract_layers(spec.layers, cache_root)
        os.environ.clear()
        os.environ.update(_worker_environment(spec, code_dir))
        _isolate_sys_path(code_dir, opt_dir)
        os.chdir(code_dir)
        module_name = spec.handler.rpartition(".")[0]
        try:
            handler_fn = _load_handler(spec.handler)
        except ImportError as exc:
            init_error = _error_payload(
                "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
            )
        except AttributeError as exc:
            init_error = _error_payload("Runtime.HandlerNotFound", f"Handler not found: {exc}")
    except Exception as exc:  # noqa: BLE001 - any init failure becomes a function error
        init_error = _error_payload(
            type(exc).__name__, str(exc), traceback.format_list(traceback.extract_tb(exc.__traceback__))
        )
    conn.send(("ready", None))

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        request_id, payload, crash = message
        if init_error is not None:
            conn.send((init_error, True, 0.0))
            continue
        if crash == "before":
            _crash(crash)
        response = _run_handler(handler_fn, spec, request_id, payload)
        if crash == "after":
            _crash(crash)
        if crash == "hang":
            # Past the deadline; the parent reports Sandbox.Timedout and kills this process.
            print(f"emulator: injected hang ({spec.function_name})", file=sys.stderr, flush=True)
            time.sleep(spec.timeout_seconds + INIT_TIMEOUT_SECONDS)
        conn.send(response)


def _crash(mode: str) -> None:
    """Die at once, as a killed sandbox would: no result, no cleanup (harness.faults.Crash)."""
    print(f"emulator: injected crash {mode} the handler", file=sys.stderr, flush=True)
    os._exit(CRASH_EXIT_STATUS)


def _run_handler(
    handler_fn: Any, spec: FunctionSpec, request_id: str, payload: bytes
) -> tuple[bytes, bool, float]:
    """Run one invocation: (response body, is it an error, CPU seconds of the handler call)."""
    deadline = time.monotonic() + spec.timeout_seconds
    try:
        event = json.loads(payload) if payload else {}
    except ValueError as exc:
        return _error_payload("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}"), True, 0.0
    context = LambdaContext(spec, request_id, deadline)
    # Process CPU time, not wall time: it covers every thread of the worker (the handler's copy
    # threads, botocore's signing and XML parsing) and none of the time spent waiting on S3.
    cpu_started = time.process_time()
    try:
        result = handler_fn(event, context)
    except Exception as exc:  # noqa: BLE001 - reported to the caller like real Lambda
        cpu_seconds = time.process_time() - cpu_started
        stack = traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])
        return _error_payload(type(exc).__name__, str(exc), stack), True, cpu_seconds
    cpu_seconds = time.process_time() - cpu_started
    try:
        return json.dumps(result).encode(), False, cpu_seconds
    except (TypeError, ValueError) as exc:
        return _error_payload("Runtime.MarshalError", f"Unable to marshal response: {exc}"), True, cpu_seconds


# --------------------------------------------------------------------------
# Parent (emulator) side
# --------------------------------------------------------------------------


class WorkerStartError(RuntimeError):
    """A worker process died or hung before it could serve an invocation."""


class _Worker:
    """One live worker process and the parent's end of its pipe."""

    def __init__(
        self,
        ctx: Any,
        spec: FunctionSpec,
        zip_bytes: bytes,
        cache_root: str,
        log_path: str | None,
    ) -> None:
        self.conn, child_conn = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(
            target=_worker_main,
            args=(child_conn, spec, zip_bytes, cache_root, log_path),
            name=f"lambda:{spec.function_name}",
            daemon=True,
        )
        self.process.start()
        child_conn.close()
        self._await_ready(spec)

    def _await_ready(self, spec: FunctionSpec) -> None:
        # Poll rather than wait out INIT_TIMEOUT_SECONDS: a worker that dies while starting
        # (typically while spawn re-imports the driving script) must fail the invocation now.
        deadline = time.monotonic() + INIT_TIMEOUT_SECONDS
        while not self.conn.poll(_START_POLL_SECONDS):
            if not self.process.is_alive():
                raise self._died_starting(spec)
            if time.monotonic() > deadline:
                self.kill()
                raise WorkerStartError(
                    f"Lambda worker for {spec.function_name} did not start in {INIT_TIMEOUT_SECONDS:.0f} s"
                )
        try:
            self.conn.recv()
        except EOFError:
            # A dead worker's pipe polls as readable: this is the usual way a failed start shows.
            raise self._died_starting(spec) from None

    def _died_starting(self, spec: FunctionSpec) -> WorkerStartError:
        self.process.join(1)
        status = self.process.exitcode
        self.kill()
        return WorkerStartError(
            f"Lambda worker for {spec.function_name} exited with status {status} before it was ready. "
            "A spawned worker first re-imports the script that drives the harness: if that script has "
            'no `if __name__ == "__main__":` guard, its top-level code runs again in the worker (see '
            "the worker's traceback on stderr)."
        )

    def invoke(self, payload: bytes, timeout: float, crash: str | None = None) -> InvokeResult | None:
        """Run one invocation; None means it exceeded ``timeout``.

        ``crash`` ("before", "after", "hang" or None) is fault injection: see harness.faults.Crash.
        """
        self.conn.send((str(uuid.uuid4()), payload, crash))
        if not self.conn.poll(timeout):
            return None
        try:
            body, is_error, cpu_seconds = self.conn.recv()
        except EOFError:
            # The handler killed its own process (os._exit, segfault, ...).
            self.process.join(5)
            return InvokeResult(
                _error_payload(
                    "Runtime.ExitError",
                    f"Runtime exited with error: exit status {self.process.exitcode}",
                ),
                "Unhandled",
            )
        return InvokeResult(body, "Unhandled" if is_error else None, cpu_seconds)

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class _FunctionPool:
    """Bounded, lazily grown set of workers for one function configuration."""

    def __init__(
        self, ctx: Any, spec: FunctionSpec, zip_bytes: bytes, cache_root: str, size: int, log_path: str | None
    ) -> None:
        self.spec = spec
        self._ctx = ctx
        self._zip = zip_bytes
        self._cache_root = cache_root
        self._log_path = log_path
        self._size = size
        self._idle: list[_Worker] = []
        self._busy = 0
        self._live = 0
        self._closed = False
        self._cond = threading.Condition()

    def _acquire(self) -> _Worker:
        with self._cond:
            while not self._closed and not self._idle and self._live >= self._size:
                self._cond.wait()
            if self._closed:
                raise RuntimeError("Lambda runtime is shut down")
            if self._idle:
                return self._idle.pop()
            self._live += 1
        try:
            # Spawn outside the lock so cold starts of one pool overlap.
            return _Worker(self._ctx, self.spec, self._zip, self._cache_root, self._log_path)
        except BaseException:
            with self._cond:
                self._live -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            if healthy and not self._closed and worker.alive():
                self._idle.append(worker)
            else:
                self._live -= 1
                worker.kill()
            self._cond.notify()

    def invoke(self, payload: bytes, crash: str | None = None) -> InvokeResult:
        try:
            worker = self._acquire()
        except WorkerStartError as exc:
            # Lambda reports a sandbox that cannot start as a function error; say why, loudly.
            print(f"emulator: {exc}", file=sys.stderr, flush=True)
            return InvokeResult(_error_payload("Runtime.ExitError", str(exc)), "Unhandled")
        healthy = False
        try:
            result = worker.invoke(payload, self.spec.timeout_seconds, crash)
            if result is None:
                # Real Lambda discards the sandbox after a timeout; so do we.
                return InvokeResult(
                    _error_payload(
                        "Sandbox.Timedout",
                        f"Task timed out after {self.spec.timeout_seconds:.2f} seconds",
                    ),
                    "Unhandled",
                )
            healthy = worker.alive()
            return result
        except (EOFError, OSError, ConnectionError) as exc:
            return InvokeResult(_error_payload("Runtime.ExitError", str(exc)), "Unhandled")
        finally:
            self._release(worker, healthy)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._live -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.stop()


class LambdaRuntime:
    """Per-function worker pools; owned and shut down by the Emulator."""

    def __init__(
        self,
        workers_per_function: int = 4,
        log_path: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        """`log_path`: file that receives every handler's stdout and stderr (None: inherit).

        `extra_env`: variables added to every function's own environment (reserved ones win).
        """
        self._extra_env = dict(extra_env or {})
        if workers_per_function < 1:
            raise ValueError("workers_per_function must be >= 1")
        self._size = workers_per_function
        self._log_path = log_path
        self._ctx = multiprocessing.get_context("spawn")
        self._cache_root = tempfile.mkdtemp(prefix="lambda-code-")
        self._pools: dict[str, _FunctionPool] = {}
        self._lock = threading.Lock()
        self._closed = False

    def _pool_for(self, spec: FunctionSpec, zip_bytes: bytes) -> _FunctionPool:
        with self._lock:
            if self._closed:
                raise RuntimeError("Lambda runtime is shut down")
            pool = self._pools.get(spec.function_arn)
            if pool is not None and pool.spec.fingerprint() == spec.fingerprint():
                return pool
            # New code or configuration: retire the old sandboxes like Lambda does.
            stale = pool
            pool = _FunctionPool(self._ctx, spec, zip_bytes, self._cache_root, self._size, self._log_path)
            self._pools[spec.function_arn] = pool
        if stale is not None:
            stale.close()
        return pool

    def invoke(
        self, spec: FunctionSpec, zip_bytes: bytes, payload: bytes, crash: str | None = None
    ) -> InvokeResult:
        """Invoke ``spec``'s handler with a JSON ``payload`` in a pooled worker.

        ``crash`` makes the worker die before or after the handler, or hang (harness.faults.Crash).
        """
        if self._extra_env:
            spec = dataclasses.replace(spec, environment={**spec.environment, **self._extra_env})
        return self._pool_for(spec, zip_bytes).invoke(payload, crash)

    def reset(self) -> None:
        """Stop every worker so the next invocations start cold."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def shutdown(self) -> None:
        """Stop every worker process and delete the extracted code."""
        with self._lock:
            self._closed = True
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
        shutil.rmtree(self._cache_root, ignore_errors=True)
