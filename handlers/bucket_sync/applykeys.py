"""Applying a batch of changed keys: read both sides, decide as a run would, copy with the run's
copy code pinned to the source ETag just read, delete only what the source no longer has (on the
destination ETag just read, within the delete budget), then read the source again and hand back
every key that moved meanwhile, so a slow copy of an old version never has the last word.

Every key ends in one place of Applied; those in `retry` go back to the queue (their messages
are reported as batch item failures) and come again after the queue's visibility timeout.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from .copier import CopyOptions, copy_objects
from .deleter import Reserve, delete_objects
from .heads import Kept
from .jobs import one_call, run_jobs
from .livestate import Act, Sides, decide, entry_of, head_or_none, moved, read_sides
from .overrides import Destination
from .transient import is_transient

# Deletes reserved in the budget at a time: the budget is all-or-nothing per request, so small
# requests let a burst use the budget up to its last delete.
DELETE_CHUNK = 10


@dataclass(frozen=True)
class Target:
    """Where keys are applied, and how."""

    source_s3: Any
    destination_s3: Any
    source: str
    destination: str
    kept: Kept
    overrides: Destination
    delete_orphans: bool
    inline_copy_max_bytes: int
    threads: int
    # Starts a run scoped to one key (handoff.hand_off with the deployment's state machine).
    hand_off: Callable[[str, str], str]
    # Copy without the destination condition where the SDK cannot send it (the deployment's
    # allow_unconditional_copies); otherwise such keys are named.
    allow_unconditional: bool = False
    # The same for deletes without If-Match (allow_unconditional_deletes), as in runs.
    allow_unconditional_deletes: bool = False
    seconds_left: Callable[[], float] = field(default=lambda: math.inf)
    invocation_seconds: float = math.inf


@dataclass
class Applied:
    """What became of each key."""

    copied: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    handed_off: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Kept on purpose (orphans while delete_orphans is off), or refused for good with a reason
    # (archived, SSE-C, rewritten by another writer): nothing to retry, the run names them too.
    kept: dict[str, str] = field(default_factory=dict)
    # Back to the queue, with why: source moved, transient errors, out of time, deletes paused.
    retry: dict[str, str] = field(default_factory=dict)
    paused: list[str] = field(default_factory=list)

    def settled(self) -> list[str]:
        """Keys whose messages are done."""
        return [*self.copied, *self.deleted, *self.handed_off, *self.unchanged, *self.kept]


def _answered(error: BaseException) -> bool:
    """Whether `error` is S3's (or the network's) answer about a key, not a bug of ours."""
    return isinstance(error, ClientError) or is_transient(error)


def compared_destinations(sides: list[Sides]) -> dict[str, str | None]:
    """The destination ETag each copy was decided on (None: no destination object), for the
    copier's destination condition (If-Match / If-None-Match "*"): an object another writer puts
    there after this read is never overwritten."""
    return {s.key: None if s.destination is None else str(s.destination["ETag"]) for s in sides}


def copy_options(target: Target, sides: list[Sides]) -> CopyOptions:
    """The run's copy options for these keys: the source headers just read travel with them (so
    the copy pins CopySourceIfMatch to the ETag read and carries redirects with no second HEAD)."""
    return CopyOptions(
        threads=target.threads,
        keep_website_redirects=target.kept.redirects,
        seconds_left=target.seconds_left,
        source_heads={s.key: s.source for s in sides if s.source is not None},
        destination=target.overrides,
        invocation_seconds=target.invocation_seconds,
        compared=compared_destinations(sides),
        allow_unconditional=target.allow_unconditional,
    )


def _read_all(target: Target, keys: list[str], pool: Executor, applied: Applied) -> list[Sides]:
    reads = [
        partial(read_sides, target.source_s3, target.destination_s3, target.source, target.destination, key)
        for key in keys
    ]
    results = run_jobs(pool, (one_call(read) for read in reads), target.threads)
    found = []
    for key, done in zip(keys, results, strict=True):
        if done.error is not None:
            if not _answered(done.error):
                raise done.error  # a bug of ours, not an answer of S3
            applied.retry[key] = f"could not read: {type(done.error).__name__}: {done.error}"
            continue
        found.append(done.value)
    return found


def _copy(target: Target, sides: list[Sides], pool: Executor, applied: Applied) -> None:
    if not sides:
        return
    entries = [entry_of(s.key, s.source) for s in sides if s.source is not None]
    outcome = copy_objects(
        target.source_s3,
        target.destination_s3,
        target.source,
        target.destination,
        entries,
        copy_options(target, sides),
        pool,
    )
    applied.copied.extend(entry.key for entry in outcome.copied)
    for failure in outcome.failures:
        applied.kept[str(failure["key"])] = failure["reason"]
    for entry in outcome.deferred:
        applied.retry[entry.key] = outcome.transient.get(entry.key, "out of time: not started")


def _delete(target: Target, sides: list[Sides], reserve: Reserve, pool: Executor, applied: Applied) -> None:
    entries = [entry_of(s.key, s.destination) for s in sides if s.destination is not None]
    for start in range(0, len(entries), DELETE_CHUNK):
        chunk = entries[start : start + DELETE_CHUNK]
        outcome = delete_objects(
            target.destination_s3,
            target.destination,
            chunk,
            target.threads,
            dry_run=False,
            pool=pool,
            allow_unconditional=target.allow_unconditional_deletes,
            reserve=reserve,
        )
        for failure in outcome.failures:
            applied.kept[str(failure["key"])] = failure["reason"]
        for entry in outcome.retry:
            applied.retry[entry.key] = outcome.retry_reason or "delete deferred"
        for entry in outcome.not_deleted:
            applied.retry[entry.key] = "delete budget spent: deletes paused"
            applied.paused.append(entry.key)
        gone = outcome.kept_keys()
        applied.deleted.extend(entry.key for entry in chunk if entry.key not in gone)


def _recheck(target: Target, sides: list[Sides], pool: Executor, applied: Applied) -> None:
    """Hand back every key whose source moved since it was read: its new state may have been
    applied by nobody, or overwritten by this consumer's older copy."""
    reads = [partial(head_or_none, target.source_s3, target.source, s.key) for s in sides]
    results = run_jobs(pool, (one_call(read) for read in reads), target.threads)
    for before, done in zip(sides, results, strict=True):
        if done.error is not None:
            if not _answered(done.error):
                raise done.error
            reason = f"could not read the source again: {type(done.error).__name__}"
        elif moved(before.source, done.value):
            reason = "source changed while it was applied"
        else:
            continue
        for done_list in (applied.copied, applied.deleted, applied.handed_off):
            if before.key in done_list:
                done_list.remove(before.key)
        applied.kept.pop(before.key, None)
        applied.retry[before.key] = reason


