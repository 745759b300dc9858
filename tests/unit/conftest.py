"""Handler tests on moto in-process: real boto3 calls against an emulated S3."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from bucket_sync.payloads import KeyRange, RunConfig
from bucket_sync.settings import Settings

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def _fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="src")
        client.create_bucket(Bucket="dst")
        yield client


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
        source="src",
        destination="dst",
        prefix="",
        startAfter="",
        deleteOrphans=True,
        dryRun=False,
        maxDeletes=None,
        allowEmptySource=False,
        sourceRegion=REGION,
        destinationRegion=REGION,
        countingOnly=False,
    )
    return RunConfig(**{**base, **overrides})  # type: ignore[typeddict-item]


def whole_range(after: str = "") -> KeyRange:
    return KeyRange(after=after, upTo=None)


def put(s3: Any, bucket: str, key: str, body: bytes = b"x", **extra: Any) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body, **extra)


def keys(s3: Any, bucket: str) -> dict[str, tuple[int, str]]:
    """Every key of a bucket with its size and ETag."""
    found: dict[str, tuple[int, str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for row in page.get("Contents", []):
            found[row["Key"]] = (row["Size"], row["ETag"])
    return found


# Keep tests from reaching a real endpoint if one is configured in the shell.
os.environ.pop("AWS_ENDPOINT_URL", None)
