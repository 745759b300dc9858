"""Small monkeypatches that make moto 5.2.5 usable as a Terraform + SFN target.

Each patch is applied once per process by :func:`apply` (idempotent) and must
run before any backend object is created.  They fill gaps that the Terraform
aws provider or our tests hit; none changes behaviour moto already implements,
except while a fault-injection block (harness/faults.py) is active, and except
where AWS is stricter than moto (harness/s3_fidelity.py, harness/sfn_limits.py,
harness/throttling.py; switches in harness/strictness.py).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.core.responses import ActionResult
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.itemprocessor.distributed_item_processor_worker import (  # noqa: E501
    DistributedItemProcessorWorker,
)
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.responses import StepFunctionResponse

from harness import (
    event_delivery,
    iam_enforcement,
    lambda_limits,
    lambda_logging,
    s3_fidelity,
    s3_ownership,
    sfn_limits,
    strictness,
    throttling,
    wsgi_io,
)
from harness.injectors import active_faults, active_throttle, set_fault_injector, set_throttle
from harness.lambda_runtime import (
    LAMBDA_MAX_OPEN_FILES,
    LAMBDA_MAX_THREADS,
    FunctionSpec,
    LambdaRuntime,
    LayerSpec,
)

__all__ = [
    "apply",
    "child_history_event_counts",
    "clear_child_history_event_counts",
    "set_fault_injector",
    "set_lambda_runtime",
    "set_throttle",
]

_applied = False
_apply_lock = threading.Lock()

_runtime: LambdaRuntime | None = None
_endpoint: str = ""

_child_counts: list[int] = []
_child_counts_lock = threading.Lock()


def set_lambda_runtime(runtime: LambdaRuntime | None, endpoint: str = "") -> None:
    """Route Lambda Invoke to ``runtime``; handlers get ``endpoint`` as AWS_ENDPOINT_URL."""
    global _runtime, _endpoint
    _runtime, _endpoint = runtime, endpoint


def child_history_event_counts() -> list[int]:
    """History event counts of every Distributed Map child run so far, in finish order."""
    with _child_counts_lock:
        return list(_child_counts)


def clear_child_history_event_counts() -> None:
    """Forget the counts recorded so far."""
    with _child_counts_lock:
        _child_counts.clear()


# --- a. Step Functions API gaps -------------------------------------------


def _validate_state_machine_definition(self: StepFunctionResponse) -> ActionResult:
    # The aws provider validates every definition at plan/apply time; moto has
    # no such action, so do the cheapest useful check: is it a JSON object
    # with States and StartAt?
    definition = self._get_param("definition") or ""
    diagnostics: list[dict[str, str]] = []
    try:
        parsed = json.loads(definition)
    except ValueError as exc:
        diagnostics.append({"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION", "message": str(exc)})
    else:
        if not isinstance(parsed, dict) or "States" not in parsed or "StartAt" not in parsed:
            diagnostics.append(
                {
                    "severity": "ERROR",
                    "code": "SCHEMA_VALIDATION_FAILED",
                    "message": "Definition must be an object with StartAt and States",
                }
            )
    return ActionResult({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics})


def _list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
    # The provider lists versions while refreshing aws_sfn_state_machine; we
    # never publish versions, so an empty list is accurate.
    return ActionResult({"stateMachineVersions": []})


# --- b. Lambda invoke runs the real handler --------------------------------

_original_invoke = LambdaSimpleBackend.invoke


def _layers(backend: LambdaSimpleBackend, fn: Any) -> tuple[LayerSpec, ...]:
    # moto keeps only each layer's ARN on the function; the zip is on the backend's layer version.
    layers = []
    for layer in fn.layers or []:
        version = backend.layers_versions_by_arn(layer["Arn"])
        if version is None:
            # Lambda keeps its own copy of a deleted layer version; moto does not: say so, loudly.
            raise RuntimeError(f"layer {layer['Arn']} of {fn.function_name} is deleted: moto kept no copy")
        layers.append(LayerSpec(layer["Arn"], str(version.code_sha_256), version.code_bytes))
    return tuple(layers)


def _invoke(
    self: LambdaSimpleBackend,
    function_name: str,
    qualifier: str | None,
    body: Any,
    headers: Any,
    response_headers: Any,
) -> str | bytes | None:
    # LambdaSimpleBackend just echoes the payload; run the deployed zip instead.
    runtime = _runtime
    if runtime is None:
        return _original_invoke(self, function_name, qualifier, body, headers, response_headers)
    fn = self.get_function(function_name, qualifier)
    response_headers["x-amz-executed-version"] = str(fn.version)
    invocation_type = headers.get("X-Amz-Invocation-Type") or "RequestResponse"
    if invocation_type == "DryRun":
        return b""
    spec = FunctionSpec(
        function_name=fn.function_name,
        function_arn=fn.function_arn,
        handler=fn.handler or "",
        region=fn.region,
        timeout_seconds=float(fn.timeout or 3),
        memory_mb=int(fn.memory_size or 128),
        version=str(fn.version),
        endpoint=_endpoint,
        environment=dict(fn.environment_vars or {}),
        code_sha256=str(getattr(fn, "code_sha_256", "")),
        layers=_layers(self, fn),
    )
    zip_bytes: bytes = getattr(fn, "code_bytes", b"") or b""
    limits = strictness.current()
    spec = dataclasses.replace(
        spec,
        max_threads=LAMBDA_MAX_THREADS if limits.lambda_threads else 0,
        max_open_files=LAMBDA_MAX_OPEN_FILES if limits.lambda_open_files else 0,
    )
    if (limits.iam or limits.s3_request_rate or limits.dynamodb_partition_rate) and fn.role:
        # The handler calls AWS as the function's role, as on Lambda (harness/iam_enforcement.py);
        # the rate limits know the handlers' requests by these keys (harness/throttling.py).
        key_id, secret, token = iam_enforcement.role_credentials(fn.role, fn.region)
        spec = dataclasses.replace(spec, access_key_id=key_id, secret_access_key=secret, session_token=token)
    payload = body.encode() if isinstance(body, str) else (body or b"")
    faults = active_faults()
    crash = faults.lambda_crash_for(fn.function_name) if faults is not None else None
    if invocation_type == "Event":
        threading.Thread(target=runtime.invoke, args=(spec, zip_bytes, payload, crash), daemon=True).start()
        return b""
    result = runtime.invoke(spec, zip_bytes, payload, crash)
    if result.function_error:
        response_headers["x-amz-function-error"] = result.function_error
    return result.payload


# --- c. Distributed Map child histories ------------------------------------

_original_eval_job = DistributedItemProcessorWorker._eval_job


def _eval_job(self: DistributedItemProcessorWorker, env: Any, job: Any) -> None:
    # moto funnels every Distributed Map child into one throwaway EventManager,
    # so per-child history sizes are lost; give each job its own and record it.
    parent_manager = env.event_manager
    child_manager = EventManager()
    env.event_manager = child_manager
    try:
        _original_eval_job(self, env, job)
    finally:
        env.event_manager = parent_manager
        with _child_counts_lock:
            _child_counts.append(len(child_manager._history_event_list))


# --- d. Requests answered before moto: faults, rate limits, malformed XML --------------------


def _intercept_s3(environ: dict[str, Any], start_response: Any) -> Any:
    faults, throttle = active_faults(), active_throttle()
    if faults is not None:
        injected = faults.intercept_s3(environ, start_response)
        if injected is not None:
            return injected
    if throttle is not None:
        refused = throttle.intercept_s3(environ, start_response)
        if refused is not None:
            return refused
    return s3_fidelity.refuse_malformed_xml(environ, start_response)


def _intercept_dynamodb(environ: dict[str, Any], start_response: Any) -> Any:
    faults, throttle = active_faults(), active_throttle()
    if faults is None and throttle is None:
        return None
    operation = str(environ.get("HTTP_X_AMZ_TARGET", "")).rpartition(".")[2]
    body = wsgi_io.read_body(environ)
    if faults is not None:
        injected = faults.intercept_dynamodb(start_response, operation, body)
        if injected is not None:
            return injected
    if throttle is not None:
        return throttle.intercept_dynamodb(environ, start_response, operation, body)
    return None


def _dispatch(self: DomainDispatcherApplication, environ: dict[str, Any], start_response: Any) -> Any:
    # Same as moto's __call__ (route to the service's Flask app), except that a request moto
    # routed to S3 or DynamoDB may be answered first, as AWS would: by the active fault injector
    # (harness/faults.py), the request-rate limits (harness/throttling.py) or, for S3, the XML
    # check (harness/s3_fidelity.py).
    backend_app = self.get_application(environ)
    service = getattr(backend_app, "service", None)
    if service == "s3":
        answered = _intercept_s3(environ, start_response)
    elif service == "dynamodb":
        answered = _intercept_dynamodb(environ, start_response)
    else:
        answered = None
    if answered is not None:
        return answered
    try:
        return backend_app(environ, start_response)
    finally:
        throttling.clear_held_back()


def apply() -> None:
    """Install every patch once for this process."""
    global _applied
    with _apply_lock:
        if _applied:
            return
        StepFunctionResponse.validate_state_machine_definition = _validate_state_machine_definition  # type: ignore[attr-defined]
        StepFunctionResponse.list_state_machine_versions = _list_state_machine_versions  # type: ignore[attr-defined]
        LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign]
        DistributedItemProcessorWorker._eval_job = _eval_job  # type: ignore[method-assign]
        DomainDispatcherApplication.__call__ = _dispatch  # type: ignore[method-assign]
        s3_fidelity.apply()
        s3_ownership.apply()
        sfn_limits.apply()
        lambda_logging.apply()
        lambda_limits.apply()
        iam_enforcement.apply()
        throttling.apply()
        event_delivery.apply()
        _applied = True
