"""SyncRange: one step of a range's loop (the Distributed Map child's Task): as many windows
as its time allows. (The child's Catch hands errors to RecordRangeError, a module of its own.)"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..budget import short_reason
from ..clients import s3_client
from ..copytime import STOP_MARGIN_SECONDS
from ..deleter import Reserve
from ..errors import DeleteGuardTripped, TransientError
from ..expectations import rules_for
from ..listing import Entry
from ..logs import log
from ..payloads import KeyRange, PausedUpload, Progress, RangeState, RunConfig
from ..range_step import start_progress, sync_window
from ..report import write_window
from ..runstore import PausedUploads, RunStore, run_table
from ..settings import Settings, load_settings
from ..settling import kept_by
from ..transient import is_transient, named_transient
from ..verified import Verified


@dataclass(frozen=True)
class RangeStep:
    """One invocation's range: which one, where its progress is stored, and the S3 clients."""

    run: RunConfig
    round: int
    index: int
    range: KeyRange
    settings: Settings
    store: RunStore
    source_s3: Any
    destination_s3: Any

    def state(self, progress: Progress) -> RangeState:
        """The child's state after this step, with `progress`."""
        return RangeState(
            run=self.run, round=self.round, index=self.index, range=self.range, progress=progress
        )


@named_transient
def handler(event: RangeState, context: Any) -> RangeState:
    run, round_number, index = event["run"], event["round"], event["index"]
    settings = load_settings()
    store = RunStore(run_table(settings.run_table), run["execution"])
    record = store.read_range(round_number, index)
    progress = newest(event.get("progress"), record.progress) or start_progress(record.range)
    rules = rules_for(run)
    step = RangeStep(
        run,
        round_number,
        index,
        record.range,
        settings,
        store,
        s3_client(run["sourceRegion"], rules=rules),
        s3_client(run["destinationRegion"], rules=rules),
    )
    if progress["done"]:
        # A retry of an invocation that finished its range and then crashed: nothing is left.
        return step.state(progress)
    return sync_windows(step, progress, time_left(context))


def time_left(context: Any) -> Callable[[], float]:
    """Seconds left to start work in this invocation.

    Copies stop starting while there is still time to finish the ones under way and report
    (copytime.STOP_MARGIN_SECONDS).
    """
    margin = min(STOP_MARGIN_SECONDS, context.get_remaining_time_in_millis() / 1000 / 3)
    return lambda: context.get_remaining_time_in_millis() / 1000 - margin


def sync_windows(step: RangeStep, progress: Progress, seconds_left: Callable[[], float]) -> RangeState:
    """Windows one after another while the invocation's time lasts: each costs Step Functions
    nothing, where a step per window costs state transitions, the larger part of a no-op run's
    bill. A window starts only with twice the longest one so far still left."""
    run, settings = step.run, step.settings
    guard = delete_guard(step.store, run)
    verified = Verified(run_table(settings.run_table), run["source"], run["destination"], kept_by(run))
    longest, windows = 0.0, 0
    while True:
        started = time.monotonic()
        before = progress
        progress, requests = one_window(step, progress, seconds_left, guard, verified)
        remember_paused(step, before.get("uploads", []), progress.get("uploads", []))
        longest = max(longest, time.monotonic() - started)
        windows += 1
        # Stored after every window, so a retried invocation resumes from the last one done. A
        # duplicate invocation of this child that stored this window first wins: its progress
        # stands and this one stops, so nothing is counted twice.
        if not store_progress(step.store, step.round, step.index, step.range, progress):
            stored = step.store.read_range(step.round, step.index).progress
            log("range.superseded", execution=run["execution"], round=step.round, index=step.index)
            return step.state(stored)  # type: ignore[arg-type]
        log_window(step, progress, windows, requests)
        stop_on_guard_or_stall(step, progress, requests)
        if progress["done"] or progress["steps"] >= settings.max_steps_per_range:
            break
        if requests["outOfTime"]:
            break  # a copy waits for an invocation with its full time
        if seconds_left() < 2 * longest:
            break
    return step.state(progress)


