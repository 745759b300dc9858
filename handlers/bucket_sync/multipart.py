"""Copying a multipart object part by part, over the source's own part boundaries.

Equal part boundaries give the destination the same multipart ETag as the source, so the next
run sees the two as equal from the listings alone. S3 carries nothing over into a multipart
upload, so headers, metadata, tags, storage class and redirect are set explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urlencode

from .compare import part_count
from .heads import carried_headers, head_object
from .listing import Entry


class CopyTooLong(Exception):
    """The copy could not finish within the step's remaining time; the upload was aborted."""


def part_sizes(s3: Any, bucket: str, entry: Entry, threads: int) -> list[int]:
    """Size of each part of the source, from HEAD ?partNumber=N (the ETag says how many parts).

    Not pinned to the ETag (some S3 implementations answer a part HEAD with the part's own ETag);
    every UploadPartCopy is, and the sizes must add up to the listed size.
    """
    numbers = range(1, part_count(entry.etag) + 1)
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        heads = pool.map(lambda n: head_object(s3, bucket, entry.key, part_number=n), numbers)
        sizes = [head["ContentLength"] for head in heads]
    if sum(sizes) != entry.size:
        raise ValueError(f"part sizes add up to {sum(sizes)}, not {entry.size}")
    return sizes


def copy_multipart(
    source_s3: Any,
    destination_s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entry: Entry,
    head: dict[str, Any],
    threads: int,
    seconds_left: Callable[[], float],
) -> None:
    """Copy `entry` with UploadPartCopy, pinned to its listed ETag; abort on any failure."""
    sizes = part_sizes(source_s3, source_bucket, entry, threads)
    tags = source_s3.get_object_tagging(Bucket=source_bucket, Key=entry.key)["TagSet"]
    params = carried_headers(head)
    if entry.storage_class != "STANDARD":
        params["StorageClass"] = entry.storage_class
    if tags:
        params["Tagging"] = urlencode([(tag["Key"], tag["Value"]) for tag in tags])
    upload = destination_s3.create_multipart_upload(Bucket=destination_bucket, Key=entry.key, **params)
    upload_id = upload["UploadId"]
    try:
        etags = _copy_parts(
            destination_s3, source_bucket, destination_bucket, entry, upload_id, sizes, threads, seconds_left
        )
        destination_s3.complete_multipart_upload(
            Bucket=destination_bucket,
            Key=entry.key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": n} for n, etag in enumerate(etags, 1)]},
        )
    except BaseException:
        destination_s3.abort_multipart_upload(Bucket=destination_bucket, Key=entry.key, UploadId=upload_id)
        raise


def _copy_parts(
    s3: Any,
    source_bucket: str,
    destination_bucket: str,
    entry: Entry,
    upload_id: str,
    sizes: list[int],
    threads: int,
    seconds_left: Callable[[], float],
) -> list[str]:
    offsets = [sum(sizes[:i]) for i in range(len(sizes))]

    def copy_part(number: int) -> str:
        if seconds_left() <= 0:
            raise CopyTooLong(
                f"{entry.size} bytes in {len(sizes)} parts did not finish within one step; "
                "raise lambda_timeout (up to 900 s) or copy_threads so it fits"
            )
        start = offsets[number - 1]
        response = s3.upload_part_copy(
            Bucket=destination_bucket,
            Key=entry.key,
            UploadId=upload_id,
            PartNumber=number,
            CopySource={"Bucket": source_bucket, "Key": entry.key},
            CopySourceIfMatch=entry.etag,
            CopySourceRange=f"bytes={start}-{start + sizes[number - 1] - 1}",
        )
        return response["CopyPartResult"]["ETag"]

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        futures = [pool.submit(copy_part, number) for number in range(1, len(sizes) + 1)]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f.done() and f.exception()), None)
        if failed is not None:
            for future in futures:
                future.cancel()
            raise failed.exception()  # type: ignore[misc]
        return [future.result() for future in futures]
