"""CloudWatch figures AWS has and moto 5.2.5 lacks, which `bucket-sync status` reads.

- Percentiles. moto computes Sum, Average, Minimum, Maximum and SampleCount only: GetMetricData
  with ``"Stat": "p99"`` fails in its serializer (a None value) and GetMetricStatistics ignores
  ExtendedStatistics. Here GetMetricData's ``pNN`` is the nearest-rank percentile of the raw
  values of the period (put one by one, or as Values/Counts; CloudWatch's own figure is an
  estimate of the same). GetMetricStatistics' ExtendedStatistics stay unimplemented: nothing of
  ours asks for them.
- SQS's metrics. SQS publishes AWS/SQS ApproximateAgeOfOldestMessage and the queue depths per
  QueueName every minute; moto publishes none. Here they are read off moto's queues whenever
  CloudWatch is asked (a moto CloudWatchMetricProvider, as moto's S3 does for its bucket sizes):
  one datapoint for the current minute, no history, so "the most over the last 15 minutes" is
  the figure of now.
- Metrics from embedded metric format (EMF) lines. CloudWatch Logs turns a function's EMF
  stdout lines into metrics; harness/emf_tee.py copies them out of the Lambda workers into a
  spool, and EmfForwarder puts them into moto's CloudWatch every fraction of a second (as on
  AWS, they arrive a little after the invocation, not within it).
"""

from __future__ import annotations

import json
import math
import re
import threading
from datetime import UTC, datetime
from typing import Any

from moto.cloudwatch.models import MetricDatum, Statistics, cloudwatch_backends
from moto.core.common_models import CloudWatchMetricProvider
from moto.core.utils import unix_time_millis, utcnow
from moto.sqs.models import sqs_backends

__all__ = ["EmfForwarder", "apply", "metric_data_of", "percentile"]

_PERCENTILE = re.compile(r"^p(\d{1,2}(\.\d+)?|100)$")
_applied = False
_lock = threading.Lock()
# moto finds providers as CloudWatchMetricProvider.__subclasses__(), which holds them weakly.
_provider: type | None = None


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` % at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


def _sqs_metrics(account_id: str, region: str) -> list[MetricDatum]:
    """The queue metrics SQS would have published for the current minute."""
    now = utcnow().replace(second=0, microsecond=0)
    now_ms = unix_time_millis()
    metrics = []
    for name, queue in sqs_backends[account_id][region].queues.items():
        sent = [m.sent_timestamp for m in queue._messages if m.sent_timestamp is not None]
        figures = {
            "ApproximateAgeOfOldestMessage": (
                # Whole seconds, as SQS reports it; 0 for an empty queue.
                float(max(0, int(now_ms - min(sent)) // 1000)) if sent else 0.0,
                "Seconds",
            ),
            "ApproximateNumberOfMessagesVisible": (float(queue.approximate_number_of_messages), "Count"),
            "ApproximateNumberOfMessagesNotVisible": (
                float(queue.approximate_number_of_messages_not_visible),
                "Count",
            ),
            "ApproximateNumberOfMessagesDelayed": (
                float(queue.approximate_number_of_messages_delayed),
                "Count",
            ),
        }
        metrics += [
            MetricDatum("AWS/SQS", metric, value, [{"Name": "QueueName", "Value": name}], now, unit)
            for metric, (value, unit) in figures.items()
        ]
    return metrics


def apply() -> None:
    """Install both once per process."""
    global _applied, _provider
    with _lock:
        if _applied:
            return
        statistic_of = Statistics.get_statistics_for_type

        def get_statistics_for_type(self: Statistics, stat: str) -> Any:
            found = _PERCENTILE.match(stat)
            if found and self.metric_single_values_list:
                return percentile(self.metric_single_values_list, float(found.group(1)))
            return statistic_of(self, stat)

        Statistics.get_statistics_for_type = get_statistics_for_type  # type: ignore[method-assign]
        _provider = type(
            "SqsMetricProvider",
            (CloudWatchMetricProvider,),
            {"get_cloudwatch_metrics": staticmethod(_sqs_metrics)},
        )
        _applied = True


def metric_data_of(document: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(namespace, PutMetricData's MetricData) for each directive of an EMF document: one metric
    per dimension set, its values (a number or a list) and dimension values from the root."""
    aws = document["_aws"]
    when = datetime.fromtimestamp(aws["Timestamp"] / 1000, UTC).replace(tzinfo=None)
    found = []
    for directive in aws["CloudWatchMetrics"]:
        data = []
        for metric in directive["Metrics"]:
            raw = document.get(metric["Name"])
            values = [
                float(v) for v in (raw if isinstance(raw, list) else [raw]) if isinstance(v, int | float)
            ]
            if not values:
                continue  # CloudWatch Logs drops a metric without a numeric value
            for keys in directive.get("Dimensions") or [[]]:
                data.append(
                    {
                        "MetricName": metric["Name"],
                        "Dimensions": [{"Name": key, "Value": str(document[key])} for key in keys],
                        "Values": values,
                        "Unit": metric.get("Unit", "None"),
                        "Timestamp": when,
                    }
                )
        if data:
            found.append((directive["Namespace"], data))
    return found


class EmfForwarder:
    """Reads the spool the workers' EmfTee writes, from where it left off, into moto's CloudWatch."""

    def __init__(self, spool_path: str, interval: float = 0.2) -> None:
        self._spool = spool_path
        self._interval = interval
        self._offset = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def forward_once(self) -> int:
        """Put every complete line written since the last call; the number of EMF lines."""
        with self._lock:
            try:
                with open(self._spool, "rb") as spool:
                    spool.seek(self._offset)
                    chunk = spool.read()
            except FileNotFoundError:
                return 0
            complete = chunk[: chunk.rfind(b"\n") + 1]
            self._offset += len(complete)
            lines = complete.decode().splitlines()
            for line in lines:
                record = json.loads(line)
                _, _, _, region, account, _ = record["arn"].split(":", 5)
                for namespace, data in metric_data_of(json.loads(record["line"])):
                    cloudwatch_backends[account][region].put_metric_data(namespace, data)
            return len(lines)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.forward_once()

    def start(self) -> EmfForwarder:
        self._thread = threading.Thread(target=self._run, name="emf-forwarder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.forward_once()
