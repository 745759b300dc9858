"""Expected bucket owners and Requester Pays reach every request of a run (expectations.py), and
the emulator refuses a run without them as S3 does (harness/s3_ownership.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from bucket_sync import clients, expectations
from bucket_sync.errors import AccessDenied
from bucket_sync.expectations import BucketRules, copy_source_bucket, rules_for
from bucket_sync.range_step import start_progress, sync_window
from bucket_sync.runstore import RunStore
from bucket_sync.steps import sync_range
from bucket_sync.steps.validate import validate
from harness import strictness
from harness.buckets import snapshot
from tests.unit.support import MIB, REGION, Context, put, put_multipart, run_config, settings, whole_range

SOURCE_OWNER, DESTINATION_OWNER = "111122223333", "444455556666"


def rules_client(rules: BucketRules) -> Any:
    client = boto3.client("s3", region_name=REGION)
    expectations.install(client, rules)
    return client


def record_requests(client: Any) -> list[tuple[str, str, dict[str, str]]]:
    """(operation, bucket, x-amz-* headers) of every request `client` sends."""
    seen: list[tuple[str, str, dict[str, str]]] = []

    def on_parameters(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        context["test_call"] = (model.name, params.get("Bucket", ""))

    def on_created(request: Any, **_: Any) -> None:
        operation, bucket = request.context["test_call"]
        headers = {
            name.lower(): value.decode() if isinstance(value, bytes) else value
            for name, value in request.headers.items()
            if name.lower().startswith("x-amz-")
        }
        seen.append((operation, bucket, headers))

    client.meta.events.register("before-parameter-build.s3", on_parameters)
    client.meta.events.register("request-created.s3", on_created)
    return seen


def sync_all(source_s3: Any, destination_s3: Any, run: Any) -> dict[str, Any]:
    progress = start_progress(whole_range())
    while not progress["done"]:
        progress, _ = sync_window(source_s3, destination_s3, run, whole_range(), progress, settings())
    return progress


@pytest.fixture
def lax_owners() -> Any:
    # The emulated account owns both buckets; to tell the two expectations apart each side gets
    # another account, so moto's owner check is off for this test only.
    strictness.set_current(strictness.Strictness().relaxed("expected_bucket_owner"))
    yield
    strictness.set_current(None)


def test_every_request_of_a_sync_carries_its_buckets_expected_owner(s3, lax_owners):
    put(s3, "src", "small", b"1", Tagging="team=a")
    put_multipart(s3, "src", "large", [5 * MIB, 1])
    put(s3, "dst", "orphan")
    run = run_config(sourceBucketOwner=SOURCE_OWNER, destinationBucketOwner=DESTINATION_OWNER)
    client = rules_client(rules_for(run))
    seen = record_requests(client)

    counts = sync_all(client, client, run)["counts"]

    assert (counts["copied"], counts["deleted"]) == (2, 1)
    operations = {operation for operation, _, _ in seen}
    assert {
        "ListObjectsV2",
        "HeadObject",
        "CopyObject",
        "CreateMultipartUpload",
        "UploadPartCopy",
        "CompleteMultipartUpload",
        "DeleteObjects",
    } <= operations
    owners = {"src": SOURCE_OWNER, "dst": DESTINATION_OWNER}
    for operation, bucket, headers in seen:
        assert headers.get("x-amz-expected-bucket-owner") == owners[bucket], (operation, bucket)
        if "x-amz-copy-source" in headers:
            assert headers.get("x-amz-source-expected-bucket-owner") == SOURCE_OWNER, operation
        assert "x-amz-request-payer" not in headers


def test_a_copy_into_a_bucket_of_another_account_is_refused(s3):
    put(s3, "src", "a")
    client = rules_client(rules_for(run_config(destinationBucketOwner=DESTINATION_OWNER)))
    with pytest.raises(Exception, match="AccessDenied"):
        client.copy_object(Bucket="dst", Key="a", CopySource={"Bucket": "src", "Key": "a"})
    assert snapshot(s3, "dst") == {}


def run_clients(rules: BucketRules) -> Any:
    return lambda region=None: rules_client(rules)


def requester_pays_source(s3: Any) -> dict[str, Any]:
    put(s3, "src", "a", b"1")
    put_multipart(s3, "src", "b", [5 * MIB, 2])
    expected = snapshot(s3, "src")
    s3.put_bucket_request_payment(Bucket="src", RequestPaymentConfiguration={"Payer": "Requester"})
    return expected


def test_a_requester_pays_source_fails_validation_with_the_way_out(s3):
    requester_pays_source(s3)
    with pytest.raises(AccessDenied) as refused:
        validate({"source": "src", "destination": "dst"}, run_clients, settings())
    assert "bucket 'src'" in str(refused.value)
    assert 'requestPayer: "requester"' in str(refused.value) and "--request-payer requester" in str(
        refused.value
    )


def test_a_requester_pays_source_syncs_when_the_run_pays(s3):
    expected = requester_pays_source(s3)
    run = validate(
        {"source": "src", "destination": "dst", "requestPayer": "requester"}, run_clients, settings()
    )["run"]
    client = rules_client(rules_for(run))
    seen = record_requests(client)

    counts = sync_all(client, client, run)["counts"]

    assert counts["copied"] == 2 and snapshot(s3, "dst") == expected
    for operation, bucket, headers in seen:
        reads_source = bucket == "src" or "x-amz-copy-source" in headers
        assert (headers.get("x-amz-request-payer") == "requester") == reads_source, operation
    # And the next run finds nothing to do: the listings and HEADs were paid for too.
    assert sync_all(client, client, run)["counts"]["unchanged"] == 2


def test_without_consent_the_emulator_refuses_every_read_of_a_requester_pays_bucket(s3):
    requester_pays_source(s3)
    for read in (
        lambda: s3.list_objects_v2(Bucket="src"),
        lambda: s3.head_object(Bucket="src", Key="a"),
        lambda: s3.get_object_tagging(Bucket="src", Key="a"),
        lambda: s3.copy_object(Bucket="dst", Key="a", CopySource={"Bucket": "src", "Key": "a"}),
    ):
        with pytest.raises(Exception, match="AccessDenied|403"):
            read()
    assert s3.list_objects_v2(Bucket="src", RequestPayer="requester")["KeyCount"] == 2


@pytest.mark.parametrize(
    ("copy_source", "bucket"),
    [
        ({"Bucket": "src", "Key": "a/b"}, "src"),
        ("src/a%2Fb", "src"),
        ("/src/a?versionId=1", "src"),
        ("my%2Ebucket/key", "my.bucket"),
        (None, None),
    ],
)
def test_copy_source_bucket_reads_both_forms(copy_source, bucket):
    assert copy_source_bucket(copy_source) == bucket


def test_clients_are_cached_per_set_of_rules():
    clients._cached_client.cache_clear()
    rules = BucketRules(owners=(("src", SOURCE_OWNER),))
    try:
        bound = clients.s3_client(REGION, threads=2, rules=rules)
        assert (
            clients.s3_client(REGION, threads=2, rules=BucketRules(owners=(("src", SOURCE_OWNER),))) is bound
        )
        assert clients.s3_client(REGION, threads=2) is not bound
    finally:
        clients._cached_client.cache_clear()


def test_the_sync_step_follows_the_runs_rules(s3, run_table, monkeypatch, lax_owners):
    run = run_config(sourceBucketOwner=SOURCE_OWNER, destinationBucketOwner=DESTINATION_OWNER)
    client = rules_client(rules_for(run))
    given: list[BucketRules] = []

    def s3_client(region: Any = None, threads: Any = None, rules: BucketRules = expectations.NO_RULES) -> Any:
        given.append(rules)
        return client

    monkeypatch.setattr(sync_range, "s3_client", s3_client)
    put(s3, "src", "a")
    RunStore(run_table, run["execution"]).write_round(1, [whole_range()])
    sync_range.handler({"run": run, "round": 1, "index": 0}, Context())

    assert given and set(given) == {rules_for(run)}
    assert rules_for(run).owner("dst") == DESTINATION_OWNER and snapshot(s3, "dst").keys() == {"a"}
