"""Conditioning every copy on the destination state the merge compared.

A copy that overwrites a destination object is sent with `If-Match` on the destination ETag the
listing showed; a copy of a key the destination did not have is sent with `If-None-Match: *`.
CopyObject carries the condition, and so does CompleteMultipartUpload for a multipart copy
(CreateMultipartUpload and UploadPartCopy take none; the object appears only on completion).
So an object another writer puts in the destination after the listing is never overwritten by
the sync: S3 answers 412 PreconditionFailed, and the key is named (copy_reasons.py).

The condition entered the S3 model for CompleteMultipartUpload in 2024 and for CopyObject later
(botocore 1.34.162, the oldest claimed, has neither; the pinned 1.43.11 has both); an older
botocore rejects the parameters before sending anything. As for deletes
(deleter.unconditional_refusal), such an SDK copies nothing and names each key, unless the
deployment accepts the risk (`allow_unconditional_copies`): the copy is then sent without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import botocore

from .listing import Entry
from .logs import log

# The operations that write the destination object, each taking the condition.
SINGLE_COPY = "CopyObject"
MULTIPART_COMPLETE = "CompleteMultipartUpload"


def sdk_accepts(s3: Any, shape: str, *members: str) -> bool:
    """Whether this SDK's S3 model has every one of `members` in `shape`: an operation's input
    (by operation name, "CopyObject") or a shape of the model ("ObjectIdentifier"). An SDK
    without one, as a Lambda runtime may bundle, rejects the parameter before sending anything."""
    model = s3.meta.service_model
    if shape in model.operation_names:
        found = model.operation_model(shape).input_shape
    else:
        found = model.shape_for(shape)
    return all(member in found.members for member in members)


def supports_destination_condition(s3: Any, operation: str) -> bool:
    """Whether this SDK can send `operation` with If-Match and If-None-Match."""
    return sdk_accepts(s3, operation, "IfMatch", "IfNoneMatch")


def condition_for(entry: Entry, compared: Mapping[str, str | None]) -> dict[str, str]:
    """The destination condition of the copy of `entry`: If-Match on the destination ETag the
    merge compared, or If-None-Match "*" where it found no destination object. A key
    `compared` does not name is taken as absent, so a caller that says nothing can only create,
    never overwrite."""
    etag = compared.get(entry.key)
    return {"IfMatch": etag} if etag is not None else {"IfNoneMatch": "*"}


def unconditional_copy_refusal() -> str:
    """Why a key is not copied when the SDK cannot condition the copy, and how to fix it."""
    return (
        f"not copied: this runtime's botocore {botocore.__version__} cannot condition a copy on the "
        "destination state it compared, so another writer's object could be overwritten; use a newer "
        "runtime or bundled boto3, or accept the risk with allow_unconditional_copies = true"
    )


def destination_condition(
    destination_s3: Any, entry: Entry, compared: Mapping[str, str | None], operation: str, allowed: bool
) -> dict[str, str]:
    """The condition parameters for the request of `operation` that writes `entry`'s copy;
    {} when the SDK cannot send them and `allowed` accepts that. Raises ValueError with the
    reason (the key is named as failed) when it cannot and `allowed` is False."""
    if supports_destination_condition(destination_s3, operation):
        return condition_for(entry, compared)
    if allowed:
        return {}
    raise ValueError(unconditional_copy_refusal())


def note_sdk(destination_s3: Any, bucket: str, copies: int, allowed: bool) -> None:
    """Log once per window when this SDK cannot condition copies: they are then refused (named)
    or, where the deployment allows it, sent without the condition."""
    lacking = [
        operation
        for operation in (SINGLE_COPY, MULTIPART_COMPLETE)
        if not supports_destination_condition(destination_s3, operation)
    ]
    if lacking and copies:
        event = "copy.unconditional" if allowed else "copy.refused_without_destination_condition"
        log(event, bucket=bucket, objects=copies, operations=lacking, botocore=botocore.__version__)
