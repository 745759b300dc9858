"""A copy that fails transiently (throttle, 5xx, timeout after botocore's attempts) is tried again
later in the same step and, if it still fails, handed to the next window: never named as failed.

S3 answers are injected with a `before-call` hook, which stands in for botocore's last attempt
(a request it answers is not retried by botocore).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import moto.s3.models
import pytest
from botocore.exceptions import ReadTimeoutError

from bucket_sync.copier import COPY_PASSES, CopyOptions, copy_objects
from bucket_sync.listing import list_range
from harness.buckets import snapshot
from tests.unit.support import put, put_multipart

SLOWDOWN = ("SlowDown", "Please reduce your request rate.", 503)
INTERNAL = ("InternalError", "We encountered an internal error. Please try again.", 500)
DENIED = ("AccessDenied", "Access Denied", 403)


@pytest.fixture
def tiny_parts(monkeypatch):
    """Parts of a few bytes, so an object of many parts stays small; the logic is the same."""
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)


class Answer:
    def __init__(self, status: int) -> None:
        self.status_code = status


class Faults:
    """Answers chosen requests with an error, `times` times each; counts every request made."""

    def __init__(self, s3: Any) -> None:
        self.rules: list[dict[str, Any]] = []
        self.calls: Counter[tuple[str, str, int | None]] = Counter()
        s3.meta.events.register("before-call.s3", self._before_call)

    def add(self, operation: str, key: str, answer: Any, times: int = 1_000, part: int | None = None) -> None:
        self.rules.append({"operation": operation, "key": key, "answer": answer, "left": times, "part": part})

    def stop(self) -> None:
        self.rules.clear()

    def _before_call(self, params: dict, model: Any, **_: Any) -> Any:
        key = params["url_path"].split("?")[0].rsplit("/", 1)[-1]
        part = params["query_string"].get("partNumber") if isinstance(params["query_string"], dict) else None
        part = int(part) if part is not None else None
        self.calls[(model.name, key, part)] += 1
        for rule in self.rules:
            if (rule["operation"], rule["key"]) != (model.name, key) or rule["left"] <= 0:
                continue
            if rule["part"] is not None and rule["part"] != part:
                continue
            rule["left"] -= 1
            if isinstance(rule["answer"], Exception):
                raise rule["answer"]
            code, message, status = rule["answer"]
            metadata = {"HTTPStatusCode": status}
            return Answer(status), {"Error": {"Code": code, "Message": message}, "ResponseMetadata": metadata}
        return None

    def count(self, operation: str, key: str, part: int | None = None) -> int:
        return self.calls[(operation, key, part)]


def listed(s3: Any) -> list:
    return list_range(s3, "src", "", "", None, 100).entries


def copy(s3: Any, **options: Any):
    return copy_objects(s3, s3, "src", "dst", listed(s3), CopyOptions(**{"threads": 1, **options}))


def uploads(s3: Any) -> list[dict]:
    return s3.list_multipart_uploads(Bucket="dst").get("Uploads", [])


def test_a_copy_answered_slowdown_is_copied_by_a_later_pass_of_the_same_step(s3):
    for key in "abc":
        put(s3, "src", key)
    faults = Faults(s3)
    faults.add("CopyObject", "b", SLOWDOWN, times=2)
    outcome = copy(s3)
    assert [e.key for e in outcome.copied] == ["a", "b", "c"]
    assert outcome.failures == [] and outcome.deferred == [] and outcome.transient == {}
    assert faults.count("CopyObject", "b") == 3 and faults.count("CopyObject", "c") == 1
    assert snapshot(s3, "dst") == snapshot(s3, "src")


def test_a_copy_still_failing_transiently_is_deferred_with_its_last_reason_not_named(s3):
    for key in "abc":
        put(s3, "src", key)
    faults = Faults(s3)
    faults.add("CopyObject", "b", INTERNAL)
    outcome = copy(s3)
    assert [e.key for e in outcome.copied] == ["a", "c"] and outcome.failures == []
    assert [e.key for e in outcome.deferred] == ["b"] and not outcome.out_of_time
    assert outcome.transient == {"b": "InternalError: We encountered an internal error. Please try again."}
    assert faults.count("CopyObject", "b") == COPY_PASSES


def test_a_read_timeout_after_botocores_attempts_is_transient_too(s3):
    put(s3, "src", "a")
    faults = Faults(s3)
    faults.add("CopyObject", "a", ReadTimeoutError(endpoint_url="https://s3.test/dst/a"), times=1)
    outcome = copy(s3)
    assert [e.key for e in outcome.copied] == ["a"] and outcome.failures == []


def test_an_answer_about_the_object_is_named_at_once_and_not_retried(s3):
    for key in "ab":
        put(s3, "src", key)
    faults = Faults(s3)
    faults.add("CopyObject", "a", DENIED)
    outcome = copy(s3)
    assert [f["key"] for f in outcome.failures] == ["a"] and "AccessDenied" in outcome.failures[0]["reason"]
    assert outcome.deferred == [] and outcome.transient == {}
    assert faults.count("CopyObject", "a") == 1


def test_a_retry_waits_for_time_it_does_not_have(s3):
    put(s3, "src", "a")
    faults = Faults(s3)
    faults.add("CopyObject", "a", SLOWDOWN)
    outcome = copy(s3, seconds_left=lambda: 0.0)  # the first copy starts; its retry has no time
    assert [e.key for e in outcome.deferred] == ["a"] and outcome.out_of_time
    assert outcome.transient == {"a": "SlowDown: Please reduce your request rate."}
    assert faults.count("CopyObject", "a") == 1


def test_a_multipart_copy_failing_transiently_keeps_its_upload_and_parts(s3, tiny_parts):
    put_multipart(s3, "src", "big", [4] * 6)
    faults = Faults(s3)
    faults.add("UploadPartCopy", "big", SLOWDOWN, times=1, part=3)
    outcome = copy(s3)
    assert [e.key for e in outcome.copied] == ["big"] and outcome.failures == []
    assert faults.count("CreateMultipartUpload", "big") == 1
    assert faults.count("AbortMultipartUpload", "big") == 0
    assert [faults.count("UploadPartCopy", "big", n) for n in range(1, 7)] == [1, 1, 2, 1, 1, 1]
    assert [faults.count("HeadObject", "big", n) for n in range(1, 7)] == [1] * 6, "sizes read once"
    assert uploads(s3) == [] and snapshot(s3, "dst") == snapshot(s3, "src")


def test_a_multipart_copy_still_failing_transiently_waits_open_for_the_next_window(s3, tiny_parts):
    put_multipart(s3, "src", "big", [4] * 6)
    faults = Faults(s3)
    faults.add("UploadPartCopy", "big", SLOWDOWN, part=3)
    outcome = copy(s3)
    [upload] = uploads(s3)
    assert outcome.paused == {"big": upload["UploadId"]} and [e.key for e in outcome.deferred] == ["big"]
    assert outcome.transient == {"big": "SlowDown: Please reduce your request rate."}
    assert outcome.failures == [] and faults.count("UploadPartCopy", "big", 3) == COPY_PASSES
    assert outcome.part_sizes == {"big": [4] * 6}
    faults.stop()  # S3 recovers; the next window resumes the same upload, with the sizes kept
    outcome = copy(s3, resume=outcome.paused, part_sizes=outcome.part_sizes)
    assert [e.key for e in outcome.copied] == ["big"] and outcome.paused == {}
    assert [faults.count("HeadObject", "big", n) for n in range(1, 7)] == [1] * 6
    assert [faults.count("UploadPartCopy", "big", n) for n in range(1, 7)] == [1, 1, COPY_PASSES + 1, 1, 1, 1]
    assert uploads(s3) == [] and snapshot(s3, "dst") == snapshot(s3, "src")


def test_no_retry_past_a_copy_deferred_for_time(s3, tiny_parts):
    put_multipart(s3, "src", "big", [4] * 3)
    put(s3, "src", "c")
    faults = Faults(s3)
    faults.add("CopyObject", "c", SLOWDOWN)
    clock = iter([0.0, 10.0])  # big's first part finds no time; c does
    outcome = copy(s3, seconds_left=lambda: next(clock, 10.0))
    assert [e.key for e in outcome.deferred] == ["big", "c"] and list(outcome.paused) == ["big"]
    assert outcome.transient == {"c": "SlowDown: Please reduce your request rate."}
    # The window is cut at big, so the next one copies c anyway: no retry of it here.
    assert faults.count("CopyObject", "c") == 1
