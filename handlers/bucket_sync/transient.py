"""Which errors are transient: answers that a later attempt of the same request may not get.

AWS throttles (S3 `503 SlowDown`, DynamoDB `ProvisionedThroughputExceededException`), fails
with a 5xx now and then, and networks time out. botocore retries each request a few times, but
a SlowDown storm outlives its attempts and drains its client-wide retry quota, so the engine
must tell such an error from an answer about the object (403, 404, 412) and retry it later
instead of naming the object, or the whole range, as failed (README "Throughput and throttling").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from .budget import short_reason
from .errors import SyncError, TransientError

T = TypeVar("T")

# Error codes that mean "too fast": the caller should lower its request rate.
THROTTLE_CODES = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "ThroughputExceeded",
        "BandwidthLimitExceeded",
    }
)
# Other codes a later attempt may not get.
OTHER_TRANSIENT_CODES = frozenset(
    {
        "InternalError",
        "InternalServerError",
        "ServiceUnavailable",
        "RequestTimeout",
        "RequestTimeoutException",
        "OperationAborted",
        "TransactionInProgressException",
    }
)


# S3 answers 409 ConditionalRequestConflict when a conditional write or delete races another
# write of the same key, and asks the caller to try again. It is not transient in the sense
# above: it says something about the key (someone else is writing it), not about S3's load, so
# it must neither slow the step's requests nor fail the step as TransientError; the copier and
# the deleter retry the one key themselves, and the retry's own answer (412, or success) decides.
CONFLICT_CODES = frozenset({"ConditionalRequestConflict", "409"})


def error_code(error: BaseException) -> str:
    """The AWS error code of a ClientError ('' for anything else)."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return ""


# Why a TransactWriteItems was cancelled, when a later attempt may not be (the other reasons,
# such as ConditionalCheckFailed, are answers).
TRANSIENT_CANCELLATIONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}
)


def cancellation_reasons(error: BaseException) -> list[str]:
    """The per-item reasons of a cancelled DynamoDB transaction ("None" for an item that was fine)."""
    if error_code(error) != "TransactionCanceledException":
        return []
    return [str(reason.get("Code", "None")) for reason in error.response.get("CancellationReasons", [])]  # type: ignore[attr-defined]


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def is_throttle(error: BaseException) -> bool:
    """True when AWS asked us to slow down."""
    if not isinstance(error, ClientError):
        return False
    return error_code(error) in THROTTLE_CODES or _status(error) in (429, 503)


def is_transient(error: BaseException) -> bool:
    """True for a throttle, a 5xx answer, or a connection or read timeout / reset."""
    if isinstance(error, (ConnectionError, HTTPClientError)):
        return True
    if not isinstance(error, ClientError):
        return False
    code = error_code(error)
    return (
        is_throttle(error)
        or bool(TRANSIENT_CANCELLATIONS.intersection(cancellation_reasons(error)))
        or code in OTHER_TRANSIENT_CODES
        or code in {"500", "502", "503", "504"}
        or _status(error) >= 500
    )


def named_transient(handler: Callable[[Any, Any], T]) -> Callable[[Any, Any], T]:
    """A step's handler whose transient errors leave it as TransientError, the name the state
    machine retries with backoff (every step is idempotent); other errors pass unchanged."""

    @wraps(handler)
    def wrapped(event: Any, context: Any) -> T:
        try:
            return handler(event, context)
        except Exception as error:
            if isinstance(error, SyncError) or not is_transient(error):
                raise
            raise TransientError(short_reason(f"{type(error).__name__}: {error}")) from error

    return wrapped
