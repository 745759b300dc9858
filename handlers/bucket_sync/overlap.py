"""Refusing a run that would trample another: same destination, overlapping prefixes.

No lock to leak: the running executions of this state machine are the record. Of two runs that
overlap, the one started later refuses (RunInProgress) as soon as its Validate step sees the
other running; the earlier one goes on. A run that crashed, was stopped or timed out is no longer
RUNNING, so nothing is left to release. ListExecutions is eventually consistent: two runs started
within about a second of each other might both miss each other; schedules further apart than
that are safe.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import RunInProgress


def state_machine_of(execution_arn: str) -> str:
    """arn:...:execution:<machine>:<name> -> arn:...:stateMachine:<machine>."""
    parts = execution_arn.split(":")
    return ":".join([*parts[:5], "stateMachine", parts[6]])


def _overlap(prefix: str, other: str) -> bool:
    return prefix.startswith(other) or other.startswith(prefix)


def _target(raw_input: str | None) -> tuple[str, str] | None:
    """(destination, prefix) of an execution input, or None when it names no destination (a
    Distributed Map child, or input Validate will refuse anyway)."""
    try:
        value = json.loads(raw_input or "")
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("destination"), str):
        return None
    prefix = value.get("prefix", "")
    return value["destination"], prefix if isinstance(prefix, str) else ""


def refuse_overlapping_runs(sfn: Any, execution_arn: str, destination: str, prefix: str) -> None:
    """Raise RunInProgress when an execution started before this one is running on the same
    destination with an overlapping prefix."""
    ours = sfn.describe_execution(executionArn=execution_arn)
    pages = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=state_machine_of(execution_arn), statusFilter="RUNNING"
    )
    for page in pages:
        for other in page["executions"]:
            if other["executionArn"] == execution_arn:
                continue
            earlier = (other["startDate"], other["name"]) < (ours["startDate"], ours["name"])
            if not earlier:
                continue
            described = sfn.describe_execution(executionArn=other["executionArn"])
            target = _target(described.get("input"))
            if target is None or target[0] != destination or not _overlap(prefix, target[1]):
                continue
            raise RunInProgress(
                f"execution {other['executionArn']} (started {other['startDate']:%Y-%m-%d %H:%M:%S} UTC) "
                f"is syncing into '{destination}' under prefix '{target[1]}', which overlaps "
                f"'{prefix}'; nothing was written. Run again when it has ended "
                "(or stop it: bucket-sync stop <execution ARN>)"
            )
