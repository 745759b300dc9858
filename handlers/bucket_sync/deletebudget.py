"""The continuous consumer's delete budget: at most N deletes per fixed window, across every
concurrent consumer, counted in the run table.

A burst of deletes beyond the budget (a wrong lifecycle rule, a script emptying the source) is
paused instead of emptying the destination: the deletes not reserved go back to the queue and
an alarm fires (the DeletesPaused metric). One item per window holds the count; a conditional
ADD reserves a request's deletes only while the count stays within the budget. The item expires
a day after its window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from .listing import Entry
from .runstore import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE
from .transient import error_code

_KEEP_SECONDS = 24 * 3600


class DeleteBudget:
    """The budget of deletes into one destination; `table` is the run table (boto3 Table)."""

    def __init__(
        self,
        table: Any,
        destination: str,
        budget: int,
        window_seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table
        self._destination = destination
        self._budget = budget
        self._window_seconds = window_seconds
        self._clock = clock
        self.refused = 0

    def reserve(self, entries: list[Entry]) -> bool:
        """Reserve len(entries) deletes in the current window; False (nothing reserved) when
        they would pass the budget. A deleter.Reserve hook."""
        count = len(entries)
        if count > self._budget:
            self.refused += count
            return False
        window = int(self._clock() // self._window_seconds)
        try:
            self._table.update_item(
                Key={PARTITION_KEY: f"continuous#deletes#{self._destination}", SORT_KEY: f"window#{window}"},
                UpdateExpression="ADD #count :count SET #expires = :expires",
                ConditionExpression="attribute_not_exists(#count) OR #count <= :room",
                ExpressionAttributeNames={"#count": "count", "#expires": TTL_ATTRIBUTE},
                ExpressionAttributeValues={
                    ":count": count,
                    ":room": self._budget - count,
                    ":expires": int((window + 1) * self._window_seconds + _KEEP_SECONDS),
                },
            )
        except ClientError as error:
            if error_code(error) != "ConditionalCheckFailedException":
                raise
            self.refused += count
            return False
        return True
