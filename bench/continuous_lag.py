"""Continuous sync's lag on the emulator, against issue 18's targets (p50 <= 5 s, p99 <= 60 s at
50 events/s): a stream of puts, overwrites and deletes at a steady rate into the watched source,
delivered by the module's EventBridge rule to its queue and consumed by the packaged consumer,
which the harness invokes as Lambda's SQS poller does (harness/sqs_poller.py).

Applies the end-to-end stack (tests/e2e/stack: its first instance has continuous_sync, batch
size 100, a 1 s batching window) into a fresh emulator, writes `--changes` changes at `--rate`
a second (harness/change_stream.py, the e2e test's load), waits until the destination equals the
source and the queue is empty (states, with a cap), and prints the lag and where it went: the
event time's resolution, time in the queue before a poller took the message, the batching
window, and the invocation; with the consumer's keys per second and the emulator's mean time
per S3 request the consumer sent, so a reader can tell the emulator's pace from the design's.
Keys the consumer hands back come again after the queue's visibility timeout (181 s), as on
AWS, unless `--retry-after` says otherwise. Asserts no time; exits 1 only if the destination
never became equal.

    .venv/bin/python bench/continuous_lag.py                          # 1,000 changes at 50/s, 5 pollers
    .venv/bin/python bench/continuous_lag.py --changes 184 --concurrency 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bench.running.lag_probes import S3Timer, WorkerProbe  # noqa: E402
from harness import Emulator, TerraformStack  # noqa: E402
from harness.buckets import empty, ensure_bucket, snapshot  # noqa: E402
from harness.change_stream import (  # noqa: E402
    applied_events,
    event_time,
    lags,
    operations,
    percentile,
    wait_for,
    write_lags,
    write_paced,
)
from harness.sqs_poller import Invocation, SqsPoller, queued  # noqa: E402
from tests.deployment import CDST, CHUNK_SIZE, CSRC, MAX_CONCURRENCY, MAX_STEPS_PER_RANGE, STACK  # noqa: E402

BATCH_SIZE = 100  # the e2e stack's continuous_sync.batch_size
# Writers at once (each key always from the same one): one alone falls behind 50/s while the
# consumer keeps the emulator, which serves both, busy; on AWS the writers do not share it.
WRITER_LANES = 8
# The lag of changes written after this many seconds is printed apart: by then each sandbox's S3
# request limiters (handlers' backpressure.py, 10 requests/s at first, doubling each second they
# are used up) have left their slow start.
SETTLED_AFTER = 10.0


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    return (
        f"p50 {percentile(values, 0.5):.2f} s, p90 {percentile(values, 0.9):.2f} s, "
        f"p99 {percentile(values, 0.99):.2f} s, max {max(values):.2f} s"
    )


def keys_of(invocation: Invocation) -> set[str]:
    return {
        str(event.get("detail", {}).get("object", {}).get("key"))
        for _, _, event in applied_events([invocation])
    }


def where_the_lag_went(invocations: list[Invocation]) -> dict[str, list[float]]:
    """For each event applied at its first delivery: event time -> sent to the queue (the event
    time's resolution; EventBridge delivers at once on the emulator), sent -> first received by
    a poller (waiting for a free poller), received -> invoked (the batching window), and the
    invocation (the consumer, plus deleting its messages). They add up to its lag."""
    parts: dict[str, list[float]] = {"resolution": [], "queue": [], "window": [], "invocation": []}
    for invocation, record, event in applied_events(invocations):
        attributes = record.get("attributes", {})
        at = event_time(event)
        if at is None or attributes.get("ApproximateReceiveCount") != "1":
            continue
        sent = int(attributes["SentTimestamp"]) / 1000
        received = int(attributes["ApproximateFirstReceiveTimestamp"]) / 1000
        invoked = invocation.ended - invocation.seconds
        parts["resolution"].append(sent - at)
        parts["queue"].append(received - sent)
        parts["window"].append(invoked - received)
        parts["invocation"].append(invocation.seconds)
    return parts


def deploy_variables() -> dict[str, Any]:
    # The e2e stack's variables (tests/deployment.py) over only the pair continuous sync follows.
    return {
        "source_bucket_names": [CSRC],
        "destination_bucket_names": [CDST],
        "continuous_source": CSRC,
        "continuous_destination": CDST,
        "chunk_size": CHUNK_SIZE,
        "max_concurrency": MAX_CONCURRENCY,
        "max_steps_per_range": MAX_STEPS_PER_RANGE,
    }


def warm(poller: SqsPoller, workers: WorkerProbe, sandboxes: int) -> None:
    """Have `sandboxes` sandboxes of the consumer up, as a steady stream meets warm sandboxes on
    AWS: invocations at once (one after another would reuse one sandbox), a few rounds."""
    for _ in range(10):
        if len(workers.sandboxes) >= sandboxes:
            return
        threads = [threading.Thread(target=poller.warm) for _ in range(sandboxes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


@dataclass(frozen=True)
class Scenario:
    changes: int
    rate: float
    concurrency: int
    window: float
    retry_after: int | None
    cap: float
    prime: int = 0


def drain(sqs: Any, url: str) -> bool:
    """Delete what is visible on the queue now; whether it is empty."""
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    if got:
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(got)],
        )
    return queued(sqs, url) == 0


def measure(
    emulator: Emulator, mode: dict[str, Any], scenario: Scenario, workers: WorkerProbe
) -> tuple[bool, list[str]]:
    """One scenario from empty buckets and an empty queue: whether the destination became equal,
    and the figures."""
    s3, sqs = emulator.client("s3"), emulator.client("sqs")
    s3.put_bucket_notification_configuration(Bucket=CSRC, NotificationConfiguration={})
    for bucket in (CSRC, CDST):
        empty(s3, bucket)
    if wait_for(lambda: drain(sqs, mode["queue_url"]), scenario.cap) is None:
        return False, ["the queue could not be drained before the scenario"]
    s3.put_bucket_notification_configuration(
        Bucket=CSRC, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )

    def poller() -> SqsPoller:
        return SqsPoller(
            sqs,
            emulator.client("lambda"),
            mode["queue_url"],
            mode["consumer_function_arn"],
            BATCH_SIZE,
            scenario.window,
            retry_after_seconds=scenario.retry_after,
            concurrency=scenario.concurrency,
        )

    # A prefix of the e2e test's stream: 184 changes are exactly its operations(120).
    ops = operations(scenario.changes)[: scenario.changes]
    timer = S3Timer()
    undo = timer.install()
    try:
        warm(poller(), workers, scenario.concurrency)
        if scenario.prime:
            # Changes under another prefix first, so that the measured stream meets sandboxes
            # whose S3 request limiters have left their slow start, as a steady stream does.
            with poller():
                primer = [(kind, f"prime/{key}", body) for kind, key, body in operations(scenario.prime)]
                write_paced(s3, CSRC, primer[: scenario.prime], scenario.rate, lanes=WRITER_LANES)
                wait_for(lambda: snapshot(s3, CDST) == snapshot(s3, CSRC), scenario.cap)
                wait_for(lambda: queued(sqs, mode["queue_url"]) == 0, scenario.cap)
        workers.restart()
        timer.restart()
        emulator.reset_throttle_figures()
        with poller() as measured:
            started = time.time()
            written = write_paced(s3, CSRC, ops, scenario.rate, lanes=WRITER_LANES)
            last = max(change.at for change in written)
            equal = wait_for(lambda: snapshot(s3, CDST) == snapshot(s3, CSRC), scenario.cap)
            drained = wait_for(lambda: queued(sqs, mode["queue_url"]) == 0, scenario.cap)
    finally:
        undo()
    figures = report(
        scenario, ops, written, started, last, equal, drained, measured.history(), timer, emulator
    )
    figures.append(workers.summary())
    return equal is not None, figures


def run(args: argparse.Namespace) -> int:
    log = tempfile.NamedTemporaryFile(prefix="continuous-lag-", suffix=".log", delete=False).name
    equal_every_time = True
    with Emulator(lambda_workers=max(4, *args.concurrency), lambda_log_path=log) as emulator:
        s3 = emulator.client("s3")
        for bucket in (CSRC, CDST):
            ensure_bucket(s3, bucket)
        # The emulator goes with the process: applied, never destroyed.
        stack = TerraformStack(STACK, deploy_variables(), emulator)
        try:
            stack.apply()
            mode = stack.outputs()["continuous_sync"]
        finally:
            stack.cleanup()
        workers = WorkerProbe(mode["consumer_function_arn"].rsplit(":", 1)[1])
        workers.install()
        print(f"the handlers' log: {log}", flush=True)
        for concurrency in args.concurrency:
            for window in args.window:
                scenario = Scenario(
                    args.changes, args.rate, concurrency, window, args.retry_after, args.cap, args.prime
                )
                equal, figures = measure(emulator, mode, scenario, workers)
                equal_every_time = equal_every_time and equal
                print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC, load {os.getloadavg()[0]:.1f}]")
                print("\n".join(figures), flush=True)
    return 0 if equal_every_time else 1


def report(
    scenario: Scenario,
    ops: list[Any],
    written: list[Any],
    started: float,
    last: float,
    equal: float | None,
    drained: float | None,
    history: list[Invocation],
    timer: S3Timer,
    emulator: Emulator,
) -> list[str]:
    measured, from_writes = lags(history), write_lags(history, written)
    batches = [b for b in history if b.records]
    keys = [len(keys_of(b)) for b in batches]
    busy = sum(b.seconds for b in batches)
    span = max(b.ended for b in batches) - min(b.ended - b.seconds for b in batches) if batches else 0.0
    handed_back = sum(len(b.failed) for b in batches)
    slowdowns = sum(
        kinds.get("slowdown", 0)
        for per_bucket in emulator.throttle_figures()["s3"].values()
        for kinds in per_bucket.values()
    )
    lines = [
        f"continuous lag: {len(ops)} changes over {len({op[1] for op in ops})} keys asked at "
        f"{scenario.rate:g}/s, written at {len(ops) / (last - started):.1f}/s over {last - started:.1f} s; "
        f"{scenario.concurrency} pollers, window {scenario.window:g} s, batch size {BATCH_SIZE}"
        + (f"; after {scenario.prime} priming changes" if scenario.prime else ""),
        "destination equal "
        + (f"{equal:.1f} s after the last write" if equal is not None else f"NOT within {scenario.cap:g} s")
        + "; queue empty "
        + (f"{equal + drained:.1f} s after" if equal is not None and drained is not None else "never"),
        (
            f"lag from the event time over {len(measured)} applied events: {spread(measured)}; "
            f"mean {statistics.mean(measured):.2f} s"
            if measured
            else "lag: no applied events"
        ),
        f"lag from the write itself over {len(from_writes)}: {spread(from_writes)}",
    ]
    settled = [change for change in written if change.at >= started + SETTLED_AFTER]
    if settled:
        lines.append(
            f"lag from the write, changes written after the first {SETTLED_AFTER:g} s (sandboxes' "
            f"limiters past their slow start) over {len(settled)}: {spread(write_lags(history, settled))}"
        )
    parts = where_the_lag_went(history)
    if parts["queue"]:
        lines.append(
            f"where it went (means over {len(parts['queue'])} events applied at first delivery): "
            + ", ".join(f"{name} {statistics.mean(values):.2f} s" for name, values in parts.items())
            + "; medians: "
            + ", ".join(f"{name} {statistics.median(values):.2f} s" for name, values in parts.items())
        )
    if batches:
        seconds = [b.seconds for b in batches]
        lines.append(
            f"batches {len(batches)}, mean {statistics.mean(len(b.records) for b in batches):.1f} records "
            f"and {statistics.mean(keys):.1f} distinct keys; "
            f"invocation p50 {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s; "
            f"records handed back {handed_back}"
        )
        lines.append(
            f"consumer: {sum(keys) / busy:.1f} keys/s per invocation busy, {sum(keys) / span:.1f} keys/s "
            f"over its {span:.1f} s span ({sum(keys)} keys applied in all)"
        )
    if timer.requests and span:
        per_key = timer.requests / max(1, sum(keys))
        mean_ms = 1000 * timer.seconds / timer.requests
        # Requests answered a second, and how many moto held at once on average: near 1 to 2,
        # the emulator (one Python process) answers about one at a time, whatever the threads.
        lines.append(
            f"emulator: {timer.requests} S3 requests from the consumer ({per_key:.1f} a key), "
            f"mean {mean_ms:.1f} ms each inside moto, {timer.requests / span:.0f}/s over the span with "
            f"{timer.seconds / span:.1f} in moto at once on average; SlowDowns {slowdowns}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=1000, help="puts, overwrites and deletes")
    parser.add_argument("--rate", type=float, default=50.0, help="changes a second")
    parser.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        default=[5],
        help="batches in flight (Lambda starts at five for a busy queue)",
    )
    parser.add_argument(
        "--window", type=float, nargs="+", default=[1.0], help="the poller's batching window, seconds"
    )
    parser.add_argument(
        "--retry-after",
        type=int,
        default=None,
        help="seconds before a handed-back key comes again (default: the queue's timeout)",
    )
    parser.add_argument(
        "--prime", type=int, default=0, help="changes (under prime/) applied before the measured ones"
    )
    parser.add_argument("--cap", type=float, default=900.0, help="the longest wait for each state, seconds")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
