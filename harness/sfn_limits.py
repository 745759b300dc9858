"""Hold moto's Step Functions interpreter to AWS's payload, error-matching and cause limits.

What AWS documents, and what moto 5.2.5 does instead:

* The payload size quota is 256 KiB of UTF-8 (Step Functions service quotas, docs.aws.amazon.com/
  step-functions/latest/dg/service-quotas.html); the API reference gives each state's input and
  output "Maximum length of 262144", "expressed as bytes in UTF-8 encoding"
  (API_StateEnteredEventDetails.html), so 262,144 bytes is allowed. States.DataLimitExceeded is
  reported "when the output of a connector is larger than payload size quota", "when the output
  of a state is larger" and "when, after Parameters processing, the input of a state is larger"
  (Handling errors in Step Functions
  workflows, docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
  moto checks only a state's final output and two Task kinds, with ``<`` (so exactly 262,144
  bytes fails), and never a state's input, its Parameters, nor a Map's or Parallel's result.
* Same page: "States.ALL ... can't catch the States.DataLimitExceeded terminal error type and
  runtime error types"; "This is a terminal error that can't be caught by the States.ALL error
  type". moto's States.ALL matches everything, so a Catch on States.ALL hid both. A Retrier
  matches errors with the same ErrorEquals logic, so States.ALL no longer retries them either.
  Naming the error explicitly (ErrorEquals ["States.DataLimitExceeded"]) still matches, as the
  docs only exclude the wildcard.
* ExecutionFailedEventDetails.cause: "Maximum length of 32768" (API reference,
  API_ExecutionFailedEventDetails.html). The docs do not say what happens when a Fail state's
  Cause or CausePath resolves to something longer (truncation or an error). We fail the
  execution with States.Runtime and a cause naming the limit: a test must not pass with a cause
  AWS could not report whole, and the failing kind is the one that cannot go unnoticed.
* Lambda errors are reported as "Lambda.<ErrorName>" (Handle Lambda service exceptions,
  docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html), e.g.
  Lambda.TooManyRequestsException. moto's Task with a function ARN as Resource names every
  Invoke API error "Exception" (its arn:aws:states:::lambda:invoke integration already does it
  right).

Every patch consults :func:`harness.strictness.current` at run time, so a switch turned off
(``BUCKET_SYNC_EMULATOR_LAX`` or ``Emulator(strictness=...)``) gives moto's own behaviour back.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from botocore.exceptions import ClientError
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.common.parargs import Parargs
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
from moto.stepfunctions.parser.asl.component.state.fail.state_fail import StateFail
from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.utils.json_path import NoSuchJsonPathError

from harness import strictness

__all__ = ["MAX_CAUSE_CHARS", "MAX_PAYLOAD_BYTES", "apply", "payload_bytes"]

MAX_PAYLOAD_BYTES = 262_144
MAX_CAUSE_CHARS = 32_768

_DATA_LIMIT = StatesErrorNameType.StatesStatesDataLimitExceeded
_RUNTIME = StatesErrorNameType.StatesRuntime

_applied = False
_lock = threading.Lock()


def payload_bytes(value: Any) -> int:
    """Size AWS counts: the UTF-8 bytes of the value as compact JSON (a string is a JSON string)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return len(text.encode("utf-8"))


def _state_name(env: Environment) -> str:
    state = env.states.context_object.context_object_data.get("State") or {}
    return str(state.get("Name") or env.next_state_name or "?")


def _verify_payload(env: Environment, value: Any, what: str) -> None:
    if not strictness.current().payload_size:
        return
    size = payload_bytes(value)
    if size <= MAX_PAYLOAD_BYTES:
        return
    # AWS's wording, plus the figures that make the failure actionable.
    cause = (
        f"The state/task '{_state_name(env)}' {what} with a size exceeding the maximum number of bytes "
        f"service limit ({size} bytes > {MAX_PAYLOAD_BYTES})."
    )
    raise _failure(env, _DATA_LIMIT, cause)


def _failure(env: Environment, error: Any, cause: str) -> FailureEventException:
    """The failure of the current state with a States.* error and its cause, as moto raises it."""
    return FailureEventException(
        FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=error),
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(
                taskFailedEventDetails=TaskFailedEventDetails(error=error.to_name(), cause=cause)
            ),
        )
    )


# --- every state's input, effective input (after Parameters), result and output ------------

_original_eval_state_input = CommonStateField._eval_state_input
_original_parargs_eval_body = Parargs._eval_body


def _eval_state_input(self: CommonStateField, env: Environment) -> None:
    _verify_payload(env, env.states.get_input(), "received an input")
    _original_eval_state_input(self, env)


def _parargs_eval_body(self: Parargs, env: Environment) -> None:
    _original_parargs_eval_body(self, env)
    _verify_payload(env, env.stack[-1], "built an input (after Parameters)")


def _verify_size_quota(self: Any, env: Environment, value: Any) -> None:
    # Replaces moto's three checks (state output, service-task and Lambda-task results): same
    # places, AWS's bound (262,144 bytes is still allowed), and the switch.
    _verify_payload(env, value, "returned a result")


def _verify_lambda_response(self: StateTaskLambda, env: Environment, value: Any) -> None:
    # moto passes the whole Invoke response here; AWS limits the function's payload, which
    # _checked_eval_execution sees as the Task's result.
    return None


