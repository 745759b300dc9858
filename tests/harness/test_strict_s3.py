"""The emulator's S3 honours conditional copies (source and destination conditions) and deletes,
SSE-C and XML 1.0 like S3 (harness/s3_fidelity.py), and each switch in harness/strictness.py turns
one off."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Emulator
from harness.s3_fidelity import SSE_C_REQUIRED_MESSAGE
from tests.harness.strict_support import error_of, unique

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


# --- DeleteObject with If-Match ---------------------------------------------------------------


def test_delete_object_if_match(s3: Any, bucket: str) -> None:
    listed = s3.head_object(Bucket=bucket, Key="source")["ETag"]
    s3.put_object(Bucket=bucket, Key="source", Body=b"rewritten since it was listed")

    assert error_of(lambda: s3.delete_object(Bucket=bucket, Key="source", IfMatch=listed)) == (
        412,
        "PreconditionFailed",
    )
    assert s3.get_object(Bucket=bucket, Key="source")["Body"].read() == b"rewritten since it was listed"
    s3.delete_object(Bucket=bucket, Key="source", IfMatch="*")  # "*": delete if it exists
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    for condition in ("*", listed):
        assert error_of(lambda c=condition: s3.delete_object(Bucket=bucket, Key="source", IfMatch=c)) == (
            404,
            "NoSuchKey",
        )


def test_delete_object_if_match_switch(emulator: Emulator, s3: Any, bucket: str) -> None:
    with emulator.lax("delete_object_if_match"):
        s3.delete_object(Bucket=bucket, Key="source", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


# --- DeleteObjects with a key XML 1.0 cannot carry --------------------------------------------

CONTROL_KEY = "control\x01key"


def with_character_reference(request: Any, **_: Any) -> None:
    # botocore sends U+0001 raw; send it as the numeric character reference instead.
    request.data = request.data.replace(b"\x01", b"&#x1;")


def test_delete_objects_refuses_xml_that_cannot_carry_the_key(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key=CONTROL_KEY, Body=b"1")
    s3.put_object(Bucket=bucket, Key="tab\tkey", Body=b"2")
    delete = {"Objects": [{"Key": CONTROL_KEY}, {"Key": "tab\tkey"}]}

    assert error_of(lambda: s3.delete_objects(Bucket=bucket, Delete=delete)) == (400, "MalformedXML")
    s3.meta.events.register_first("before-sign.s3.DeleteObjects", with_character_reference)
    try:
        assert error_of(lambda: s3.delete_objects(Bucket=bucket, Delete=delete)) == (400, "MalformedXML")
    finally:
        s3.meta.events.unregister("before-sign.s3.DeleteObjects", with_character_reference)
    listed = {row["Key"] for row in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {CONTROL_KEY, "tab\tkey"} <= listed, "nothing of a refused request is deleted"

    assert s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "tab\tkey"}]})["Deleted"]
    s3.delete_object(Bucket=bucket, Key=CONTROL_KEY)  # the key travels in the URL
    assert {row["Key"] for row in s3.list_objects_v2(Bucket=bucket)["Contents"]} == {"source"}


def test_xml_body_switch(emulator: Emulator, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key=CONTROL_KEY, Body=b"1")
    with emulator.lax("xml_body"):
        delete = {"Objects": [{"Key": CONTROL_KEY}]}
        _, code = error_of(lambda: s3.delete_objects(Bucket=bucket, Delete=delete))
    assert code != "MalformedXML", "moto's own answer (a 500)"


# --- destination If-Match / If-None-Match on CopyObject and CompleteMultipartUpload --------------


def complete(s3: Any, bucket: str, **extra: Any) -> Any:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="target")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="target", UploadId=upload, PartNumber=1, Body=b"part")["ETag"]
    parts = {"Parts": [{"ETag": etag, "PartNumber": 1}]}
    return s3.complete_multipart_upload(
        Bucket=bucket, Key="target", UploadId=upload, MultipartUpload=parts, **extra
    )


def refusal(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    answer = raised.value.response
    return (
        answer["ResponseMetadata"]["HTTPStatusCode"],
        answer["Error"]["Code"],
        answer["Error"].get("Condition", ""),
    )


@pytest.mark.parametrize("operation", [copy, complete], ids=["CopyObject", "CompleteMultipartUpload"])
def test_destination_conditions(s3: Any, bucket: str, operation: Any) -> None:
    # Absent: If-Match has no object to match (404); If-None-Match "*" writes.
    assert refusal(lambda: operation(s3, bucket, IfMatch='"0123456789abcdef0123456789abcdef"'))[:2] == (
        404,
        "NoSuchKey",
    )
    operation(s3, bucket, IfNoneMatch="*")
    listed = s3.head_object(Bucket=bucket, Key="target")["ETag"]
    # Present: If-None-Match "*" refuses; If-Match writes only over the ETag it names.
    assert refusal(lambda: operation(s3, bucket, IfNoneMatch="*")) == (
        412,
        "PreconditionFailed",
        "If-None-Match",
    )
    s3.put_object(Bucket=bucket, Key="target", Body=b"another writer's")
    assert refusal(lambda: operation(s3, bucket, IfMatch=listed)) == (412, "PreconditionFailed", "If-Match")
    assert s3.get_object(Bucket=bucket, Key="target")["Body"].read() == b"another writer's", "kept"
    operation(s3, bucket, IfMatch=s3.head_object(Bucket=bucket, Key="target")["ETag"])
    assert s3.get_object(Bucket=bucket, Key="target")["Body"].read() != b"another writer's"


def test_a_failed_destination_condition_keeps_the_upload_open(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="target", Body=b"another writer's")
    with pytest.raises(ClientError):
        complete(s3, bucket, IfNoneMatch="*")
    assert len(s3.list_multipart_uploads(Bucket=bucket)["Uploads"]) == 1, "the caller must abort it"


def test_the_copy_source_condition_is_named_apart(s3: Any, bucket: str) -> None:
    stale = '"0123456789abcdef0123456789abcdef"'
    assert refusal(lambda: copy(s3, bucket, CopySourceIfMatch=stale, IfNoneMatch="*")) == (
        412,
        "PreconditionFailed",
        "x-amz-copy-source-If-Match",
    )


def test_destination_conditions_switch(emulator: Emulator, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="target", Body=b"another writer's")
    stale = '"0123456789abcdef0123456789abcdef"'
    with emulator.lax("destination_conditions"):
        copy(s3, bucket, IfNoneMatch="*")
        copy(s3, bucket, IfMatch=stale)
        complete(s3, bucket, IfMatch=stale)  # moto's own honours only If-None-Match here
    assert s3.get_object(Bucket=bucket, Key="target")["Body"].read() == b"part"


def multipart_etag(part_bodies: list[bytes]) -> str:
    """S3's ETag of a multipart object: the MD5 of its parts' binary MD5s, then "-<parts>"."""
    digests = b"".join(hashlib.md5(body).digest() for body in part_bodies)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(part_bodies)}"'


def upload(s3: Any, bucket: str, key: str, part_bodies: list[bytes], copy_from: str | None = None) -> str:
    """Upload `key` in the given parts (UploadPart, or UploadPartCopy of the same bytes of
    `copy_from`); its ETag from CompleteMultipartUpload."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts, start = [], 0
    for number, body in enumerate(part_bodies, 1):
        if copy_from is None:
            etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body)[
                "ETag"
            ]
        else:
            etag = s3.upload_part_copy(
                Bucket=bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                CopySource={"Bucket": bucket, "Key": copy_from},
                CopySourceRange=f"bytes={start}-{start + len(body) - 1}",
            )["CopyPartResult"]["ETag"]
        parts.append({"ETag": etag, "PartNumber": number})
        start += len(body)
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    return done["ETag"]


