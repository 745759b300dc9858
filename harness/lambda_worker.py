"""The worker process: set up the sandbox once, import the handler, then serve invocations sent
over its pipe (with crash injection, harness.faults.Crash). Cheap to import: it must not import
moto, boto3 or the rest of the harness."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from harness.emf_tee import tee_emf
from harness.lambda_sandbox import (
    apply_sandbox_limits,
    extract_code,
    extract_layers,
    isolate_sys_path,
    load_handler,
    redirect_output,
    worker_environment,
)
from harness.lambda_specs import CRASH_EXIT_STATUS, INIT_TIMEOUT_SECONDS, FunctionSpec, error_payload


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


def worker_main(
    conn: Connection, spec: FunctionSpec, zip_bytes: bytes, cache_root: str, log_path: str | None
) -> None:
    """Entry point of a worker process: init once, then serve invocations."""
    if log_path:
        redirect_output(log_path)
    tee_emf(spec.function_arn, cache_root)
    handler_fn: Any = None
    init_error: bytes | None = None
    try:
        apply_sandbox_limits(spec)
        code_dir = extract_code(zip_bytes, cache_root)
        opt_dir = extract_layers(spec.layers, cache_root)
        os.environ.clear()
        os.environ.update(worker_environment(spec, code_dir))
        isolate_sys_path(code_dir, opt_dir)
        os.chdir(code_dir)
        module_name = spec.handler.rpartition(".")[0]
        try:
            handler_fn = load_handler(spec.handler)
        except ImportError as exc:
            init_error = error_payload(
                "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
            )
        except AttributeError as exc:
            init_error = error_payload("Runtime.HandlerNotFound", f"Handler not found: {exc}")
    except Exception as exc:  # noqa: BLE001 - any init failure becomes a function error
        init_error = error_payload(
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
        return error_payload("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}"), True, 0.0
    context = LambdaContext(spec, request_id, deadline)
    # Process CPU time, not wall time: it covers every thread of the worker (the handler's copy
    # threads, botocore's signing and XML parsing) and none of the time spent waiting on S3.
    cpu_started = time.process_time()
    try:
        result = handler_fn(event, context)
    except Exception as exc:  # noqa: BLE001 - reported to the caller like real Lambda
        cpu_seconds = time.process_time() - cpu_started
        stack = traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])
        return error_payload(type(exc).__name__, str(exc), stack), True, cpu_seconds
    cpu_seconds = time.process_time() - cpu_started
    try:
        return json.dumps(result).encode(), False, cpu_seconds
    except (TypeError, ValueError) as exc:
        return error_payload("Runtime.MarshalError", f"Unable to marshal response: {exc}"), True, cpu_seconds
