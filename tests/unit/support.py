"""Builders and probes shared by the handler tests."""

from __future__ import annotations

from typing import Any

import boto3

from bucket_sync.payloads import KeyRange, RunConfig
from bucket_sync.settings import Settings

REGION = "us-east-1"


class Context:
    """The Lambda context a step handler reads: plenty of time left."""

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def settings(**overrides: Any) -> Settings:
    base = {
        "source_buckets": ("src",),
        "destination_buckets": ("dst",),
        "chunk_size": 1000,
        "copy_threads": 4,
    }
    return Settings(**{**base, **overrides})


def run_config(**overrides: Any) -> RunConfig:
    base = RunConfig(
        execution="arn:aws:states:us-east-1:123456789012:execution:sync:test",
        source="src",
        destination="dst",
        prefix="",
        startAfter="",
        deleteOrphans=True,
        dryRun=False,
        maxDeletes=None,
        allowEmptySource=False,
        include=[],
        exclude=[],
        listPrefix="",
        readRedirects=True,
        report=None,
        storageClass=None,
        sseKmsKeyId=None,
        sourceRegion=REGION,
        destinationRegion=REGION,
        countingOnly=False,
    )
    overrides.setdefault("listPrefix", overrides.get("prefix", ""))
    return RunConfig(**{**base, **overrides})  # type: ignore[typeddict-item]


def whole_range(after: str = "") -> KeyRange:
    return KeyRange(after=after, upTo=None)


def put(s3: Any, bucket: str, key: str, body: bytes = b"x", **extra: Any) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body, **extra)


MIB = 1024 * 1024


def put_multipart(s3: Any, bucket: str, key: str, part_sizes: list[int], **extra: Any) -> str:
    """Upload `key` in parts of the given sizes (S3's 5 MiB minimum holds except for the last)."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **extra)
    parts = []
    for number, size in enumerate(part_sizes, 1):
        body = bytes([number % 256]) * size
        response = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=body
        )
        parts.append({"ETag": response["ETag"], "PartNumber": number})
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
    )
    return done["ETag"]


RUN_TABLE = "test-runs"


def create_run_table(name: str = RUN_TABLE) -> Any:
    """The run table as main.tf declares it (same key names), as a boto3 Table resource."""
    from bucket_sync.runstore import PARTITION_KEY, SORT_KEY

    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    return dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
            {"AttributeName": SORT_KEY, "AttributeType": "S"},
        ],
    )


def copy_all(
    source_s3: Any, destination_s3: Any, source: str, destination: str, entries: list, options: Any
) -> Any:
    """copy_objects on a step's pool of `options.threads`, as a window runs it."""
    from bucket_sync.copier import copy_objects
    from bucket_sync.jobs import step_pool

    with step_pool(options.threads) as pool:
        return copy_objects(source_s3, destination_s3, source, destination, entries, options, pool)


def delete_all(s3: Any, bucket: str, entries: list, threads: int, dry_run: bool, **options: Any) -> Any:
    """delete_objects on a step's pool of `threads`, as a window runs it."""
    from bucket_sync.deleter import delete_objects
    from bucket_sync.jobs import step_pool

    with step_pool(threads) as pool:
        return delete_objects(s3, bucket, entries, threads, dry_run, pool, **options)
