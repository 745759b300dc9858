"""Server-side copies of changed objects, in parallel, each pinned to the ETag that was compared
on both sides: the source's (CopySourceIfMatch) and the destination's (conditions.py).

A copy starts only when its expected duration (copytime.py) fits the step's time left; the
others wait for the next invocation, which starts with full time. A copy that fails transiently
(throttle, 5xx, timeout: transient.py) is tried again after the others, a few passes while time
allows, and then handed to the next window; only answers about the object itself name it failed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from .archived import ARCHIVED_CLASSES, not_restored, refusal, restore_of, restoring
from .compare import is_multipart, part_count
from .conditions import MULTIPART_COMPLETE, SINGLE_COPY, destination_condition, note_sdk
from .copy_options import CopyOptions, CopyOutcome
from .copy_reasons import describe, is_bare_400, is_destination_precondition, probe_bare_400, reason_for
from .copytime import CopyClock, copy_rate
from .heads import head_object
from .jobs import Job, run_jobs
from .listing import Entry
from .multipart import CopyPaused, copy_multipart
from .payloads import Failure
from .transient import CONFLICT_CODES, error_code, is_transient

__all__ = ["CopyOptions", "CopyOutcome", "copy_objects"]

# Passes over a window's copies: the first, then retries of the ones that failed transiently
# (the step's back-pressure limiter has slowed its requests meanwhile).
COPY_PASSES = 3


@dataclass(frozen=True)
class _Retry:
    """A copy that failed transiently: tried again later in the step, or by the next window."""

    reason: str
    # The upload a multipart copy keeps open, with the parts copied so far, and its part sizes.
    upload_id: str | None = None
    sizes: list[int] | None = None


def clock_for(options: CopyOptions, source_s3: Any, destination_s3: Any) -> CopyClock:
    """The time budget of the step's copies between these two clients' regions."""
    return CopyClock(options.seconds_left, options.invocation_seconds, copy_rate(source_s3, destination_s3))


def copy_one(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entry: Entry,
    options: CopyOptions,
) -> Job[None]:
    """Copy one object with what it carries: content headers, metadata, tags, storage class and
    website redirect. A multipart source (one part included) is copied over its own part
    boundaries, so the copy's ETag equals the source's."""
    multipart = is_multipart(entry.etag)
    condition = destination_condition(
        destination_s3,
        entry,
        options.compared,
        MULTIPART_COMPLETE if multipart else SINGLE_COPY,
        options.allow_unconditional,
    )
    head = None
    if multipart or options.keep_website_redirects:
        head = options.source_heads.get(entry.key)
        if head is None:
            (head,) = yield [partial(head_object, source_s3, source_bucket, entry.key, entry.etag)]
    if multipart:
        yield from copy_multipart(
            source_s3,
            destination_s3,
            source_bucket,
            destination_bucket,
            entry,
            head,  # type: ignore[arg-type]
            clock_for(options, source_s3, destination_s3),
            options.destination,
            options.resume.get(entry.key),
            known_sizes=options.part_sizes.get(entry.key),
            threads=options.threads,
            condition=condition,
        )
        return
    params: dict[str, Any] = {
        "Bucket": destination_bucket,
        "Key": entry.key,
        "CopySource": {"Bucket": source_bucket, "Key": entry.key},
        # A concurrent overwrite of the source fails the copy instead of copying unseen content.
        "CopySourceIfMatch": entry.etag,
        "MetadataDirective": "COPY",
        "TaggingDirective": "COPY",
    }
    # A destination object written by someone else since the listing fails the copy (412).
    params |= condition
    params |= options.destination.parameters(entry.storage_class)
    if head and head.get("WebsiteRedirectLocation"):
        params["WebsiteRedirectLocation"] = head["WebsiteRedirectLocation"]
    yield [partial(destination_s3.copy_object, **params)]


# How one attempt of a copy ended: a failure's reason, paused for time, to retry, or done (None).
_Result = str | CopyPaused | _Retry | None


def _attempt(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entry: Entry,
    options: CopyOptions,
) -> Job[_Result]:
    """Copy `entry` (or only count it, in a dry run); the reason it failed, CopyPaused when its
    multipart copy ran out of time and waits for a later step, _Retry when it failed transiently,
    or None.

    An archived (GLACIER, DEEP_ARCHIVE) object is copied only while restored, and keeps its
    storage class: the copy is archived as the source is (S3 allows copying a restored object
    into an archive class). The listing's RestoreStatus says whether it is restored; where the
    listing says nothing, one HEAD (pinned to the listed ETag) reads its Restore header.
    """
    reason = refusal(entry)
    if reason:
        return reason
    # Conditioned on an existing destination object: a NoSuchKey may be that object's.
    overwrite = options.compared.get(entry.key) is not None
    try:
        if entry.storage_class in ARCHIVED_CLASSES and entry.restore is None:
            head = options.source_heads.get(entry.key)
            if head is None:
                (head,) = yield [partial(head_object, source_s3, source_bucket, entry.key, entry.etag)]
            restore = restore_of(head)
            if restore is None:
                return not_restored(entry)
            if restore == "ongoing":
                return restoring(entry)
            options = replace(options, source_heads={**options.source_heads, entry.key: head})
        if options.dry_run:
            return None
        yield from copy_one(source_s3, destination_s3, source_bucket, destination_bucket, entry, options)
    except CopyPaused as paused:
        if paused.cause is not None:
            return _Retry(describe(paused.cause, overwrite), paused.upload_id, paused.sizes)
        return paused
    except ValueError as error:
        return str(error)
    except Exception as error:
        target = (source_s3, destination_s3, source_bucket, destination_bucket)
        return (yield from _answered(error, target, entry, overwrite))
    return None


def _answered(
    error: Exception, target: tuple[Any, Any, str, str], entry: Entry, overwrite: bool
) -> Job[_Result]:
    """How a copy that raised `error` ended: to retry, copied after all, or failed with a reason.
    `target` is (source client, destination client, source bucket, destination bucket)."""
    source_s3, destination_s3, source_bucket, destination_bucket = target
    if is_transient(error):
        return _Retry(describe(error, overwrite))
    if error_code(error) in CONFLICT_CODES:
        # Another write of the key raced the copy's: S3 asks to try again (a multipart copy's
        # upload was aborted: it starts over). The retry's condition still holds the
        # compared state, so it copies, or fails 412 and the other writer's object is kept.
        return _Retry(describe(error, overwrite))
    if is_destination_precondition(error) and (yield from landed(destination_s3, destination_bucket, entry)):
        return None  # this copy's own earlier attempt landed; only its answer was lost
    if is_bare_400(error):
        reason = yield from probe_bare_400(source_s3, source_bucket, entry)
        return _Retry(describe(error)) if reason is None else reason
    if isinstance(error, ClientError):
        return reason_for(error, overwrite)
    raise error  # not an S3 answer about this object: the step fails and is retried


def landed(destination_s3: Any, destination_bucket: str, entry: Entry) -> Job[bool]:
    """Whether the destination holds exactly the listed source version: S3 completed an earlier
    attempt of this copy whose answer was lost (a timeout, a connection reset), so the retry's
    destination condition fails against the copy's own object. One HEAD, only after a 412."""
    try:
        (head,) = yield [partial(destination_s3.head_object, Bucket=destination_bucket, Key=entry.key)]
    except ClientError:
        return False
    return head.get("ETag") == entry.etag and head.get("ContentLength") == entry.size


