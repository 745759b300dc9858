"""Server-side copies of changed objects, in parallel, each pinned to the ETag that was compared."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from .compare import part_count
from .heads import head_object
from .jobs import Job, run_jobs, step_pool
from .listing import Entry
from .multipart import CopyPaused, copy_multipart
from .overrides import Destination
from .payloads import Failure

# Objects S3 cannot read until they are restored.
ARCHIVED_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})


@dataclass(frozen=True)
class CopyOptions:
    """How copies are made in one step."""

    threads: int = 16
    dry_run: bool = False
    # CopyObject drops x-amz-website-redirect-location; reading the source's headers first
    # (one HEAD per copied object) lets the copy set it again.
    keep_website_redirects: bool = True
    # Seconds left to start work in this step (the step's safety margin already taken off).
    seconds_left: Callable[[], float] = field(default=lambda: math.inf)
    # Source headers this step already read (pinned to the listed ETag), by key.
    source_heads: Mapping[str, dict] = field(default_factory=dict)
    # The run's storage class and encryption overrides.
    destination: Destination = field(default_factory=Destination)
    # Open uploads of multipart copies an earlier step paused, by key: resumed, not restarted.
    resume: Mapping[str, str] = field(default_factory=dict)


@dataclass
class CopyOutcome:
    copied: list[Entry] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Entries not started, or paused, because the step ran out of time; the next step takes them.
    deferred: list[Entry] = field(default_factory=list)
    # Upload ids of the paused multipart copies among `deferred`, by key.
    paused: dict[str, str] = field(default_factory=dict)

    def before(self, cutoff: str) -> CopyOutcome:
        """The outcome for keys below `cutoff` only (keys from there on are the next step's)."""
        return CopyOutcome(
            copied=[e for e in self.copied if e.key < cutoff],
            failures=[f for f in self.failures if f["key"] is not None and f["key"] < cutoff],
        )


def refusal(entry: Entry) -> str | None:
    """Why `entry` cannot be copied, as far as its listing row tells; None when it can be, or
    when only its headers can tell (an archived object whose row says nothing of a restore)."""
    if entry.storage_class in ARCHIVED_CLASSES and entry.restore == "ongoing":
        return restoring(entry)
    return None


def restoring(entry: Entry) -> str:
    """The reason an archived object whose restore is under way is not copied yet."""
    return f"stored in {entry.storage_class}, restore in progress: a run after it completes copies it"


def not_restored(entry: Entry) -> str:
    """The reason an archived object that is not restored is not copied."""
    return f"stored in {entry.storage_class}: restore it before it can be copied"


def restore_of(head: dict[str, Any]) -> str | None:
    """The restore state in a HEAD's `Restore` header: ongoing-request="false" means restored."""
    header = head.get("Restore") or ""
    if 'ongoing-request="true"' in header:
        return "ongoing"
    if 'ongoing-request="false"' in header:
        return "restored"
    return None


def reason_for(error: ClientError) -> str:
    """A sentence an operator can act on, for an S3 error on one object."""
    details = error.response.get("Error", {})
    code, message = str(details.get("Code", "Unknown")), details.get("Message", "")
    if code in ("PreconditionFailed", "412"):
        return (
            "source changed since it was listed (ETag no longer matches): not copied; the next run copies it"
        )
    if code in ("NoSuchKey", "404"):
        return "source deleted since it was listed: not copied"
    if code in ("400", "InvalidRequest") and ("encrypt" in message.lower() or code == "400"):
        return (
            "S3 refused to read it: objects encrypted with a customer-provided key (SSE-C) cannot be copied"
        )
    if code in ("403", "AccessDenied"):
        return f"access denied (AccessDenied){': ' + message if message else ''}"
    if code == "InvalidObjectState":
        return "archived (InvalidObjectState): restore it before it can be copied"
    return f"{code}: {message}".rstrip(": ")


def copy_one(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entry: Entry,
    options: CopyOptions,
) -> Job[None]:
    """Copy one object with what it carries: content headers, metadata, tags, storage class and
    website redirect. A multipart source is copied over its own part boundaries."""
    multipart = part_count(entry.etag) > 1
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
            options.seconds_left,
            options.destination,
            options.resume.get(entry.key),
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
    params |= options.destination.parameters(entry.storage_class)
    if head and head.get("WebsiteRedirectLocation"):
        params["WebsiteRedirectLocation"] = head["WebsiteRedirectLocation"]
    yield [partial(destination_s3.copy_object, **params)]


def _attempt(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entry: Entry,
    options: CopyOptions,
) -> Job[str | CopyPaused | None]:
    """Copy `entry` (or only count it, in a dry run); the reason it failed, CopyPaused when its
    multipart copy ran out of time and waits for a later step, or None.

    An archived (GLACIER, DEEP_ARCHIVE) object is copied only while restored, and keeps its
    storage class: the copy is archived as the source is (S3 allows copying a restored object
    into an archive class). The listing's RestoreStatus says whether it is restored; where the
    listing says nothing, one HEAD (pinned to the listed ETag) reads its Restore header.
    """
    reason = refusal(entry)
    if reason:
        return reason
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
    except ClientError as error:
        return reason_for(error)
    except CopyPaused as paused:
        return paused
    except ValueError as error:
        return str(error)
    return None


def copy_objects(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entries: list[Entry],
    options: CopyOptions,
    pool: Executor | None = None,
) -> CopyOutcome:
    """Copy every entry (or, in a dry run, count it) in key order; each ends copied, failed, or
    deferred when the step's time runs out before it starts (never the first one, so every
    step makes progress).

    Every request goes to `pool`, the step's one executor (a pool of `options.threads` is made
    when none is given); at most `options.threads` copies are under way at once, so a copy
    is started, or deferred, only when a thread is about to be free for it.
    """
    if pool is None:
        with step_pool(options.threads) as own_pool:
            return copy_objects(
                source_s3, destination_s3, source_bucket, destination_bucket, entries, options, own_pool
            )
    ordered = sorted(entries, key=lambda e: e.key)
    started = 0

    def jobs() -> Iterator[Job[str | CopyPaused | None]]:
        nonlocal started
        for entry in ordered:
            if started and options.seconds_left() <= 0:
                return
            started += 1
            yield _attempt(source_s3, destination_s3, source_bucket, destination_bucket, entry, options)

    results = run_jobs(pool, jobs(), options.threads)
    outcome = CopyOutcome(deferred=ordered[started:])
    for entry, done in zip(ordered[:started], results, strict=True):
        if done.error is not None:
            raise done.error  # not an S3 answer about this object: the step fails and is retried
        if isinstance(done.value, CopyPaused):
            outcome.deferred.append(entry)
            outcome.paused[entry.key] = done.value.upload_id
        elif done.value:
            outcome.failures.append(Failure(key=entry.key, reason=done.value))
        else:
            outcome.copied.append(entry)
    return outcome