def _checked_eval_execution(original: Any) -> Any:
    def eval_execution(self: ExecutionState, env: Environment) -> None:
        original(self, env)
        # What is left on the stack is the Task's result, the Map's aggregated result (inline and
        # Distributed) or the Parallel's branch outputs, before ResultSelector/ResultPath.
        if env.stack:
            _verify_payload(env, env.stack[-1], "returned a result")

    return eval_execution


def _execution_state_classes() -> list[type[ExecutionState]]:
    # Import the concrete states so that every class defining _eval_execution is loaded.
    from moto.stepfunctions.parser.asl.component.state.exec.state_map import state_map  # noqa: F401
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import state_parallel  # noqa: F401
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_activitiy  # noqa: F401

    found: list[type[ExecutionState]] = []
    pending: list[type[ExecutionState]] = [ExecutionState]
    while pending:
        cls = pending.pop()
        if "_eval_execution" in cls.__dict__ and cls is not ExecutionState:
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


# --- States.ALL does not match the terminal errors ----------------------------------------

_original_error_equals_eval_body = ErrorEqualsDecl._eval_body
_WILDCARDS = (StatesErrorNameType.StatesALL, StatesErrorNameType.StatesTaskFailed)


def _terminal(error_name: Any) -> bool:
    if not isinstance(error_name, StatesErrorName):
        return False
    limits = strictness.current()
    return (error_name.typ == _DATA_LIMIT and limits.payload_size) or (
        error_name.typ == _RUNTIME and limits.runtime_uncatchable
    )


def _error_equals_eval_body(self: ErrorEqualsDecl, env: Environment) -> None:
    error_name = env.stack[-1]
    if _terminal(error_name):
        env.stack.pop()
        # Only an ErrorEquals that names the error itself matches; no wildcard does.
        named = [n for n in self.error_names if not (isinstance(n, StatesErrorName) and n.typ in _WILDCARDS)]
        env.stack.append(error_name in named)
        return
    _original_error_equals_eval_body(self, env)


# --- a Fail state's cause ------------------------------------------------------------------

_original_fail_eval_state = StateFail._eval_state


def _fail_eval_state(self: StateFail, env: Environment) -> None:
    try:
        _original_fail_eval_state(self, env)
    except FailureEventException as failure:
        _, cause = failure.extract_error_cause_pair() or (None, None)
        if not strictness.current().failure_cause or cause is None or len(cause) <= MAX_CAUSE_CHARS:
            raise
        message = (
            f"The Fail state '{self.name}' produced a cause of {len(cause)} characters; an execution's "
            f"failure cause is limited to {MAX_CAUSE_CHARS} characters (ExecutionFailedEventDetails.cause)."
        )
        raise _failure(env, _RUNTIME, message) from None


# --- Lambda.<Code> for Invoke API errors ---------------------------------------------------

_original_lambda_from_error = StateTaskLambda._from_error


def _lambda_from_error(self: StateTaskLambda, env: Environment, ex: Exception) -> FailureEvent:
    if isinstance(ex, NoSuchJsonPathError) and strictness.current().runtime_uncatchable:
        # moto names a missing path in a Lambda Task's Parameters "Exception" (States.TaskFailed);
        # AWS fails the state with States.Runtime, which States.ALL does not catch.
        cause = (
            f"The JSONPath '{ex.json_path}' specified for the field '{env.next_field_name}' could not be "
            f"found in the input '{json.dumps(ex.data, default=str)}'"
        )
        return FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=_RUNTIME),
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(
                taskFailedEventDetails=TaskFailedEventDetails(error=_RUNTIME.to_name(), cause=cause)
            ),
        )
    if not isinstance(ex, ClientError) or not strictness.current().lambda_error_names:
        return _original_lambda_from_error(self, env, ex)
    error = f"Lambda.{ex.response['Error'].get('Code', 'Unknown')}"
    cause = ex.response["Error"].get("Message", str(ex))
    return FailureEvent(
        env=env,
        error_name=CustomErrorName(error),
        event_type=HistoryEventType.LambdaFunctionFailed,
        event_details=EventDetails(lambdaFunctionFailedEventDetails={"error": error, "cause": cause}),
    )


def apply() -> None:
    """Install every patch once per process (they act on moto's classes)."""
    global _applied
    with _lock:
        if _applied:
            return
        CommonStateField._eval_state_input = _eval_state_input  # type: ignore[method-assign]
        CommonStateField._verify_size_quota = _verify_size_quota  # type: ignore[method-assign]
        StateTaskService._verify_size_quota = _verify_size_quota  # type: ignore[method-assign]
        StateTaskLambda._verify_size_quota = _verify_lambda_response  # type: ignore[method-assign]
        Parargs._eval_body = _parargs_eval_body  # type: ignore[method-assign]
        for cls in _execution_state_classes():
            cls._eval_execution = _checked_eval_execution(cls.__dict__["_eval_execution"])  # type: ignore[method-assign]
        ErrorEqualsDecl._eval_body = _error_equals_eval_body  # type: ignore[method-assign]
        StateFail._eval_state = _fail_eval_state  # type: ignore[method-assign]
        StateTaskLambda._from_error = _lambda_from_error  # type: ignore[method-assign]
        _applied = True