def one_window(
    step: RangeStep,
    progress: Progress,
    seconds_left: Callable[[], float],
    guard: Reserve | None,
    verified: Verified,
) -> tuple[Progress, dict[str, Any]]:
    """sync_window with the window's report lines written; an error S3 kept answering
    transiently is raised as TransientError."""
    run = step.run
    target = run["report"]
    # A counting pass (maxDeletes) writes no report, unless it is a dry run's whole answer.
    reporting = target is not None and (not run["countingOnly"] or run["dryRun"])
    name = f"r{step.round:06d}-i{step.index:06d}-w{progress['steps'] + 1:06d}"
    stored = [True]

    def report_window(lines: list[dict]) -> None:
        stored[0] = write_window(s3_client(None), target, name, lines)  # type: ignore[arg-type]

    try:
        progress, requests = sync_window(
            step.source_s3,
            step.destination_s3,
            run,
            step.range,
            progress,
            step.settings,
            seconds_left=seconds_left,
            on_actions=report_window if reporting else None,
            reserve=guard,
            verified=verified,
        )
    except Exception as error:
        if not is_transient(error):
            raise
        # A throttle or 5xx that outlived botocore's attempts: the state machine retries this
        # step with backoff from the last window stored (windows are idempotent).
        log(
            "range.transient",
            execution=run["execution"],
            round=step.round,
            index=step.index,
            error=str(error),
        )
        raise TransientError(short_reason(f"{type(error).__name__}: {error}")) from error
    if not stored[0]:
        progress["reportIncomplete"] = True
    return progress, requests


def remember_paused(step: RangeStep, before: list[PausedUpload], paused: list[PausedUpload]) -> None:
    """Record uploads the window newly paused where the next run finds them, should this run be
    stopped before resuming them."""
    if not {u["uploadId"] for u in paused} - {u["uploadId"] for u in before}:
        return
    try:
        PausedUploads(run_table(step.settings.run_table), step.run["destination"]).remember(
            step.run["execution"], paused
        )
    except Exception as error:  # noqa: BLE001 - a record for clean-up only; the sync goes on
        if not is_transient(error):
            raise
        log("range.paused_not_recorded", execution=step.run["execution"], error=str(error))


def log_window(step: RangeStep, progress: Progress, windows: int, requests: dict[str, Any]) -> None:
    """The window's log line: where the range stands and what the window met."""
    log(
        "range.step",
        execution=step.run["execution"],
        source=step.run["source"],
        destination=step.run["destination"],
        round=step.round,
        index=step.index,
        range=step.range,
        cursor=progress["cursor"],
        done=progress["done"],
        steps=progress["steps"],
        window=windows,
        counts=progress["counts"],
        **requests,
    )


def stop_on_guard_or_stall(step: RangeStep, progress: Progress, requests: dict[str, Any]) -> None:
    """End the step (the window is stored) when the delete guard refused, or when the window
    could not pass a key S3 keeps failing."""
    if requests["guardTripped"]:
        # The run ends DeleteGuardTripped (TallyRound).
        raise DeleteGuardTripped(
            f"the run's delete limit ({step.run.get('deleteLimit')}) is reached: range {step.index} of "
            f"round {step.round} stopped deleting at {progress['cursor']!r}"
        )
    if requests["stalled"] and not progress["done"]:
        # The state machine retries the step with backoff, so the next try of the key S3 keeps
        # failing comes later, not at once.
        raise TransientError(f"range {step.index} of round {step.round} waits on a key S3 keeps failing")


# Attempts to store a window's progress (each with botocore's own retries and backoff): the
# window's copies and deletes are done, and a window done again would count its deleted orphans
# (no longer listed) as nothing and its copies as unchanged.
SAVE_ATTEMPTS = 3


def store_progress(
    store: RunStore, round_number: int, index: int, key_range: Any, progress: Progress
) -> bool:
    """save_progress, tried again while DynamoDB's answer is transient (it is conditional, so a
    repeat can neither count twice nor move back)."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            return store.save_progress(round_number, index, key_range, progress)
        except Exception as error:
            if attempt == SAVE_ATTEMPTS or not is_transient(error):
                raise
    return False


def delete_guard(store: RunStore, run: RunConfig) -> Reserve | None:
    """The reservation hook of a guarded run's real pass: each delete request reserves its keys
    in the run table (atomically, once per batch of keys) before it is sent; None when unguarded."""
    limit = run.get("deleteLimit")
    if limit is None or run["countingOnly"] or run["dryRun"]:
        return None

    def reserve(entries: list[Entry]) -> bool:
        batch = "\n".join(sorted(entry.key for entry in entries))
        return store.reserve_deletes(batch, len(entries), limit)

    return reserve


def newest(*candidates: Progress | None) -> Progress | None:
    """The progress that has come furthest: the state's, or the table's when an invocation that
    crashed after some windows stored more (windows are idempotent, so either is exact)."""
    known = [p for p in candidates if p is not None]
    return max(known, key=lambda p: p["steps"], default=None)
