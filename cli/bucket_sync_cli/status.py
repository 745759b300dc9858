"""``bucket-sync status``: how continuous sync is doing, read from its queues and CloudWatch.

The queues' depths come from SQS itself (GetQueueAttributes, counts as of now); the oldest
message's age is the metric SQS publishes each minute (AWS/SQS ApproximateAgeOfOldestMessage);
lag and paused deletes are the consumer's own metrics (steps/consume.py publishes them as
embedded metric format lines, namespace BucketSync/Continuous, dimension Consumer = its function
name). All metrics come from one GetMetricData call over the window; a metric with no datapoint
in it is reported as such (null in JSON), never as a zero.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "CONTINUOUS_OUTPUT",
    "DEFAULT_WINDOW_MINUTES",
    "StatusError",
    "Target",
    "collect",
    "format_status",
    "problems",
    "target_from_output",
]

CONTINUOUS_OUTPUT = "continuous_sync"
DEFAULT_WINDOW_MINUTES = 15
# continuous.tf's local.continuous_metric_namespace; consume.py names the dimension.
METRIC_NAMESPACE = "BucketSync/Continuous"
CONSUMER_DIMENSION = "Consumer"
# SQS publishes its queue metrics once a minute.
SQS_PERIOD_SECONDS = 60
DEPTH_ATTRIBUTES = {
    "visible": "ApproximateNumberOfMessages",
    "inFlight": "ApproximateNumberOfMessagesNotVisible",
    "delayed": "ApproximateNumberOfMessagesDelayed",
}


class StatusError(Exception):
    """What to look at is unknown: continuous sync off, or an output without its queue."""


@dataclass(frozen=True)
class Target:
    """The deployment's continuous sync: its queues and the consumer whose metrics to read."""

    queue_url: str
    dlq_url: str | None = None
    # The consumer's function name or ARN (the metrics' Consumer dimension is its name).
    consumer: str | None = None
    queue_arn: str | None = None

    @property
    def consumer_name(self) -> str | None:
        return self.consumer.rsplit(":", 1)[-1] if self.consumer else None


def target_from_output(value: Any, directory: str, output_name: str = CONTINUOUS_OUTPUT) -> Target:
    """The target named by the module's output ``continuous_sync`` (null when the mode is off)."""
    if value is None:
        raise StatusError(
            f"output {output_name!r} in {directory} is null: continuous sync is off. Set the module's "
            "variable continuous_sync (docs/CONTINUOUS.md) and apply, or pass --queue-url"
        )
    if not isinstance(value, Mapping) or not isinstance(value.get("queue_url"), str):
        raise StatusError(f"output {output_name!r} in {directory} has no queue_url: is it the module's?")
    return Target(
        queue_url=value["queue_url"],
        dlq_url=value.get("dlq_url"),
        consumer=value.get("consumer_function_arn"),
        queue_arn=value.get("queue_arn"),
    )


def queue_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def _depth(attributes: Mapping[str, str]) -> dict[str, int]:
    return {field: int(attributes.get(name, 0)) for field, name in DEPTH_ATTRIBUTES.items()}


def _dead_letter_url(sqs: Any, attributes: Mapping[str, str]) -> str | None:
    """The dead-letter queue the queue's redrive policy names, when it has one."""
    try:
        arn = json.loads(attributes.get("RedrivePolicy") or "{}").get("deadLetterTargetArn")
    except ValueError:
        return None
    if not arn:
        return None
    _, _, _, _, account, name = arn.split(":", 5)
    return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])


