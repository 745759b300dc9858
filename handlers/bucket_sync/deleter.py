"""Deleting destination orphans with DeleteObjects, 1,000 keys a request."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .jobs import one_call, run_jobs, step_pool
from .listing import Entry
from .payloads import Failure

# DeleteObjects accepts at most this many keys per request.
BATCH_SIZE = 1000


@dataclass
class DeleteOutcome:
    deleted: int = 0
    failures: list[Failure] = field(default_factory=list)


def _supports_etag_condition(s3: Any) -> bool:
    """Older SDKs (some Lambda runtimes) reject the per-object ETag condition of DeleteObjects."""
    shape = s3.meta.service_model.shape_for("ObjectIdentifier")
    return "ETag" in shape.members


def delete_batch(s3: Any, bucket: str, batch: list[Entry]) -> DeleteOutcome:
    """Delete one batch; each delete is conditional on the listed ETag where the SDK allows,
    so an object rewritten since it was listed is kept and reported, not lost."""
    with_etag = _supports_etag_condition(s3)
    objects = [{"Key": entry.key, "ETag": entry.etag} if with_etag else {"Key": entry.key} for entry in batch]
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    errors = response.get("Errors", [])
    failures = [
        Failure(key=error["Key"], reason=f"delete refused: {error.get('Code')}: {error.get('Message', '')}")
        for error in errors
    ]
    return DeleteOutcome(deleted=len(batch) - len(errors), failures=failures)


def delete_objects(
    s3: Any,
    bucket: str,
    entries: list[Entry],
    threads: int,
    dry_run: bool,
    pool: Executor | None = None,
) -> DeleteOutcome:
    """Delete every entry (or, in a dry run, count it); every entry ends deleted or failed.

    Each batch is one request on `pool`, the step's one executor (a pool of `threads` is
    made when none is given).
    """
    if dry_run:
        return DeleteOutcome(deleted=len(entries))
    if pool is None:
        with step_pool(min(threads, len(entries) // BATCH_SIZE + 1)) as own_pool:
            return delete_objects(s3, bucket, entries, threads, dry_run, own_pool)
    batches = [entries[i : i + BATCH_SIZE] for i in range(0, len(entries), BATCH_SIZE)]
    jobs = (one_call(partial(delete_batch, s3, bucket, batch)) for batch in batches)
    outcome = DeleteOutcome()
    for done in run_jobs(pool, jobs, threads):
        if done.error is not None:
            raise done.error
        outcome.deleted += done.value.deleted
        outcome.failures.extend(done.value.failures)
    return outcome
