"""Expected bucket owners end to end: a run that expects another account to own a bucket fails
with AccessDenied before any write; the right owners reach every step and the run syncs."""

from __future__ import annotations

from harness.buckets import put_objects
from tests.deployment import DST, SRC

OWNER = "123456789012"  # the emulated account owns every bucket
STRANGER = "111122223333"


def test_a_wrong_owner_fails_before_any_write_and_the_right_one_syncs(sync):
    put_objects(sync.s3, SRC, {"a": b"1", "b": b"2"})
    put_objects(sync.s3, DST, {"orphan": b"3", "a": b"stale"})
    before = sync.snapshot(DST)

    refused = sync.run(source=SRC, destination=DST, destinationBucketOwner=STRANGER)

    assert (refused.status, refused.error) == ("FAILED", "AccessDenied")
    assert f"'{DST}'" in refused.cause and STRANGER in refused.cause
    assert sync.snapshot(DST) == before

    synced = sync.run(source=SRC, destination=DST, sourceBucketOwner=OWNER, destinationBucketOwner=OWNER)

    assert synced.status == "SUCCEEDED", synced.cause
    assert (synced.output["copied"], synced.output["deleted"]) == (2, 1)
    assert sync.snapshot(DST) == sync.snapshot(SRC)
