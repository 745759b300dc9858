"""Continuous sync end to end: the module's EventBridge rule delivers the source bucket's S3
events (moto emits them once the bucket has EventBridge on) to the module's queue, and the
harness polls the queue and invokes the packaged consumer as Lambda's poller does
(harness/sqs_poller.py). Where a test needs events moto would not send in that order (shuffled,
duplicated, dropped), it sends AWS-shaped events to the queue itself.

Scaled down from the issue's 1,000 operations at 50/s to about 180 at 50/s, to keep the suite
within its CI budget; bench/ is the place for the full figure.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from bucket_sync_cli.main import main

from harness.buckets import empty, put_objects, snapshot
from harness.change_stream import lags, operations, percentile, wait_for, write_paced
from harness.executions import wait_for_execution
from harness.sqs_poller import SqsPoller, queued
from tests.cli.conftest import FAKE_CREDENTIALS
from tests.deployment import CDST, CSRC, Deployment, settle_running_executions


@dataclass
class Continuous:
    deployment: Deployment
    sqs: Any
    lambda_client: Any
    queue_url: str
    dlq_url: str
    consumer: str

    @property
    def s3(self) -> Any:
        return self.deployment.s3

    def poller(self, concurrency: int = 1) -> SqsPoller:
        # Messages handed back come again after 1 s instead of the queue's 3 minutes.
        return SqsPoller(
            self.sqs,
            self.lambda_client,
            self.queue_url,
            self.consumer,
            100,
            1.0,
            retry_after_seconds=1,
            concurrency=concurrency,
        )

    def events_on(self, on: bool) -> None:
        configuration = {"EventBridgeConfiguration": {}} if on else {}
        self.s3.put_bucket_notification_configuration(Bucket=CSRC, NotificationConfiguration=configuration)

    def drain(self) -> int:
        """Delete what is visible on both queues now; the messages still on the main queue."""
        for url in (self.queue_url, self.dlq_url):
            got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if got:
                self.sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(got)],
                )
        return self.queued()

    def queued(self) -> int:
        return queued(self.sqs, self.queue_url)


@pytest.fixture
def continuous(deployment: Deployment) -> Iterator[Continuous]:
    settle_running_executions(deployment)
    sqs = deployment.emulator.client("sqs")
    mode = Continuous(
        deployment,
        sqs,
        deployment.emulator.client("lambda"),
        deployment.continuous["queue_url"],
        deployment.continuous["dlq_url"],
        deployment.continuous["consumer_function_arn"],
    )
    mode.events_on(False)
    for bucket in (CSRC, CDST):
        empty(deployment.s3, bucket)
    # PurgeQueue may run once a minute per queue (SQS and moto agree): drain instead.
    wait_until(lambda: mode.drain() == 0, 60, "the queue is drained")
    yield mode
    mode.events_on(False)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until `condition` held; fails after `timeout`."""
    took = wait_for(condition, timeout)
    assert took is not None, f"not within {timeout} s: {what}"
    return took


def mirrored(mode: Continuous) -> bool:
    return snapshot(mode.s3, CDST) == snapshot(mode.s3, CSRC)


