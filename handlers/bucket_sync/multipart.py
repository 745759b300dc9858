"""Copying a multipart object part by part, over the source's own part boundaries.

Equal part boundaries give the destination the same multipart ETag as the source, so the next
run sees the two as equal from the listings alone. S3 carries nothing over into a multipart
upload, so headers, metadata, tags, storage class, redirect and the kind of additional checksum
(SHA256, SHA1, CRC64NVME, CRC32C, CRC32) are set explicitly.

The copy is a job (see jobs.py): its requests run on the step's one pool, and the sequence
(part sizes, create, parts, complete or abort) is driven from the calling thread.

A part copy starts only when its expected duration (copytime.py) fits the step's time left, so
no part outlives the invocation. An object too large to copy within one step is paused, not
aborted: the parts under way finish, the upload stays open, and the step hands back its upload id
and part sizes (CopyPaused). A later step resumes it (`resume`): ListParts says which parts are
there, only the others are copied, and the part sizes kept with the upload spare it reading them
again (one HEAD per part, 10,000 at most). Parts go to the step's pool a slice at a time, so a
copy of thousands of parts neither floods the pool's queue ahead of other copies nor makes the
scheduler wait on thousands of requests at once. A transient failure (throttle, 5xx, timeout)
pauses the copy the same way, with its cause, so a retry keeps the parts already copied. Every
part copy stays pinned to the listed ETag, so a source rewritten meanwhile fails the copy, which
then aborts the upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import accumulate
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from .compare import CHECKSUM_FIELDS, part_count
from .copytime import CopyClock
from .heads import carried_headers, head_object
from .jobs import Call, Job
from .listing import Entry
from .logs import log
from .overrides import Destination
from .transient import error_code, is_transient


class CopyPaused(Exception):
    """The copy stopped with its upload open, to be resumed: the step's time ran out, or (with a
    `cause`) a request failed transiently."""

    def __init__(
        self, upload_id: str, cause: BaseException | None = None, sizes: list[int] | None = None
    ) -> None:
        super().__init__(f"multipart copy paused, upload {upload_id} open")
        self.upload_id = upload_id
        self.cause = cause
        # The source's part sizes, when the copy had read them: the resuming copy reuses them.
        self.sizes = sizes


# Parts one copy hands to the pool at once, in waves of the step's threads: enough that the
# pool stays busy while a slice's last parts finish, few enough that other copies' requests
# are not queued behind thousands of parts.
SLICE_WAVES = 8
# A part layout kept with a paused upload has at most this many runs of equal sizes (uploaders
# use equal parts and a shorter last one: two runs); a longer one is read again on resume.
MAX_LAYOUT_RUNS = 16


def run_lengths(sizes: list[int]) -> list[list[int]] | None:
    """`sizes` as [size, count] runs, or None when that takes more than MAX_LAYOUT_RUNS runs."""
    runs: list[list[int]] = []
    for size in sizes:
        if runs and runs[-1][0] == size:
            runs[-1][1] += 1
        elif len(runs) == MAX_LAYOUT_RUNS:
            return None
        else:
            runs.append([size, 1])
    return runs


def part_sizes(runs: list[list[int]], etag: str) -> list[int] | None:
    """The part sizes [size, count] runs stand for (run_lengths reversed); None unless they
    count as many parts as `etag` says (checked before they are spelled out)."""
    if sum(count for _, count in runs) != part_count(etag):
        return None
    return [size for size, count in runs for _ in range(count)]


def fits(sizes: list[int] | None, entry: Entry) -> bool:
    """Whether known part sizes belong to `entry`: as many as its ETag says, adding up to its size."""
    return sizes is not None and len(sizes) == part_count(entry.etag) and sum(sizes) == entry.size


class _OutOfTime(Exception):
    """Raised by a part copy that could not finish before the step's deadline."""


def uploaded_parts(s3: Any, bucket: str, key: str, upload_id: str) -> Job[dict[int, dict[str, Any]]]:
    """The parts an open upload already has (ListParts, 1,000 a page), by part number."""
    parts: dict[int, dict[str, Any]] = {}
    marker = 0
    while True:
        (page,) = yield [
            partial(s3.list_parts, Bucket=bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker)
        ]
        parts.update({part["PartNumber"]: part for part in page.get("Parts", [])})
        if not page.get("IsTruncated"):
            return parts
        marker = int(page["NextPartNumberMarker"])


def abort_upload(s3: Any, bucket: str, key: str, upload_id: str, why: str) -> None:
    """Abort an upload a paused copy left open that no step will resume; log why."""
    try:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    except ClientError as error:
        if error_code(error) != "NoSuchUpload":
            raise
    log("copy.upload_aborted", bucket=bucket, key=key, uploadId=upload_id, reason=why)


def source_checksum(head: dict[str, Any]) -> str | None:
    """The field of the additional checksum the source carries (e.g. "ChecksumSHA256"), if any."""
    return next((name for name in CHECKSUM_FIELDS if head.get(name)), None)


