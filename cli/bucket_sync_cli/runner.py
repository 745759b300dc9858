"""Starting a sync execution and following it to its end.

Following polls ``DescribeExecution``; when a progress display is active it also reads the
Distributed Map runs (``ListMapRuns`` + ``DescribeMapRun``: one map run per round, one item per
key range) and the parent execution's history, where each finished ``TallyRound`` step carries the
run's running ``totals``. The history is read newest-first and only down to the last event already
seen, so a long run costs one history page per poll. With the run table's name, the running
round's counts come from its range items as well (livecounts.py), so they move before it ends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bucket_sync_cli.livecounts import COUNT_FIELDS, LiveCounts

__all__ = [
    "Outcome",
    "describe",
    "objects_of",
    "Progress",
    "ProgressProbe",
    "follow",
]

TALLY_STATE, PLAN_STATE = "TallyRound", "PlanRanges"
_TASK_SUCCEEDED = {
    "LambdaFunctionSucceeded": "lambdaFunctionSucceededEventDetails",
    "TaskSucceeded": "taskSucceededEventDetails",
}


@dataclass
class Progress:
    """What a running execution has done so far, as far as the probes could tell.

    ``totals`` are the sync pass's counts of finished rounds and only ever grow; ``counted`` are
    those of the orphan-counting pass a guarded run (``maxDeletes``) makes first, kept apart so
    the sync counts never jump backwards when that pass ends. ``rate`` is objects per second as
    of the last finished round; ``eta`` the seconds left at that rate, known only after a
    counting pass (which gives the number of objects in scope). ``running`` are the counts the
    running round's ranges have stored so far (the run table; None when it cannot be read),
    part of the counting pass when ``running_counting``.
    """

    rounds: int = 0
    ranges_total: int = 0
    ranges_succeeded: int = 0
    ranges_failed: int = 0
    ranges_running: int = 0
    totals: dict[str, int] | None = None
    counting: bool = False
    counted: dict[str, int] | None = None
    rate: float | None = None
    eta: float | None = None
    running: dict[str, int] | None = None
    running_counting: bool = False

    @property
    def ranges_done(self) -> int:
        """Ranges that ended, successfully or not."""
        return self.ranges_succeeded + self.ranges_failed


@dataclass
class Outcome:
    """An execution as DescribeExecution reports it: ended, or RUNNING (``--no-wait``, ``stop``)."""

    execution_arn: str
    status: str
    output: dict[str, Any] | None = None
    error: str | None = None
    cause: str | None = None
    seconds: float | None = None
    start: datetime | None = None
    stop: datetime | None = None
    run_input: dict[str, Any] | None = None
    state_machine_arn: str | None = None


def objects_of(counts: dict[str, int]) -> int:
    """Objects a set of counts accounts for (bytes aside)."""
    return sum(counts.get(name, 0) for name in ("copied", "deleted", "unchanged", "failed"))


def _grown(previous: dict[str, int] | None, new: dict[str, int]) -> dict[str, int]:
    """``new``, but never below ``previous`` field by field: the display never counts backwards."""
    if previous is None:
        return dict(new)
    return {name: max(previous.get(name, 0), value) for name, value in new.items()}


def _as_int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _state_of(text: Any) -> dict[str, Any] | None:
    """A task's result as a dict (unwrapping lambda:invoke's ``Payload``), or None."""
    try:
        state = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    if isinstance(state, dict) and isinstance(state.get("Payload"), dict):
        state = state["Payload"]  # arn:aws:states:::lambda:invoke wraps the function's result
    return state if isinstance(state, dict) else None


def _counting_flag(state: dict[str, Any]) -> bool | None:
    run = state.get("run")
    flag = run.get("countingOnly") if isinstance(run, dict) else None
    return flag if isinstance(flag, bool) else None


def _totals_of(state: dict[str, Any]) -> dict[str, int] | None:
    if not isinstance(state.get("totals"), dict):
        return None
    return {name: _as_int(state["totals"].get(name)) for name in COUNT_FIELDS}


@dataclass
class ProgressProbe:
    """Reads an execution's progress from its map runs and history; every read is best effort."""

    sfn: Any
    execution_arn: str
    live: LiveCounts | None = None
    progress: Progress = field(default_factory=Progress)
    _finished_runs: dict[str, dict[str, int]] = field(default_factory=dict)
    _last_event_id: int = 0
    _current_state: str = ""
    _phase_started: datetime | None = None

    def poll(self) -> Progress:
        """Refresh and return the progress; API errors leave the previous figures in place."""
        try:
            self._poll_map_runs()
        except Exception:  # progress is decoration: never fail or stop a run over it
            pass
        try:
            self._poll_history()
        except Exception:
            pass
        if self.live is not None:
            try:
                self.progress.running = self.live.poll()
                self.progress.running_counting = self.live.counting
            except Exception:
                pass
        return self.progress

    def _poll_map_runs(self) -> None:
        runs: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            paging = {"nextToken": token} if token else {}
            page = self.sfn.list_map_runs(executionArn=self.execution_arn, **paging)
            runs.extend(page.get("mapRuns", []))
            token = page.get("nextToken")
            if not token:
                break
        counts = {"total": 0, "succeeded": 0, "failed": 0, "running": 0}
        for run in runs:
            arn = run.get("mapRunArn")
            if not arn:
                continue
            items = self._finished_runs.get(arn)
            if items is None:
                described = self.sfn.describe_map_run(mapRunArn=arn)
                items = {
                    "total": _as_int(described.get("itemCounts", {}).get("total")),
                    "succeeded": _as_int(described.get("itemCounts", {}).get("succeeded")),
                    "failed": sum(
                        _as_int(described.get("itemCounts", {}).get(name))
                        for name in ("failed", "timedOut", "aborted")
                    ),
                    "running": _as_int(described.get("itemCounts", {}).get("running"))
                    + _as_int(described.get("itemCounts", {}).get("pending")),
                }
                if described.get("status") not in (None, "RUNNING"):
                    self._finished_runs[arn] = items
            for name in counts:
                counts[name] += items[name]
        self.progress.rounds = len(runs)
        self.progress.ranges_total = counts["total"]
        self.progress.ranges_succeeded = counts["succeeded"]
        self.progress.ranges_failed = counts["failed"]
        self.progress.ranges_running = counts["running"]

    def _poll_history(self) -> None:
        new_events: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "executionArn": self.execution_arn,
                "reverseOrder": True,
                "maxResults": 200,
            }
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.get_execution_history(**kwargs)
            fresh = [event for event in page.get("events", []) if event.get("id", 0) > self._last_event_id]
            new_events.extend(fresh)
            token = page.get("nextToken")
            if not token or len(fresh) < len(page.get("events", [])):
                break
        new_events.sort(key=lambda event: event.get("id", 0))
        for event in new_events:
            self._read_event(event)
            self._last_event_id = max(self._last_event_id, event.get("id", 0))

    def _read_event(self, event: dict[str, Any]) -> None:
        # The parent runs one state at a time (the ranges run in child executions), so a task
        # event belongs to the state entered last.
        stamp = event.get("timestamp")
        if event.get("type") == "ExecutionStarted" and isinstance(stamp, datetime):
            self._phase_started = stamp
        entered = event.get("stateEnteredEventDetails")
        if isinstance(entered, dict):
            self._current_state = str(entered.get("name", ""))
            return
        kind = event.get("type", "")
        if kind not in _TASK_SUCCEEDED:
            return
        state = _state_of((event.get(_TASK_SUCCEEDED[kind]) or {}).get("output"))
        if state is None:
            return
        progress = self.progress
        counting = _counting_flag(state)
        if counting is True:
            progress.counting = True
        self._follow_rounds(state, counting)
        totals = _totals_of(state) if self._current_state == TALLY_STATE else None
        if counting is False and progress.counting and isinstance(state.get("counted"), dict):
            # The tally that ends the counting pass hands on what the whole pass found.
            progress.counted = state["counted"]
        if counting is False and progress.counting:
            # The counting pass is over: the sync pass starts from zero, and its rate with it.
            progress.counting, progress.totals, progress.rate = False, None, None
            self._phase_started = stamp if isinstance(stamp, datetime) else None
            if totals is not None and objects_of(totals) == 0:
                return
        if totals is None:
            return
        if progress.counting:
            progress.counted = _grown(progress.counted, totals)
            current = progress.counted
        else:
            progress.totals = _grown(progress.totals, totals)
            current = progress.totals
        if isinstance(stamp, datetime) and self._phase_started is not None:
            seconds = (stamp - self._phase_started).total_seconds()
            if seconds > 0:
                progress.rate = objects_of(current) / seconds
        if not progress.counting and progress.counted is not None and progress.rate:
            left = max(objects_of(progress.counted) - objects_of(current), 0)
            progress.eta = left / progress.rate

    def _follow_rounds(self, state: dict[str, Any], counting: bool | None) -> None:
        """Tell the live counts which round runs (PlanRanges) and which one was folded in."""
        round_number = state.get("round")
        if self.live is None or not isinstance(round_number, int):
            return
        if self._current_state == PLAN_STATE and isinstance(state.get("ranges"), list):
            self.live.round_started(round_number, len(state["ranges"]), counting is True)
        elif self._current_state == TALLY_STATE:
            self.live.round_tallied(round_number)
            self.progress.running = None


