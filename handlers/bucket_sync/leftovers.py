"""Multipart uploads that a stopped or failed run left open: the next run into the same
destination aborts them, so a run that ended early leaves nothing behind but its partial copies'
absence (README "When a run fails").

A step that runs out of time pauses a large copy and hands its open upload to the range's next
step (runstore.PausedUploads records it). A run stopped with StopExecution, or one that failed,
never resumes it, and an open upload bills its parts' storage until someone aborts it.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .logs import log
from .multipart import abort_upload
from .runstore import PausedUploads
from .transient import error_code


def abort_leftover_uploads(
    s3: Any, sfn: Any, registry: PausedUploads, destination: str, execution: str
) -> int:
    """Abort the recorded uploads in `destination` of runs other than `execution` that are no
    longer running; return how many. Uploads of a run still going are its own to resume."""
    statuses: dict[str, str] = {}
    aborted = 0
    for upload in registry.recorded():
        owner = upload["execution"]
        if owner == execution:
            continue
        if owner not in statuses:
            statuses[owner] = _status(sfn, owner)
        if statuses[owner] == "RUNNING":
            continue
        abort_upload(
            s3, destination, upload["key"], upload["uploadId"], f"left open by {owner} ({statuses[owner]})"
        )
        registry.forget(upload["uploadId"])
        aborted += 1
    if aborted:
        log("run.leftover_uploads_aborted", execution=execution, destination=destination, aborted=aborted)
    return aborted


def _status(sfn: Any, execution: str) -> str:
    try:
        return str(sfn.describe_execution(executionArn=execution)["status"])
    except ClientError as error:
        if error_code(error) == "ExecutionDoesNotExist":
            return "GONE"
        raise