def status_of(mode: Continuous, monkeypatch: pytest.MonkeyPatch) -> dict:
    """``bucket-sync status --json`` for the deployment's continuous sync."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    named = ["--queue-url", mode.queue_url, "--dlq-url", mode.dlq_url, "--consumer", mode.consumer]
    endpoint = ["--endpoint-url", mode.deployment.emulator.endpoint, "--region", "us-east-1"]
    code = main(["status", *named, *endpoint, "--json"], stdout=out, stderr=err)
    assert code in (0, 6), err.getvalue()  # 6: dead letters or paused deletes of earlier tests
    return json.loads(out.getvalue())


def test_a_steady_stream_of_changes_is_followed_within_a_minute(continuous, monkeypatch):
    mode = continuous
    mode.events_on(True)
    ops = operations(120)
    with mode.poller(concurrency=2) as poller:
        poller.warm()
        started = time.monotonic()
        # About 50 changes a second: the load, paced; the test waits for states below.
        write_paced(mode.s3, CSRC, ops, 50)
        took = wait_until(lambda: mirrored(mode), 60, "destination equals source after the last write")
    measured = lags(poller.history())
    batches = poller.history()
    # The consumer's own Lag metric (its EMF lines), as `bucket-sync status` reads it.
    mode.deployment.emulator.forward_metrics()
    lag = status_of(mode, monkeypatch)["lag"]
    print(
        f"\ncontinuous: {len(ops)} changes in {time.monotonic() - started - took:.1f} s; destination equal "
        f"{took:.1f} s after the last write; lag over {len(measured)} events: "
        f"p50 {statistics.median(measured):.2f} s, p99 {percentile(measured, 0.99):.2f} s; "
        f"{len(batches)} batches, mean {statistics.mean(len(b.records) for b in batches):.0f} records, "
        f"invocations {' '.join(f'{b.seconds:.1f}' for b in batches)} s; "
        f"status: lag p50 {lag['p50Seconds']} s, p99 {lag['p99Seconds']} s over {lag['count']} keys"
    )
    assert lag["count"] > 0
    assert 0 <= lag["p50Seconds"] <= lag["p99Seconds"] <= lag["maxSeconds"] <= 60
    assert len(mode.s3.list_objects_v2(Bucket=CDST).get("Contents", [])) == 120 - len(
        [op for op in ops if op[0] == "delete"]
    )


def eventbridge_event(key: str, deleted: bool, head: dict | None) -> dict:
    """An S3 event as EventBridge delivers it to SQS (the shape the rule's target receives)."""
    detail: dict[str, Any] = {"key": key, "sequencer": f"{time.time_ns():020X}"}
    if head is not None:
        detail |= {"size": head["ContentLength"], "etag": head["ETag"].strip('"')}
    return {
        "version": "0",
        "id": f"{random.Random(key).getrandbits(64):016x}",
        "detail-type": "Object Deleted" if deleted else "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:s3:::{CSRC}"],
        "detail": {
            "version": "0",
            "bucket": {"name": CSRC},
            "object": detail,
            "reason": "DeleteObject" if deleted else "PutObject",
        },
    }


def test_shuffled_duplicated_and_dropped_events_end_equal_after_the_reconcile_run(continuous):
    mode = continuous
    base = {f"b{i:03d}": f"base {i}".encode() for i in range(60)}
    put_objects(mode.s3, CSRC, base)
    first = mode.deployment.run(source=CSRC, destination=CDST)
    assert first.status == "SUCCEEDED", first.cause
    # The mode's changes: new keys, overwrites and deletes, each with its event(s).
    events: list[tuple[str, dict]] = []
    for i in range(40):
        key = f"n{i:03d}"
        mode.s3.put_object(Bucket=CSRC, Key=key, Body=f"new {i}".encode())
        events.append((key, eventbridge_event(key, False, mode.s3.head_object(Bucket=CSRC, Key=key))))
    for i in range(0, 40, 2):
        key = f"b{i:03d}"
        mode.s3.put_object(Bucket=CSRC, Key=key, Body=f"changed {i}".encode())
        events.append((key, eventbridge_event(key, False, mode.s3.head_object(Bucket=CSRC, Key=key))))
    for i in range(1, 40, 2):
        key = f"b{i:03d}"
        mode.s3.delete_object(Bucket=CSRC, Key=key)
        events.append((key, eventbridge_event(key, True, None)))
    touched = sorted({key for key, _ in events})
    dropped = set(touched[::20])  # 5 % of the changed keys lose every event
    shuffle = random.Random(18)
    delivered = [event for key, event in events if key not in dropped]
    delivered += [event for event in delivered if shuffle.random() < 0.3]  # duplicates
    shuffle.shuffle(delivered)
    for start in range(0, len(delivered), 10):
        mode.sqs.send_message_batch(
            QueueUrl=mode.queue_url,
            Entries=[
                {"Id": str(n), "MessageBody": json.dumps(event)}
                for n, event in enumerate(delivered[start : start + 10])
            ],
        )
    poller = mode.poller()
    wait_until(lambda: poller.poll_once() is None and mode.queued() == 0, 120, "the queue is drained")
    source, destination = snapshot(mode.s3, CSRC), snapshot(mode.s3, CDST)
    differing = {key for key in set(source) | set(destination) if source.get(key) != destination.get(key)}
    assert differing == dropped

    reconcile = mode.deployment.run(source=CSRC, destination=CDST)

    assert reconcile.status == "SUCCEEDED", reconcile.cause
    assert reconcile.output["copied"] + reconcile.output["deleted"] == len(dropped)
    assert mirrored(mode)


