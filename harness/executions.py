"""Running the sync state machine and reading what an execution did."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

_names = itertools.count(1)


@dataclass(frozen=True)
class Execution:
    """A finished execution: its status and either its output or its error and cause."""

    arn: str
    status: str
    output: dict[str, Any] | None
    error: str | None
    cause: str | None
    seconds: float


def run_execution(
    sfn: Any, state_machine_arn: str, run_input: Any, timeout_seconds: float = 600
) -> Execution:
    """Start an execution and wait for it to end."""
    return wait_for_execution(sfn, start_execution(sfn, state_machine_arn, run_input), timeout_seconds)


def start_execution(sfn: Any, state_machine_arn: str, run_input: Any) -> str:
    """Start an execution and return its ARN at once.

    moto does not generate execution names, so every execution gets a unique one here.
    """
    name = f"run-{int(time.time() * 1000)}-{next(_names)}"
    return sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(run_input))[
        "executionArn"
    ]


def wait_for_execution(sfn: Any, arn: str, timeout_seconds: float = 600) -> Execution:
    """Wait for a started execution to end and read what it did."""
    started = time.monotonic()
    while True:
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            break
        if time.monotonic() - started > timeout_seconds:
            raise TimeoutError(f"execution {arn} still RUNNING after {timeout_seconds} s")
        time.sleep(0.2)
    output = described.get("output")
    return Execution(
        arn=arn,
        status=described["status"],
        output=json.loads(output) if output else None,
        error=described.get("error"),
        cause=described.get("cause"),
        seconds=round(time.monotonic() - started, 2),
    )


def history_event_count(sfn: Any, execution_arn: str) -> int:
    """Number of events in an execution's history (the 25,000-event limit applies to it)."""
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    return sum(len(page["events"]) for page in pages)
