"""Handing one large object to the state machine: a run scoped to exactly that key.

An object whose copy could outlast the consumer's timeout is copied by the ordinary run, which
pauses and resumes multipart copies across invocations. The run's prefix is the key without its
last character and its one include pattern is that character (escaped), so only the key itself
is in scope: not "key.bak", not "key/child". The execution is named after the source version,
so duplicate events of one version start one run.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from botocore.exceptions import ClientError

from .transient import error_code

_GLOB_SPECIAL = "*?["


def exact_key_scope(key: str) -> dict[str, Any]:
    """Run input fields whose scope is exactly `key` (scope.py's rules)."""
    last = key[-1]
    return {"prefix": key[:-1], "include": [f"[{last}]" if last in _GLOB_SPECIAL else last]}


def execution_name(source: str, key: str, etag: str) -> str:
    """A name (at most 80 characters) that is the same for every event of one source version."""
    digest = hashlib.sha256(f"{source}\n{key}\n{etag}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"continuous-{digest[:64]}"


def hand_off(
    sfn: Any,
    state_machine_arn: str,
    source: str,
    destination: str,
    key: str,
    etag: str,
    delete_orphans: bool,
) -> str:
    """Start the run that syncs `key` and return its execution ARN; an execution of this
    version started before counts as started."""
    name = execution_name(source, key, etag)
    run_input = {
        "source": source,
        "destination": destination,
        "deleteOrphans": delete_orphans,
        **exact_key_scope(key),
    }
    try:
        started = sfn.start_execution(
            stateMachineArn=state_machine_arn, name=name, input=json.dumps(run_input)
        )
    except ClientError as error:
        if error_code(error) != "ExecutionAlreadyExists":
            raise
        arn = state_machine_arn.replace(":stateMachine:", ":execution:")
        return f"{arn}:{name}"
    return str(started["executionArn"])
