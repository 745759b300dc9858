"""One step of a range's loop: list both sides of the next key window, merge, copy, delete."""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from . import backpressure
from .budget import json_size, sample_failures
from .copier import CopyOptions, CopyOutcome, copy_objects
from .copytime import STOP_MARGIN_SECONDS, usable_seconds
from .deleter import DeleteOutcome, Reserve, delete_objects
from .diff import merge
from .jobs import step_pool
from .listing import Entry, list_range
from .multipart import abort_upload
from .overrides import Destination
from .paused import known_part_sizes, paused_uploads, resumable_uploads
from .payloads import Counts, Failure, KeyRange, Progress, RunConfig, add_counts, zero_counts
from .report import action_lines
from .scope import in_scope
from .settings import Settings
from .settling import settle_unsure
from .verified import Verified


def start_progress(key_range: KeyRange) -> Progress:
    """Progress of a range no step has touched yet."""
    return Progress(cursor=key_range["after"], done=False, steps=0, counts=zero_counts(), failures=[])


def sync_window(
    source_s3: Any,
    destination_s3: Any,
    run: RunConfig,
    key_range: KeyRange,
    progress: Progress,
    settings: Settings,
    seconds_left: Callable[[], float] = lambda: math.inf,
    on_actions: Callable[[list[dict[str, Any]]], None] | None = None,
    reserve: Reserve | None = None,
    verified: Verified | None = None,
) -> tuple[Progress, dict[str, int]]:
    """Sync the keys after the cursor, at most `chunk_size` per side, and move the cursor on.

    Both sides are listed at once, up to `chunk_size` keys each. The window ends at the last key
    listed on a side that has more keys (the earlier of the two when both have), or at the
    range's end when neither has; keys listed past it are dropped. Every key in the window is
    then known on both sides, so the merge is exact; keys after the window are left to the next
    step.
    Returns the new progress and what the window met (LIST requests per side, for logs and
    benchmarks; `outOfTime`: a copy waits for an invocation with more time; `guardTripped`: the
    delete guard refused a reservation); `on_actions` receives the window's report lines
    (report.action_lines); `reserve` reserves each delete request in the run's guard;
    `verified` remembers the pairs HEAD found equal (without it they are read on every run).
    """
    cursor, up_to, limit = progress["cursor"], key_range["upTo"], settings.chunk_size
    # S3 requests and SlowDown answers from here on (this container's limiters; one invocation
    # runs in a container at a time), for the window's counts and log line.
    pressure = backpressure.mark()
    # Both sides are listed at once: a window waits for its slower side, not for the sum (most
    # of a no-op step is waiting for LIST pages, and Lambda bills the waiting).
    with ThreadPoolExecutor(max_workers=1) as lister:
        listing = lister.submit(list_range, source_s3, run["source"], run["listPrefix"], cursor, up_to, limit)
        destination = list_range(destination_s3, run["destination"], run["listPrefix"], cursor, up_to, limit)
        source = listing.result()
    ends = [side.entries[-1].key for side in (source, destination) if side.more]
    window_end = min(ends) if ends else up_to
    source_entries = [e for e in source.entries if window_end is None or e.key <= window_end]
    destination_entries = [e for e in destination.entries if window_end is None or e.key <= window_end]
    done = not ends

    in_scope_destination = scoped(run, destination_entries)
    plan = merge(scoped(run, source_entries), in_scope_destination)
    dry_run = run["dryRun"] or run["countingOnly"]
    # The step's one pool: every S3 request below runs on it, so the step never has more than
    # copy_threads threads of its own, whatever mix of small and multipart objects it meets.
    with step_pool(settings.copy_threads) as pool:
        unsure = len(plan.unsure)
        source_heads, remembered = settle_unsure(
            source_s3, destination_s3, run, plan, settings.copy_threads, pool, verified
        )
        paused_before = progress.get("uploads", [])
        resume, later = resumable_uploads(destination_s3, run, plan, paused_before, window_end)
        options = CopyOptions(
            threads=settings.copy_threads,
            dry_run=dry_run,
            keep_website_redirects=run["readRedirects"],
            destination=Destination(run["storageClass"], run["sseKmsKeyId"]),
            seconds_left=seconds_left,
            source_heads=source_heads,
            resume=resume,
            part_sizes=known_part_sizes(paused_before, resume),
            invocation_seconds=usable_seconds(settings.lambda_timeout, STOP_MARGIN_SECONDS),
            compared=plan.compared,
            allow_unconditional=settings.allow_unconditional_copies,
        )
        copies = copy_objects(
            source_s3, destination_s3, run["source"], run["destination"], plan.to_copy, options, pool
        )
        # Out of time or failing transiently: this step ends just before the first object it did
        # not copy. Every key below that is settled; copies at or above it are seen (and counted)
        # next step; deletes are done before it only.
        cutoff = min((entry.key for entry in copies.deferred), default=None)
        to_delete = plan.to_delete if run["deleteOrphans"] else []
        if cutoff is not None:
            to_delete = [entry for entry in to_delete if entry.key < cutoff]
        deletes = delete_orphans(
            destination_s3, run, to_delete, settings, pool, dry_run, reserve, seconds_left
        )
    held = deletes.retry + deletes.not_deleted
    if held:
        # Deletes S3 throttled (or the guard refused) end the window before the first of them;
        # the orphans deleted above it are gone and counted now, never seen again.
        first_held = min(entry.key for entry in held)
        cutoff = first_held if cutoff is None else min(cutoff, first_held)
    stalls = 0
    if cutoff is not None and not any(e.key < cutoff for e in source_entries + destination_entries):
        blocking = blocked_by(cutoff, copies, deletes)
        if blocking is not None:
            # The window could not pass its first key: S3 kept failing it transiently. After
            # MAX_STALLS such windows in a row (the state machine backs off between them), that
            # key alone is named as failed, with S3's last answer, and the range goes on.
            stalls = progress.get("stalls", 0) + 1
            if stalls >= MAX_STALLS:
                copies, deletes = name_blocking_key(destination_s3, run, cutoff, blocking, copies, deletes)
                stalls = 0
                held = deletes.retry + deletes.not_deleted
                cutoff = min((entry.key for entry in copies.deferred + held), default=None)
    uploads = paused_uploads(destination_s3, run, copies, later)
    kept = deletes.kept_keys()
    deleted = [entry for entry in to_delete if entry.key not in kept] if not dry_run else to_delete
    delete_failures = deletes.failures
    # Copies this window made at or above its cut are seen again (unchanged) by the next window,
    # which counts them as copied; those an earlier window made are counted here.
    ahead = set(progress.get("copiedAhead", []))
    copied_ahead = [e.key for e in copies.copied if cutoff is not None and e.key >= cutoff]
    if cutoff is not None:
        handled = [e.key for e in source_entries + destination_entries if e.key < cutoff]
        window_end = max(handled, default=cursor)
        plan, copies, done = plan.before(cutoff), copies.before(cutoff), False
        in_scope_destination = [e for e in in_scope_destination if e.key < cutoff]
        delete_failures = [f for f in delete_failures if f["key"] is not None and f["key"] < cutoff]
    if ahead:
        # One copied again meanwhile (its source changed) is counted once, by that copy.
        listed = {entry.key: entry for entry in source_entries}
        seen = [key for key in plan.unchanged if key in ahead]
        plan.unchanged = [key for key in plan.unchanged if key not in ahead]
        copies.copied = sorted(copies.copied + [listed[key] for key in seen], key=lambda e: e.key)
        end = None if done else str(window_end)
        copied_ahead += [key for key in ahead if end is not None and key > end and key not in copied_ahead]

    failures: list[Failure] = copies.failures + delete_failures
    pressure_met = backpressure.since(pressure)
    if on_actions is not None:
        known = {entry.key: entry for entry in source_entries + destination_entries}
        on_actions(action_lines(copies.copied, deleted, failures, known, dry_run))
    step_counts = Counts(
        copied=len(copies.copied),
        copiedBytes=sum(entry.size for entry in copies.copied),
        deleted=len(deleted),
        unchanged=len(plan.unchanged),
        failed=len(failures),
        inDestination=len(in_scope_destination),
        slowDowns=pressure_met["slowDowns"],
    )
    new_cursor = progress["cursor"] if done else str(window_end)
    new_progress = Progress(
        cursor=new_cursor,
        done=done,
        steps=progress["steps"] + 1,
        counts=add_counts(progress["counts"], step_counts),
        failures=sample_failures(progress["failures"], failures),
    )
    if uploads:
        new_progress["uploads"] = uploads
    if copied_ahead and not done:
        new_progress["copiedAhead"] = bounded_keys(sorted(copied_ahead), AHEAD_BYTES)
    if stalls:
        new_progress["stalls"] = stalls
    if progress.get("reportIncomplete"):
        new_progress["reportIncomplete"] = True
    requests = {
        "sourceLists": source.requests,
        "destinationLists": destination.requests,
        "settled": unsure,
        "remembered": remembered,
        "outOfTime": copies.out_of_time,
        "guardTripped": deletes.guard_tripped,
        "heldDeletes": len(held),
        "stalled": stalls > 0,
        "s3Requests": pressure_met["requests"],
        "slowDowns": step_counts["slowDowns"],
    }
    return new_progress, requests


