"""The reason a copy failed, in words an operator can act on, from S3's answer.

Two conditions can fail a copy with 412 PreconditionFailed: the source's (`CopySourceIfMatch`,
the source was rewritten since it was listed) and the destination's (`If-Match` /
`If-None-Match`, another writer wrote the destination key since it was listed). S3 names the
one that failed in the error's `Condition` element: `x-amz-copy-source-If-Match` for the
source, `If-Match` or `If-None-Match` for the destination. A 412 without it (a HEAD's answer has
no body; only the source is read with HEAD) is worded from what the request could have meant.

A 400 names SSE-C only when S3 says so: a copy of an object encrypted with a customer-provided
key, sent without that key, is answered 400 InvalidRequest "The object was stored using a form
of Server Side Encryption. The correct parameters must be provided to retrieve the object." A
HEAD of such an object is answered 400 with no body at all, which could be any bad request, so
the copier asks once more with a one-byte GET, whose answer carries the code and message
(`probe_bare_400`). Any other 400 is reported with its own code and message.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from .jobs import Job
from .listing import Entry
from .transient import CONFLICT_CODES, is_transient

SOURCE_CHANGED = (
    "source changed since it was listed (ETag no longer matches): not copied; the next run copies it"
)
DESTINATION_CHANGED = (
    "destination changed by another writer since it was listed: kept theirs, not copied; "
    "the next run syncs it"
)
EITHER_CHANGED = (
    "source or destination changed since they were listed (S3 did not say which condition failed): "
    "not copied, the destination object is kept; the next run syncs it"
)
SOURCE_DELETED = "source deleted since it was listed: not copied"
EITHER_DELETED = (
    "source deleted, or destination object deleted by another writer, since they were listed: "
    "not copied; the next run syncs it"
)
CONFLICT = "another writer was writing the destination key at the same time (409 ConditionalRequestConflict)"
SSE_C = "S3 refused to read it: objects encrypted with a customer-provided key (SSE-C) cannot be copied"
# What S3 says when an SSE-C object is read or copied without its key.
_SSE_C_MESSAGE = "stored using a form of server side encryption"


def _details(error: ClientError) -> tuple[str, str, str]:
    details = error.response.get("Error", {})
    return (
        str(details.get("Code", "Unknown")),
        str(details.get("Message", "")),
        str(details.get("Condition", "")),
    )


def is_sse_c_refusal(error: ClientError) -> bool:
    """True when S3 refused the request because the object needs its customer-provided key."""
    code, message, _ = _details(error)
    return code == "InvalidRequest" and _SSE_C_MESSAGE in message.lower()


def is_bare_400(error: BaseException) -> bool:
    """True for a 400 answer without an error body (HEAD's), which names no cause."""
    return isinstance(error, ClientError) and _details(error)[0] == "400"


def _precondition(condition: str) -> str:
    if condition.lower().startswith("x-amz-copy-source"):
        return SOURCE_CHANGED
    if condition in ("If-Match", "If-None-Match"):
        return DESTINATION_CHANGED
    return EITHER_CHANGED


def is_destination_precondition(error: BaseException) -> bool:
    """True for a 412 that is not the source's condition: the destination's If-Match or
    If-None-Match (or a 412 that does not say which)."""
    if not isinstance(error, ClientError):
        return False
    code, _, condition = _details(error)
    return code == "PreconditionFailed" and not condition.lower().startswith("x-amz-copy-source")


def reason_for(error: ClientError, overwrite: bool = False) -> str:
    """A sentence an operator can act on, for an S3 error on one object's copy. `overwrite`:
    the copy was conditioned on an existing destination object (If-Match), so a NoSuchKey may
    be that object's, deleted meanwhile, as well as the source's."""
    code, message, condition = _details(error)
    if code == "PreconditionFailed":
        return _precondition(condition)
    if code == "412":  # a HEAD's answer: only the source is read with HEAD, pinned to its ETag
        return SOURCE_CHANGED
    if code in ("NoSuchKey", "404"):
        return EITHER_DELETED if overwrite and code == "NoSuchKey" else SOURCE_DELETED
    if code in CONFLICT_CODES:
        return f"{CONFLICT}: not copied; the next run syncs it"
    if is_sse_c_refusal(error):
        return SSE_C
    if code in ("403", "AccessDenied"):
        return f"access denied (AccessDenied){': ' + message if message else ''}"
    if code == "InvalidObjectState":
        return "archived (InvalidObjectState): restore it before it can be copied"
    if code == "400":
        return "S3 answered 400 Bad Request without detail (a HEAD's answer carries none)"
    return f"{code}: {message}".rstrip(": ")


def describe(error: BaseException, overwrite: bool = False) -> str:
    """The reason for any error of a copy request: reason_for an S3 answer, else its type."""
    if isinstance(error, ClientError):
        return reason_for(error, overwrite)
    return f"{type(error).__name__}: {error}"


def _first_byte(s3: Any, bucket: str, entry: Entry) -> None:
    params: dict[str, Any] = {"Bucket": bucket, "Key": entry.key, "IfMatch": entry.etag}
    if entry.size:
        params["Range"] = "bytes=0-0"  # an empty object has no byte 0: S3 would answer 416
    s3.get_object(**params)["Body"].close()


def probe_bare_400(source_s3: Any, source_bucket: str, entry: Entry) -> Job[str | None]:
    """Why a HEAD of `entry` was answered with a bare 400: one GET of its first byte (pinned to
    the listed ETag) carries S3's code and message. None when that GET failed transiently (the
    copy is tried again later); a reason otherwise."""
    try:
        yield [partial(_first_byte, source_s3, source_bucket, entry)]
    except Exception as error:
        if is_transient(error):
            return None
        if isinstance(error, ClientError):
            return reason_for(error)
        raise
    return "S3 answered a HEAD of it with 400 Bad Request, without detail, yet a GET of it succeeds"
