"""A multipart copy longer than a step: paused with its upload open, resumed by the next step
from the parts S3 has (ListParts), aborted when its source changed; never left behind."""

import moto.s3.models
import pytest

from bucket_sync.range_step import start_progress, sync_window
from harness.buckets import snapshot
from tests.unit.support import put, put_multipart, run_config, settings, whole_range


@pytest.fixture
def tiny_parts(monkeypatch):
    """Parts of a few bytes, so an object of many parts stays small; the logic is the same."""
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", 1)


class PartBudget:
    """A step's clock that runs out after `parts` part copies (counted by the client's events)."""

    def __init__(self, s3, parts):
        self.left = parts
        s3.meta.events.register("before-call.s3.UploadPartCopy", self._count)

    def _count(self, **_):
        self.left -= 1

    def __call__(self):
        return 1.0 if self.left > 0 else 0.0


def step(s3, progress, budget, threads=1):
    return sync_window(
        s3, s3, run_config(), whole_range(), progress, settings(copy_threads=threads), seconds_left=budget
    )[0]


def uploads(s3):
    return s3.list_multipart_uploads(Bucket="dst").get("Uploads", [])


def test_a_copy_spanning_several_steps_resumes_and_keeps_the_sources_etag(s3, tiny_parts):
    put(s3, "src", "a-small")
    put_multipart(s3, "src", "big", [3] * 10)
    progress = start_progress(whole_range())
    budget = PartBudget(s3, 4)
    progress = step(s3, progress, budget)
    assert progress["done"] is False and progress["counts"]["copied"] == 1
    [paused] = progress["uploads"]
    assert paused["key"] == "big" and [u["UploadId"] for u in uploads(s3)] == [paused["uploadId"]]
    budget.left = 4
    progress = step(s3, progress, budget)  # parts 5-8 of the same upload
    assert progress["uploads"] == [paused] and progress["done"] is False
    budget.left = 100
    progress = step(s3, progress, budget)
    assert progress["done"] is True and "uploads" not in progress
    assert progress["counts"]["copied"] == 2
    assert snapshot(s3, "dst") == snapshot(s3, "src")  # same multipart ETag as the source
    assert uploads(s3) == []


def test_a_source_rewritten_while_paused_aborts_the_upload_and_copies_the_new_version(s3, tiny_parts):
    put_multipart(s3, "src", "big", [3] * 6)
    budget = PartBudget(s3, 2)
    progress = step(s3, start_progress(whole_range()), budget)
    [paused] = progress["uploads"]
    put_multipart(s3, "src", "big", [4] * 6)  # rewritten between the steps
    budget.left = 100
    progress = step(s3, progress, budget)
    assert progress["done"] is True and progress["counts"]["copied"] == 1
    assert paused["uploadId"] not in [u["UploadId"] for u in uploads(s3)]
    assert uploads(s3) == [] and snapshot(s3, "dst") == snapshot(s3, "src")


def test_a_resumed_upload_that_is_gone_starts_again(s3, tiny_parts):
    put_multipart(s3, "src", "big", [3] * 6)
    budget = PartBudget(s3, 2)
    progress = step(s3, start_progress(whole_range()), budget)
    [paused] = progress["uploads"]
    s3.abort_multipart_upload(Bucket="dst", Key="big", UploadId=paused["uploadId"])  # e.g. a lifecycle rule
    budget.left = 100
    progress = step(s3, progress, budget)
    assert progress["done"] is True and snapshot(s3, "dst") == snapshot(s3, "src") and uploads(s3) == []
