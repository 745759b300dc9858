"""RunInProgress: a run refuses while an earlier run writes the same destination and prefixes."""

import json
import time

import boto3
import pytest
from moto import mock_aws
from moto.core.config import default_user_config

from bucket_sync.errors import RunInProgress
from bucket_sync.overlap import refuse_overlapping_runs, state_machine_of
from tests.unit.support import REGION

DEFINITION = json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}})


@pytest.fixture
def sfn(monkeypatch):
    # Executions that are not run stay RUNNING until stopped, as long runs do. The emulator of
    # this test session turns execution on in moto's process-wide config: turn it off here.
    monkeypatch.setitem(default_user_config["stepfunctions"], "execute_state_machine", False)
    with mock_aws():
        client = boto3.client("stepfunctions", region_name=REGION)
        arn = client.create_state_machine(
            name="sync", definition=DEFINITION, roleArn="arn:aws:iam::123456789012:role/r"
        )["stateMachineArn"]
        client.arn = arn
        yield client


def start(sfn, name, **run_input):
    time.sleep(0.01)  # distinct start times, as real starts have
    return sfn.start_execution(stateMachineArn=sfn.arn, name=name, input=json.dumps(run_input))[
        "executionArn"
    ]


def test_an_earlier_run_on_an_overlapping_prefix_refuses_the_later_one(sfn):
    first = start(sfn, "first", source="a", destination="dst", prefix="photos/")
    second = start(sfn, "second", source="b", destination="dst", prefix="photos/2024/")
    with pytest.raises(RunInProgress, match="first.*'photos/'.*nothing was written"):
        refuse_overlapping_runs(sfn, second, "dst", "photos/2024/")
    # The earlier run goes on: the later one is the one that refuses.
    refuse_overlapping_runs(sfn, first, "dst", "photos/")


@pytest.mark.parametrize(("destination", "prefix"), [("other", "photos/"), ("dst", "videos/")])
def test_other_destinations_and_disjoint_prefixes_run_side_by_side(sfn, destination, prefix):
    start(sfn, "first", source="a", destination="dst", prefix="photos/")
    second = start(sfn, "second", source="a", destination=destination, prefix=prefix)
    refuse_overlapping_runs(sfn, second, destination, prefix)


def test_a_run_that_ended_holds_nothing(sfn):
    first = start(sfn, "first", source="a", destination="dst")
    sfn.stop_execution(executionArn=first)
    second = start(sfn, "second", source="a", destination="dst")
    refuse_overlapping_runs(sfn, second, "dst", "")


def test_the_state_machine_is_named_by_the_execution():
    execution = "arn:aws:states:eu-west-1:123456789012:execution:nightly:run-1"
    assert state_machine_of(execution) == "arn:aws:states:eu-west-1:123456789012:stateMachine:nightly"
