"""harness/fill.py: objects written straight into moto's backend look to S3 clients exactly like
objects uploaded with PutObject, so a test may fill its buckets either way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from harness import Emulator
from harness.buckets import empty, put_objects, snapshot
from harness.fill import empty_objects, fill_objects, stored_objects
from tests.harness.strict_support import unique

BODIES = {"empty": b"", "small": b"hello", "larger": bytes(range(256)) * 400}
# What differs between any two objects made at different times or answered in other requests.
VOLATILE = ("ResponseMetadata", "LastModified")
VOLATILE_HEADERS = ("date", "last-modified", "x-amzn-requestid", "x-amz-request-id", "x-amz-id-2")


@pytest.fixture
def s3(emulator: Emulator) -> Any:
    return emulator.client("s3")


@pytest.fixture
def buckets(s3: Any) -> tuple[str, str, str]:
    names = (unique("fill-put"), unique("fill-direct"), unique("fill-copies"))
    for name in names:
        s3.create_bucket(Bucket=name)
    return names


def lasting(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without what differs between requests, its HTTP headers included (moto answers
    with headers the parsed answer leaves out)."""
    headers = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    kept = {name: value for name, value in answer.items() if name not in VOLATILE}
    kept["headers"] = {name: value for name, value in headers.items() if name not in VOLATILE_HEADERS}
    return kept


def listed(s3: Any, bucket: str) -> dict[str, dict[str, Any]]:
    rows = s3.list_objects_v2(Bucket=bucket)["Contents"]
    return {row["Key"]: lasting(row) for row in rows}


def test_filled_objects_list_head_get_and_copy_like_put_ones(
    emulator: Emulator, s3: Any, buckets: tuple[str, str, str]
) -> None:
    put, direct, copies = buckets
    before = datetime.now(UTC) - timedelta(seconds=1)
    put_objects(s3, put, BODIES)
    fill_objects(emulator, direct, BODIES)

    assert listed(s3, direct) == listed(s3, put)
    for row in s3.list_objects_v2(Bucket=direct)["Contents"]:
        assert before <= row["LastModified"] <= datetime.now(UTC)
        assert row["ETag"].startswith('"') and row["StorageClass"] == "STANDARD"
    for key, body in BODIES.items():
        heads = [lasting(s3.head_object(Bucket=b, Key=key, ChecksumMode="ENABLED")) for b in (put, direct)]
        assert heads[0] == heads[1]
        assert heads[1]["ContentLength"] == len(body)
        assert s3.get_object(Bucket=direct, Key=key)["Body"].read() == body
        for action in ("get_object_acl", "get_object_tagging", "get_object_attributes"):
            extra = {"ObjectAttributes": ["ETag", "Checksum", "StorageClass", "ObjectSize"]}
            options = extra if action == "get_object_attributes" else {}
            answers = [lasting(getattr(s3, action)(Bucket=b, Key=key, **options)) for b in (put, direct)]
            assert answers[0] == answers[1], action
        etag = heads[0]["ETag"]
        for source in (put, direct):
            copy_source = {"Bucket": source, "Key": key}
            s3.copy_object(
                Bucket=copies, Key=f"{source}/{key}", CopySource=copy_source, CopySourceIfMatch=etag
            )
        copied = [lasting(s3.head_object(Bucket=copies, Key=f"{b}/{key}")) for b in (put, direct)]
        assert copied[0] == copied[1]
        assert copied[1]["ETag"] == heads[1]["ETag"]


def test_a_fill_is_no_request_against_the_rate_limits(
    emulator: Emulator, buckets: tuple[str, str, str]
) -> None:
    _, direct, _ = buckets
    fill_objects(emulator, direct, {f"k{i}": b"x" for i in range(50)})
    assert direct not in emulator.throttle_figures()["s3"]


@pytest.mark.parametrize("versioned", [False, True], ids=["plain", "versioned"])
def test_stored_objects_are_what_a_listing_shows_and_empty_objects_deletes_like_empty(
    emulator: Emulator, s3: Any, versioned: bool
) -> None:
    names = [unique("fill-read"), unique("fill-api")]
    for name in names:
        s3.create_bucket(Bucket=name)
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        put_objects(s3, name, BODIES)
        put_objects(s3, name, {"small": b"rewritten", "gone": b"deleted below"})
        s3.delete_object(Bucket=name, Key="gone")
    listed_facts = snapshot(s3, names[0])
    assert set(listed_facts) == set(BODIES)
    assert stored_objects(emulator, names[0]) == listed_facts

    empty_objects(emulator, names[0])
    empty(s3, names[1])
    assert snapshot(s3, names[0]) == {} == stored_objects(emulator, names[0])
    if versioned:
        versions = [s3.list_object_versions(Bucket=name) for name in names]
        shapes = [(len(v.get("Versions", [])), len(v.get("DeleteMarkers", []))) for v in versions]
        assert shapes[0] == shapes[1]


def test_filling_needs_the_emulator_running_in_this_process() -> None:
    with pytest.raises(RuntimeError, match="running in this process"):
        fill_objects(Emulator(), "any-bucket", {"k": b"x"})
