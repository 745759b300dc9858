"""The phases of a multipart copy (multipart.py), each on its own: read the part sizes, check
them, find the parts a paused upload kept, create the upload, copy a part, complete, and what a
failure does to the upload."""

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bucket_sync import multipart
from bucket_sync.copytime import CopyClock
from bucket_sync.jobs import Job, run_jobs, step_pool
from bucket_sync.listing import Entry
from bucket_sync.multipart import (
    CopyPaused,
    Upload,
    after_failure,
    check_part_sizes,
    complete_upload,
    copy_part,
    parts_kept,
    read_part_sizes,
    upload_parameters,
)
from bucket_sync.overrides import Destination
from tests.unit.support import MIB, put_multipart


def drive(job: Job[Any]) -> Any:
    """The job's return value, its requests run on a step's pool; its error raised."""
    with step_pool(2) as pool:
        (done,) = run_jobs(pool, [job], max_active=1)
    if done.error is not None:
        raise done.error
    return done.value


def entry(etag: str, size: int) -> Entry:
    return Entry("big", size, etag, datetime(2026, 1, 1, tzinfo=UTC), "STANDARD")


class Recorder:
    """An S3 client that records each request and answers from `answers` (or raises them)."""

    def __init__(self, **answers: Any) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers = answers

    def __getattr__(self, name: str) -> Any:
        def call(**params: Any) -> Any:
            self.calls.append((name, params))
            answer = self.answers.get(name, {})
            if isinstance(answer, Exception):
                raise answer
            return answer

        return call


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


def test_part_sizes_are_read_a_slice_at_a_time_with_the_tags_in_the_first(s3):
    etag = put_multipart(s3, "src", "big", [5 * MIB, 5 * MIB, 3], Tagging="team=a")
    job = read_part_sizes(
        s3, "src", entry(etag, 10 * MIB + 3), 1, partial(s3.get_object_tagging, Bucket="src", Key="big")
    )
    sizes, tagging = drive(job)
    assert sizes == [5 * MIB, 5 * MIB, 3] and tagging["TagSet"] == [{"Key": "team", "Value": "a"}]
    assert drive(read_part_sizes(s3, "src", entry(etag, 10 * MIB + 3), 8, None)) == (
        [5 * MIB, 5 * MIB, 3],
        None,
    )


def test_part_sizes_must_add_up_and_each_part_fit_an_invocation():
    with pytest.raises(ValueError, match="add up to 7, not 8"):
        check_part_sizes([4, 3], entry('"e-2"', 8), CopyClock())
    with pytest.raises(ValueError, match="part 2"):
        check_part_sizes(
            [1, 10 * MIB * 1024], entry('"e-2"', 10 * MIB * 1024 + 1), CopyClock(invocation_seconds=60)
        )
    check_part_sizes([4, 4], entry('"e-2"', 8), CopyClock())


def test_a_paused_upload_gone_meanwhile_starts_again(s3):
    assert drive(parts_kept(s3, "dst", "big", "no-such-upload")) == ({}, None)


def test_a_paused_upload_keeps_its_parts(s3):
    upload = s3.create_multipart_upload(Bucket="dst", Key="big")["UploadId"]
    s3.upload_part(Bucket="dst", Key="big", UploadId=upload, PartNumber=2, Body=b"x" * 10)
    done, kept = drive(parts_kept(s3, "dst", "big", upload))
    assert kept == upload and list(done) == [2]


def test_a_new_upload_carries_the_tags_and_the_destinations_overrides():
    head = {
        "ContentType": "text/plain",
        "Metadata": {"a": "1"},
        "ChecksumSHA256": "x",
        "ChecksumType": "COMPOSITE",
    }
    tags = {"TagSet": [{"Key": "t", "Value": "a b"}]}
    params = upload_parameters(head, tags, Destination("GLACIER_IR", None), "STANDARD")
    assert params["Tagging"] == "t=a+b" and params["StorageClass"] == "GLACIER_IR"
    assert (params["ContentType"], params["ChecksumAlgorithm"], params["ChecksumType"]) == (
        "text/plain",
        "SHA256",
        "COMPOSITE",
    )
    assert "Tagging" not in upload_parameters({}, {"TagSet": []}, Destination(), "STANDARD")


def test_a_part_copies_its_own_byte_range_pinned_to_the_etag():
    s3 = Recorder(upload_part_copy={"CopyPartResult": {"ETag": '"p2"'}})
    upload = Upload(s3, "dst", "big", "u")
    assert copy_part(upload, "src", entry('"e-3"', 12), [0, 5, 10, 12], CopyClock(), 2) == {"ETag": '"p2"'}
    [(name, params)] = s3.calls
    assert params["CopySourceRange"] == "bytes=5-9" and params["CopySourceIfMatch"] == '"e-3"'
    assert params["PartNumber"] == 2 and params["UploadId"] == "u"


def test_a_part_that_would_outlive_the_step_is_not_started():
    s3 = Recorder()
    with pytest.raises(multipart._OutOfTime):
        copy_part(Upload(s3, "dst", "big", "u"), "src", entry('"e-1"', 5), [0, 5], CopyClock(lambda: 0.0), 1)
    assert s3.calls == []


def test_completing_sends_the_parts_in_order_with_their_checksums_and_the_condition():
    s3 = Recorder()
    head = {"ChecksumCRC64NVME": "full", "ChecksumType": "FULL_OBJECT"}
    done = {2: {"ETag": '"b"', "ChecksumCRC64NVME": "p2"}, 1: {"ETag": '"a"', "ChecksumCRC64NVME": "p1"}}
    complete_upload(Upload(s3, "dst", "big", "u"), head, done, {"IfNoneMatch": "*"})
    [(name, params)] = s3.calls
    assert name == "complete_multipart_upload" and params["IfNoneMatch"] == "*"
    assert params["MultipartUpload"]["Parts"] == [
        {"ETag": '"a"', "PartNumber": 1, "ChecksumCRC64NVME": "p1"},
        {"ETag": '"b"', "PartNumber": 2, "ChecksumCRC64NVME": "p2"},
    ]
    assert (params["ChecksumCRC64NVME"], params["ChecksumType"]) == ("full", "FULL_OBJECT")


def test_a_transient_failure_pauses_the_upload_and_keeps_it_open():
    s3 = Recorder()
    throttled = client_error("SlowDown", 503)
    with pytest.raises(CopyPaused) as paused:
        drive(after_failure(Upload(s3, "dst", "big", "u"), throttled, [5, 5]))
    assert (paused.value.upload_id, paused.value.cause, paused.value.sizes) == ("u", throttled, [5, 5])
    assert s3.calls == []


def test_any_other_failure_aborts_the_upload_and_is_raised_even_when_the_abort_fails():
    refused = client_error("PreconditionFailed", 412)
    for s3 in (Recorder(), Recorder(abort_multipart_upload=client_error("AccessDenied", 403))):
        with pytest.raises(ClientError) as raised:
            drive(after_failure(Upload(s3, "dst", "big", "u"), refused, None))
        assert raised.value is refused
        assert [name for name, _ in s3.calls] == ["abort_multipart_upload"]