# Windows in a row a range may stop before the same first key because S3 keeps failing it
# transiently before that key is named as failed. Each window tries it COPY_PASSES times, each
# try with botocore's 5 attempts and backoff (about 20 s in all) and the limiter slowing
# requests, and the state machine backs off between windows: a minute or more of patience.
MAX_STALLS = 3
# Passes over the deletes S3 throttled in one window (the limiter slows each pass down).
DELETE_PASSES = 3
# Keys a window copied above its cut, kept for the next window to count as copied (a bound on
# the progress item; copies past it are counted as unchanged, as before this was kept).
AHEAD_BYTES = 32_768


def bounded_keys(keys: list[str], budget: int) -> list[str]:
    """The first of `keys` whose JSON stays within `budget` bytes."""
    kept: list[str] = []
    size = 2
    for key in keys:
        size += json_size(key) + 2
        if size > budget:
            break
        kept.append(key)
    return kept


def blocked_by(key: str, copies: CopyOutcome, deletes: DeleteOutcome) -> str | None:
    """S3's last transient answer for `key` when that is why the window stopped there (a copy or
    a delete still failing after the window's passes); None for time or the delete guard."""
    if key in copies.transient:
        return copies.transient[key]
    if any(entry.key == key for entry in deletes.retry):
        return deletes.retry_reason or "transient error"
    return None


