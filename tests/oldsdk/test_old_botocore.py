"""Against a real botocore from before DeleteObjects' ETag condition and the copies' destination
condition (pyproject's `oldsdk`): orphans are never deleted, and keys never copied, without their
condition unless the deployment opts in."""

from __future__ import annotations

import boto3
import botocore
import pytest
from moto import mock_aws

from bucket_sync import clients
from bucket_sync.applykeys import Target, apply_keys
from bucket_sync.conditions import MULTIPART_COMPLETE, SINGLE_COPY, supports_destination_condition
from bucket_sync.deleter import supports_etag_condition
from bucket_sync.heads import Kept
from bucket_sync.jobs import step_pool
from bucket_sync.listing import list_range
from bucket_sync.overrides import Destination
from bucket_sync.payloads import KeyRange
from bucket_sync.range_step import start_progress, sync_window
from bucket_sync.settings import Settings
from tests.unit.support import MIB, put_multipart, run_config

REGION = "us-east-1"
# The oldest botocore pyproject.toml claims (boto3 and botocore share the version number).
OLDEST_CLAIMED = "1.34.162"


@pytest.fixture
def s3(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="src")
        client.create_bucket(Bucket="dst")
        yield client


def one_step(s3, **settings):
    whole = KeyRange(after="", upTo=None)
    base = Settings(source_buckets=("src",), destination_buckets=("dst",), copy_threads=4)
    progress, _ = sync_window(
        s3, s3, run_config(), whole, start_progress(whole), Settings(**{**base.__dict__, **settings})
    )
    return progress


def keys(s3, bucket: str) -> set[str]:
    return {row["Key"] for row in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def test_this_is_the_oldest_claimed_sdk_and_it_lacks_the_etag_condition(s3):
    assert botocore.__version__ == OLDEST_CLAIMED
    assert not supports_etag_condition(s3)


def sent(s3, operation: str) -> list[dict]:
    calls: list[dict] = []
    s3.meta.events.register(f"provide-client-params.s3.{operation}", lambda params, **_: calls.append(params))
    return calls


def test_it_lacks_the_destination_condition_on_copies_too(s3):
    assert not supports_destination_condition(s3, SINGLE_COPY)
    assert not supports_destination_condition(s3, MULTIPART_COMPLETE)


def test_a_step_copies_nothing_keeps_orphans_and_names_every_key(s3, capsys):
    s3.put_object(Bucket="src", Key="new", Body=b"x")
    s3.put_object(Bucket="dst", Key="orphan", Body=b"y")
    put_multipart(s3, "src", "big", [5 * MIB, 1])
    deletes, copies, uploads = (
        sent(s3, "DeleteObjects"),
        sent(s3, "CopyObject"),
        sent(s3, "CreateMultipartUpload"),
    )
    progress = one_step(s3)
    assert (deletes, copies, uploads) == ([], [], []), "nothing may be written without its condition"
    assert keys(s3, "dst") == {"orphan"}
    assert (progress["counts"]["copied"], progress["counts"]["deleted"], progress["counts"]["failed"]) == (
        0,
        0,
        3,
    )
    reasons = {failure["key"]: failure["reason"] for failure in progress["failures"]}
    assert all(f"botocore {OLDEST_CLAIMED}" in reason for reason in reasons.values())
    assert "allow_unconditional_deletes" in reasons["orphan"]
    assert "allow_unconditional_copies" in reasons["new"] and "allow_unconditional_copies" in reasons["big"]
    out = capsys.readouterr().out
    assert '"event": "delete.refused_without_etag_condition"' in out
    assert '"event": "copy.refused_without_destination_condition"' in out


def test_a_deployment_that_opts_in_deletes_without_the_condition(s3):
    s3.put_object(Bucket="dst", Key="orphan", Body=b"y")
    s3.put_object(Bucket="dst", Key="kept", Body=b"x")
    s3.put_object(Bucket="src", Key="kept", Body=b"x")
    progress = one_step(s3, allow_unconditional_deletes=True)
    assert keys(s3, "dst") == {"kept"} and progress["counts"]["deleted"] == 1


def test_a_deployment_that_opts_in_copies_without_the_condition(s3):
    s3.put_object(Bucket="src", Key="new", Body=b"x")
    copies = sent(s3, "CopyObject")
    progress = one_step(s3, allow_unconditional_copies=True)
    assert keys(s3, "dst") == {"new"} and progress["counts"]["copied"] == 1
    assert "IfMatch" not in copies[0] and "IfNoneMatch" not in copies[0]


def test_listing_on_the_old_sdk_pages_one_after_another_with_the_same_rows(s3):
    # botocore before 1.35.16 emits no before-parse event: no read-ahead, the same listing, and the
    # handlers' timestamp parser (a parser default every botocore has) still applies.
    names = [f"k{i:05}" for i in range(2500)]
    for name in names:
        s3.put_object(Bucket="src", Key=name, Body=b"x")
    peeked = []
    ours = clients.s3_client(REGION, threads=1)
    ours.meta.events.register("before-parse.s3.ListObjectsV2", lambda **_: peeked.append(1))
    listing = list_range(ours, "src", "", "", None, limit=10_000)
    assert peeked == [], "this SDK emits before-parse: the old-SDK premise is gone"
    assert [e.key for e in listing.entries] == names and listing.requests == 3
    first = s3.list_objects_v2(Bucket="src")["Contents"][0]
    assert listing.entries[0].last_modified == first["LastModified"]


@pytest.mark.parametrize("allow", [False, True])
def test_the_consumer_deletes_without_the_condition_only_when_the_deployment_opts_in(s3, allow):
    s3.put_object(Bucket="dst", Key="gone", Body=b"y")
    target = Target(
        source_s3=s3,
        destination_s3=s3,
        source="src",
        destination="dst",
        kept=Kept(),
        overrides=Destination(),
        delete_orphans=True,
        inline_copy_max_bytes=1024,
        threads=4,
        hand_off=lambda key, etag: "",
        allow_unconditional_deletes=allow,
    )
    with step_pool(4) as pool:
        applied = apply_keys(target, ["gone"], lambda entries: True, pool)
    if allow:
        assert keys(s3, "dst") == set() and applied.deleted == ["gone"]
    else:
        assert keys(s3, "dst") == {"gone"} and "allow_unconditional_deletes" in applied.kept["gone"]