def checksum_parameters(head: dict[str, Any]) -> dict[str, Any]:
    """What makes the upload compute the source's kind of checksum: its algorithm and, where
    the SDK reports it, its type (COMPOSITE or FULL_OBJECT). Over the same part boundaries the
    copy then gets the same checksum as the source, so it stays comparable (compare.settle)."""
    field = source_checksum(head)
    if field is None:
        return {}
    params: dict[str, Any] = {"ChecksumAlgorithm": field.removeprefix("Checksum")}
    if head.get("ChecksumType"):
        params["ChecksumType"] = head["ChecksumType"]
    return params


def copy_multipart(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entry: Entry,
    head: dict[str, Any],
    clock: CopyClock,
    destination: Destination,
    resume: str | None = None,
    known_sizes: list[int] | None = None,
    threads: int = 16,
    condition: dict[str, str] | None = None,
) -> Job[None]:
    """Copy `entry` with UploadPartCopy, pinned to its listed ETag.

    Part sizes are `known_sizes` (kept by the step that paused the copy) when they fit the entry,
    else read with HEAD ?partNumber=N (read_part_sizes; not pinned to the ETag, as some S3
    implementations answer a part HEAD with the part's own ETag); every UploadPartCopy is, and
    the sizes must add up to the listed size (check_part_sizes). Parts go to the pool
    SLICE_WAVES * `threads` at a time. `condition` goes on the write (complete_upload).

    Raises CopyPaused when the step's time runs out or a request fails transiently once the
    upload exists; on any other failure (412 and 409 included) the upload is aborted and the
    error raised.
    """
    upload_id = resume
    sizes = known_sizes if fits(known_sizes, entry) else None
    slice_size = SLICE_WAVES * max(1, threads)
    read_tags = partial(source_s3.get_object_tagging, Bucket=source_bucket, Key=entry.key)
    tagging = None
    try:
        if sizes is None:
            # A new upload needs the tags: read with the first sizes, no round trip of their own.
            with_tags = read_tags if upload_id is None else None
            sizes, tagging = yield from read_part_sizes(
                source_s3, source_bucket, entry, slice_size, with_tags
            )
        check_part_sizes(sizes, entry, clock)
        done: dict[int, dict[str, Any]] = {}
        if upload_id is not None:
            done, upload_id = yield from parts_kept(destination_s3, destination_bucket, entry.key, upload_id)
        if upload_id is None:
            tags = read_tags if tagging is None else tagging
            upload_id = yield from new_upload(
                destination_s3, destination_bucket, entry, head, destination, tags
            )
        target = Upload(destination_s3, destination_bucket, entry.key, upload_id)
        yield from copy_parts(target, source_bucket, entry, sizes, clock, done, slice_size)
        yield [partial(complete_upload, target, head, done, condition)]
    except _OutOfTime:
        # The parts under way have finished (jobs.py waits for them); the rest is a later step's.
        assert upload_id is not None  # created before any part copy asks the clock
        raise CopyPaused(upload_id, sizes=sizes) from None
    except Exception as error:
        if upload_id is None:
            raise
        yield from after_failure(
            Upload(destination_s3, destination_bucket, entry.key, upload_id), error, sizes
        )


@dataclass(frozen=True)
class Upload:
    """An open multipart upload in the destination."""

    s3: Any
    bucket: str
    key: str
    upload_id: str


def read_part_sizes(
    s3: Any, bucket: str, entry: Entry, slice_size: int, read_tags: Call | None
) -> Job[tuple[list[int], dict[str, Any] | None]]:
    """The source's part sizes, read with HEAD ?partNumber=N a slice at a time, and its tags when
    `read_tags` is given (sent with the first slice)."""
    numbers = range(1, part_count(entry.etag) + 1)
    part_heads: list[dict[str, Any]] = []
    tagging = None
    for at in range(0, len(numbers), slice_size):
        heads = [
            partial(head_object, s3, bucket, entry.key, part_number=n) for n in numbers[at : at + slice_size]
        ]
        if at == 0 and read_tags is not None:
            *answers, tagging = yield [*heads, read_tags]
        else:
            answers = yield heads
        part_heads += answers
    return [part["ContentLength"] for part in part_heads], tagging


def check_part_sizes(sizes: list[int], entry: Entry, clock: CopyClock) -> None:
    """Raise ValueError unless the sizes add up to the entry's and its largest part can be copied
    within one invocation."""
    if sum(sizes) != entry.size:
        raise ValueError(f"part sizes add up to {sum(sizes)}, not {entry.size}")
    largest = max(range(len(sizes)), key=lambda i: sizes[i])
    reason = clock.too_long(sizes[largest], f"part {largest + 1}")
    if reason:
        raise ValueError(reason)


def parts_kept(
    s3: Any, bucket: str, key: str, upload_id: str
) -> Job[tuple[dict[int, dict[str, Any]], str | None]]:
    """The parts a paused upload has, and its id; no parts and None when the upload is gone
    (aborted or expired meanwhile: the copy starts again)."""
    try:
        done = yield from uploaded_parts(s3, bucket, key, upload_id)
    except ClientError as error:
        if error_code(error) != "NoSuchUpload":
            raise
        return {}, None
    return done, upload_id


