"""Whether a failed run was rejected before it wrote anything (exit 5), read from its history.

The named rejections (Validate's errors) end a run through the same Fail state whether they
come from ValidateInput, before any write, or from TallyRound. TallyRound rejects before any
write only at the end of a guarded run's counting pass (its input says ``countingOnly``); a
range whose delete reservation was refused mid-run also ends ``DeleteGuardTripped``, after
deletes. So the state the run failed in, and that state's input, tell the two apart.
"""

from __future__ import annotations

import json
from typing import Any

from bucket_sync_cli.runner import TALLY_STATE, Outcome

__all__ = ["REJECTIONS", "rejected_before_writes"]

REJECTIONS = frozenset(
    {
        "InvalidInput",
        "BucketNotFound",
        "AccessDenied",
        "BucketRegionsNotEqual",
        "DeleteGuardTripped",
        "RunInProgress",
    }
)
VALIDATE_STATE = "ValidateInput"
# The Fail, Pass and Task events after the failing task's entry are a handful; a page of this
# many, newest first, always reaches it.
_HISTORY_EVENTS = 50


def _writes_nothing(state_input: Any) -> bool:
    try:
        state = json.loads(state_input) if isinstance(state_input, str) else state_input
    except ValueError:
        return False
    run = state.get("run") if isinstance(state, dict) else None
    return isinstance(run, dict) and (run.get("countingOnly") is True or run.get("dryRun") is True)


def rejected_before_writes(sfn: Any, outcome: Outcome) -> bool:
    """True when ``outcome`` is a named rejection raised before the run wrote any object.

    Unsure (history unreadable, another state) means False: exit 5 promises nothing was written.
    """
    if outcome.status != "FAILED" or outcome.error not in REJECTIONS:
        return False
    try:
        page = sfn.get_execution_history(
            executionArn=outcome.execution_arn, reverseOrder=True, maxResults=_HISTORY_EVENTS
        )
    except Exception:  # the exit status falls back to 1: never claim what cannot be checked
        return False
    for event in page.get("events", []):
        if event.get("type") != "TaskStateEntered":
            continue
        details = event.get("stateEnteredEventDetails") or {}
        name = details.get("name")
        if name == VALIDATE_STATE:
            return True
        return name == TALLY_STATE and _writes_nothing(details.get("input"))
    return False