def name_blocking_key(
    destination_s3: Any, run: RunConfig, key: str, reason: str, copies: CopyOutcome, deletes: DeleteOutcome
) -> tuple[CopyOutcome, DeleteOutcome]:
    """The outcomes with `key` named as failed (and its paused upload, if any, aborted) instead of
    deferred again."""
    failure = Failure(key=key, reason=f"still failing after retries: {reason}")
    if key in copies.paused:
        abort_upload(destination_s3, run["destination"], key, copies.paused[key], "named as failed")
    copies = replace(
        copies,
        failures=[*copies.failures, failure] if key in copies.transient else copies.failures,
        deferred=[entry for entry in copies.deferred if entry.key != key],
        paused={k: v for k, v in copies.paused.items() if k != key},
        transient={k: v for k, v in copies.transient.items() if k != key},
    )
    if any(entry.key == key for entry in deletes.retry):
        deletes = replace(
            deletes,
            failures=[*deletes.failures, failure],
            retry=[entry for entry in deletes.retry if entry.key != key],
        )
    return copies, deletes


def delete_orphans(
    s3: Any,
    run: RunConfig,
    entries: list[Entry],
    settings: Settings,
    pool: Executor,
    dry_run: bool,
    reserve: Reserve | None,
    seconds_left: Callable[[], float],
) -> DeleteOutcome:
    """Delete the window's orphans, trying again (DELETE_PASSES in all, while the step has time)
    those S3 throttled or failed transiently; what still fails is left to retry later."""
    outcome = DeleteOutcome()
    pending = entries
    for attempt in range(DELETE_PASSES):
        if attempt and seconds_left() <= 0:
            break
        result = delete_objects(
            s3,
            run["destination"],
            pending,
            settings.copy_threads,
            dry_run,
            pool,
            allow_unconditional=settings.allow_unconditional_deletes,
            execution=run["execution"],
            reserve=reserve,
        )
        pending, result.retry = result.retry, []
        outcome.add(result)
        if not pending or result.guard_tripped:
            break
    outcome.retry = pending
    return outcome


def scoped(run: RunConfig, entries: list[Entry]) -> list[Entry]:
    """The entries the run's include and exclude patterns cover (the window stays as listed)."""
    if not run["include"] and not run["exclude"]:
        return entries
    return [e for e in entries if in_scope(e.key, run["prefix"], run["include"], run["exclude"])]