def upload_parameters(
    head: dict[str, Any], tagging: dict[str, Any], destination: Destination, storage_class: str
) -> dict[str, Any]:
    """What CreateMultipartUpload sets, since S3 carries nothing over: the source's headers, kind
    of checksum and tags, and the destination's storage class and encryption."""
    params = carried_headers(head) | checksum_parameters(head)
    params |= destination.parameters(storage_class)
    if tagging["TagSet"]:
        params["Tagging"] = urlencode([(tag["Key"], tag["Value"]) for tag in tagging["TagSet"]])
    return params


def new_upload(
    s3: Any,
    bucket: str,
    entry: Entry,
    head: dict[str, Any],
    destination: Destination,
    tags: dict[str, Any] | Call,
) -> Job[str]:
    """Create the destination's upload; its id. `tags` are the source's, or the request that reads
    them (a resumed upload was created with them; this one is new after all)."""
    tagging = tags if isinstance(tags, dict) else (yield [tags])[0]
    params = upload_parameters(head, tagging, destination, entry.storage_class)
    (upload,) = yield [partial(s3.create_multipart_upload, Bucket=bucket, Key=entry.key, **params)]
    return upload["UploadId"]


def copy_parts(
    upload: Upload,
    source_bucket: str,
    entry: Entry,
    sizes: list[int],
    clock: CopyClock,
    done: dict[int, dict[str, Any]],
    slice_size: int,
) -> Job[None]:
    """Copy the parts not in `done` (adding each as it is copied), `slice_size` at a time."""
    copy = partial(copy_part, upload, source_bucket, entry, [0, *accumulate(sizes)], clock)
    missing = [number for number in range(1, len(sizes) + 1) if number not in done]
    for at in range(0, len(missing), slice_size):
        numbers = missing[at : at + slice_size]
        results = yield [partial(copy, number) for number in numbers]
        done.update(zip(numbers, results, strict=True))


def copy_part(
    upload: Upload, source_bucket: str, entry: Entry, offsets: list[int], clock: CopyClock, number: int
) -> dict[str, Any]:
    """Copy part `number`, bytes offsets[number - 1] up to offsets[number] (UploadPartCopy pinned
    to the listed ETag); its CopyPartResult.

    Asked on the worker, as the part starts: parts run copy_threads at once, and each one starts
    only if it ends before the deadline (else _OutOfTime).
    """
    start, end = offsets[number - 1], offsets[number]
    if not clock.fits_now(end - start):
        raise _OutOfTime
    response = upload.s3.upload_part_copy(
        Bucket=upload.bucket,
        Key=upload.key,
        UploadId=upload.upload_id,
        PartNumber=number,
        CopySource={"Bucket": source_bucket, "Key": entry.key},
        CopySourceIfMatch=entry.etag,
        CopySourceRange=f"bytes={start}-{end - 1}",
    )
    return response["CopyPartResult"]


def complete_upload(
    upload: Upload, head: dict[str, Any], done: dict[int, dict[str, Any]], condition: dict[str, str] | None
) -> None:
    """CompleteMultipartUpload with every part.

    `condition` (conditions.py) goes on it, the request that writes the destination object: a
    destination written by someone else meanwhile fails it (412), and a write racing it gets 409,
    after which S3 wants the upload made again.
    """
    checksum = source_checksum(head)
    parts = [
        {"ETag": done[n]["ETag"], "PartNumber": n}
        # S3 answers each part copy (and ListParts) with the part's checksum when the upload
        # has an algorithm; CompleteMultipartUpload needs them back.
        | ({checksum: done[n][checksum]} if checksum and done[n].get(checksum) else {})
        for n in sorted(done)
    ]
    complete: dict[str, Any] = {}
    if checksum and head.get("ChecksumType") == "FULL_OBJECT":
        # A full-object checksum does not depend on the parts: S3 checks the copy against it.
        complete = {checksum: head[checksum], "ChecksumType": "FULL_OBJECT"}
    upload.s3.complete_multipart_upload(
        Bucket=upload.bucket,
        Key=upload.key,
        UploadId=upload.upload_id,
        MultipartUpload={"Parts": parts},
        **complete,
        **(condition or {}),
    )


def after_failure(upload: Upload, error: Exception, sizes: list[int] | None) -> Job[None]:
    """Pause the upload of a copy that failed transiently (raise CopyPaused); abort it after any
    other failure and raise `error` again (a failed abort is logged: the copy's own error is the
    one to report)."""
    if is_transient(error):
        # The parts copied so far stay; a retry (this step or a later one) lists and keeps them.
        raise CopyPaused(upload.upload_id, cause=error, sizes=sizes) from error
    try:
        yield [
            partial(
                upload.s3.abort_multipart_upload,
                Bucket=upload.bucket,
                Key=upload.key,
                UploadId=upload.upload_id,
            )
        ]
    except Exception as abort_error:
        log(
            "copy.abort_failed",
            bucket=upload.bucket,
            key=upload.key,
            uploadId=upload.upload_id,
            error=str(abort_error),
        )
    raise error
