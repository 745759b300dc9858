"""Bad input fails the execution with a named error before anything is written."""

from __future__ import annotations

import pytest

from harness.buckets import put_objects
from harness.executions import run_execution
from tests.deployment import DST, FAR, GHOST, OUTSIDE, SRC

CASES = [
    pytest.param({"destination": DST}, "InvalidInput", "'source' is required", id="missing-source"),
    pytest.param({"source": SRC}, "InvalidInput", "'destination' is required", id="missing-destination"),
    pytest.param(
        {"source": SRC, "destination": DST, "dryRun": "no"}, "InvalidInput", "'dryRun'", id="wrong-type"
    ),
    pytest.param(
        {"source": "Not_A_Bucket", "destination": DST}, "InvalidInput", "valid S3 bucket", id="bad-name"
    ),
    pytest.param({"source": SRC, "destination": SRC}, "InvalidInput", "same bucket", id="same-bucket"),
    pytest.param({"source": GHOST, "destination": DST}, "BucketNotFound", GHOST, id="missing-bucket"),
    pytest.param(
        {"source": OUTSIDE, "destination": DST}, "AccessDenied", "source_bucket_names", id="not-configured"
    ),
    pytest.param(
        {"source": SRC, "destination": FAR}, "BucketRegionsNotEqual", "us-west-2", id="other-region"
    ),
]


@pytest.mark.parametrize(("run_input", "error", "cause"), CASES)
def test_bad_input_fails_by_name_and_touches_nothing(sync, run_input, error, cause):
    put_objects(sync.s3, SRC, {"a": b"1", "b": b"2"})
    put_objects(sync.s3, DST, {"orphan": b"3", "a": b"stale"})
    before = sync.snapshot(DST)
    result = sync.run(**run_input)
    assert (result.status, result.error) == ("FAILED", error)
    assert cause in result.cause
    assert sync.snapshot(DST) == before


def test_a_non_object_input_is_invalid(sync):
    result = run_execution(sync.sfn, sync.state_machine_arn, ["source", "destination"])
    assert (result.status, result.error) == ("FAILED", "InvalidInput")


def test_an_empty_source_trips_the_delete_guard(sync):
    # Not empty, but nothing in it is in scope: to the guard, an empty source.
    put_objects(sync.s3, SRC, {"notes.txt": b"0"})
    put_objects(sync.s3, DST, {"precious": b"1"})
    scoped = {"source": SRC, "destination": DST, "exclude": ["*.txt"]}
    result = sync.run(**scoped)
    assert (result.status, result.error) == ("FAILED", "DeleteGuardTripped")
    assert "exclude ['*.txt']" in result.cause
    assert set(sync.snapshot(DST)) == {"precious"}
    allowed = sync.run(**scoped, allowEmptySource=True)
    assert allowed.status == "SUCCEEDED" and allowed.output["deleted"] == 1
    # Now both sides are empty in scope: nothing would be deleted, so the guard has nothing to guard.
    again = sync.run(**scoped)
    assert again.status == "SUCCEEDED" and (again.output["copied"], again.output["deleted"]) == (0, 0)


def test_more_orphans_than_max_deletes_trips_the_guard_before_any_delete(sync):
    put_objects(sync.s3, SRC, {"keep": b"1"})
    put_objects(sync.s3, DST, {f"orphan-{i}": b"x" for i in range(5)})
    result = sync.run(source=SRC, destination=DST, maxDeletes=4)
    assert (result.status, result.error) == ("FAILED", "DeleteGuardTripped")
    assert "5 destination objects" in result.cause
    assert len(sync.snapshot(DST)) == 5
    within = sync.run(source=SRC, destination=DST, maxDeletes=5)
    assert within.status == "SUCCEEDED" and within.output["deleted"] == 5


def test_objects_that_cannot_be_copied_fail_the_run_by_name(sync):
    put_objects(sync.s3, SRC, {"warm": b"1"})
    put_objects(sync.s3, SRC, {"cold": b"2"}, StorageClass="GLACIER")
    result = sync.run(source=SRC, destination=DST)
    assert (result.status, result.error) == ("FAILED", "ObjectsFailed")
    assert '"key": "cold"' in result.cause and "GLACIER" in result.cause
    assert set(sync.snapshot(DST)) == {"warm"}
