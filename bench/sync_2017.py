"""The 2017 aws-samples/sync-buckets-state-machine algorithm, as a local program (our own code).

What the 2017 state machine did, step for step, with the Lambda tasks turned into functions:

* two branches run in parallel (its ``ProcessBuckets`` Parallel state):
  - copy branch: list the source one page at a time (ListObjectsV2, MaxKeys 1024); for every key
    of the page, HEAD the source and HEAD the destination; copy (CopyObject, metadata directive
    COPY) when the destination is missing (404), its ETag differs, or its content headers / user
    metadata differ; a source with ``x-amz-website-redirect-location`` is re-created with PutObject
    instead;
  - delete branch: list the destination one page at a time; for every key, HEAD the source and
    delete the destination object (one DeleteObject each) when the source answers 404;
* each page's keys are worked by a pool of threads (10 here, as the brief asks; the sample used
  16 for copies and 10 for deletes), then the next page is listed.

No listing-based short cut, no DeleteObjects, no guard: that is the point of the comparison.
Per-page timings are recorded, so the benchmark can estimate what the Lambda tasks would bill.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

MAX_KEYS = 1024
THREADS = 10
_CONTENT_FIELDS = (
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "ContentType",
    "Expires",
    "Metadata",
)


@dataclass
class Stats:
    copied: int = 0
    deleted: int = 0
    unchanged: int = 0
    kept: int = 0
    # Seconds of each page's list call and of working its keys (one Lambda invocation each).
    list_seconds: list[float] = field(default_factory=list)
    work_seconds: list[float] = field(default_factory=list)


def _missing(error: ClientError) -> bool:
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404 or error.response.get(
        "Error", {}
    ).get("Code") in ("404", "NoSuchKey", "NotFound")


def _content(head: dict[str, Any]) -> str:
    return json.dumps(
        {name: head[name] for name in _CONTENT_FIELDS if name in head}, sort_keys=True, default=str
    )


def _pages(s3: Any, bucket: str, stats: Stats) -> Any:
    token = None
    while True:
        args: dict[str, Any] = {"Bucket": bucket, "MaxKeys": MAX_KEYS}
        if token:
            args["ContinuationToken"] = token
        started = time.monotonic()
        page = s3.list_objects_v2(**args)
        stats.list_seconds.append(time.monotonic() - started)
        yield [row["Key"] for row in page.get("Contents", [])]
        token = page.get("NextContinuationToken")
        if not token:
            return


def _sync_key(s3: Any, source: str, destination: str, key: str) -> str:
    source_head = s3.head_object(Bucket=source, Key=key)
    redirect = source_head.get("WebsiteRedirectLocation")
    try:
        destination_head = s3.head_object(Bucket=destination, Key=key)
    except ClientError as error:
        if not _missing(error):
            raise
        destination_head = None
    if redirect is not None:
        if destination_head is None or destination_head.get("WebsiteRedirectLocation") != redirect:
            s3.put_object(Bucket=destination, Key=key, WebsiteRedirectLocation=redirect)
            return "copied"
        return "unchanged"
    if (
        destination_head is None
        or source_head.get("ETag") != destination_head.get("ETag")
        or _content(source_head) != _content(destination_head)
    ):
        s3.copy_object(CopySource={"Bucket": source, "Key": key}, Bucket=destination, Key=key)
        return "copied"
    return "unchanged"


def _delete_if_orphan(s3: Any, source: str, destination: str, key: str) -> str:
    try:
        s3.head_object(Bucket=source, Key=key)
        return "kept"
    except ClientError as error:
        if not _missing(error):
            raise
    s3.delete_object(Bucket=destination, Key=key)
    return "deleted"


def _branch(
    s3: Any, listed: str, work: Any, source: str, destination: str, threads: int, stats: Stats
) -> None:
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for keys in _pages(s3, listed, stats):
            started = time.monotonic()
            for outcome in pool.map(lambda key: work(s3, source, destination, key), keys):
                setattr(stats, outcome, getattr(stats, outcome) + 1)
            stats.work_seconds.append(time.monotonic() - started)


def sync(s3: Any, source: str, destination: str, threads: int = THREADS) -> Stats:
    """Make `destination` equal to `source` the 2017 way; returns counts and per-page timings."""
    copy_stats, delete_stats = Stats(), Stats()
    with ThreadPoolExecutor(max_workers=2) as branches:
        copy_branch = branches.submit(
            _branch, s3, source, _sync_key, source, destination, threads, copy_stats
        )
        delete_branch = branches.submit(
            _branch, s3, destination, _delete_if_orphan, source, destination, threads, delete_stats
        )
        copy_branch.result()
        delete_branch.result()
    return Stats(
        copied=copy_stats.copied,
        unchanged=copy_stats.unchanged,
        deleted=delete_stats.deleted,
        kept=delete_stats.kept,
        list_seconds=copy_stats.list_seconds + delete_stats.list_seconds,
        work_seconds=copy_stats.work_seconds + delete_stats.work_seconds,
    )


def client(endpoint: str, threads: int = THREADS) -> Any:
    """A path-style S3 client with fake credentials aimed at `endpoint`."""
    return boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            s3={"addressing_style": "path"},
            max_pool_connections=2 * threads + 4,
            retries={"mode": "standard", "max_attempts": 3},
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Sync two buckets the way the 2017 AWS sample did.")
    parser.add_argument("source")
    parser.add_argument("destination")
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--threads", type=int, default=THREADS)
    args = parser.parse_args()
    started = time.monotonic()
    stats = sync(client(args.endpoint_url, args.threads), args.source, args.destination, args.threads)
    print(
        json.dumps(
            {
                "copied": stats.copied,
                "unchanged": stats.unchanged,
                "deleted": stats.deleted,
                "seconds": round(time.monotonic() - started, 2),
                "pages": len(stats.work_seconds),
                "list_seconds": round(sum(stats.list_seconds), 3),
                "work_seconds": round(sum(stats.work_seconds), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
