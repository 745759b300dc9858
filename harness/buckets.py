"""Filling, emptying and comparing emulated buckets."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

ObjectFacts = tuple[int, str]


def snapshot(s3: Any, bucket: str) -> dict[str, ObjectFacts]:
    """Every key of `bucket` with its size and ETag."""
    found: dict[str, ObjectFacts] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for row in page.get("Contents", []):
            found[row["Key"]] = (row["Size"], row["ETag"])
    return found


def empty(s3: Any, bucket: str) -> None:
    """Delete every object of `bucket`, 1,000 a request."""
    keys = list(snapshot(s3, bucket))
    for start in range(0, len(keys), 1000):
        batch = [{"Key": key} for key in keys[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})


def put_objects(s3: Any, bucket: str, objects: dict[str, bytes], threads: int = 16, **extra: Any) -> None:
    """Upload `objects` (key -> body) in parallel, each with the same extra PutObject arguments."""

    def put(item: tuple[str, bytes]) -> None:
        s3.put_object(Bucket=bucket, Key=item[0], Body=item[1], **extra)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(put, objects.items()))


def ensure_bucket(s3: Any, bucket: str, region: str = "us-east-1") -> None:
    """Create `bucket` in `region` unless it exists."""
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket in existing:
        return
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})


def backdate(bucket: str, key: str, seconds: int = 60) -> None:
    """Make an object of the in-process emulator look written `seconds` earlier. S3's
    LastModified has one-second resolution: a test that needs "written after" must not wait
    for the clock to tick."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    stored = s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[bucket].keys[key]
    stored.last_modified -= timedelta(seconds=seconds)
