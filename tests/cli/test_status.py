"""``bucket-sync status`` on moto in-process: queue depths, dead letters, the consumer's metrics
(put here as CloudWatch Logs would from its EMF lines, and the oldest message's age as SQS would
publish it), metrics without data, the JSON document, exit statuses and continuous sync off."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from bucket_sync_cli.main import main
from bucket_sync_cli.status import Target, collect, format_status
from moto import mock_aws

from harness import cloudwatch_metrics, iam_enforcement
from tests.cli.conftest import Result
from tests.cli.test_terraform import fake_terraform

REGION = "us-east-1"
NAMESPACE = "BucketSync/Continuous"
STATUS_KEYS = {
    "windowMinutes",
    "consumer",
    "queue",
    "deadLetterQueue",
    "oldestMessageAgeSeconds",
    "lag",
    "deletesPaused",
    "problems",
}

# moto has no percentiles and SQS publishes no metric there: the harness adds both.
cloudwatch_metrics.apply()


@pytest.fixture
def aws(aws_env: None) -> Iterator[dict[str, Any]]:
    """Clients of moto in-process, and a queue with a dead-letter queue, named for this test.

    Neither reset on start nor on stop: an emulator of the same pytest process (the CLI tests'
    deployment) shares moto's backends and keeps its state; unique names keep tests apart."""
    mock = mock_aws()
    mock.start(reset=False)
    enforcing = iam_enforcement.enforcing()
    iam_enforcement.enforce(False)  # the emulator turns IAM on process-wide; these calls are nobody's
    try:
        sqs = boto3.client("sqs", region_name=REGION)
        name = f"status-{uuid.uuid4().hex[:8]}"
        dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
        url = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive})["QueueUrl"]
        yield {
            "sqs": sqs,
            "cloudwatch": boto3.client("cloudwatch", region_name=REGION),
            "url": url,
            "dlq_url": dlq_url,
            "name": name,
            "consumer": f"{name}-consume",
        }
    finally:
        iam_enforcement.enforce(enforcing)
        mock.stop(remove_data=False)