def describe(sfn: Any, execution_arn: str) -> Outcome:
    """The execution as it stands, running or ended (AWS errors propagate)."""
    described = sfn.describe_execution(executionArn=execution_arn)
    output, run_input = described.get("output"), described.get("input")
    start, stop = described.get("startDate"), described.get("stopDate")
    seconds = None
    if isinstance(start, datetime) and isinstance(stop, datetime):
        seconds = round((stop - start).total_seconds(), 1)
    try:
        parsed_input = json.loads(run_input) if run_input else None
    except ValueError:
        parsed_input = None
    return Outcome(
        execution_arn=execution_arn,
        status=described["status"],
        output=json.loads(output) if output else None,
        error=described.get("error"),
        cause=described.get("cause"),
        seconds=seconds,
        start=start if isinstance(start, datetime) else None,
        stop=stop if isinstance(stop, datetime) else None,
        run_input=parsed_input if isinstance(parsed_input, dict) else None,
        state_machine_arn=described.get("stateMachineArn"),
    )


def _describe(sfn: Any, execution_arn: str, started: float, clock: Callable[[], float]) -> Outcome | None:
    outcome = describe(sfn, execution_arn)
    if outcome.status in ("RUNNING", "PENDING_REDRIVE"):
        return None
    if outcome.seconds is None:
        outcome.seconds = round(clock() - started, 1)
    return outcome


