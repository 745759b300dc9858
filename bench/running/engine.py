"""One engine run on the emulator: its execution, the states entered, and each Lambda invocation's
time, CPU and S3 requests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bench.proxy_process import ProxyProcess
from harness.executions import run_execution

SYNC_RANGE = "sync-range"


@dataclass
class Invocation:
    """One Lambda invocation as the probe saw it."""

    function: str
    seconds: float  # wall, around the emulator's invoke
    cpu_seconds: float  # the worker process's CPU time in the handler (harness.lambda_runtime)
    list_pages: int | None  # ListObjectsV2 requests it sent; None for SyncRange (concurrent)
    s3_requests: int | None  # all S3 requests it sent, LISTs included; None for SyncRange


class EngineProbe:
    """Counts Step Functions history events (parent and children) and times Lambda invocations.

    moto runs in this process, so both are observed directly: every history event of every
    execution, Distributed Map children included, passes through EventManager.add_event; every
    Lambda Invoke the interpreter makes passes through LambdaRuntime.invoke.

    S3 requests per function: every step but SyncRange runs alone (Validate, PlanRanges and
    TallyRound sit outside the Distributed Map), so the proxy's counts before and after one of
    their invocations are exactly what it sent; SyncRange's share is the run's rest.
    """

    def __init__(self, proxy: ProxyProcess) -> None:
        from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager

        from harness.lambda_runtime import LambdaRuntime

        self.events: Counter[str] = Counter()
        self.invocations: list[Invocation] = []
        # SyncRange invocations in flight, and the most at once since the last take(): shows the
        # Distributed Map's MaxConcurrency (and the worker pool) at work.
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()
        probe = self
        original_add_event = EventManager.add_event
        original_invoke = LambdaRuntime.invoke

        def add_event(self: Any, context: Any, event_type: Any, *args: Any, **kwargs: Any) -> int:
            with probe._lock:
                probe.events[getattr(event_type, "value", str(event_type))] += 1
            return original_add_event(self, context, event_type, *args, **kwargs)

        def invoke(self: Any, spec: Any, *args: Any, **kwargs: Any) -> Any:
            alone = not spec.function_name.endswith(SYNC_RANGE)
            before = Counter(proxy.counts()) if alone else Counter()
            if not alone:
                with probe._lock:
                    probe.in_flight += 1
                    probe.peak = max(probe.peak, probe.in_flight)
            started = time.monotonic()
            result = None
            try:
                result = original_invoke(self, spec, *args, **kwargs)
                return result
            finally:
                seconds = time.monotonic() - started
                sent = Counter(proxy.counts()) - before if alone else None
                pages = sent["ListObjectsV2"] if sent is not None else None
                total = sum(sent.values()) if sent is not None else None
                cpu = getattr(result, "cpu_seconds", 0.0)
                with probe._lock:
                    if not alone:
                        probe.in_flight -= 1
                    probe.invocations.append(Invocation(spec.function_name, seconds, cpu, pages, total))

        EventManager.add_event = add_event  # type: ignore[method-assign]
        LambdaRuntime.invoke = invoke  # type: ignore[method-assign]

    def take(self) -> tuple[Counter[str], list[Invocation], int]:
        with self._lock:
            events, self.events = self.events, Counter()
            invocations, self.invocations = self.invocations, []
            peak, self.peak = self.peak, self.in_flight
        return events, invocations, peak


def engine_run(
    sfn: Any, arn: str, probe: EngineProbe, proxy: ProxyProcess, source: str, destination: str
) -> dict[str, Any]:
    probe.take()
    execution = run_execution(sfn, arn, {"source": source, "destination": destination}, timeout_seconds=3600)
    time.sleep(0.3)  # let the last events land
    events, invocations, peak = probe.take()
    # The caller reset the proxy before the run, so these are the run's requests.
    run_counts = proxy.counts()
    parent = Counter()
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution.arn):
        for event in page["events"]:
            parent[event["type"]] += 1
    entered = {k: v for k, v in events.items() if k.endswith("StateEntered")}
    parent_entered = sum(v for k, v in parent.items() if k.endswith("StateEntered"))
    by_function: dict[str, dict[str, float]] = {}
    for call in invocations:
        step = call.function.removeprefix("bench-")
        row = by_function.setdefault(
            step, {"invocations": 0, "seconds": 0.0, "cpu_seconds": 0.0, "list_pages": 0, "s3_requests": 0}
        )
        row["invocations"] += 1
        row["seconds"] += call.seconds
        row["cpu_seconds"] += call.cpu_seconds
        row["list_pages"] += call.list_pages or 0
        row["s3_requests"] += call.s3_requests or 0
    if SYNC_RANGE in by_function:
        others = [v for k, v in by_function.items() if k != SYNC_RANGE]
        row = by_function[SYNC_RANGE]
        row["list_pages"] = run_counts.get("ListObjectsV2", 0) - sum(v["list_pages"] for v in others)
        row["s3_requests"] = sum(run_counts.values()) - sum(v["s3_requests"] for v in others)
    return {
        "seconds": execution.seconds,
        "status": execution.status,
        "output": {k: v for k, v in (execution.output or {}).items() if k != "failures"},
        "error": execution.error,
        "state_transitions": sum(entered.values()),
        "state_transitions_parent": parent_entered,
        "state_entered_by_type": dict(sorted(entered.items())),
        "history_events_total": sum(events.values()),
        "history_events_parent": sum(parent.values()),
        "lambda_invocations": len(invocations),
        "sync_range_peak_concurrency": peak,
        "lambda_seconds": round(sum(call.seconds for call in invocations), 3),
        "lambda_cpu_seconds": round(sum(call.cpu_seconds for call in invocations), 3),
        "lambda_by_function": {
            k: {
                "invocations": int(v["invocations"]),
                "seconds": round(v["seconds"], 3),
                "cpu_seconds": round(v["cpu_seconds"], 3),
                "list_pages": int(v["list_pages"]),
                "s3_requests": int(v["s3_requests"]),
            }
            for k, v in sorted(by_function.items())
        },
    }


# -- main -----------------------------------------------------------------------------------------
