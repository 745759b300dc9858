"""The CloudWatch figures the harness adds to moto (harness/cloudwatch_metrics.py): percentiles,
SQS's queue metrics, and metrics from the EMF lines a function prints (harness/emf_tee.py)."""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sqs.models import sqs_backends

from harness import Emulator, cloudwatch_metrics, iam_enforcement
from harness.cloudwatch_metrics import EmfForwarder, metric_data_of, percentile
from harness.emf_tee import EmfTee, is_emf
from tests.harness.strict_support import create_function

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto in-process, sharing (not resetting) the backends of an emulator in this process."""
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    cloudwatch_metrics.apply()
    mock = mock_aws()
    mock.start(reset=False)
    enforcing = iam_enforcement.enforcing()
    iam_enforcement.enforce(False)
    try:
        yield
    finally:
        iam_enforcement.enforce(enforcing)
        mock.stop(remove_data=False)


def values(cloudwatch: Any, namespace: str, name: str, dimension: tuple[str, str], stat: str) -> list[float]:
    now = datetime.now(UTC)
    answer = cloudwatch.get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {
                        "Namespace": namespace,
                        "MetricName": name,
                        "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
                    },
                    "Period": 3600,
                    "Stat": stat,
                },
            }
        ],
        StartTime=now - timedelta(minutes=30),
        EndTime=now + timedelta(minutes=30),
    )
    return answer["MetricDataResults"][0]["Values"]


def test_nearest_rank_percentiles():
    assert percentile([5.0], 99) == 5.0
    assert percentile([float(n) for n in range(1, 101)], 50) == 50.0
    assert percentile([float(n) for n in range(1, 101)], 99) == 99.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0


def test_get_metric_data_answers_percentiles_of_raw_values(moto):
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    dimension = ("Consumer", f"p-{uuid.uuid4().hex[:8]}")
    cloudwatch.put_metric_data(
        Namespace="Test/Percentiles",
        MetricData=[
            {
                "MetricName": "Lag",
                "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
                "Values": [float(n) for n in range(1, 101)],
            }
        ],
    )
    for stat, expected in (("p50", 50.0), ("p99", 99.0), ("p99.9", 100.0), ("Maximum", 100.0)):
        assert values(cloudwatch, "Test/Percentiles", "Lag", dimension, stat) == [expected], stat


def test_sqs_publishes_the_oldest_messages_age_and_the_depths(moto):
    sqs = boto3.client("sqs", region_name=REGION)
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    name = f"aged-{uuid.uuid4().hex[:8]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert values(cloudwatch, "AWS/SQS", "ApproximateAgeOfOldestMessage", ("QueueName", name), "Maximum") == [
        0.0
    ]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    sqs.send_message(QueueUrl=url, MessageBody="new")
    # The first message was sent 125 s ago.
    sqs_backends[ACCOUNT][REGION].queues[name]._messages[0].sent_timestamp -= 125_000

    age = values(cloudwatch, "AWS/SQS", "ApproximateAgeOfOldestMessage", ("QueueName", name), "Maximum")
    visible = values(
        cloudwatch, "AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName", name), "Maximum"
    )

    assert age == [125.0] or age == [126.0]  # whole seconds, as SQS reports them
    assert visible == [2.0]


def emf_line(consumer: str, lags: list[float]) -> str:
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": "BucketSync/Continuous",
                        "Dimensions": [["Consumer"]],
                        "Metrics": [
                            {"Name": "Lag", "Unit": "Milliseconds"},
                            {"Name": "Copied", "Unit": "Count"},
                        ],
                    }
                ],
            },
            "Consumer": consumer,
            "Lag": lags,
            "Copied": [len(lags)],
        }
    )


def test_only_emf_documents_are_spooled_and_stdout_keeps_everything(tmp_path):
    stream = io.StringIO()
    tee = EmfTee(stream, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f", str(tmp_path / "spool"))
    line = emf_line("c", [1.0])
    tee.write('{"message": "a log record"}\nplain\n' + line[:20])
    tee.write(line[20:] + "\n")

    assert stream.getvalue() == '{"message": "a log record"}\nplain\n' + line + "\n"
    spooled = [json.loads(record) for record in (tmp_path / "spool").read_text().splitlines()]
    assert spooled == [{"arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f", "line": line}]
    assert not is_emf('{"_aws": {}}') and not is_emf("{not json")


def test_an_emf_document_is_one_metric_per_name_and_dimension_set():
    [(namespace, data)] = metric_data_of(json.loads(emf_line("c", [3.0, 4.0])))
    assert namespace == "BucketSync/Continuous"
    assert [(d["MetricName"], d["Dimensions"], d["Values"], d["Unit"]) for d in data] == [
        ("Lag", [{"Name": "Consumer", "Value": "c"}], [3.0, 4.0], "Milliseconds"),
        ("Copied", [{"Name": "Consumer", "Value": "c"}], [2.0], "Count"),
    ]


def test_the_forwarder_puts_what_was_spooled_once(moto, tmp_path):
    consumer = f"f-{uuid.uuid4().hex[:8]}"
    spool = tmp_path / "spool"
    tee = EmfTee(io.StringIO(), f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{consumer}", str(spool))
    tee.write(emf_line(consumer, [10.0, 20.0, 30.0]) + "\n")
    forwarder = EmfForwarder(str(spool))

    assert (forwarder.forward_once(), forwarder.forward_once()) == (1, 0)
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    assert values(cloudwatch, "BucketSync/Continuous", "Lag", ("Consumer", consumer), "SampleCount") == [3.0]


EMF_HANDLER = """
import json, time

def handler(event, context):
    print(json.dumps({
        "_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
            "Namespace": "Harness/Emf", "Dimensions": [["Function"]],
            "Metrics": [{"Name": "Lag", "Unit": "Milliseconds"}]}]},
        "Function": context.function_name, "Lag": event["lags"]}), flush=True)
    print("an ordinary log line", flush=True)
    return {}
"""


def test_a_functions_emf_lines_become_metrics_in_the_emulator(emulator: Emulator):
    lam = emulator.client("lambda")
    name = create_function(emulator, EMF_HANDLER).rsplit(":", 1)[-1]
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"lags": [100, 200, 300, 400]}).encode())
    assert "FunctionError" not in response, response["Payload"].read()

    cloudwatch = emulator.client("cloudwatch")
    deadline = time.monotonic() + 30
    while not values(cloudwatch, "Harness/Emf", "Lag", ("Function", name), "SampleCount"):
        assert time.monotonic() < deadline, "the EMF line never became a metric"
        time.sleep(0.2)
    assert values(cloudwatch, "Harness/Emf", "Lag", ("Function", name), "SampleCount") == [4.0]
    assert values(cloudwatch, "Harness/Emf", "Lag", ("Function", name), "p50") == [200.0]