def follow(
    sfn: Any,
    execution_arn: str,
    on_tick: Callable[[float, Progress | None], None] | None = None,
    *,
    tick_seconds: float = 0.5,
    status_seconds: float = 1.0,
    progress_seconds: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    live: LiveCounts | None = None,
) -> Outcome:
    """Wait for the execution to end and return its outcome.

    ``on_tick(elapsed, progress)`` is called every ``tick_seconds`` (the display's refresh); the
    progress probes run only when it is given, every ``progress_seconds`` (``live`` adds the
    running round's counts); the status is read every ``status_seconds``. AWS errors from
    DescribeExecution propagate.
    """
    started = clock()
    probe = ProgressProbe(sfn, execution_arn, live) if on_tick is not None else None
    next_status = next_progress = next_tick = started
    progress: Progress | None = None
    while True:
        now = clock()
        next_tick = max(next_tick + tick_seconds, now)
        if now >= next_status:
            outcome = _describe(sfn, execution_arn, started, clock)
            if outcome is not None:
                return outcome
            next_status = now + status_seconds
        if probe is not None and on_tick is not None:
            if now >= next_progress:
                progress = probe.poll()
                next_progress = clock() + progress_seconds
            on_tick(clock() - started, progress)
        sleep(max(next_tick - clock(), 0.0))
