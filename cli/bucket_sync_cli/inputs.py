"""Building a run's execution input from the command line, and starting the execution."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

# Storage classes a copy may be written in (the handlers' overrides.STORAGE_CLASSES), and the
# words that send null instead of a class or a key.
STORAGE_CLASSES = (
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "GLACIER_IR",
    "DEEP_ARCHIVE",
)
KEEP_SOURCE_CLASS = "source"
BUCKET_DEFAULT_KEY = "bucket-default"


def build_input(
    source: str,
    destination: str,
    *,
    prefix: str | None = None,
    start_after: str | None = None,
    dry_run: bool = False,
    delete_orphans: bool | None = None,
    max_deletes: int | None = None,
    allow_empty_source: bool = False,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    storage_class: str | None = None,
    sse_kms_key_id: str | None = None,
    report: bool | None = None,
) -> dict[str, Any]:
    """The execution input of the run contract, with only the fields the caller set.

    Fields left out take the module's defaults (``delete_orphans``, ``max_deletes``,
    ``destination_storage_class``, ``destination_sse_kms_key_arn``, a report when the module has
    a report bucket). ``storage_class`` KEEP_SOURCE_CLASS and ``sse_kms_key_id`` BUCKET_DEFAULT_KEY
    send null: each copy keeps its source's class, or gets the bucket's default encryption.
    """
    run_input: dict[str, Any] = {"source": source, "destination": destination}
    if prefix is not None:
        run_input["prefix"] = prefix
    if start_after is not None:
        run_input["startAfter"] = start_after
    if delete_orphans is not None:
        run_input["deleteOrphans"] = delete_orphans
    if dry_run:
        run_input["dryRun"] = True
    if max_deletes is not None:
        run_input["maxDeletes"] = max_deletes
    if allow_empty_source:
        run_input["allowEmptySource"] = True
    if include:
        run_input["include"] = list(include)
    if exclude:
        run_input["exclude"] = list(exclude)
    if storage_class is not None:
        run_input["storageClass"] = None if storage_class == KEEP_SOURCE_CLASS else storage_class
    if sse_kms_key_id is not None:
        run_input["sseKmsKeyId"] = None if sse_kms_key_id == BUCKET_DEFAULT_KEY else sse_kms_key_id
    if report is not None:
        run_input["report"] = report
    return run_input


def execution_name(now: datetime | None = None, suffix: str | None = None) -> str:
    """A unique execution name: ``bucket-sync-<UTC timestamp>-<6 random hex digits>``."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"bucket-sync-{moment:%Y%m%dT%H%M%SZ}-{suffix or secrets.token_hex(3)}"


def bucket_checks(
    source_owner: str | None, destination_owner: str | None, request_payer: str | None
) -> dict[str, str]:
    """The run input's owner checks and Requester Pays consent, only those given (the rest take
    the module's ``source_bucket_owner``, ``destination_bucket_owner`` and ``request_payer``)."""
    given = {
        "sourceBucketOwner": source_owner,
        "destinationBucketOwner": destination_owner,
        "requestPayer": request_payer,
    }
    return {field: value for field, value in given.items() if value is not None}


def start_execution(sfn: Any, state_machine_arn: str, run_input: dict[str, Any], name: str) -> str:
    """Start one execution and return its ARN (botocore errors propagate)."""
    response = sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(run_input))
    return response["executionArn"]
