"""Copies start only when they can finish before the step's deadline; one that no invocation
could finish is named as failed, with what to raise.

A stub S3 copies server-side at exactly the copier's planning figures: each CopyObject and
UploadPartCopy advances a fake clock by latency + size / throughput, and the step's time left
is read from that clock. Sizes are GB-scale without moving a byte.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import botocore.session

from bucket_sync.copier import CopyOptions, copy_objects
from bucket_sync.copytime import (
    COPY_BYTES_PER_SECOND,
    COPY_LATENCY_SECONDS,
    STOP_MARGIN_SECONDS,
    usable_seconds,
)
from bucket_sync.listing import Entry
from bucket_sync.settings import load_settings

GB = 1000**3
WHEN = datetime(2025, 1, 1, tzinfo=UTC)


def duration(size: int) -> float:
    return COPY_LATENCY_SECONDS + size / COPY_BYTES_PER_SECOND


class Meta:
    region_name = "us-east-1"
    # The real S3 model: the copier asks it whether copies can carry the destination condition.
    service_model = botocore.session.get_session().get_service_model("s3")


class ClockedS3:
    """Source and destination in one: objects by key (a size, or a list of part sizes), copies
    that take their time on a fake clock, and a record of every copy request's start and end."""

    meta = Meta()

    def __init__(self, objects: dict[str, int | list[int]], seconds: float) -> None:
        self.objects = objects
        self.now = 0.0
        self.deadline = seconds
        self.copies: list[tuple[str, float, float]] = []  # (key or key#part, start, end)
        self.requests: list[str] = []

    def seconds_left(self) -> float:
        return self.deadline - self.now

    def _take(self, name: str, size: int) -> None:
        start = self.now
        self.now += duration(size)
        self.copies.append((name, start, self.now))

    def copy_object(self, **params: Any) -> dict:
        self.requests.append("CopyObject")
        self._take(params["Key"], self.objects[params["Key"]])  # type: ignore[arg-type]
        return {}

    def head_object(self, **params: Any) -> dict:
        self.requests.append("HeadObject")
        layout = self.objects[params["Key"]]
        if "PartNumber" in params:
            return {"ContentLength": layout[params["PartNumber"] - 1]}  # type: ignore[index]
        return {"ContentLength": sum(layout) if isinstance(layout, list) else layout, "Metadata": {}}

    def get_object_tagging(self, **_: Any) -> dict:
        return {"TagSet": []}

    def create_multipart_upload(self, **_: Any) -> dict:
        self.requests.append("CreateMultipartUpload")
        return {"UploadId": "upload-1"}

    def upload_part_copy(self, **params: Any) -> dict:
        first, last = params["CopySourceRange"].removeprefix("bytes=").split("-")
        self._take(f"{params['Key']}#{params['PartNumber']}", int(last) - int(first) + 1)
        return {"CopyPartResult": {"ETag": f'"part-{params["PartNumber"]}"'}}

    def complete_multipart_upload(self, **_: Any) -> dict:
        self.requests.append("CompleteMultipartUpload")
        return {}

    def abort_multipart_upload(self, **params: Any) -> dict:
        self.requests.append(f"AbortMultipartUpload {params['UploadId']}")
        return {}

    def list_parts(self, **_: Any) -> dict:
        return {"Parts": []}


def entry(s3: ClockedS3, key: str) -> Entry:
    layout = s3.objects[key]
    if isinstance(layout, list):
        return Entry(key, sum(layout), f'"{key}-{len(layout)}"', WHEN, "STANDARD")
    return Entry(key, layout, f'"{key}"', WHEN, "STANDARD")


def copy(s3: ClockedS3, lambda_timeout: float = 900, **options: Any):
    entries = [entry(s3, key) for key in s3.objects]
    return copy_objects(
        s3,
        s3,
        "src",
        "dst",
        entries,
        CopyOptions(
            threads=1,
            keep_website_redirects=False,
            seconds_left=s3.seconds_left,
            invocation_seconds=usable_seconds(lambda_timeout, STOP_MARGIN_SECONDS),
            **options,
        ),
    )


