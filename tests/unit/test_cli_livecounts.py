"""The CLI's live counts from the run table (moto in-process, so with the handler tests): written
by the handlers' own RunStore, read with one bounded BatchGetItem a poll, added to the progress
line while a round runs."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from bucket_sync_cli.livecounts import LiveCounts, run_table_of
from bucket_sync_cli.progress import render_line
from bucket_sync_cli.runner import ProgressProbe

from bucket_sync.payloads import KeyRange, Progress, zero_counts
from bucket_sync.runstore import RunStore
from tests.cli.test_progress import EXECUTION, FakeStepFunctions, lambda_succeeded
from tests.unit.support import REGION, RUN_TABLE

TABLE = RUN_TABLE


class CountingDynamoDB:
    def __init__(self, client: Any) -> None:
        self.client, self.requests = client, []

    def batch_get_item(self, **kwargs: Any) -> Any:
        self.requests.append(kwargs)
        return self.client.batch_get_item(**kwargs)


@pytest.fixture
def store(run_table: Any) -> tuple[RunStore, CountingDynamoDB]:
    """The handlers' RunStore on the unit tests' run table (moto in-process), and the CLI's client."""
    return RunStore(run_table, EXECUTION), CountingDynamoDB(boto3.client("dynamodb", region_name=REGION))


RANGES = [KeyRange(after=f"k{i}", upTo=f"k{i + 1}") for i in range(5)]


def save(store: RunStore, round_number: int, index: int, steps: int, **counts: int) -> None:
    progress = Progress(
        cursor=f"k{index}x", done=False, steps=steps, counts={**zero_counts(), **counts}, failures=[]
    )
    assert store.save_progress(round_number, index, RANGES[index], progress)


def test_the_running_round_is_read_from_the_items_the_handlers_write(store) -> None:
    runs, dynamodb = store
    runs.write_round(1, RANGES)
    save(runs, 1, 0, 1, copied=3, copiedBytes=300)
    save(runs, 1, 3, 1, copied=2, copiedBytes=200, deleted=1, unchanged=7)
    live = LiveCounts(dynamodb, TABLE, EXECUTION, keys_per_poll=2)
    assert live.poll() is None, "no round known yet"
    live.round_started(1, len(RANGES), counting=False)
    # Two keys a poll: ranges 0-1, then 2-3, then 4 and 0; what was read stays counted.
    assert live.poll()["copied"] == 3
    assert live.poll() == {"copied": 5, "copiedBytes": 500, "deleted": 1, "unchanged": 7, "failed": 0}
    save(runs, 1, 0, 2, copied=4, copiedBytes=400, failed=1)
    assert live.poll()["copied"] == 6 and live.poll()["failed"] == 1
    assert all(len(request["RequestItems"][TABLE]["Keys"]) <= 2 for request in dynamodb.requests)
    live.round_tallied(1)
    assert live.poll() is None


def test_the_progress_line_counts_the_running_round_until_it_is_tallied(store) -> None:
    runs, dynamodb = store
    totals = {"copied": 10, "copiedBytes": 1000, "deleted": 0, "unchanged": 5, "failed": 0}
    sfn = FakeStepFunctions()
    sfn.add_state(
        "TallyRound", lambda_succeeded({"round": 1, "run": {"countingOnly": False}, "totals": totals})
    )
    sfn.add_state(
        "PlanRanges", lambda_succeeded({"round": 2, "ranges": [0, 1], "run": {"countingOnly": False}})
    )
    runs.write_round(2, RANGES[:2])
    save(runs, 2, 1, 1, copied=7, copiedBytes=700)
    probe = ProgressProbe(sfn, EXECUTION, LiveCounts(dynamodb, TABLE, EXECUTION))
    progress = probe.poll()
    assert progress.running is not None and progress.running["copied"] == 7
    assert "copied 17 (1.7 KiB)" in render_line(5.0, progress)
    # The round's tally holds what the line showed; the running part is dropped, not added twice.
    sfn.add_state(
        "TallyRound",
        lambda_succeeded({"round": 2, "run": {"countingOnly": False}, "totals": {**totals, "copied": 17}}),
    )
    progress = probe.poll()
    assert progress.running is None and "copied 17 " in render_line(6.0, progress)


def test_the_table_name_is_found_through_the_state_machine_functions() -> None:
    definition = {
        "States": {
            "Wait": {"Type": "Pass"},
            "V": {"Type": "Task", "Resource": "arn:aws:lambda:r:1:function:v"},
        }
    }

    class Sfn:
        def describe_state_machine(self, stateMachineArn: str) -> dict:
            return {"definition": json.dumps(definition)}

    class Lambda:
        def get_function_configuration(self, FunctionName: str) -> dict:
            assert FunctionName == "arn:aws:lambda:r:1:function:v"
            return {"Environment": {"Variables": {"RUN_TABLE": TABLE}}}

    assert run_table_of(Sfn(), Lambda(), "arn:sm") == TABLE
