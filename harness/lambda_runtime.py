"""Run Lambda handlers from their deployment zip in isolated worker processes.

moto's Docker-less Lambda backend only echoes payloads, so the emulator routes
``Invoke`` here instead.  Every function gets its own pool of ``spawn``-ed
worker processes: a worker serves exactly one function configuration, imports
the handler module once and is reused for later invocations, so module-level
state and environment variables of different functions never mix, and
concurrent invocations (e.g. a Distributed Map) really run in parallel.

This module is the parent's side (pools of workers, invocations, timeouts). The worker's
side is harness/lambda_worker.py (its entry point) with harness/lambda_sandbox.py (what makes a
process look like a sandbox); harness/lambda_specs.py holds what both pass around. Those three
must stay cheap to import, since every worker process imports them: no moto, no boto3, none of
the rest of the harness.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from multiprocessing.process import BaseProcess
from typing import Any

from harness.emf_tee import EMF_SPOOL_NAME
from harness.lambda_specs import (
    INIT_TIMEOUT_SECONDS,
    LAMBDA_MAX_OPEN_FILES,
    LAMBDA_MAX_THREADS,
    FunctionSpec,
    InvokeResult,
    LayerSpec,
    error_payload,
)
from harness.lambda_worker import worker_main

__all__ = [
    "LAMBDA_MAX_OPEN_FILES",
    "LAMBDA_MAX_THREADS",
    "FunctionSpec",
    "InvokeResult",
    "LambdaRuntime",
    "LayerSpec",
    "WorkerStartError",
]

# How often the parent looks whether a starting worker died before it said it was ready.
_START_POLL_SECONDS = 0.1


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
            target=worker_main,
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
                error_payload(
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
            return InvokeResult(error_payload("Runtime.ExitError", str(exc)), "Unhandled")
        healthy = False
        try:
            result = worker.invoke(payload, self.spec.timeout_seconds, crash)
            if result is None:
                # Real Lambda discards the sandbox after a timeout; so do we.
                return InvokeResult(
                    error_payload(
                        "Sandbox.Timedout",
                        f"Task timed out after {self.spec.timeout_seconds:.2f} seconds",
                    ),
                    "Unhandled",
                )
            healthy = worker.alive()
            return result
        except (EOFError, OSError, ConnectionError) as exc:
            return InvokeResult(error_payload("Runtime.ExitError", str(exc)), "Unhandled")
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

    @property
    def emf_spool(self) -> str:
        """Where the workers copy their handlers' EMF lines (harness/emf_tee.py)."""
        return os.path.join(self._cache_root, EMF_SPOOL_NAME)

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