def window_of(now: datetime, minutes: int) -> tuple[datetime, datetime]:
    """The last ``minutes`` up to the next whole minute: whole periods, so one period covers it."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - timedelta(minutes=minutes), end


def _query(ident: str, namespace: str, name: str, dimension: tuple[str, str], period: int, stat: str) -> dict:
    return {
        "Id": ident,
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": name,
                "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
            },
            "Period": period,
            "Stat": stat,
        },
    }


def _metric_values(
    cloudwatch: Any, queue: str, consumer: str | None, minutes: int, now: datetime
) -> dict[str, list[float]]:
    """Each query's values, newest first (GetMetricData's default order)."""
    start, end = window_of(now, minutes)
    window = minutes * 60
    queries = [
        _query(
            "oldest",
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            ("QueueName", queue),
            SQS_PERIOD_SECONDS,
            "Maximum",
        )
    ]
    if consumer:
        lag = (METRIC_NAMESPACE, "Lag", (CONSUMER_DIMENSION, consumer), window)
        queries += [
            _query("lagCount", *lag, "SampleCount"),
            _query("lagMax", *lag, "Maximum"),
            _query("lagP50", *lag, "p50"),
            _query("lagP99", *lag, "p99"),
            _query(
                "paused", METRIC_NAMESPACE, "DeletesPaused", (CONSUMER_DIMENSION, consumer), window, "Sum"
            ),
        ]
    values: dict[str, list[float]] = {query["Id"]: [] for query in queries}
    request: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end}
    while True:
        answer = cloudwatch.get_metric_data(**request)
        for result in answer.get("MetricDataResults", []):
            values[result["Id"]].extend(float(v) for v in result.get("Values", []) if v is not None)
        if not answer.get("NextToken"):
            return values
        request["NextToken"] = answer["NextToken"]


def _seconds(milliseconds: list[float]) -> float | None:
    return round(max(milliseconds) / 1000, 3) if milliseconds else None


def collect(
    sqs: Any,
    cloudwatch: Any,
    target: Target,
    minutes: int = DEFAULT_WINDOW_MINUTES,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The status document: queue depths now, and the metrics of the last ``minutes``."""
    now = now or datetime.now(UTC)
    attributes = sqs.get_queue_attributes(
        QueueUrl=target.queue_url, AttributeNames=[*DEPTH_ATTRIBUTES.values(), "RedrivePolicy"]
    )["Attributes"]
    dlq_url = target.dlq_url or _dead_letter_url(sqs, attributes)
    dead_letters = None
    if dlq_url:
        dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=list(DEPTH_ATTRIBUTES.values()))
        depth = _depth(dlq["Attributes"])
        dead_letters = {"url": dlq_url, "name": queue_name(dlq_url), **depth, "messages": sum(depth.values())}
    name = queue_name(target.queue_url)
    found = _metric_values(cloudwatch, name, target.consumer_name, minutes, now)
    oldest = found["oldest"]
    lag = None
    if target.consumer_name:
        # One period spans the window; should CloudWatch split it, each figure is the worst one.
        lag = {
            "count": int(sum(found["lagCount"])),
            "p50Seconds": _seconds(found["lagP50"]),
            "p99Seconds": _seconds(found["lagP99"]),
            "maxSeconds": _seconds(found["lagMax"]),
        }
    paused = found.get("paused", [])
    return {
        "windowMinutes": minutes,
        "consumer": target.consumer_name,
        "queue": {"url": target.queue_url, "name": name, **_depth(attributes)},
        "deadLetterQueue": dead_letters,
        "oldestMessageAgeSeconds": {"latest": oldest[0], "max": max(oldest)} if oldest else None,
        "lag": lag,
        "deletesPaused": int(sum(paused)) if paused else None,
    }


def problems(status: Mapping[str, Any], max_age: float | None = None) -> list[str]:
    """What needs a person: dead letters, paused deletes, an oldest message past ``max_age``."""
    found = []
    dead = status["deadLetterQueue"]
    if dead and dead["messages"]:
        found.append(f"{dead['messages']} message(s) in the dead-letter queue {dead['name']}")
    if status["deletesPaused"]:
        found.append(f"{status['deletesPaused']} delete(s) paused: over the delete budget")
    oldest = status["oldestMessageAgeSeconds"]
    if max_age is not None and oldest and oldest["latest"] > max_age:
        found.append(f"the oldest message is {oldest['latest']:.0f} s old (over --max-age {max_age:g} s)")
    return found


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds:.0f} s" if seconds >= 10 or seconds == math.floor(seconds) else f"{seconds:.1f} s"


def format_status(status: Mapping[str, Any]) -> str:
    """Five short lines: queue, oldest message, lag, dead-letter queue, deletes."""
    no_data = f"no data in the last {status['windowMinutes']} min"
    queue = status["queue"]
    lines = [
        f"queue     {queue['name']}: {queue['visible']} waiting, {queue['inFlight']} in flight, "
        f"{queue['delayed']} delayed"
    ]
    oldest = status["oldestMessageAgeSeconds"]
    lines.append(
        f"oldest    {_duration(oldest['latest'])} (latest; at most {_duration(oldest['max'])} "
        f"in the last {status['windowMinutes']} min)"
        if oldest
        else f"oldest    {no_data}"
    )
    lag = status["lag"]
    if lag is None:
        lines.append("lag       unknown: no consumer named (--consumer)")
    elif not lag["count"]:
        lines.append(f"lag       {no_data} (no change applied)")
    else:
        lines.append(
            f"lag       p50 {_duration(lag['p50Seconds'])}, p99 {_duration(lag['p99Seconds'])}, "
            f"max {_duration(lag['maxSeconds'])} over {lag['count']} changes in the last "
            f"{status['windowMinutes']} min"
        )
    dead = status["deadLetterQueue"]
    lines.append(
        f"dlq       {dead['name']}: {dead['messages']} message(s)"
        if dead
        else "dlq       unknown: the queue names no dead-letter queue (--dlq-url)"
    )
    paused, last = status["deletesPaused"], f"in the last {status['windowMinutes']} min"
    if lag is not None:
        if paused is None:
            lines.append(f"deletes   {no_data}")
        else:
            lines.append(
                f"deletes   {paused} paused (over the delete budget) {last}"
                if paused
                else f"deletes   not paused {last}"
            )
    return "\n".join(lines)