def first_request_size(entry: Entry) -> int:
    """The bytes of the first copy request of `entry`: the object, or (multipart) its average
    part; the parts' own sizes are known, and checked, once the copy has read them."""
    return math.ceil(entry.size / max(1, part_count(entry.etag)))


@dataclass
class _Step:
    """One copy_objects call: its requests' targets, and what it has decided over its passes."""

    source_s3: Any
    destination_s3: Any
    source_bucket: str
    destination_bucket: str
    options: CopyOptions
    clock: CopyClock
    outcome: CopyOutcome = field(default_factory=CopyOutcome)
    # Open uploads to resume, by key: the caller's, and those a transient failure left open.
    resume: dict[str, str] = field(default_factory=dict)
    # Their source part sizes, where known, by key.
    part_sizes: dict[str, list[int]] = field(default_factory=dict)
    # Entries whose last attempt failed transiently, with how, by key.
    failing: dict[str, tuple[Entry, _Retry]] = field(default_factory=dict)
    # Entries not started because the time left could not hold them.
    late: list[Entry] = field(default_factory=list)
    started: int = 0

    def cutoff(self) -> str | None:
        """The first key the next window takes for lack of time (None: none yet)."""
        return min([e.key for e in self.late] + list(self.outcome.paused), default=None)

    def may_start(self, entry: Entry) -> bool:
        """Whether `entry`'s first copy request ends before the step's deadline. The step's first
        copy starts without asking the clock when it fits inside the stop margin, so every step
        makes progress; a longer one waits for an invocation with the time for it.

        A multipart copy whose average part no invocation could hold starts anyway: only its
        parts' own sizes tell whether it can be copied (each part waits for its time), or must
        be named as failed; waiting would defer it forever."""
        size = 0 if self.options.dry_run else first_request_size(entry)
        if not self.started and self.clock.is_quick(size):
            return True
        if is_multipart(entry.etag) and self.clock.too_long(size):
            return True
        return self.clock.fits_now(size)

    def jobs(self, entries: list[Entry], started: list[Entry]) -> Iterator[Job[_Result]]:
        """One pass's copies in key order, each taken when a thread is about to be free for it
        (run_jobs), so its time is judged when it would start. At the first copy that does not
        fit, it and every later entry are late; `started` collects the entries started."""
        options = replace(self.options, resume=self.resume, part_sizes=self.part_sizes)
        for index, entry in enumerate(entries):
            reason = None if is_multipart(entry.etag) else self.clock.too_long(entry.size)
            if reason:  # no invocation could copy it: waiting would defer it forever
                self.failing.pop(entry.key, None)
                self.outcome.failures.append(Failure(key=entry.key, reason=reason))
                continue
            if not self.may_start(entry):
                self.late.extend(entries[index:])
                self.outcome.out_of_time = True
                return
            self.started += 1
            started.append(entry)
            yield _attempt(
                self.source_s3,
                self.destination_s3,
                self.source_bucket,
                self.destination_bucket,
                entry,
                options,
            )

    def settle(self, entry: Entry, value: _Result) -> None:
        """Record how one attempt of `entry` ended."""
        self.failing.pop(entry.key, None)
        if isinstance(value, _Retry):
            self.failing[entry.key] = (entry, value)
            if value.upload_id:
                self.resume[entry.key] = value.upload_id
            if value.sizes:
                self.part_sizes[entry.key] = value.sizes
        elif isinstance(value, CopyPaused):
            self.outcome.deferred.append(entry)
            self.outcome.paused[entry.key] = value.upload_id
            if value.sizes:
                self.outcome.part_sizes[entry.key] = value.sizes
        elif value:
            self.outcome.failures.append(Failure(key=entry.key, reason=value))
        else:
            self.outcome.copied.append(entry)

    def retries(self) -> list[Entry]:
        """The entries to try again, in key order: those failing transiently below the first key
        deferred for time (the window is cut there, and the next one takes everything after it)."""
        cutoff = self.cutoff()
        return sorted(
            (entry for entry, _ in self.failing.values() if cutoff is None or entry.key < cutoff),
            key=lambda e: e.key,
        )

    def finish(self) -> CopyOutcome:
        """The outcome: what still fails transiently, and what was late, is deferred."""
        outcome = self.outcome
        deferred = {entry.key: entry for entry in [*outcome.deferred, *self.late]}
        for key, (entry, retry) in self.failing.items():
            deferred[key] = entry
            outcome.transient[key] = retry.reason
            if retry.upload_id:
                outcome.paused[key] = retry.upload_id
                if retry.sizes:
                    outcome.part_sizes[key] = retry.sizes
        outcome.deferred = sorted(deferred.values(), key=lambda e: e.key)
        outcome.copied.sort(key=lambda e: e.key)
        outcome.failures.sort(key=lambda f: f["key"] or "")
        return outcome


