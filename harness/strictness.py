"""Which of AWS's hard limits the emulator enforces (all of them unless told otherwise).

moto is laxer than AWS, and a test that passes on moto where AWS would fail is a false green
(DESIGN.md §5), so every limit below is on by default. Each can be turned off for debugging,
either per Emulator (``Emulator(strictness=Strictness().relaxed("payload_size"))``, or
``with emulator.lax("payload_size"):`` around a block) or for a whole run with the environment
variable ``BUCKET_SYNC_EMULATOR_LAX``: a comma-separated list of field names, or ``all``.

This module imports nothing heavy: the Lambda worker side reads the two Lambda limits.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from dataclasses import dataclass

__all__ = ["LAX_ENV_VAR", "Strictness", "current", "set_current"]

LAX_ENV_VAR = "BUCKET_SYNC_EMULATOR_LAX"


@dataclass(frozen=True)
class Strictness:
    """One switch per enforced limit; True means "behave like AWS"."""

    # Step Functions: 262,144 bytes per state input/output, Task result and Map result, and
    # States.DataLimitExceeded is terminal (States.ALL neither retries nor catches it).
    payload_size: bool = True
    # Step Functions: States.ALL does not match States.Runtime either.
    runtime_uncatchable: bool = True
    # Step Functions: a Fail state's cause longer than 32,768 characters fails with States.Runtime.
    failure_cause: bool = True
    # Step Functions: a Lambda invoke API error is named Lambda.<Code>, not Exception.
    lambda_error_names: bool = True
    # Lambda: at most 1,024 live threads per sandbox.
    lambda_threads: bool = True
    # Lambda: at most 1,024 open file descriptors per sandbox (RLIMIT_NOFILE).
    lambda_open_files: bool = True
    # Lambda: a function's environment variables take at most 4 KB (harness/lambda_limits.py).
    lambda_environment_size: bool = True
    # S3: CopyObject and UploadPartCopy honour x-amz-copy-source-if-match (412 when stale).
    copy_source_if_match: bool = True
    # S3: DeleteObjects honours a per-object ETag (PreconditionFailed / NoSuchKey per key).
    delete_objects_etag: bool = True
    # S3: DeleteObject honours If-Match: an ETag (412 when it differs) or "*" (the object must
    # exist); 404 NoSuchKey when there is no current object. Off: the header is ignored.
    delete_object_if_match: bool = True
    # S3: CopyObject and CompleteMultipartUpload honour the destination's If-Match (412 when the
    # current object's ETag differs, 404 NoSuchKey when there is none) and If-None-Match "*"
    # (412 when an object exists). Off: moto's own, which ignores both on CopyObject and If-Match
    # on CompleteMultipartUpload (it honours If-None-Match there).
    destination_conditions: bool = True
    # S3: an XML request body that is not well-formed XML 1.0 (e.g. a DeleteObjects key holding
    # U+0001, raw or as &#x1;) is refused whole with 400 MalformedXML (moto answers 500).
    xml_body: bool = True
    # S3: x-amz-expected-bucket-owner / x-amz-source-expected-bucket-owner that name another
    # account than the bucket's owner are refused with 403 AccessDenied (harness/s3_ownership.py).
    expected_bucket_owner: bool = True
    # S3: a Requester Pays bucket refuses object and listing requests without
    # x-amz-request-payer: requester (403); every request counts as a non-owner's here.
    requester_pays: bool = True
    # S3: ListObjectsV2 refuses a StartAfter longer than a key (1,024 UTF-8 bytes) with 400.
    start_after_length: bool = True
    # S3: SlowDown (503) beyond a per-bucket rate of writes and of reads (harness/throttling.py).
    s3_request_rate: bool = True
    # DynamoDB: ProvisionedThroughputExceededException beyond a write rate per partition key value.
    dynamodb_partition_rate: bool = True
    # S3: an SSE-C object cannot be copied (nor read) without its customer key.
    sse_c: bool = True
    # IAM: every request is authorized against the caller's policies, and the handlers call AWS
    # as their function's role (harness/iam_enforcement.py says what moto does and does not check).
    iam: bool = True
    # EventBridge: a rule delivers to an SQS queue only when the queue's policy lets
    # events.amazonaws.com send to it (harness/event_delivery.py); otherwise the event is dropped.
    event_delivery_policy: bool = True

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every switch's name, as accepted by :meth:`relaxed` and the environment variable."""
        return tuple(f.name for f in dataclasses.fields(cls))

    def relaxed(self, *names: str) -> Strictness:
        """A copy with the named limits turned off (``"all"`` turns every one off)."""
        if "all" in names:
            names = self.names()
        unknown = sorted(set(names) - set(self.names()))
        if unknown:
            raise ValueError(f"unknown emulator limit(s) {unknown}; known: {', '.join(self.names())}")
        return dataclasses.replace(self, **dict.fromkeys(names, False))

    @classmethod
    def from_env(cls, value: str | None = None) -> Strictness:
        """Strict, minus what ``BUCKET_SYNC_EMULATOR_LAX`` (or ``value``) names."""
        raw = os.environ.get(LAX_ENV_VAR, "") if value is None else value
        names = [part.strip() for part in raw.split(",") if part.strip()]
        return cls().relaxed(*names)


_lock = threading.Lock()
_current: Strictness | None = None


def current() -> Strictness:
    """The limits the patched moto enforces right now (from the environment until set)."""
    global _current
    with _lock:
        if _current is None:
            _current = Strictness.from_env()
        return _current


def set_current(strictness: Strictness | None) -> None:
    """Install ``strictness`` for every patch in this process (None: back to the environment's)."""
    global _current
    with _lock:
        _current = strictness
