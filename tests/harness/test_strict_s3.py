"""The emulator's S3 honours conditional copies and deletes and SSE-C like S3
(harness/s3_fidelity.py), and each switch in harness/strictness.py turns one off."""

from __future__ import annotations

import os
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Emulator
from harness.s3_fidelity import SSE_C_REQUIRED_MESSAGE
from tests.harness.strict_support import unique

CUSTOMER_KEY = os.urandom(32)
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": CUSTOMER_KEY}
COPY_SOURCE_SSE_C = {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": CUSTOMER_KEY}
PART = b"p" * (5 * 1024 * 1024)


@pytest.fixture
def s3(emulator: Emulator) -> Any:
    return emulator.client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = unique("strict-s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="source", Body=PART)
    return name


def error_of(call: Any) -> tuple[int, str]:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["ResponseMetadata"]["HTTPStatusCode"], raised.value.response["Error"]["Code"]


def copy(s3: Any, bucket: str, **extra: Any) -> Any:
    return s3.copy_object(
        Bucket=bucket, Key="target", CopySource={"Bucket": bucket, "Key": "source"}, **extra
    )


def part_copy(s3: Any, bucket: str, **extra: Any) -> Any:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="target")["UploadId"]
    source = {"Bucket": bucket, "Key": "source"}
    return s3.upload_part_copy(
        Bucket=bucket, Key="target", UploadId=upload, PartNumber=1, CopySource=source, **extra
    )


# --- CopySourceIfMatch ------------------------------------------------------------------------


@pytest.mark.parametrize("operation", [copy, part_copy], ids=["CopyObject", "UploadPartCopy"])
def test_copy_source_if_match_refuses_a_changed_source(s3: Any, bucket: str, operation: Any) -> None:
    listed = s3.head_object(Bucket=bucket, Key="source")["ETag"]
    operation(s3, bucket, CopySourceIfMatch=listed)
    s3.put_object(Bucket=bucket, Key="source", Body=b"rewritten since it was listed")

    assert error_of(lambda: operation(s3, bucket, CopySourceIfMatch=listed)) == (412, "PreconditionFailed")


@pytest.mark.parametrize("operation", [copy, part_copy], ids=["CopyObject", "UploadPartCopy"])
def test_copy_source_if_match_switch(emulator: Emulator, s3: Any, bucket: str, operation: Any) -> None:
    with emulator.lax("copy_source_if_match"):
        operation(s3, bucket, CopySourceIfMatch='"0123456789abcdef0123456789abcdef"')


# --- DeleteObjects with ETag ------------------------------------------------------------------


def conditional_delete(s3: Any, bucket: str) -> dict[str, Any]:
    s3.put_object(Bucket=bucket, Key="current", Body=b"1")
    s3.put_object(Bucket=bucket, Key="changed", Body=b"2")
    etags = {key: s3.head_object(Bucket=bucket, Key=key)["ETag"] for key in ("current", "changed")}
    s3.put_object(Bucket=bucket, Key="changed", Body=b"rewritten")
    objects = [
        {"Key": "current", "ETag": etags["current"]},
        {"Key": "changed", "ETag": etags["changed"]},
        {"Key": "gone", "ETag": etags["current"]},
    ]
    return dict(s3.delete_objects(Bucket=bucket, Delete={"Objects": objects}))


def test_delete_objects_reports_each_failed_condition(s3: Any, bucket: str) -> None:
    response = conditional_delete(s3, bucket)

    assert [row["Key"] for row in response["Deleted"]] == ["current"]
    assert sorted((row["Key"], row["Code"]) for row in response["Errors"]) == [
        ("changed", "PreconditionFailed"),
        ("gone", "NoSuchKey"),
    ]
    assert s3.get_object(Bucket=bucket, Key="changed")["Body"].read() == b"rewritten", "kept"


def test_delete_objects_etag_switch(emulator: Emulator, s3: Any, bucket: str) -> None:
    with emulator.lax("delete_objects_etag"):
        response = conditional_delete(s3, bucket)
    assert not response.get("Errors")
    assert "changed" not in {row["Key"] for row in s3.list_objects_v2(Bucket=bucket)["Contents"]}


# --- SSE-C ------------------------------------------------------------------------------------


def test_sse_c_object_is_not_copied_or_read_without_its_key(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="source", Body=PART, **SSE_C)

    with pytest.raises(ClientError) as refused:
        copy(s3, bucket)
    assert refused.value.response["Error"] == {"Code": "InvalidRequest", "Message": SSE_C_REQUIRED_MESSAGE}
    assert error_of(lambda: part_copy(s3, bucket)) == (400, "InvalidRequest")
    assert error_of(lambda: s3.get_object(Bucket=bucket, Key="source")) == (400, "InvalidRequest")
    assert error_of(lambda: s3.head_object(Bucket=bucket, Key="source"))[0] == 400

    copy(s3, bucket, **COPY_SOURCE_SSE_C)
    part_copy(s3, bucket, **COPY_SOURCE_SSE_C)
    s3.head_object(Bucket=bucket, Key="source", **SSE_C)
    s3.head_object(Bucket=bucket, Key="target")


def test_sse_c_switch(emulator: Emulator, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="source", Body=PART, **SSE_C)
    with emulator.lax("sse_c"):
        copy(s3, bucket)
        s3.head_object(Bucket=bucket, Key="source")
