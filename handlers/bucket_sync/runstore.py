"""The run table: where a run keeps what is too big for the Step Functions payload.

One DynamoDB item per range per round, under the run's execution ARN: the range's bounds, and
after every SyncRange step its cursor, counts and a byte-capped sample of failures (or the error
that stopped it). PlanRanges writes a round's items, each child reads and updates its own, and
TallyRound reads them back, so the payload only carries range numbers. Items expire on their own
(`expires`, DynamoDB TTL) a week after their last write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import boto3

from .clients import client_config
from .payloads import KeyRange, PausedUpload, Progress, zero_counts

# Key schema of the table; main.tf declares the same names.
PARTITION_KEY = "run"
SORT_KEY = "item"
TTL_ATTRIBUTE = "expires"
KEEP_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class RangeRecord:
    """One range of one round as the table holds it."""

    index: int
    range: KeyRange
    progress: Progress | None
    error: dict[str, str] | None


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the payload wants int."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _record(item: dict[str, Any]) -> RangeRecord:
    return RangeRecord(
        index=int(item[SORT_KEY].rsplit("#", 1)[1]),
        range=KeyRange(**item["range"]),
        progress=item.get("progress"),
        error=item.get("error"),
    )


def _range_item(round_number: int, index: int) -> str:
    return f"range#{round_number:06d}#{index:06d}"


class RunStore:
    """The items of one run; `table` is a boto3 DynamoDB Table resource."""

    def __init__(self, table: Any, execution: str) -> None:
        self._table = table
        self._run = execution

    def _key(self, round_number: int, index: int) -> dict[str, str]:
        return {PARTITION_KEY: self._run, SORT_KEY: _range_item(round_number, index)}

    def _expiry(self) -> int:
        return int(time.time()) + KEEP_SECONDS

    def write_round(
        self,
        round_number: int,
        ranges: list[KeyRange],
        uploads: dict[int, list[PausedUpload]] | None = None,
    ) -> None:
        """Store the ranges of a round, numbered from 0 in key order; `uploads` gives ranges the
        paused multipart copies their first step resumes."""
        with self._table.batch_writer() as batch:
            for index, key_range in enumerate(ranges):
                item: dict[str, Any] = {
                    **self._key(round_number, index),
                    "range": dict(key_range),
                    TTL_ATTRIBUTE: self._expiry(),
                }
                if uploads and index in uploads:
                    progress = Progress(
                        cursor=key_range["after"], done=False, steps=0, counts=zero_counts(), failures=[]
                    )
                    item["progress"] = {**progress, "uploads": uploads[index]}
                batch.put_item(Item=item)

    def read_range(self, round_number: int, index: int) -> RangeRecord:
        """One range as stored (read consistently: PlanRanges or the last window wrote it)."""
        item = self._table.get_item(Key=self._key(round_number, index), ConsistentRead=True).get("Item")
        if item is None:
            raise LookupError(f"no range {index} of round {round_number} in the run table for {self._run}")
        return _record(_plain(item))

    def save_progress(self, round_number: int, index: int, key_range: KeyRange, progress: Progress) -> None:
        """Record where a range stands after a step (a whole put: a retried step rewrites it)."""
        self._table.put_item(
            Item={
                **self._key(round_number, index),
                "range": dict(key_range),
                "progress": dict(progress),
                TTL_ATTRIBUTE: self._expiry(),
            }
        )

    def record_error(self, round_number: int, index: int, error: dict[str, str]) -> None:
        """Mark a range as stopped by `error`; its progress so far stays."""
        self._table.update_item(
            Key=self._key(round_number, index),
            UpdateExpression="SET #error = :error, #expires = :expires",
            ExpressionAttributeNames={"#error": "error", "#expires": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":error": error, ":expires": self._expiry()},
        )

    def read_round(self, round_number: int) -> list[RangeRecord]:
        """Every range of a round, in index (so key) order."""
        records: list[RangeRecord] = []
        params: dict[str, Any] = {
            "KeyConditionExpression": "#run = :run AND begins_with(#item, :round)",
            "ExpressionAttributeNames": {"#run": PARTITION_KEY, "#item": SORT_KEY},
            "ExpressionAttributeValues": {":run": self._run, ":round": f"range#{round_number:06d}#"},
            "ConsistentRead": True,
        }
        while True:
            page = self._table.query(**params)
            records.extend(_record(_plain(item)) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return records
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@cache
def run_table(name: str) -> Any:
    """The run table as a boto3 Table resource, one per Lambda container."""
    # The same retries and timeouts as the S3 clients (clients.py says why); one thread uses it.
    return boto3.resource("dynamodb", config=client_config(1)).Table(name)