def test_a_hot_key_is_copied_a_bounded_number_of_times(continuous):
    mode = continuous
    mode.events_on(True)
    copies: list[str] = []

    def count_copies(method: str, bucket: str | None, key: str | None, query: str) -> None:
        if method == "PUT" and bucket == CDST and key == "hot":
            copies.append(key)

    with mode.deployment.emulator.faults(before_s3_request=count_copies), mode.poller() as poller:
        for i in range(100):
            mode.s3.put_object(Bucket=CSRC, Key="hot", Body=f"version {i}".encode())
        wait_until(lambda: mirrored(mode), 60, "the hot key's last version is copied")
        wait_until(lambda: mode.queued() == 0, 60, "the queue is drained")
    batches = [i for i in poller.history() if any("hot" in r["body"] for r in i.records)]
    print(f"\nhot key: 100 writes, {len(copies)} copies in {len(batches)} batches")
    assert mode.s3.get_object(Bucket=CDST, Key="hot")["Body"].read() == b"version 99"
    assert 1 <= len(copies) <= len(batches) <= 10


def handed_off_runs(mode: Continuous) -> list[dict]:
    """The runs the consumer started, each scoped to one large object."""
    sfn, arn = mode.deployment.sfn, mode.deployment.state_machine_arn
    return [
        e
        for e in sfn.list_executions(stateMachineArn=arn)["executions"]
        if e["name"].startswith("continuous-")
    ]


def test_a_large_object_is_handed_to_the_state_machine(continuous):
    mode = continuous
    mode.events_on(True)
    big = bytes(range(256)) * 400  # 100 KiB, above the stack's 64 KiB inline limit
    with mode.poller():
        mode.s3.put_object(Bucket=CSRC, Key="big.bin", Body=big)
        wait_until(lambda: bool(handed_off_runs(mode)), 60, "a run for the large object starts")
    [execution] = handed_off_runs(mode)
    result = wait_for_execution(mode.deployment.sfn, execution["executionArn"])
    assert result.status == "SUCCEEDED", result.cause
    assert result.output["copied"] == 1
    assert json.loads(
        mode.deployment.sfn.describe_execution(executionArn=execution["executionArn"])["input"]
    ) == {"source": CSRC, "destination": CDST, "deleteOrphans": True, "prefix": "big.bi", "include": ["n"]}
    assert mirrored(mode)


def test_a_delete_burst_beyond_the_budget_is_paused_and_alarmed(continuous):
    mode = continuous
    keys = {f"d{i:02d}": b"x" for i in range(15)}
    put_objects(mode.s3, CSRC, keys)
    put_objects(mode.s3, CDST, keys)
    # All but 5 of this window's (and the next one's) 1,000 deletes are spent already.
    table = mode.deployment.emulator.client("dynamodb")
    window = int(time.time() // 60)
    for number in (window, window + 1):
        table.put_item(
            TableName=mode.deployment.run_table_name,
            Item={
                "run": {"S": f"continuous#deletes#{CDST}"},
                "item": {"S": f"window#{number}"},
                "count": {"N": "995"},
            },
        )
    mode.events_on(True)
    for key in keys:
        mode.s3.delete_object(Bucket=CSRC, Key=key)
    poller = mode.poller()

    def five_deleted() -> bool:
        poller.poll_once()
        return len(snapshot(mode.s3, CDST)) <= 10

    wait_until(five_deleted, 60, "five deletes are done")
    for _ in range(3):  # a few more rounds: the paused deletes come back and stay paused
        poller.poll_once()
    assert len(snapshot(mode.s3, CDST)) == 10
    assert any(invocation.failed for invocation in poller.history())
    assert mode.queued() == 10
    alarm = mode.deployment.emulator.client("cloudwatch").describe_alarms(
        AlarmNames=["e2e-changes-deletes-paused"]
    )["MetricAlarms"][0]
    consumer_name = mode.consumer.rsplit(":", 1)[1]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("BucketSync/Continuous", "DeletesPaused")
    assert alarm["Dimensions"] == [{"Name": "Consumer", "Value": consumer_name}]


def test_a_destination_written_concurrently_is_never_overwritten(continuous):
    mode = continuous
    mode.events_on(True)
    raced = threading.Event()

    def other_writer(method: str, bucket: str | None, key: str | None, query: str) -> None:
        # Between the consumer's HEAD of the destination and its copy, someone writes there.
        if method == "PUT" and bucket == CDST and key == "c" and not raced.is_set():
            raced.set()
            mode.s3.put_object(Bucket=CDST, Key="c", Body=b"the other writer's")

    with mode.deployment.emulator.faults(before_s3_request=other_writer), mode.poller() as poller:
        mode.s3.put_object(Bucket=CSRC, Key="c", Body=b"from the source")
        wait_until(lambda: raced.is_set() and mode.queued() == 0, 60, "the consumer has tried its copy")
    assert poller.history()
    assert mode.s3.get_object(Bucket=CDST, Key="c")["Body"].read() == b"the other writer's"
