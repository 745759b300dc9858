"""S3 events reach a queue through EventBridge only as the queue's policy allows (switch
event_delivery_policy), moto's own SQS mapping never fires, and SqsPoller hands batches to a
function as Lambda's poller does (harness/event_delivery.py, harness/sqs_poller.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness import Emulator
from harness.event_delivery import failed_deliveries, policy_admits
from harness.sqs_poller import SqsPoller
from tests.harness.strict_support import create_function, unique

# Fails every record whose body names the key "bad", as a consumer with ReportBatchItemFailures.
CONSUMER = """
import json
def handler(event, context):
    keys = {r["messageId"]: json.loads(r["body"])["detail"]["object"]["key"] for r in event["Records"]}
    failed = [message for message, key in keys.items() if key == "bad"]
    assert all(r["eventSource"] == "aws:sqs" and r["receiptHandle"] for r in event["Records"])
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}
"""


def events_policy(queue_arn: str, rule_arn: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }


@pytest.fixture
def route(emulator: Emulator) -> dict[str, Any]:
    """A bucket with EventBridge on, a rule for its Object Created events and a queue target."""
    s3, sqs, events = emulator.client("s3"), emulator.client("sqs"), emulator.client("events")
    bucket, name = unique("events"), unique("changes")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [bucket]}},
    }
    rule_arn = events.put_rule(Name=name, EventPattern=json.dumps(pattern))["RuleArn"]
    events.put_targets(Rule=name, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return {"s3": s3, "sqs": sqs, "bucket": bucket, "url": url, "queue_arn": queue_arn, "rule_arn": rule_arn}


def received(route: dict[str, Any]) -> list[dict[str, Any]]:
    return route["sqs"].receive_message(QueueUrl=route["url"], MaxNumberOfMessages=10).get("Messages", [])


def test_a_queue_whose_policy_does_not_admit_the_rule_gets_nothing(route):
    before = failed_deliveries().get(route["rule_arn"], 0)
    route["s3"].put_object(Bucket=route["bucket"], Key="k", Body=b"x")
    assert received(route) == []
    assert failed_deliveries()[route["rule_arn"]] == before + 1


def test_a_queue_whose_policy_admits_the_rule_gets_the_event_in_s3s_shape(route):
    policy = events_policy(route["queue_arn"], route["rule_arn"])
    route["sqs"].set_queue_attributes(QueueUrl=route["url"], Attributes={"Policy": json.dumps(policy)})
    route["s3"].put_object(Bucket=route["bucket"], Key="k", Body=b"x")
    [message] = received(route)
    event = json.loads(message["Body"])
    assert (event["detail-type"], event["detail"]["object"]["key"]) == ("Object Created", "k")
    assert event["time"].endswith("Z")  # ISO 8601, as EventBridge writes it


def test_the_switch_turns_the_policy_check_off(emulator: Emulator, route):
    with emulator.lax("event_delivery_policy"):
        route["s3"].put_object(Bucket=route["bucket"], Key="k", Body=b"x")
    assert len(received(route)) == 1


def test_policy_conditions_are_read_as_iam_would():
    queue, rule = "arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:events:us-east-1:123456789012:rule/r"
    assert policy_admits(events_policy(queue, rule), queue, rule, "123456789012")
    assert not policy_admits(events_policy(queue, rule + "-other"), queue, rule, "123456789012")
    assert not policy_admits(events_policy(queue + "-other", rule), queue, rule, "123456789012")
    denied = events_policy(queue, rule)
    denied["Statement"].append({**denied["Statement"][0], "Effect": "Deny", "Condition": {}})
    assert not policy_admits(denied, queue, rule, "123456789012")


def test_the_poller_deletes_what_the_function_did_not_report_failed(emulator: Emulator, route):
    sqs = route["sqs"]
    for key in ("good", "bad", "fine"):
        body = {"source": "aws.s3", "detail": {"bucket": {"name": route["bucket"]}, "object": {"key": key}}}
        sqs.send_message(QueueUrl=route["url"], MessageBody=json.dumps(body))
    function = create_function(emulator, CONSUMER)
    # moto's own mapping would invoke inside SendMessage and delete the message: it must not fire.
    emulator.client("lambda").create_event_source_mapping(
        EventSourceArn=route["queue_arn"], FunctionName=function
    )
    sqs.send_message(
        QueueUrl=route["url"],
        MessageBody=json.dumps(
            {"source": "aws.s3", "detail": {"bucket": {"name": "b"}, "object": {"key": "late"}}}
        ),
    )
    poller = SqsPoller(sqs, emulator.client("lambda"), route["url"], function, 10, 0.5, retry_after_seconds=0)

    invocation = poller.poll_once()

    assert invocation is not None and invocation.function_error is None
    assert len(invocation.records) == 4 and len(invocation.failed) == 1
    [left] = received(route)
    assert json.loads(left["Body"])["detail"]["object"]["key"] == "bad"
