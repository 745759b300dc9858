"""Lambda's SQS poller, played by the harness: receive a batch, invoke the deployed consumer with
a real-shaped ``{"Records": [...]}`` event, delete the messages it did not report as failures.

As Lambda's event source mapping does: a batch is up to ``batch_size`` messages gathered for at
most ``window_seconds`` (ReceiveMessage takes 10 at a time); the function is invoked
synchronously (through the emulator's Lambda, so the packaged handler runs as its role); with
ReportBatchItemFailures only the messages named in ``batchItemFailures`` stay on the queue, and
a function error or an unreadable response leaves the whole batch. Messages left on the queue
come back after the queue's visibility timeout, as on AWS; ``retry_after_seconds`` shortens that
for tests (ChangeMessageVisibility on exactly those messages), which changes when a retry comes,
never whether. Each polling thread has at most one batch in flight (its invocation is
synchronous); ``concurrency`` threads poll at once, as Lambda runs several batches of one
mapping at a time (five at first, more as the queue grows).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from types import TracebackType
from typing import Any

__all__ = ["Invocation", "SqsPoller", "queued"]


def queued(sqs: Any, queue_url: str) -> int:
    """Messages on the queue now: visible and in flight (a batch being worked on)."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


@dataclass(frozen=True)
class Invocation:
    """One batch handed to the function and how it ended."""

    records: list[dict[str, Any]]
    failed: list[str]
    function_error: str | None
    ended: float
    # How long the invocation took (the function's own time plus the emulator's overhead).
    seconds: float = 0.0


@dataclass
class SqsPoller:
    """Polls `queue_url` for `function_name`; use as a context manager or call :meth:`poll_once`."""

    sqs: Any
    lambda_client: Any
    queue_url: str
    function_name: str
    batch_size: int = 100
    window_seconds: float = 1.0
    retry_after_seconds: int | None = None
    concurrency: int = 1
    invocations: list[Invocation] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def _queue_arn(self) -> str:
        """The queue's ARN, asked once: every batch's records carry it."""
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        return str(attributes["Attributes"]["QueueArn"])

    def _receive(self) -> list[dict[str, Any]]:
        """Up to batch_size messages, gathered for at most window_seconds once the first came."""
        messages: list[dict[str, Any]] = []
        deadline: float | None = None
        while len(messages) < self.batch_size and not self._stop.is_set():
            wait = 1 if deadline is None else 0
            got = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.batch_size - len(messages)),
                WaitTimeSeconds=wait,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            messages.extend(got)
            if messages and deadline is None:
                deadline = time.monotonic() + self.window_seconds
            if deadline is None:
                return messages
            if time.monotonic() >= deadline:
                break
            if not got:
                time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
        return messages

    def _record(self, message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        }

    def poll_once(self) -> Invocation | None:
        """Receive one batch and hand it to the function; None when the queue had nothing."""
        messages = self._receive()
        if not messages:
            return None
        queue_arn = self._queue_arn
        region = queue_arn.split(":")[3]
        records = [self._record(m, queue_arn, region) for m in messages]
        invoked = time.monotonic()
        response = self.lambda_client.invoke(
            FunctionName=self.function_name, Payload=json.dumps({"Records": records}).encode()
        )
        error = response.get("FunctionError")
        payload = response["Payload"].read()
        failed: list[str]
        try:
            answer = json.loads(payload) if payload else None
            failed = [str(item["itemIdentifier"]) for item in (answer or {}).get("batchItemFailures", [])]
        except (ValueError, TypeError, KeyError, AttributeError):
            error = error or "unreadable response"
        if error:
            failed = [m["MessageId"] for m in messages]
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + 10])
                ],
            )
        if self.retry_after_seconds is not None:
            for message in messages:
                if message["MessageId"] in failed:
                    self.sqs.change_message_visibility(
                        QueueUrl=self.queue_url,
                        ReceiptHandle=message["ReceiptHandle"],
                        VisibilityTimeout=self.retry_after_seconds,
                    )
        invocation = Invocation(records, failed, error, time.time(), time.monotonic() - invoked)
        with self._lock:
            self.invocations.append(invocation)
        return invocation

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()

    def __enter__(self) -> SqsPoller:
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._run, name=f"poller:{self.function_name}:{n}", daemon=True)
            for n in range(self.concurrency)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def warm(self) -> None:
        """Invoke the function once with no records, so its sandbox is up before the load starts
        (a steady stream meets warm sandboxes on AWS)."""
        self.lambda_client.invoke(FunctionName=self.function_name, Payload=b'{"Records": []}')

    def history(self) -> list[Invocation]:
        """The invocations so far."""
        with self._lock:
            return list(self.invocations)
