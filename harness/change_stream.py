"""A steady stream of S3 changes, and how far behind the continuous-sync consumer followed it:
the load and the lag figures of the end-to-end test (tests/e2e/test_continuous.py) and of the
benchmark (bench/continuous_lag.py), kept in one place so both measure the same thing.

Two lags: from the event's ``time`` (what the consumer's Lag metric measures; EventBridge
writes it to the second, truncated, so it reads 0 to 1 s long) and from the moment S3 answered
the write (matched to its event by key and ETag, a delete by key).
"""

from __future__ import annotations

import json
import queue
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harness.sqs_poller import Invocation

__all__ = [
    "Change",
    "Written",
    "applied_events",
    "event_time",
    "lags",
    "operations",
    "percentile",
    "perform",
    "wait_for",
    "write_lags",
    "write_paced",
]

# ("put" | "delete", key, body)
Change = tuple[str, str, bytes]


@dataclass(frozen=True)
class Written:
    """One change as the writer saw it: S3's answer time (epoch seconds) and a put's ETag."""

    kind: str
    key: str
    etag: str | None
    at: float


def operations(count: int) -> list[Change]:
    """Puts of new keys, overwrites and deletes of earlier ones, interleaved, in a fixed order:
    `count` new keys, a third of them overwritten and a fifth deleted (about 1.53 changes a key)."""
    ops: list[Change] = []
    for i in range(count):
        ops.append(("put", f"k{i:04d}", f"v1 {i}".encode()))
        if i % 3 == 2:
            ops.append(("put", f"k{i - 2:04d}", f"v2 {i - 2} longer".encode()))
        if i % 5 == 4:
            ops.append(("delete", f"k{i - 4:04d}", b""))
    return ops


def perform(s3: Any, bucket: str, op: Change) -> Written:
    """Apply one change to `bucket`."""
    kind, key, body = op
    etag = None
    if kind == "put":
        etag = str(s3.put_object(Bucket=bucket, Key=key, Body=body)["ETag"]).strip('"')
    else:
        s3.delete_object(Bucket=bucket, Key=key)
    return Written(kind, key, etag, time.time())


def write_paced(s3: Any, bucket: str, ops: list[Change], rate: float, lanes: int = 1) -> list[Written]:
    """Apply `ops` in order at about `rate` a second (never faster). One lane writes one change
    after another, so it falls behind when S3 answers slowly; several lanes keep the pace, each
    key always written by the same lane, so that a key's changes keep their order."""
    done: list[Written | None] = [None] * len(ops)
    failed: list[BaseException] = []
    queues: list[queue.SimpleQueue[tuple[int, Change] | None]] = [queue.SimpleQueue() for _ in range(lanes)]

    def lane(work: queue.SimpleQueue[tuple[int, Change] | None]) -> None:
        while (item := work.get()) is not None:
            try:
                done[item[0]] = perform(s3, bucket, item[1])
            except BaseException as error:  # handed to the caller below
                failed.append(error)

    threads = [threading.Thread(target=lane, args=(work,), daemon=True) for work in queues]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    for number, op in enumerate(ops):
        delay = started + number / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        queues[zlib.crc32(op[1].encode()) % lanes].put((number, op))
    for work in queues:
        work.put(None)
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]
    return [change for change in done if change is not None]


def applied_events(
    invocations: list[Invocation],
) -> Iterator[tuple[Invocation, dict[str, Any], dict[str, Any]]]:
    """Each record the function settled (not reported as failed): its invocation, the SQS record
    and the S3 event in its body."""
    for invocation in invocations:
        for record in invocation.records:
            if record["messageId"] not in invocation.failed:
                yield invocation, record, json.loads(record["body"])


def event_time(event: dict[str, Any]) -> float | None:
    """The event's ``time`` (EventBridge's, to the second) as epoch seconds."""
    at = event.get("time")
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() if at else None


def lags(invocations: list[Invocation]) -> list[float]:
    """Seconds from each applied event's time to the end of the invocation that applied it."""
    found = []
    for invocation, _, event in applied_events(invocations):
        at = event_time(event)
        if at is not None:
            found.append(invocation.ended - at)
    return found


def _write_of(event: dict[str, Any]) -> tuple[str, str | None]:
    detail = event.get("detail", {}).get("object", {})
    etag = None if event.get("detail-type") == "Object Deleted" else detail.get("eTag", detail.get("etag"))
    return str(detail.get("key")), etag


def write_lags(invocations: list[Invocation], written: list[Written]) -> list[float]:
    """Seconds from each write to the end of the invocation that applied its event. A write that
    repeats an earlier one (same key and ETag, or a second delete of a key) counts from the first."""
    when: dict[tuple[str, str | None], float] = {}
    for change in written:
        when.setdefault((change.key, change.etag), change.at)
    found = []
    for invocation, _, event in applied_events(invocations):
        at = when.get(_write_of(event))
        if at is not None:
            found.append(invocation.ended - at)
    return found


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def wait_for(condition: Callable[[], bool], cap: float) -> float | None:
    """Seconds until `condition` held (checked every 0.2 s); None if it did not within `cap`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > cap:
            return None
        time.sleep(0.2)
    return time.monotonic() - started