@pytest.fixture
def status(aws: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> Any:
    """``bucket-sync status --queue-url ... --consumer ...`` plus the arguments given."""

    def run(*argv: str, target: bool = True) -> Result:
        named = ["--queue-url", aws["url"], "--consumer", aws["consumer"]] if target else []
        code = main(["status", "--region", REGION, *named, *argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def put_consumer_metrics(aws: dict[str, Any], lags_ms: list[float], paused: int = 0) -> None:
    """What CloudWatch Logs makes of the consumer's EMF lines (steps/consume.py)."""
    dimensions = [{"Name": "Consumer", "Value": aws["consumer"]}]
    aws["cloudwatch"].put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[
            {"MetricName": "Lag", "Dimensions": dimensions, "Values": lags_ms, "Unit": "Milliseconds"},
            {"MetricName": "DeletesPaused", "Dimensions": dimensions, "Value": paused, "Unit": "Count"},
        ],
    )


def test_depths_of_the_queue_and_of_the_dead_letter_queue_its_redrive_policy_names(aws, status):
    sqs = aws["sqs"]
    for n in range(3):
        sqs.send_message(QueueUrl=aws["url"], MessageBody=f"m{n}")
    sqs.send_message(QueueUrl=aws["url"], MessageBody="later", DelaySeconds=600)
    sqs.receive_message(QueueUrl=aws["url"], MaxNumberOfMessages=1, VisibilityTimeout=600)
    sqs.send_message(QueueUrl=aws["dlq_url"], MessageBody="given up")
    sqs.send_message(QueueUrl=aws["dlq_url"], MessageBody="given up too")

    result = status("-j")

    document = result.json()
    assert document["queue"] == {
        "url": aws["url"],
        "name": aws["name"],
        "visible": 2,
        "inFlight": 1,
        "delayed": 1,
    }
    assert document["deadLetterQueue"]["url"] == aws["dlq_url"]
    assert document["deadLetterQueue"]["messages"] == 2
    assert result.code == 6
    assert document["problems"] == [f"2 message(s) in the dead-letter queue {aws['name']}-dlq"]


def test_the_json_document_has_every_key_and_the_lag_percentiles(aws, status):
    put_consumer_metrics(aws, [float(ms) for ms in range(10, 1001, 10)])  # 10 ms .. 1 s

    result = status("--json")

    assert result.code == 0, result.stderr
    document = result.json()
    assert set(document) == STATUS_KEYS
    assert document["consumer"] == aws["consumer"]
    assert document["lag"] == {"count": 100, "p50Seconds": 0.5, "p99Seconds": 0.99, "maxSeconds": 1.0}
    assert document["deletesPaused"] == 0
    assert document["oldestMessageAgeSeconds"] == {"latest": 0.0, "max": 0.0}  # an empty queue
    assert document["problems"] == []


def test_metrics_without_data_are_named_so_not_zero(aws, status):
    result = status()

    assert result.code == 0, result.stderr
    assert "lag       no data in the last 15 min (no change applied)" in result.stdout
    assert "deletes   no data in the last 15 min" in result.stdout
    document = status("-j", "--window", "5").json()
    assert document["lag"] == {"count": 0, "p50Seconds": None, "p99Seconds": None, "maxSeconds": None}
    assert document["deletesPaused"] is None
    assert document["windowMinutes"] == 5


def test_an_oldest_message_without_data_is_said_so():
    status = {
        "windowMinutes": 15,
        "consumer": None,
        "queue": {"name": "q", "visible": 0, "inFlight": 0, "delayed": 0},
        "deadLetterQueue": None,
        "oldestMessageAgeSeconds": None,
        "lag": None,
        "deletesPaused": None,
    }
    assert format_status(status).splitlines() == [
        "queue     q: 0 waiting, 0 in flight, 0 delayed",
        "oldest    no data in the last 15 min",
        "lag       unknown: no consumer named (--consumer)",
        "dlq       unknown: the queue names no dead-letter queue (--dlq-url)",
    ]


def test_an_old_message_exits_6_past_max_age_and_0_within_it(aws, status):
    # As SQS publishes it each minute for the queue.
    aws["cloudwatch"].put_metric_data(
        Namespace="AWS/SQS",
        MetricData=[
            {
                "MetricName": "ApproximateAgeOfOldestMessage",
                "Dimensions": [{"Name": "QueueName", "Value": aws["name"]}],
                "Value": 600,
                "Unit": "Seconds",
            }
        ],
    )

    within = status("--max-age", "900")
    past = status("--max-age", "300")

    assert within.code == 0, within.stderr
    assert "oldest    600 s (latest; at most 600 s in the last 15 min)" in within.stdout
    assert past.code == 6
    assert past.stdout == within.stdout
    assert "attention: the oldest message is 600 s old (over --max-age 300 s)" in past.stderr


def test_paused_deletes_exit_6(aws, status):
    put_consumer_metrics(aws, [120.0], paused=4)

    result = status()

    assert result.code == 6
    assert "deletes   4 paused (over the delete budget) in the last 15 min" in result.stdout
    assert "attention: 4 delete(s) paused: over the delete budget" in result.stderr
    assert "lag       p50 0.1 s, p99 0.1 s, max 0.1 s over 1 changes in the last 15 min" in result.stdout


def test_from_terraform_reads_the_queues_and_the_consumer_of_the_output(aws, status, tmp_path, monkeypatch):
    consumer_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{aws['consumer']}"
    output = {
        "queue_arn": f"arn:aws:sqs:{REGION}:123456789012:{aws['name']}",
        "queue_url": aws["url"],
        "dlq_arn": f"arn:aws:sqs:{REGION}:123456789012:{aws['name']}-dlq",
        "dlq_url": aws["dlq_url"],
        "rule_name": "changes",
        "consumer_function_arn": consumer_arn,
    }
    fake_terraform(tmp_path, json.dumps({"continuous_sync": {"value": output}}))
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    put_consumer_metrics(aws, [2000.0])

    result = status("--from-terraform", str(tmp_path), "-j", target=False)

    assert result.code == 0, result.stderr
    document = result.json()
    assert (document["queue"]["url"], document["deadLetterQueue"]["url"]) == (aws["url"], aws["dlq_url"])
    assert document["consumer"] == aws["consumer"]
    assert document["lag"]["maxSeconds"] == 2.0


def test_continuous_sync_off_is_a_clear_error_naming_the_variable(status, tmp_path, monkeypatch):
    fake_terraform(
        tmp_path, json.dumps({"continuous_sync": {"value": None}, "state_machine_arn": {"value": "a"}})
    )
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")

    result = status("--from-terraform", str(tmp_path), target=False)

    assert result.code == 2
    assert result.stdout == ""
    assert "output 'continuous_sync' in" in result.stderr
    assert "continuous sync is off. Set the module's variable continuous_sync" in result.stderr


def test_a_root_module_without_the_output_names_the_outputs_it_has(status, tmp_path, monkeypatch):
    fake_terraform(tmp_path, json.dumps({"state_machine_arn": {"value": "a"}}))
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")

    result = status("--from-terraform", str(tmp_path), target=False)

    assert result.code == 2
    assert "has no output 'continuous_sync' (outputs: state_machine_arn)" in result.stderr


def test_a_queue_that_does_not_exist_is_a_client_error(aws, status):
    result = status("--queue-url", aws["url"] + "-gone", target=False)

    assert result.code == 2
    assert "could not read continuous sync's state" in result.stderr


def test_without_a_consumer_the_lag_is_unknown_not_missing(aws):
    document = collect(aws["sqs"], aws["cloudwatch"], Target(aws["url"]))

    assert document["lag"] is None and document["consumer"] is None
    assert "lag       unknown: no consumer named (--consumer)" in format_status(document)
