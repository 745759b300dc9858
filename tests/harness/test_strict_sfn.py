"""The emulator holds Step Functions and Lambda to AWS's limits (harness/sfn_limits.py,
harness/lambda_runtime.py), and each switch in harness/strictness.py turns its limit off."""

from __future__ import annotations

import resource
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Emulator
from harness.lambda_limits import MAX_ENVIRONMENT_BYTES, environment_bytes
from harness.sfn_limits import MAX_CAUSE_CHARS, MAX_PAYLOAD_BYTES
from tests.harness.strict_support import create_function, history_types, invoke, run_definition

PROBE_SOURCE = """
import os
import threading
import resource


def handler(event, context):
    if "bytes" in event:
        # A result whose compact JSON is exactly event["bytes"] bytes long.
        return {"b": "x" * (event["bytes"] - len('{"b":""}'))}
    if "threads" in event:
        stop = threading.Event()
        started, error = 0, None
        try:
            for _ in range(event["threads"]):
                threading.Thread(target=stop.wait, daemon=True).start()
                started += 1
        except RuntimeError as exc:
            error = str(exc)
        live = threading.active_count()
        stop.set()
        return {"started": started, "error": error, "live": live}
    if "files" in event:
        opened, error = [], None
        try:
            for _ in range(event["files"]):
                opened.append(os.open(os.devnull, os.O_RDONLY))
        except OSError as exc:
            error = exc.strerror
        for fd in opened:
            os.close(fd)
        limit = list(resource.getrlimit(resource.RLIMIT_NOFILE))
        return {"opened": len(opened), "error": error, "limit": limit}
    return event
"""

CATCH_ALL = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}]
RETRY_ALL = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2}]
CAUGHT = {"Type": "Pass", "End": True}


@pytest.fixture(scope="module")
def probe(emulator: Emulator) -> str:
    return create_function(emulator, PROBE_SOURCE, timeout=60)


def task_machine(function_arn: str, **task: Any) -> dict[str, Any]:
    """Call the probe with Retry and Catch on States.ALL: only a terminal error can fail the run."""
    state = {"Type": "Task", "Resource": function_arn, "Retry": RETRY_ALL, "Catch": CATCH_ALL, "End": True}
    return {"StartAt": "Call", "States": {"Call": {**state, **task}, "Caught": CAUGHT}}


def map_machine(mode: str) -> dict[str, Any]:
    """A Map whose items are small but whose aggregated result is 3 x 100 kB; ResultPath null
    keeps that result out of the state's output, so only the result check can see it."""
    processor: dict[str, Any] = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
    if mode == "DISTRIBUTED":
        processor["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    fan_out = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemSelector": {"blob.$": "$.blob", "n.$": "$$.Map.Item.Value"},
        "ItemProcessor": processor,
        "ResultPath": None,
        "Catch": CATCH_ALL,
        "End": True,
    }
    return {"StartAt": "FanOut", "States": {"FanOut": fan_out, "Caught": CAUGHT}}


MAP_INPUT = {"items": [1, 2, 3], "blob": "y" * 100_000}


# --- payload size ---------------------------------------------------------------------------


def test_task_result_of_exactly_the_limit_passes(emulator: Emulator, probe: str) -> None:
    run = run_definition(emulator, task_machine(probe), {"bytes": MAX_PAYLOAD_BYTES})
    assert run.status == "SUCCEEDED", run


def test_task_result_over_the_limit_is_neither_retried_nor_caught(emulator: Emulator, probe: str) -> None:
    run = run_definition(emulator, task_machine(probe), {"bytes": MAX_PAYLOAD_BYTES + 1})
    assert run.status == "FAILED", run
    assert run.error == "States.DataLimitExceeded"
    assert history_types(emulator, run.arn).count("LambdaFunctionScheduled") == 1, "no retry"


def test_input_after_parameters_over_the_limit_fails(emulator: Emulator, probe: str) -> None:
    parameters = {"a.$": "$.blob", "b.$": "$.blob", "c.$": "$.blob"}
    run = run_definition(emulator, task_machine(probe, Parameters=parameters), {"blob": "z" * 100_000})
    assert run.status == "FAILED", run
    assert run.error == "States.DataLimitExceeded"
    assert "LambdaFunctionScheduled" not in history_types(emulator, run.arn)


def test_execution_input_over_the_limit_fails(emulator: Emulator) -> None:
    machine = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    run = run_definition(emulator, machine, {"blob": "z" * MAX_PAYLOAD_BYTES})
    assert run.status == "FAILED", run
    assert run.error == "States.DataLimitExceeded"


@pytest.mark.parametrize("mode", ["INLINE", "DISTRIBUTED"])
def test_map_aggregated_result_over_the_limit_fails(emulator: Emulator, mode: str) -> None:
    run = run_definition(emulator, map_machine(mode), MAP_INPUT)
    assert run.status == "FAILED", run
    assert run.error == "States.DataLimitExceeded"


def test_payload_switch_turns_the_limit_off(emulator: Emulator, probe: str) -> None:
    with emulator.lax("payload_size"):
        big_result = run_definition(emulator, task_machine(probe), {"bytes": MAX_PAYLOAD_BYTES + 1})
        big_map = run_definition(emulator, map_machine("INLINE"), MAP_INPUT)
    assert big_result.status == "SUCCEEDED", big_result
    assert big_map.status == "SUCCEEDED", big_map


