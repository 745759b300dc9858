"""A concurrent writer never loses data to the sync, and a concurrent deleter never fails it:
orphan deletes are conditioned on the listed ETag, copies on the destination state the merge
compared (If-Match / If-None-Match, enforced by the emulator as by S3)."""

from __future__ import annotations

import json
import threading

from harness.buckets import put_objects
from harness.executions import start_execution, wait_for_execution
from tests.deployment import DST, SRC


def test_orphans_rewritten_or_deleted_between_listing_and_delete(sync):
    put_objects(sync.s3, SRC, {"keep": b"1"})
    put_objects(sync.s3, DST, {"orphan-gone": b"old", "orphan-plain": b"x", "orphan-rewritten": b"old"})
    raced = threading.Event()

    def writer_and_deleter(method: str, bucket: str | None, key: str | None, query: str) -> None:
        # Exactly between the step's listing and its DeleteObjects: someone rewrites one orphan
        # and deletes another.
        if method == "POST" and bucket == DST and "delete" in query and not raced.is_set():
            raced.set()
            sync.s3.put_object(Bucket=DST, Key="orphan-rewritten", Body=b"new content")
            sync.s3.delete_object(Bucket=DST, Key="orphan-gone")

    with sync.emulator.faults(before_s3_request=writer_and_deleter):
        result = sync.run(source=SRC, destination=DST)

    assert raced.is_set()
    assert (result.status, result.error) == ("FAILED", "ObjectsFailed"), result.cause
    report = json.loads(result.cause)
    # The orphan someone else deleted is gone, as the sync wanted: done, not failed.
    assert (report["copied"], report["deleted"], report["failed"]) == (1, 2, 1)
    [failure] = report["failures"]
    assert failure["key"] == "orphan-rewritten" and "rewritten since it was listed" in failure["reason"]
    assert sync.s3.get_object(Bucket=DST, Key="orphan-rewritten")["Body"].read() == b"new content"
    assert set(sync.snapshot(DST)) == {"keep", "orphan-rewritten"}


def test_destination_written_between_listing_and_copy_is_kept_and_named(sync):
    put_objects(sync.s3, SRC, {"existing": b"source v2", "fresh": b"source", "plain": b"1"})
    put_objects(sync.s3, DST, {"existing": b"destination v1"})
    theirs = {"existing": b"their rewrite", "fresh": b"their new object"}
    raced: set[str] = set()

    def another_writer(method: str, bucket: str | None, key: str | None, query: str) -> None:
        # Right before the sync's copy of each raced key (a PUT with x-amz-copy-source), after the
        # listing showed it as destination v1 (existing) or absent (fresh): another writer puts
        # its own object there.
        if method == "PUT" and bucket == DST and key in theirs and key not in raced:
            raced.add(key)
            sync.s3.put_object(Bucket=DST, Key=key, Body=theirs[key])

    with sync.emulator.faults(before_s3_request=another_writer):
        result = sync.run(source=SRC, destination=DST)

    assert raced == set(theirs)
    assert (result.status, result.error) == ("FAILED", "ObjectsFailed"), result.cause
    report = json.loads(result.cause)
    assert (report["copied"], report["deleted"], report["failed"]) == (1, 0, 2)
    assert {f["key"] for f in report["failures"]} == set(theirs)
    assert all("destination changed by another writer" in f["reason"] for f in report["failures"])
    for key, body in theirs.items():
        assert sync.s3.get_object(Bucket=DST, Key=key)["Body"].read() == body, (
            "the other writer's object is kept"
        )

    again = sync.run(source=SRC, destination=DST)
    assert again.status == "SUCCEEDED", again.cause
    assert again.output is not None and again.output["copied"] == 2, "the next run syncs them"
    assert sync.snapshot(DST) == sync.snapshot(SRC)


def test_a_run_on_a_destination_another_run_is_writing_is_refused(sync):
    put_objects(sync.s3, SRC, {"a": b"1", "b": b"2"})
    copying, release = threading.Event(), threading.Event()

    def hold_the_first_copy(method: str, bucket: str | None, key: str | None, query: str) -> None:
        if method == "PUT" and bucket == DST and not copying.is_set():
            copying.set()
            release.wait(120)

    with sync.emulator.faults(before_s3_request=hold_the_first_copy):
        first = start_execution(sync.sfn, sync.state_machine_arn, {"source": SRC, "destination": DST})
        assert copying.wait(120)
        second = sync.run(source=SRC, destination=DST, prefix="b")
        release.set()
        first_result = wait_for_execution(sync.sfn, first)

    assert (second.status, second.error) == ("FAILED", "RunInProgress")
    assert first in second.cause and "nothing was written" in second.cause
    assert first_result.status == "SUCCEEDED", first_result.cause
    assert sync.snapshot(DST) == sync.snapshot(SRC)
    # Once the first has ended, nothing stands in the way.
    assert sync.run(source=SRC, destination=DST, prefix="b").status == "SUCCEEDED"
