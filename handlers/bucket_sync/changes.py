"""Reading a batch of SQS records as change hints: which keys of which bucket changed, and when.

Two shapes reach the queue: an EventBridge event of the S3 source (the module's default route:
`detail.bucket.name`, `detail.object.key`, `time`), and an S3 Event Notification message (the
alternative route: `Records[].s3.bucket.name`, `Records[].s3.object.key` URL-encoded with `+`
for spaces, `Records[].eventTime`). Events are hints, never commands: only the bucket and key
are taken from them (and the time, for the lag metric); what is done is decided from both
sides' live state. A message that holds no S3 change (S3's TestEvent, anything unreadable) is
ignored and taken off the queue, since reading it again cannot make it one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from .logs import log


@dataclass(frozen=True)
class Change:
    """One key an event says changed."""

    bucket: str
    key: str
    # When S3 saw the change (the event's time); None when the event did not say.
    time: datetime | None


@dataclass
class Hints:
    """The distinct keys of a batch, each with the messages that named it and its earliest
    event time: a key written many times is applied once, and its messages settle together."""

    messages: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    earliest: dict[tuple[str, str], datetime] = field(default_factory=dict)
    ignored: int = 0

    def add(self, message_id: str, change: Change) -> None:
        pair = (change.bucket, change.key)
        ids = self.messages.setdefault(pair, [])
        if message_id not in ids:
            ids.append(message_id)
        if change.time is not None and (pair not in self.earliest or change.time < self.earliest[pair]):
            self.earliest[pair] = change.time


def parse_time(value: Any) -> datetime | None:
    """An event's ISO 8601 time ("2026-12-04T22:55:43Z", with or without fractions)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _from_eventbridge(body: dict[str, Any]) -> list[Change]:
    detail = body.get("detail") or {}
    bucket = (detail.get("bucket") or {}).get("name")
    key = (detail.get("object") or {}).get("key")
    if not isinstance(bucket, str) or not isinstance(key, str):
        return []
    return [Change(bucket, key, parse_time(body.get("time")))]


def _from_notification(body: dict[str, Any]) -> list[Change]:
    changes = []
    for record in body.get("Records") or []:
        if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
            continue
        s3 = record.get("s3") or {}
        bucket = (s3.get("bucket") or {}).get("name")
        key = (s3.get("object") or {}).get("key")
        if isinstance(bucket, str) and isinstance(key, str):
            # Notification keys are URL-encoded, spaces as '+' (EventBridge's are not).
            changes.append(Change(bucket, unquote_plus(key), parse_time(record.get("eventTime"))))
    return changes


def changes_in(body: str) -> list[Change]:
    """The S3 changes one message body names (none for anything else)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return []
    if not isinstance(parsed, dict):
        return []
    if parsed.get("source") == "aws.s3" and "detail" in parsed:
        return _from_eventbridge(parsed)
    return _from_notification(parsed)


def hints_of(records: list[dict[str, Any]]) -> Hints:
    """The distinct changed keys of a batch of SQS records."""
    hints = Hints()
    for record in records:
        message_id = str(record.get("messageId", ""))
        changes = changes_in(str(record.get("body", "")))
        if not changes:
            hints.ignored += 1
            log("consume.ignored", messageId=message_id, body=str(record.get("body", ""))[:200])
        for change in changes:
            hints.add(message_id, change)
    return hints
