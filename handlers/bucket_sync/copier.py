"""Server-side copies of changed objects, in parallel, each pinned to the ETag that was compared."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from .listing import Entry
from .payloads import Failure

# CopyObject's limit; larger objects need a multipart copy.
SINGLE_COPY_LIMIT = 5 * 1024**3

# Objects S3 cannot read until they are restored.
ARCHIVED_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})


@dataclass
class CopyOutcome:
    copied: int = 0
    copied_bytes: int = 0
    failures: list[Failure] = field(default_factory=list)


def refusal(entry: Entry) -> str | None:
    """Why `entry` cannot be copied at all, or None when it can."""
    if entry.storage_class in ARCHIVED_CLASSES:
        return f"stored in {entry.storage_class}: restore it before it can be copied"
    if entry.size > SINGLE_COPY_LIMIT:
        return "larger than 5 GiB: multipart copy is not supported yet"
    return None


def copy_one(s3: Any, source_bucket: str, destination_bucket: str, entry: Entry) -> None:
    """Copy one object with everything CopyObject carries (content headers, metadata, tags).

    StorageClass is passed explicitly because CopyObject would otherwise write STANDARD.
    CopySourceIfMatch makes a concurrent overwrite of the source fail the copy instead of
    copying content that was never compared.
    """
    params: dict[str, Any] = {
        "Bucket": destination_bucket,
        "Key": entry.key,
        "CopySource": {"Bucket": source_bucket, "Key": entry.key},
        "CopySourceIfMatch": entry.etag,
        "MetadataDirective": "COPY",
        "TaggingDirective": "COPY",
    }
    if entry.storage_class != "STANDARD":
        params["StorageClass"] = entry.storage_class
    s3.copy_object(**params)


def _reason(error: ClientError) -> str:
    code = error.response.get("Error", {}).get("Code", "Unknown")
    if code in ("PreconditionFailed", "412"):
        return "source changed while syncing (ETag no longer matches); the next run copies it"
    if code in ("NoSuchKey", "404"):
        return "source deleted while syncing"
    message = error.response.get("Error", {}).get("Message", "")
    return f"{code}: {message}".strip(": ")


def copy_objects(
    s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entries: list[Entry],
    threads: int,
    dry_run: bool,
) -> CopyOutcome:
    """Copy every entry (or, in a dry run, count it); every entry ends copied or failed."""
    outcome = CopyOutcome()
    copyable: list[Entry] = []
    for entry in entries:
        reason = refusal(entry)
        if reason:
            outcome.failures.append(Failure(key=entry.key, reason=reason))
        else:
            copyable.append(entry)

    def attempt(entry: Entry) -> tuple[Entry, str | None]:
        if dry_run:
            return entry, None
        try:
            copy_one(s3, source_bucket, destination_bucket, entry)
        except ClientError as error:
            return entry, _reason(error)
        return entry, None

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for entry, reason in pool.map(attempt, copyable):
            if reason:
                outcome.failures.append(Failure(key=entry.key, reason=reason))
            else:
                outcome.copied += 1
                outcome.copied_bytes += entry.size
    return outcome
