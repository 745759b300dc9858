"""Live counts of the round that is running, read from the run table (DynamoDB).

The execution history carries a run's totals only when a round ends (``TallyRound``); while a
round runs, each of its ranges keeps its counts in an item of its own in the run table
(handlers/bucket_sync/runstore.py: partition ``<execution>#r<round>#i<index>``, sort key
``range``, ``progress.counts``). Reading them lets the progress line move before a round ends.

The table's name is the module's ``run_table_name`` output and the functions' ``RUN_TABLE``
variable: ``--run-table`` gives it, else it is looked up once from the state machine's
definition (its first Lambda function's configuration: ``states:DescribeStateMachine`` and
``lambda:GetFunctionConfiguration``). Without it, or without ``dynamodb:BatchGetItem`` on the
table, counts move when rounds end, as before.

Reads are bounded: one BatchGetItem of at most ``KEYS_PER_POLL`` items a poll; a round with more
ranges is read in turns, each range's last counts kept (they only grow within a round).
"""

from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

__all__ = ["COUNT_FIELDS", "KEYS_PER_POLL", "LiveCounts", "run_table_of"]

# BatchGetItem's own cap: one request a poll.
KEYS_PER_POLL = 100
# The counts a range keeps and a round's tally adds up (runner.py and stopped.py read the same).
COUNT_FIELDS = ("copied", "copiedBytes", "deleted", "unchanged", "failed")
_DESERIALIZE = TypeDeserializer().deserialize


def run_table_of(sfn: Any, lambda_client: Any, state_machine_arn: str) -> str | None:
    """The run table's name from the functions the state machine calls, or None."""
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=state_machine_arn)["definition"])
    for state in definition.get("States", {}).values():
        resource = state.get("Resource") if isinstance(state, dict) else None
        if isinstance(resource, str) and resource.startswith("arn:aws:lambda:"):
            config = lambda_client.get_function_configuration(FunctionName=resource)
            name = (config.get("Environment") or {}).get("Variables", {}).get("RUN_TABLE")
            return name if isinstance(name, str) and name else None
    return None


def _counts(item: dict[str, Any]) -> dict[str, int]:
    progress = _DESERIALIZE(item["progress"]) if "progress" in item else {}
    counts = progress.get("counts") if isinstance(progress, dict) else None
    counts = counts if isinstance(counts, dict) else {}
    return {name: int(counts.get(name, 0)) for name in COUNT_FIELDS}


class LiveCounts:
    """The running round's counts so far; every read is best effort (the caller catches)."""

    def __init__(self, dynamodb: Any, table: str, execution_arn: str, keys_per_poll: int = KEYS_PER_POLL):
        self._dynamodb, self._table, self._execution = dynamodb, table, execution_arn
        self._keys_per_poll = keys_per_poll
        self.round: int | None = None
        self.counting = False
        self._size = 0
        self._next = 0
        self._ranges: dict[int, dict[str, int]] = {}

    def round_started(self, round_number: int, ranges: int, counting: bool) -> None:
        """PlanRanges handed out ``ranges`` ranges for round ``round_number``."""
        if round_number != self.round:
            self.round, self.counting, self._size, self._next = round_number, counting, ranges, 0
            self._ranges = {}

    def round_tallied(self, round_number: int) -> None:
        """TallyRound folded the round into the totals: its counts are there now."""
        if round_number == self.round:
            self.round, self._size, self._ranges = None, 0, {}

    def _key(self, index: int) -> dict[str, Any]:
        return {
            "run": {"S": f"{self._execution}#r{self.round:06d}#i{index:06d}"},
            "item": {"S": "range"},
        }

    def poll(self) -> dict[str, int] | None:
        """The running round's counts (read now for up to ``keys_per_poll`` ranges), or None."""
        if self.round is None or self._size == 0:
            return None
        indexes = [(self._next + step) % self._size for step in range(min(self._keys_per_poll, self._size))]
        self._next = (self._next + len(indexes)) % self._size
        answer = self._dynamodb.batch_get_item(
            RequestItems={
                self._table: {
                    "Keys": [self._key(index) for index in indexes],
                    "ProjectionExpression": "#run, #progress.#counts",
                    "ExpressionAttributeNames": {"#run": "run", "#progress": "progress", "#counts": "counts"},
                }
            }
        )
        for item in answer.get("Responses", {}).get(self._table, []):
            index = int(item["run"]["S"].rsplit("#i", 1)[1])
            counts = _counts(item)
            before = self._ranges.get(index, {})
            self._ranges[index] = {name: max(before.get(name, 0), value) for name, value in counts.items()}
        total = dict.fromkeys(COUNT_FIELDS, 0)
        for counts in self._ranges.values():
            for name in COUNT_FIELDS:
                total[name] += counts[name]
        return total
