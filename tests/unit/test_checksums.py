"""A multipart copy keeps the source's kind of additional checksum.

moto 5.2.5 takes ChecksumAlgorithm on CreateMultipartUpload and gives the completed object a
checksum of that algorithm, but answers UploadPartCopy without the part's checksum and reports no
ChecksumType. Where S3's answer matters, a hook adds what S3 sends to moto's answer.
"""

import base64
import hashlib

import moto.s3.models
import pytest

from tests.unit.support import put_multipart
from tests.unit.test_range_step import sync_all


@pytest.fixture(autouse=True)
def tiny_parts(monkeypatch):
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)


def put_with_checksum(s3, key: str, algorithm: str, parts: list[bytes]) -> None:
    upload = s3.create_multipart_upload(Bucket="src", Key=key, ChecksumAlgorithm=algorithm)
    done = []
    for number, body in enumerate(parts, 1):
        response = s3.upload_part(
            Bucket="src",
            Key=key,
            UploadId=upload["UploadId"],
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm=algorithm,
        )
        field = f"Checksum{algorithm}"
        done.append({"ETag": response["ETag"], "PartNumber": number, field: response[field]})
    s3.complete_multipart_upload(
        Bucket="src", Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": done}
    )


def record(s3, operation: str) -> list[dict]:
    sent: list[dict] = []
    s3.meta.events.register(f"provide-client-params.s3.{operation}", lambda params, **_: sent.append(params))
    return sent


def sha256_of_each_part_copy(s3) -> None:
    """Answer UploadPartCopy with the part's SHA-256, as S3 does for an upload with that algorithm."""

    def after_call(parsed, model, **_):
        parsed["CopyPartResult"]["ChecksumSHA256"] = base64.b64encode(
            hashlib.sha256(parsed["CopyPartResult"]["ETag"].encode()).digest()
        ).decode()

    s3.meta.events.register("after-call.s3.UploadPartCopy", after_call)


def test_the_upload_is_created_with_the_sources_checksum_algorithm(s3):
    put_with_checksum(s3, "big", "SHA256", [b"a" * 10, b"b" * 3])
    created = record(s3, "CreateMultipartUpload")
    sync_all(s3)
    assert created[0]["ChecksumAlgorithm"] == "SHA256" and "ChecksumType" not in created[0]
    assert s3.head_object(Bucket="dst", Key="big", ChecksumMode="ENABLED").get("ChecksumSHA256")


def test_each_parts_checksum_goes_back_to_complete_multipart_upload(s3):
    put_with_checksum(s3, "big", "SHA256", [b"a" * 10, b"b" * 3])
    sha256_of_each_part_copy(s3)
    completed = record(s3, "CompleteMultipartUpload")
    sync_all(s3)
    parts = completed[0]["MultipartUpload"]["Parts"]
    assert [sorted(part) for part in parts] == [["ChecksumSHA256", "ETag", "PartNumber"]] * 2
    assert all(part["ChecksumSHA256"] for part in parts)


def test_a_full_object_checksum_keeps_its_type_and_is_checked_on_completion(s3):
    put_with_checksum(s3, "big", "CRC32", [b"a" * 10, b"b" * 3])
    source = s3.head_object(Bucket="src", Key="big", ChecksumMode="ENABLED")

    def full_object(parsed, **_):
        parsed["ChecksumType"] = "FULL_OBJECT"  # what S3 reports for such an object

    s3.meta.events.register("after-call.s3.HeadObject", full_object)
    created, completed = record(s3, "CreateMultipartUpload"), record(s3, "CompleteMultipartUpload")
    sync_all(s3)
    assert (created[0]["ChecksumAlgorithm"], created[0]["ChecksumType"]) == ("CRC32", "FULL_OBJECT")
    assert completed[0]["ChecksumCRC32"] == source["ChecksumCRC32"]
    assert completed[0]["ChecksumType"] == "FULL_OBJECT"


def test_a_composite_checksum_is_not_sent_on_completion(s3):
    put_with_checksum(s3, "big", "SHA256", [b"a" * 10, b"b" * 3])
    completed = record(s3, "CompleteMultipartUpload")
    sync_all(s3)
    assert not any(name.startswith("Checksum") for name in completed[0])


def test_a_source_without_a_checksum_gets_no_algorithm(s3):
    s3.meta.events.register(
        "after-call.s3.HeadObject",
        lambda parsed, **_: [parsed.pop(name, None) for name in list(parsed) if name.startswith("Checksum")],
    )
    put_multipart(s3, "src", "big", [10, 3])
    created = record(s3, "CreateMultipartUpload")
    sync_all(s3)
    assert not any(name.startswith("Checksum") for name in created[0])