# --- States.Runtime is not caught by States.ALL ----------------------------------------------


def test_states_all_does_not_catch_runtime_errors(emulator: Emulator, probe: str) -> None:
    machine = task_machine(probe, Parameters={"x.$": "$.missing"})
    run = run_definition(emulator, machine, {})
    assert run.status == "FAILED", run
    assert run.error == "States.Runtime"
    with emulator.lax("runtime_uncatchable"):
        caught = run_definition(emulator, machine, {})
    assert caught.status == "SUCCEEDED", caught


# --- failure cause ---------------------------------------------------------------------------

FAIL_MACHINE = {
    "StartAt": "Fail",
    "States": {"Fail": {"Type": "Fail", "Error": "Broken", "CausePath": "$.cause"}},
}


def test_cause_of_exactly_the_limit_is_reported_whole(emulator: Emulator) -> None:
    run = run_definition(emulator, FAIL_MACHINE, {"cause": "c" * MAX_CAUSE_CHARS})
    assert (run.status, run.error) == ("FAILED", "Broken")
    assert run.cause == "c" * MAX_CAUSE_CHARS


def test_cause_over_the_limit_fails_with_states_runtime(emulator: Emulator) -> None:
    run = run_definition(emulator, FAIL_MACHINE, {"cause": "c" * (MAX_CAUSE_CHARS + 1)})
    assert (run.status, run.error) == ("FAILED", "States.Runtime")
    assert run.cause is not None and "32768" in run.cause and len(run.cause) < 1000


def test_cause_switch_turns_the_limit_off(emulator: Emulator) -> None:
    with emulator.lax("failure_cause"):
        run = run_definition(emulator, FAIL_MACHINE, {"cause": "c" * (MAX_CAUSE_CHARS + 1)})
    assert (run.status, run.error) == ("FAILED", "Broken")
    assert run.cause is not None and len(run.cause) == MAX_CAUSE_CHARS + 1


# --- Lambda invoke API errors ----------------------------------------------------------------

MISSING_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:strict-no-such-function"


def test_invoke_api_error_is_named_lambda_code(emulator: Emulator) -> None:
    catch = [{"ErrorEquals": ["Lambda.ResourceNotFoundException"], "ResultPath": "$.error", "Next": "Caught"}]
    caught = run_definition(emulator, task_machine(MISSING_FUNCTION, Retry=[], Catch=catch), {})
    assert caught.status == "SUCCEEDED", caught
    assert caught.output is not None and caught.output["error"]["Error"] == "Lambda.ResourceNotFoundException"

    uncaught = run_definition(emulator, task_machine(MISSING_FUNCTION, Retry=[], Catch=[]), {})
    assert (uncaught.status, uncaught.error) == ("FAILED", "Lambda.ResourceNotFoundException")


def test_lambda_error_names_switch_gives_motos_name_back(emulator: Emulator) -> None:
    with emulator.lax("lambda_error_names"):
        run = run_definition(emulator, task_machine(MISSING_FUNCTION, Retry=[], Catch=[]), {})
    assert (run.status, run.error) == ("FAILED", "Exception")


# --- Lambda sandbox: threads and file descriptors --------------------------------------------


def test_thread_beyond_1024_cannot_start(emulator: Emulator, probe: str) -> None:
    error, result = invoke(emulator, probe, {"threads": 1100})
    assert error is None, result
    assert result["error"] == "can't start new thread"
    assert result["live"] == 1024


def test_threads_switch_turns_the_limit_off(emulator: Emulator, probe: str) -> None:
    with emulator.lax("lambda_threads"):
        error, result = invoke(emulator, probe, {"threads": 1100})
    assert error is None, result
    assert (result["started"], result["error"]) == (1100, None)


def test_open_files_are_capped_at_1024(emulator: Emulator, probe: str) -> None:
    error, result = invoke(emulator, probe, {"files": 1100})
    assert error is None, result
    assert result["limit"] == [1024, 1024]
    assert result["error"] == "Too many open files"
    assert result["opened"] < 1024


def test_open_files_switch_turns_the_limit_off(emulator: Emulator, probe: str) -> None:
    with emulator.lax("lambda_open_files"):
        error, result = invoke(emulator, probe, {"files": 10})
    assert error is None, result
    assert result["limit"] == list(resource.getrlimit(resource.RLIMIT_NOFILE))


def test_a_function_environment_beyond_4_kb_is_refused_as_aws_does(emulator: Emulator) -> None:
    fits = {"A": "x" * (MAX_ENVIRONMENT_BYTES - len('{"A":""}'))}
    assert environment_bytes(fits) == MAX_ENVIRONMENT_BYTES
    function = create_function(emulator, PROBE_SOURCE)
    client = emulator.client("lambda")
    client.update_function_configuration(FunctionName=function, Environment={"Variables": fits})
    too_big = {"Variables": {"A": fits["A"] + "x"}}
    with pytest.raises(ClientError, match="exceeded the 4KB limit") as refused:
        client.update_function_configuration(FunctionName=function, Environment=too_big)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    with emulator.lax("lambda_environment_size"):
        client.update_function_configuration(FunctionName=function, Environment=too_big)
