"""Deleting destination orphans with DeleteObjects, 1,000 keys a request."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import botocore

from .jobs import one_call, run_jobs, step_pool
from .listing import Entry
from .logs import log
from .payloads import Failure

# DeleteObjects accepts at most this many keys per request.
BATCH_SIZE = 1000


@dataclass
class DeleteOutcome:
    deleted: int = 0
    failures: list[Failure] = field(default_factory=list)


def supports_etag_condition(s3: Any) -> bool:
    """Whether this SDK can send DeleteObjects' per-object ETag condition (S3 model of
    21 November 2024 on). Older SDKs, as a Lambda runtime may bundle, reject the parameter."""
    shape = s3.meta.service_model.shape_for("ObjectIdentifier")
    return "ETag" in shape.members


def unconditional_refusal() -> str:
    """Why an orphan is kept when the SDK cannot make its delete conditional, and how to fix it."""
    return (
        f"not deleted: this runtime's botocore {botocore.__version__} cannot make a delete conditional "
        "on the listed ETag, so an object rewritten since it was listed could be lost; use a runtime "
        "(or a bundled boto3) of November 2024 or later, or accept the risk with "
        "allow_unconditional_deletes = true"
    )


def _reason(error: dict[str, Any]) -> str | None:
    """What one per-object error of DeleteObjects means for that object; None: it is gone."""
    code = str(error.get("Code", ""))
    if code == "NoSuchKey":
        return None  # someone else deleted it first: the orphan is gone either way
    if code in ("PreconditionFailed", "412"):
        return "not deleted: rewritten since it was listed (ETag no longer matches); the next run decides"
    return f"delete refused: {code}: {error.get('Message', '')}".rstrip(": ")


def delete_batch(s3: Any, bucket: str, batch: list[Entry], conditional: bool = True) -> DeleteOutcome:
    """Delete one batch, each delete conditional on the listed ETag unless `conditional` is
    False, so an object rewritten since it was listed is kept and named, not lost."""
    objects = [
        {"Key": entry.key, "ETag": entry.etag} if conditional else {"Key": entry.key} for entry in batch
    ]
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    outcome = DeleteOutcome(deleted=len(batch))
    for error in response.get("Errors", []):
        reason = _reason(error)
        if reason is not None:
            outcome.deleted -= 1
            outcome.failures.append(Failure(key=error["Key"], reason=reason))
    return outcome


def delete_objects(
    s3: Any,
    bucket: str,
    entries: list[Entry],
    threads: int,
    dry_run: bool,
    pool: Executor | None = None,
    allow_unconditional: bool = False,
    execution: str = "",
) -> DeleteOutcome:
    """Delete every entry (or, in a dry run, count it); every entry ends deleted or failed.

    Each batch is one request on `pool`, the step's one executor (a pool of `threads` is
    made when none is given). When the SDK cannot make deletes conditional, nothing is
    deleted (each entry is named with the reason) unless `allow_unconditional` says to
    delete without the condition.
    """
    if dry_run:
        return DeleteOutcome(deleted=len(entries))
    if not entries:
        return DeleteOutcome()
    conditional = supports_etag_condition(s3)
    if not conditional:
        fields = {"execution": execution, "bucket": bucket, "objects": len(entries)}
        if not allow_unconditional:
            log("delete.refused_without_etag_condition", botocore=botocore.__version__, **fields)
            reason = unconditional_refusal()
            return DeleteOutcome(failures=[Failure(key=entry.key, reason=reason) for entry in entries])
        log("delete.unconditional", botocore=botocore.__version__, **fields)
    batches = [entries[i : i + BATCH_SIZE] for i in range(0, len(entries), BATCH_SIZE)]
    if pool is None:
        with step_pool(min(threads, len(batches))) as own_pool:
            return _delete_batches(s3, bucket, batches, conditional, own_pool, threads)
    return _delete_batches(s3, bucket, batches, conditional, pool, threads)


def _delete_batches(
    s3: Any, bucket: str, batches: list[list[Entry]], conditional: bool, pool: Executor, threads: int
) -> DeleteOutcome:
    jobs = (one_call(partial(delete_batch, s3, bucket, batch, conditional)) for batch in batches)
    outcome = DeleteOutcome()
    for done in run_jobs(pool, jobs, threads):
        if done.error is not None:
            raise done.error
        outcome.deleted += done.value.deleted
        outcome.failures.extend(done.value.failures)
    return outcome