def copy_objects(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entries: list[Entry],
    options: CopyOptions,
    pool: Executor,
) -> CopyOutcome:
    """Copy every entry (or, in a dry run, count it) in key order; each ends copied, failed, or
    deferred to the next window.

    A copy starts only when its expected duration fits the time left (`options.seconds_left`);
    the first that does not fit, and every later one, is deferred (`out_of_time`), and the next
    invocation starts it with full time. A single-part copy longer than any invocation can hold
    (`options.invocation_seconds`) is named as failed with what to raise. Copies that fail
    transiently are tried again after the others, up to COPY_PASSES passes in all, while time
    allows; those still failing are deferred, with their last reason in `transient`. A multipart
    copy that fails transiently keeps its upload open (in `paused`, resumed by the retry).

    Every request goes to `pool`, the step's one executor (jobs.step_pool); at most
    `options.threads` copies are under way at once, so a copy is started, or deferred, only when
    a thread is about to be free for it.
    """
    if not options.dry_run:
        note_sdk(destination_s3, destination_bucket, len(entries), options.allow_unconditional)
    step = _Step(
        source_s3,
        destination_s3,
        source_bucket,
        destination_bucket,
        options,
        clock_for(options, source_s3, destination_s3),
        resume=dict(options.resume),
        part_sizes=dict(options.part_sizes),
    )
    todo = sorted(entries, key=lambda e: e.key)
    for _ in range(COPY_PASSES):
        if not todo:
            break
        started: list[Entry] = []
        results = run_jobs(pool, step.jobs(todo, started), options.threads)
        for entry, done in zip(started, results, strict=True):
            if done.error is not None:
                raise done.error  # not an S3 answer about this object: the step fails and is retried
            step.settle(entry, done.value)
        todo = step.retries()
    return step.finish()
