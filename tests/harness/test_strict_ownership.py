"""The emulator's S3 refuses a request that expects another bucket owner, and a Requester Pays
bucket's reads without the requester's consent, like S3 (harness/s3_ownership.py); each switch
in harness/strictness.py turns one off."""

from __future__ import annotations

from typing import Any

import pytest

from harness import Emulator
from tests.harness.strict_support import error_of, unique

OWNER = "123456789012"  # moto's account owns every emulated bucket
STRANGER = "111122223333"
PAYS = {"RequestPayer": "requester"}


@pytest.fixture
def s3(emulator: Emulator) -> Any:
    return emulator.client("s3")


@pytest.fixture
def buckets(s3: Any) -> tuple[str, str]:
    source, destination = unique("owned-src"), unique("owned-dst")
    for name in (source, destination):
        s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=source, Key="a", Body=b"1")
    return source, destination


def owner_checked_requests(s3: Any, source: str, destination: str, owner: str) -> list[Any]:
    copy_source = {"Bucket": source, "Key": "a"}
    return [
        lambda: s3.head_bucket(Bucket=destination, ExpectedBucketOwner=owner),
        lambda: s3.list_objects_v2(Bucket=source, ExpectedBucketOwner=owner),
        lambda: s3.head_object(Bucket=source, Key="a", ExpectedBucketOwner=owner),
        lambda: s3.copy_object(
            Bucket=destination, Key="a", CopySource=copy_source, ExpectedBucketOwner=owner
        ),
        lambda: s3.copy_object(
            Bucket=destination, Key="a", CopySource=copy_source, ExpectedSourceBucketOwner=owner
        ),
        lambda: s3.delete_objects(
            Bucket=source, Delete={"Objects": [{"Key": "gone"}]}, ExpectedBucketOwner=owner
        ),
    ]


def test_a_request_expecting_another_owner_is_refused(s3: Any, buckets: tuple[str, str]) -> None:
    source, destination = buckets
    for request in owner_checked_requests(s3, source, destination, STRANGER):
        assert error_of(request) in ((403, "403"), (403, "AccessDenied"))
    assert "Contents" not in s3.list_objects_v2(Bucket=destination), "no refused copy landed"
    for request in owner_checked_requests(s3, source, destination, OWNER):
        request()


def test_expected_bucket_owner_switch(emulator: Emulator, s3: Any, buckets: tuple[str, str]) -> None:
    source, destination = buckets
    with emulator.lax("expected_bucket_owner"):
        for request in owner_checked_requests(s3, source, destination, STRANGER):
            request()


def test_request_payment_is_stored(s3: Any, buckets: tuple[str, str]) -> None:
    source, _ = buckets
    assert s3.get_bucket_request_payment(Bucket=source)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=source, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=source)["Payer"] == "Requester"


def reads(s3: Any, source: str, destination: str, **consent: Any) -> list[Any]:
    return [
        lambda: s3.list_objects_v2(Bucket=source, **consent),
        lambda: s3.head_object(Bucket=source, Key="a", **consent),
        lambda: s3.get_object(Bucket=source, Key="a", **consent),
        lambda: s3.get_object_tagging(Bucket=source, Key="a", **consent),
        lambda: s3.copy_object(
            Bucket=destination, Key="a", CopySource={"Bucket": source, "Key": "a"}, **consent
        ),
    ]


def test_a_requester_pays_bucket_refuses_reads_without_consent(s3: Any, buckets: tuple[str, str]) -> None:
    source, destination = buckets
    s3.put_bucket_request_payment(Bucket=source, RequestPaymentConfiguration={"Payer": "Requester"})
    for read in reads(s3, source, destination):
        assert error_of(read) in ((403, "403"), (403, "AccessDenied"))
    for read in reads(s3, source, destination, **PAYS):
        read()
    # The bucket's configuration stays readable: S3 documents the header for object requests.
    assert s3.head_bucket(Bucket=source)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_requester_pays_switch(emulator: Emulator, s3: Any, buckets: tuple[str, str]) -> None:
    source, destination = buckets
    s3.put_bucket_request_payment(Bucket=source, RequestPaymentConfiguration={"Payer": "Requester"})
    with emulator.lax("requester_pays"):
        for read in reads(s3, source, destination):
            read()
