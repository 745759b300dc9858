"""The payload budget: what may travel through Step Functions, and how big it may get.

Step Functions fails any state whose input or output, any Task result and any Map's aggregated
result above 262,144 bytes with States.DataLimitExceeded, which no Catch can handle; it caps an
execution's failure cause at 32,768 characters. So nothing whose size grows with the bucket
travels in the payload: range bounds, cursors and per-range failures live in the run table
(runstore), children return `{}`, and the one list that does travel, a sample of failures, is
cut by bytes. README "Payload budget" gives the worst case of each field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .payloads import Failure

PAYLOAD_LIMIT_BYTES = 262_144
CAUSE_LIMIT_CHARS = 32_768
# S3's limit on a key (UTF-8 bytes); a prefix or startAfter longer than that cannot match a key.
MAX_KEY_BYTES = 1024
# A sample of failed objects: in a range's progress, in the run's state and in its output.
FAILURES_SAMPLE_BYTES = 16_384
# Multipart copies paused for a later step (upload ids and keys) in a range's progress.
UPLOADS_BYTES = 16_384
# A failure's reason is cut to this many characters (S3 error messages can be long).
REASON_CHARS = 300


def json_size(value: Any) -> int:
    """Bytes of `value` as JSON with every non-ASCII character escaped: never less than the
    UTF-8 size of any other JSON rendering, so a bound on it holds whoever serializes."""
    return len(json.dumps(value))


def short_reason(reason: str) -> str:
    """`reason`, cut to REASON_CHARS characters."""
    return reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 1] + "…"


def sample_failures(
    listed: list[Failure], more: Iterable[Failure], budget: int = FAILURES_SAMPLE_BYTES
) -> list[Failure]:
    """`listed` plus as many of `more`, in order, as keep the list within `budget` JSON bytes.

    Stops at the first failure that does not fit, so the sample is always a prefix in key order.
    """
    sample = list(listed)
    size = json_size(sample)
    for failure in more:
        item = Failure(key=failure["key"], reason=short_reason(failure["reason"]))
        added = json_size(item) + (2 if sample else 0)  # ", " between items
        if size + added > budget:
            break
        sample.append(item)
        size += added
    return sample