def apply_keys(target: Target, keys: list[str], reserve: Reserve, pool: Executor) -> Applied:
    """Apply every key of `keys` (distinct) to the destination; see Applied for where each ends."""
    applied = Applied()
    found = _read_all(target, keys, pool, applied)
    by_act: dict[Act, list[Sides]] = {act: [] for act in Act}
    for sides in found:
        by_act[decide(sides, target.kept, target.delete_orphans, target.inline_copy_max_bytes)].append(sides)
    applied.unchanged.extend(s.key for s in by_act[Act.NOTHING])
    applied.kept.update({s.key: "orphan kept: delete_orphans is off" for s in by_act[Act.KEEP]})
    _copy(target, by_act[Act.COPY], pool, applied)
    for sides in by_act[Act.HAND_OFF]:
        try:
            target.hand_off(sides.key, str(sides.source["ETag"]))  # type: ignore[index]
        except Exception as error:
            if not _answered(error):
                raise
            applied.retry[sides.key] = f"could not start its run: {type(error).__name__}: {error}"
            continue
        applied.handed_off.append(sides.key)
    _delete(target, by_act[Act.DELETE], reserve, pool, applied)
    acted = [
        s for act in (Act.COPY, Act.DELETE, Act.HAND_OFF) for s in by_act[act] if s.key not in applied.retry
    ]
    _recheck(target, acted, pool, applied)
    return applied