def test_multipart_etags_follow_s3s_formula_for_uploaded_and_copied_parts(s3: Any, bucket: str) -> None:
    # The sync relies on a copy over the same part boundaries getting the source's ETag, one
    # part included; moto computes it as S3 does (nothing to patch), and this keeps it so.
    for bodies in ([b"x" * 100], [PART, b"y" * 7], [PART, PART, b"z" * 7]):
        key = f"source-{len(bodies)}"
        etag = upload(s3, bucket, key, bodies)
        assert etag == multipart_etag(bodies)
        assert s3.head_object(Bucket=bucket, Key=key)["ETag"] == etag
        assert upload(s3, bucket, f"copy-{len(bodies)}", bodies, copy_from=key) == etag


# --- ListObjectsV2's StartAfter no longer than a key ------------------------------------------

LONGEST_KEY = "\u00e9" * 511 + "ab"  # 1,024 UTF-8 bytes


def test_start_after_longer_than_a_key_is_refused(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key=LONGEST_KEY, Body=b"1")
    listed = s3.list_objects_v2(Bucket=bucket, StartAfter=LONGEST_KEY[:-1])["Contents"]
    assert [row["Key"] for row in listed] == [LONGEST_KEY], "1,024 bytes are a key's length"

    status, code = error_of(lambda: s3.list_objects_v2(Bucket=bucket, StartAfter=LONGEST_KEY + "c"))
    assert (status, code) == (400, "KeyTooLongError")


def test_start_after_length_switch(emulator: Emulator, s3: Any, bucket: str) -> None:
    with emulator.lax("start_after_length"):
        listed = s3.list_objects_v2(Bucket=bucket, StartAfter=LONGEST_KEY + "c")
    assert listed["KeyCount"] == 0