def test_no_copy_outlives_the_deadline_and_the_rest_waits_in_key_order():
    # 20.5, 60.5, 40.5, 100.5 and 6 s of copying, 130 s left: a, b, c fit; d would end at 222.
    s3 = ClockedS3({"a": GB, "b": 3 * GB, "c": 2 * GB, "d": 5 * GB, "e": 275_000_000}, seconds=130)
    outcome = copy(s3)
    assert [e.key for e in outcome.copied] == ["a", "b", "c"]
    assert [e.key for e in outcome.deferred] == ["d", "e"] and outcome.out_of_time
    assert outcome.failures == []
    assert all(end <= s3.deadline for _, _, end in s3.copies)


def test_part_copies_stop_before_the_deadline_and_the_upload_waits_open():
    s3 = ClockedS3({"big": [GB] * 10}, seconds=100)  # 20.5 s a part: four fit
    outcome = copy(s3)
    assert [name for name, _, _ in s3.copies] == [f"big#{n}" for n in range(1, 5)]
    assert all(end <= s3.deadline for _, _, end in s3.copies)
    assert outcome.paused == {"big": "upload-1"} and [e.key for e in outcome.deferred] == ["big"]
    assert not any(r.startswith("Abort") for r in s3.requests)


def test_a_5_gb_object_is_copied_when_lambda_timeout_allows_it():
    s3 = ClockedS3({"huge": 5 * GB}, seconds=usable_seconds(900, STOP_MARGIN_SECONDS))
    outcome = copy(s3, lambda_timeout=900)
    assert [e.key for e in outcome.copied] == ["huge"] and outcome.failures == []
    assert all(end <= s3.deadline for _, _, end in s3.copies)


def test_a_5_gb_object_no_invocation_could_copy_is_named_with_what_to_raise():
    s3 = ClockedS3({"huge": 5 * GB, "small": 1000}, seconds=usable_seconds(60, STOP_MARGIN_SECONDS))
    outcome = copy(s3, lambda_timeout=60)
    [failure] = outcome.failures
    assert failure["key"] == "huge" and "raise lambda_timeout" in failure["reason"]
    assert outcome.deferred == [] and [e.key for e in outcome.copied] == ["small"]
    assert [name for name, _, _ in s3.copies] == ["small"]  # no request for it


def test_a_copy_that_fits_only_a_fresh_invocation_waits_for_one_which_starts_it():
    s3 = ClockedS3({"huge": 5 * GB}, seconds=30)  # what is left of an invocation's time
    outcome = copy(s3, lambda_timeout=300)
    assert outcome.copied == [] and outcome.failures == [] and outcome.out_of_time
    assert [e.key for e in outcome.deferred] == ["huge"] and s3.copies == []
    s3.now, s3.deadline = 0.0, usable_seconds(300, STOP_MARGIN_SECONDS)  # the next invocation
    outcome = copy(s3, lambda_timeout=300)
    assert [e.key for e in outcome.copied] == ["huge"] and outcome.deferred == []
    assert all(end <= s3.deadline for _, _, end in s3.copies)


def test_a_part_no_invocation_could_copy_fails_the_copy_and_aborts_its_open_upload():
    s3 = ClockedS3({"big": [5 * GB, GB]}, seconds=usable_seconds(60, STOP_MARGIN_SECONDS))
    outcome = copy(s3, lambda_timeout=60, resume={"big": "paused-earlier"})
    [failure] = outcome.failures
    assert failure["key"] == "big" and failure["reason"].startswith("part 1 of 5000000000 bytes")
    assert "raise lambda_timeout" in failure["reason"] and s3.copies == []
    assert "AbortMultipartUpload paused-earlier" in s3.requests and outcome.paused == {}


def test_the_lambda_timeout_reaches_the_settings():
    assert load_settings({"LAMBDA_TIMEOUT": "60"}).lambda_timeout == 60
