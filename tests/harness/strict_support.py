"""Helpers for the strict-limit tests: tiny functions and state machines made with boto3."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Emulator
from harness.executions import Execution, run_execution

_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


def unique(prefix: str) -> str:
    """A resource name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error_of(call: Any) -> tuple[int, str]:
    """The HTTP status and error code of the ClientError `call()` raises (it must raise one)."""
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["ResponseMetadata"]["HTTPStatusCode"], raised.value.response["Error"]["Code"]


def role_arn(emulator: Emulator) -> str:
    """A fresh role for functions and state machines (moto checks that it exists)."""
    name = unique("strict")
    return emulator.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(_TRUST))[
        "Role"
    ]["Arn"]


def create_function(emulator: Emulator, source: str, timeout: int = 30) -> str:
    """Deploy ``source`` as module ``probe`` (handler ``probe.handler``); returns the function ARN."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("probe.py", source)
    created = emulator.client("lambda").create_function(
        FunctionName=unique("strict"),
        Runtime="python3.12",
        Role=role_arn(emulator),
        Handler="probe.handler",
        Code={"ZipFile": archive.getvalue()},
        Timeout=timeout,
    )
    return str(created["FunctionArn"])


def invoke(emulator: Emulator, function: str, event: dict[str, Any]) -> tuple[str | None, Any]:
    """Invoke synchronously: (FunctionError or None, decoded payload)."""
    response = emulator.client("lambda").invoke(FunctionName=function, Payload=json.dumps(event))
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def run_definition(emulator: Emulator, definition: dict[str, Any], run_input: Any) -> Execution:
    """Create a state machine from ``definition`` and run it once to its end."""
    sfn = emulator.client("stepfunctions")
    arn = sfn.create_state_machine(
        name=unique("strict"), definition=json.dumps(definition), roleArn=role_arn(emulator)
    )["stateMachineArn"]
    return run_execution(sfn, arn, run_input, timeout_seconds=120)


def history_types(emulator: Emulator, execution_arn: str) -> list[str]:
    """Event types of an execution's history, in order."""
    pages = (
        emulator.client("stepfunctions")
        .get_paginator("get_execution_history")
        .paginate(executionArn=execution_arn)
    )
    return [event["type"] for page in pages for event in page["events"]]
