"""The run table: where a run keeps what is too big for the Step Functions payload.

One DynamoDB item per range per round: the range's bounds, and after every SyncRange window its
cursor, counts and a byte-capped sample of failures (or the error that stopped it). PlanRanges
writes a round's items and then the round's header (how many ranges it planned), each child
reads and updates its own item, and TallyRound reads back exactly the ranges the header names,
so the payload only carries range numbers. Items expire on their own (`expires`, DynamoDB TTL)
a week after their last write.

Partition keys: every range item is a partition of its own (`<execution>#r<round>#i<index>`),
so a run's writes spread over as many partitions as it has ranges; DynamoDB takes about 1,000
writes/s per partition key, and a range's item takes one write per window (README "Throughput
and throttling"). Run-wide items (round headers, the delete guard's counter) are written once a
round or once a guarded delete batch.

Every write is conditioned on the state it expects: progress never moves backwards (a duplicate
or retried invocation that lost the race stores nothing), an error is recorded only on an item
PlanRanges wrote, and a delete reservation is counted once per batch, however often it is retried.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from .clients import client_config
from .payloads import KeyRange, PausedUpload, Progress, zero_counts
from .transient import cancellation_reasons, error_code, is_transient

# Key schema of the table; main.tf declares the same names.
PARTITION_KEY = "run"
SORT_KEY = "item"
TTL_ATTRIBUTE = "expires"
KEEP_SECONDS = 7 * 24 * 3600
# BatchGetItem reads at most this many items a request.
BATCH_GET_LIMIT = 100
_RANGE_ITEM = "range"
_HEADER_ITEM = "header"
_GUARD_ITEM = "deletes"
_MARKER_ITEM = "reservation"


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


def _record(index: int, item: dict[str, Any]) -> RangeRecord:
    return RangeRecord(
        index=index,
        range=KeyRange(**item["range"]),
        progress=item.get("progress"),
        error=item.get("error"),
    )


def _conditional_failed(error: ClientError) -> bool:
    return error_code(error) == "ConditionalCheckFailedException"


def batch_get(table: Any, keys: list[dict[str, str]], consistent: bool) -> list[dict[str, Any]]:
    """The items of `keys` that exist, read BATCH_GET_LIMIT at a time (BatchGetItem)."""
    client, name = table.meta.client, table.name
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        request: dict[str, Any] = {
            name: {"Keys": keys[start : start + BATCH_GET_LIMIT], "ConsistentRead": consistent}
        }
        unprocessed_rounds = 0
        while request:
            page = client.batch_get_item(RequestItems=request)
            items.extend(page.get("Responses", {}).get(name, []))
            # Keys DynamoDB did not read (throttled, or the 16 MB cap) come back to ask again,
            # after a growing pause (AWS's advice for unprocessed items).
            request = page.get("UnprocessedKeys") or {}
            if request:
                unprocessed_rounds += 1
                time.sleep(min(1.0, 0.05 * 2**unprocessed_rounds))
    return items


class RunStore:
    """The items of one run; `table` is a boto3 DynamoDB Table resource."""

    def __init__(self, table: Any, execution: str) -> None:
        self._table = table
        self._run = execution

    # -- keys ---------------------------------------------------------------------------------

    def _range_key(self, round_number: int, index: int) -> dict[str, str]:
        return {PARTITION_KEY: f"{self._run}#r{round_number:06d}#i{index:06d}", SORT_KEY: _RANGE_ITEM}

    def _header_key(self, round_number: int) -> dict[str, str]:
        return {PARTITION_KEY: f"{self._run}#r{round_number:06d}", SORT_KEY: _HEADER_ITEM}

    def _guard_key(self) -> dict[str, str]:
        return {PARTITION_KEY: f"{self._run}#guard", SORT_KEY: _GUARD_ITEM}

    def _expiry(self) -> int:
        return int(time.time()) + KEEP_SECONDS

    # -- rounds -------------------------------------------------------------------------------

    def write_round(
        self,
        round_number: int,
        ranges: list[KeyRange],
        uploads: dict[int, list[PausedUpload]] | None = None,
        copied_ahead: dict[int, list[str]] | None = None,
    ) -> None:
        """Store the ranges of a round, numbered from 0 in key order, then its header; `uploads`
        gives ranges the paused multipart copies their first step resumes, `copied_ahead` the keys
        earlier windows copied above their cursors.

        The header goes last, so a round whose header exists is whole: a retried PlanRanges
        finds it (planned_count) and plans nothing again, and one that crashed before it
        rewrites every item of the round.
        """
        with self._table.batch_writer() as batch:
            for index, key_range in enumerate(ranges):
                item: dict[str, Any] = {
                    **self._range_key(round_number, index),
                    "range": dict(key_range),
                    TTL_ATTRIBUTE: self._expiry(),
                }
                carried: dict[str, Any] = {}
                if uploads and index in uploads:
                    carried["uploads"] = uploads[index]
                if copied_ahead and index in copied_ahead:
                    carried["copiedAhead"] = copied_ahead[index]
                if carried:
                    progress = Progress(
                        cursor=key_range["after"], done=False, steps=0, counts=zero_counts(), failures=[]
                    )
                    item["progress"] = {**progress, **carried}
                batch.put_item(Item=item)
        self._table.put_item(
            Item={**self._header_key(round_number), "ranges": len(ranges), TTL_ATTRIBUTE: self._expiry()}
        )

    def planned_count(self, round_number: int) -> int | None:
        """How many ranges round `round_number` has, or None when it was not (wholly) planned."""
        item = self._table.get_item(Key=self._header_key(round_number), ConsistentRead=True).get("Item")
        return None if item is None else int(item["ranges"])

    def read_range(self, round_number: int, index: int) -> RangeRecord:
        """One range as stored (read consistently: PlanRanges or the last window wrote it)."""
        key = self._range_key(round_number, index)
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        if item is None:
            raise LookupError(f"no range {index} of round {round_number} in the run table for {self._run}")
        return _record(index, _plain(item))

    def read_round(self, round_number: int, count: int | None = None) -> list[RangeRecord]:
        """Exactly the ranges 0..count-1 of a round (count: the round's header), in index (so
        key) order; items a PlanRanges attempt wrote beyond them are never read."""
        if count is None:
            count = self.planned_count(round_number) or 0
        keys = [self._range_key(round_number, i) for i in range(count)]
        found: dict[int, RangeRecord] = {}
        for item in batch_get(self._table, keys, consistent=True):
            index = int(item[PARTITION_KEY].rsplit("#i", 1)[1])
            found[index] = _record(index, _plain(item))
        missing = [i for i in range(count) if i not in found]
        if missing:
            raise LookupError(f"ranges {missing[:5]} of round {round_number} are missing for {self._run}")
        return [found[i] for i in range(count)]

    # -- a range's progress ---------------------------------------------------------------------

    def save_progress(self, round_number: int, index: int, key_range: KeyRange, progress: Progress) -> bool:
        """Record where a range stands after a window; False (nothing written) when the item
        already holds this window or a later one, which only a duplicate invocation of the same
        child can have stored: its progress stands, so nothing is counted twice or moved back."""
        try:
            self._table.update_item(
                Key=self._range_key(round_number, index),
                UpdateExpression="SET #progress = :progress, #expires = :expires",
                ConditionExpression=(
                    "attribute_exists(#range) AND "
                    "(attribute_not_exists(#progress) OR #progress.#steps < :steps)"
                ),
                ExpressionAttributeNames={
                    "#progress": "progress",
                    "#range": "range",
                    "#steps": "steps",
                    "#expires": TTL_ATTRIBUTE,
                },
                ExpressionAttributeValues={
                    ":progress": dict(progress),
                    ":steps": progress["steps"],
                    ":expires": self._expiry(),
                },
            )
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise
        return True

    def record_error(self, round_number: int, index: int, error: dict[str, str]) -> bool:
        """Mark a range as stopped by `error`; its progress so far stays. False when the range
        item does not exist (no partial item is ever created)."""
        try:
            self._table.update_item(
                Key=self._range_key(round_number, index),
                UpdateExpression="SET #error = :error, #expires = :expires",
                ConditionExpression="attribute_exists(#range)",
                ExpressionAttributeNames={"#error": "error", "#expires": TTL_ATTRIBUTE, "#range": "range"},
                ExpressionAttributeValues={":error": error, ":expires": self._expiry()},
            )
        except ClientError as failed:
            if _conditional_failed(failed):
                return False
            raise
        return True

    # -- the delete guard -------------------------------------------------------------------------

    def reserve_deletes(self, batch: str, count: int, limit: int) -> bool:
        """Reserve `count` deletes of the run's `limit`, atomically, once per `batch` (a name that
        is the same whenever the same batch is retried): True when the batch may delete.

        One transaction writes the batch's marker (only if absent) and adds `count` to the run's
        counter (only if it stays within `limit`): a retried batch finds its marker and is not
        counted again; a batch that would pass the limit reserves nothing.
        """
        if count > limit:
            return False
        marker = hashlib.sha256(batch.encode("utf-8", "surrogatepass")).hexdigest()
        name = self._table.name
        try:
            self._table.meta.client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": name,
                            "Item": {
                                PARTITION_KEY: f"{self._run}#guard#{marker}",
                                SORT_KEY: _MARKER_ITEM,
                                "count": count,
                                TTL_ATTRIBUTE: self._expiry(),
                            },
                            "ConditionExpression": "attribute_not_exists(#run)",
                            "ExpressionAttributeNames": {"#run": PARTITION_KEY},
                        }
                    },
                    {
                        "Update": {
                            "TableName": name,
                            "Key": self._guard_key(),
                            "UpdateExpression": "ADD #reserved :count SET #expires = :expires",
                            "ConditionExpression": "attribute_not_exists(#reserved) OR #reserved <= :room",
                            "ExpressionAttributeNames": {"#reserved": "reserved", "#expires": TTL_ATTRIBUTE},
                            "ExpressionAttributeValues": {
                                ":count": count,
                                ":room": limit - count,
                                ":expires": self._expiry(),
                            },
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if not reasons or is_transient(error):
                raise  # a conflict with another range's reservation, or a throttle: retried
            if reasons[0] == "ConditionalCheckFailed":
                return True  # reserved by an earlier attempt of this very batch
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                return False  # the limit would be passed
            raise
        return True


class PausedUploads:
    """Every multipart upload a step of this deployment left open for a later step, by
    destination bucket, whichever run paused it: a run that was stopped (or failed) never
    resumes its paused copies, so the next run into that destination aborts them.

    One partition per destination, written only when a step pauses copies (large objects near a
    deadline), read once at the start of a run.
    """

    def __init__(self, table: Any, destination: str) -> None:
        self._table = table
        self._partition = f"paused#{destination}"

    def remember(self, execution: str, uploads: list[PausedUpload]) -> None:
        """Record uploads `execution` paused (again: a resumed and re-paused one is rewritten)."""
        expires = int(time.time()) + KEEP_SECONDS
        with self._table.batch_writer() as batch:
            for upload in uploads:
                batch.put_item(
                    Item={
                        PARTITION_KEY: self._partition,
                        SORT_KEY: upload["uploadId"],
                        "key": upload["key"],
                        "execution": execution,
                        TTL_ATTRIBUTE: expires,
                    }
                )

    def recorded(self) -> list[dict[str, str]]:
        """Every paused upload recorded for the destination: uploadId, key and execution."""
        found: list[dict[str, str]] = []
        params: dict[str, Any] = {
            "KeyConditionExpression": "#run = :run",
            "ExpressionAttributeNames": {"#run": PARTITION_KEY},
            "ExpressionAttributeValues": {":run": self._partition},
            "ConsistentRead": True,
        }
        while True:
            page = self._table.query(**params)
            found.extend(
                {"uploadId": item[SORT_KEY], "key": item["key"], "execution": item["execution"]}
                for item in page.get("Items", [])
            )
            if "LastEvaluatedKey" not in page:
                return found
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def forget(self, upload_id: str) -> None:
        """Drop the record of an upload that was aborted (or completed)."""
        self._table.delete_item(Key={PARTITION_KEY: self._partition, SORT_KEY: upload_id})


@cache
def run_table(name: str) -> Any:
    """The run table as a boto3 Table resource, one per Lambda container."""
    # The same retries and timeouts as the S3 clients (clients.py says why); one thread uses it.
    return boto3.resource("dynamodb", config=client_config(1)).Table(name)
