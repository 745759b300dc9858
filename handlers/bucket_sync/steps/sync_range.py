"""SyncRange: one step of a range's loop (the Distributed Map child's Task): as many windows
as its time allows; or, when the child's Catch hands it an error, recording that error."""

from __future__ import annotations

import time
from typing import Any

from ..budget import short_reason
from ..clients import s3_client
from ..copytime import STOP_MARGIN_SECONDS
from ..deleter import Reserve
from ..errors import DeleteGuardTripped, TransientError
from ..expectations import rules_for
from ..listing import Entry
from ..logs import log
from ..payloads import Progress, RangeState, RunConfig
from ..range_step import start_progress, sync_window
from ..report import write_window
from ..runstore import PausedUploads, RunStore, run_table
from ..settings import load_settings
from ..settling import kept_by
from ..transient import is_transient, named_transient
from ..verified import Verified


@named_transient
def handler(event: RangeState, context: Any) -> RangeState | dict:
    run, round_number, index = event["run"], event["round"], event["index"]
    settings = load_settings()
    store = RunStore(run_table(settings.run_table), run["execution"])
    if "error" in event:
        error = {name: short_reason(str(event["error"].get(name, ""))) for name in ("Error", "Cause")}
        recorded = store.record_error(round_number, index, error)
        log(
            "range.failed",
            execution=run["execution"],
            round=round_number,
            index=index,
            error=error,
            recorded=recorded,
        )
        return {}
    record = store.read_range(round_number, index)
    key_range = record.range
    progress = newest(event.get("progress"), record.progress) or start_progress(key_range)
    if progress["done"]:
        # A retry of an invocation that finished its range and then crashed: nothing is left.
        return RangeState(run=run, round=round_number, index=index, range=key_range, progress=progress)
    # Stop starting copies while there is still time to finish the ones under way and report:
    # one object's requests may take ~15 s of botocore backoff before they give up.
    margin = min(STOP_MARGIN_SECONDS, context.get_remaining_time_in_millis() / 1000 / 3)

    def seconds_left() -> float:
        return context.get_remaining_time_in_millis() / 1000 - margin

    rules = rules_for(run)
    source_s3 = s3_client(run["sourceRegion"], rules=rules)
    destination_s3 = s3_client(run["destinationRegion"], rules=rules)
    # Windows one after another while the invocation's time lasts: each costs Step Functions
    # nothing, where a step per window costs three state transitions, the larger part of a no-op
    # run's bill. A window starts only with twice the longest one so far still left.
    target = run["report"]
    # A counting pass (maxDeletes) writes no report, unless it is a dry run's whole answer.
    reporting = target is not None and (not run["countingOnly"] or run["dryRun"])
    guard = delete_guard(store, run)
    verified = Verified(run_table(settings.run_table), run["source"], run["destination"], kept_by(run))
    longest, windows = 0.0, 0
    while True:
        started = time.monotonic()
        window = f"r{round_number:06d}-i{index:06d}-w{progress['steps'] + 1:06d}"
        report_stored = [True]

        def report_window(lines: list[dict], name: str = window, stored: list[bool] = report_stored) -> None:
            stored[0] = write_window(s3_client(None), target, name, lines)  # type: ignore[arg-type]

        before = progress
        try:
            progress, requests = sync_window(
                source_s3,
                destination_s3,
                run,
                key_range,
                progress,
                settings,
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
                round=round_number,
                index=index,
                error=str(error),
            )
            raise TransientError(short_reason(f"{type(error).__name__}: {error}")) from error
        if not report_stored[0]:
            progress["reportIncomplete"] = True
        paused = progress.get("uploads", [])
        if {u["uploadId"] for u in paused} - {u["uploadId"] for u in before.get("uploads", [])}:
            # Recorded where the next run finds them, should this run be stopped before resuming.
            try:
                PausedUploads(run_table(settings.run_table), run["destination"]).remember(
                    run["execution"], paused
                )
            except Exception as error:  # noqa: BLE001 - a record for clean-up only; the sync goes on
                if not is_transient(error):
                    raise
                log("range.paused_not_recorded", execution=run["execution"], error=str(error))
        longest = max(longest, time.monotonic() - started)
        windows += 1
        # Stored after every window, so a retried invocation resumes from the last one done. A
        # duplicate invocation of this child that stored this window first wins: its progress
        # stands and this one stops, so nothing is counted twice.
        if not store_progress(store, round_number, index, key_range, progress):
            stored = store.read_range(round_number, index).progress
            log("range.superseded", execution=run["execution"], round=round_number, index=index)
            return RangeState(run=run, round=round_number, index=index, range=key_range, progress=stored)  # type: ignore[typeddict-item]
        log(
            "range.step",
            execution=run["execution"],
            source=run["source"],
            destination=run["destination"],
            round=round_number,
            index=index,
            range=key_range,
            cursor=progress["cursor"],
            done=progress["done"],
            steps=progress["steps"],
            window=windows,
            counts=progress["counts"],
            **requests,
        )
        if requests["guardTripped"]:
            # What the window did is stored; the run ends DeleteGuardTripped (TallyRound).
            raise DeleteGuardTripped(
                f"the run's delete limit ({run.get('deleteLimit')}) is reached: range {index} of round "
                f"{round_number} stopped deleting at {progress['cursor']!r}"
            )
        if requests["stalled"] and not progress["done"]:
            # Stored; the state machine retries the step with backoff, so the next try of the
            # key S3 keeps failing comes later, not at once.
            raise TransientError(f"range {index} of round {round_number} waits on a key S3 keeps failing")
        if progress["done"] or progress["steps"] >= settings.max_steps_per_range:
            break
        if requests["outOfTime"]:
            break  # a copy waits for an invocation with its full time
        if seconds_left() < 2 * longest or windows >= settings.max_windows_per_step:
            break
    return RangeState(run=run, round=round_number, index=index, range=key_range, progress=progress)


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
