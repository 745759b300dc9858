"""A concurrent writer never loses data to the sync, and a concurrent deleter never fails it."""

from __future__ import annotations

import json
import threading

from harness.buckets import put_objects
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
    assert failure["key"] == "orphan-rewritten" and "PreconditionFailed" in failure["reason"]
    assert sync.s3.get_object(Bucket=DST, Key="orphan-rewritten")["Body"].read() == b"new content"
    assert set(sync.snapshot(DST)) == {"keep", "orphan-rewritten"}
