"""Bucket features a sync meets in the field: versioning, other regions, ACLs and ownership."""

from __future__ import annotations

from harness.buckets import put_objects, snapshot
from tests.deployment import DST, FAR, SRC, VDST, VSRC

# --- versioned buckets ------------------------------------------------------------------------


def versions(s3, bucket: str, key: str) -> tuple[list[dict], list[dict]]:
    """The object versions and the delete markers of exactly `key`, newest first."""
    page = s3.list_object_versions(Bucket=bucket, Prefix=key)
    return (
        [row for row in page.get("Versions", []) if row["Key"] == key],
        [row for row in page.get("DeleteMarkers", []) if row["Key"] == key],
    )


def test_only_current_versions_are_synced_and_orphans_get_delete_markers(versioned):
    s3 = versioned.s3
    for body in (b"version one", b"version two", b"version 3!!"):
        s3.put_object(Bucket=VSRC, Key="doc", Body=body)
    s3.put_object(Bucket=VSRC, Key="single", Body=b"only version")
    # An object deleted in the source: its current version is a delete marker.
    s3.put_object(Bucket=VSRC, Key="deleted-in-source", Body=b"gone")
    s3.delete_object(Bucket=VSRC, Key="deleted-in-source")
    s3.put_object(Bucket=VDST, Key="orphan", Body=b"not in the source")
    assert len(versions(s3, VSRC, "doc")[0]) == 3

    result = versioned.run(source=VSRC, destination=VDST)
    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["deleted"], result.output["unchanged"]) == (2, 1, 0)
    assert result.output["copiedBytes"] == len(b"version 3!!") + len(b"only version")

    copies, markers = versions(s3, VDST, "doc")
    assert len(copies) == 1 and not markers
    assert s3.get_object(Bucket=VDST, Key="doc")["Body"].read() == b"version 3!!"
    assert versions(s3, VDST, "deleted-in-source") == ([], [])

    # The orphan delete is a plain DeleteObjects: on a versioned bucket it leaves a delete marker
    # as the current version and keeps the old data as a noncurrent version.
    kept, markers = versions(s3, VDST, "orphan")
    assert len(markers) == 1 and markers[0]["IsLatest"] is True
    assert len(kept) == 1 and kept[0]["IsLatest"] is False
    assert set(snapshot(s3, VDST)) == {"doc", "single"}
    assert snapshot(s3, VDST) == snapshot(s3, VSRC)

    again = versioned.run(source=VSRC, destination=VDST)
    assert again.status == "SUCCEEDED", again.cause
    assert (again.output["copied"], again.output["deleted"], again.output["unchanged"]) == (0, 0, 2)
    assert len(versions(s3, VDST, "doc")[0]) == 1
    assert len(versions(s3, VDST, "orphan")[1]) == 1


def test_a_new_source_version_adds_one_destination_version(versioned):
    s3 = versioned.s3
    s3.put_object(Bucket=VSRC, Key="doc", Body=b"first")
    assert versioned.run(source=VSRC, destination=VDST).status == "SUCCEEDED"
    s3.put_object(Bucket=VSRC, Key="doc", Body=b"again")  # same size, new content
    result = versioned.run(source=VSRC, destination=VDST)
    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["unchanged"]) == (1, 0)
    copies, _ = versions(s3, VDST, "doc")
    assert len(copies) == 2
    assert s3.get_object(Bucket=VDST, Key="doc")["Body"].read() == b"again"


# --- cross-region ------------------------------------------------------------------------------


def test_a_cross_region_run_syncs_when_the_module_allows_it(cross_region):
    objects = {f"obj/{i:04}": f"{i:032}".encode() for i in range(90)}
    put_objects(cross_region.s3, SRC, objects, ContentType="text/plain", Metadata={"team": "a"})
    put_objects(cross_region.s3, FAR, {"obj/0001": b"stale", "zzz-orphan": b"x"})
    west = cross_region.emulator.client("s3", region="us-west-2")
    assert west.get_bucket_location(Bucket=FAR)["LocationConstraint"] == "us-west-2"

    result = cross_region.run(source=SRC, destination=FAR)
    assert result.status == "SUCCEEDED", result.cause
    assert (result.output["copied"], result.output["deleted"]) == (90, 1)
    assert cross_region.snapshot(FAR) == cross_region.snapshot(SRC)
    head = west.head_object(Bucket=FAR, Key="obj/0007")
    assert head["ContentType"] == "text/plain" and head["Metadata"] == {"team": "a"}

    again = cross_region.run(source=SRC, destination=FAR)
    assert again.status == "SUCCEEDED", again.cause
    assert (again.output["copied"], again.output["unchanged"]) == (0, 90)


def test_the_first_instance_still_refuses_cross_region_runs(sync):
    put_objects(sync.s3, SRC, {"a": b"1"})
    result = sync.run(source=SRC, destination=FAR)
    assert (result.status, result.error) == ("FAILED", "BucketRegionsNotEqual")
    assert sync.snapshot(FAR) == {}


# --- ACLs and Object Ownership -----------------------------------------------------------------

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def owner_only(s3, bucket: str, key: str) -> bool:
    """True when the object's ACL is the private default: its owner, FULL_CONTROL, nothing else."""
    acl = s3.get_object_acl(Bucket=bucket, Key=key)
    bucket_owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    grants = [(grant["Grantee"].get("ID"), grant["Permission"]) for grant in acl["Grants"]]
    return acl["Owner"]["ID"] == bucket_owner and grants == [(bucket_owner, "FULL_CONTROL")]


def test_copies_get_the_destinations_private_default_acl_not_the_sources(sync):
    s3 = sync.s3
    s3.put_object(Bucket=SRC, Key="public", Body=b"for everyone", ACL="public-read")
    s3.put_object(Bucket=SRC, Key="private", Body=b"for the owner")
    source_grants = s3.get_object_acl(Bucket=SRC, Key="public")["Grants"]
    assert any(grant["Grantee"].get("URI") == ALL_USERS for grant in source_grants)

    result = sync.run(source=SRC, destination=DST)
    assert result.status == "SUCCEEDED", result.cause
    # CopyObject without ACL headers never carries the source's ACL: S3 gives the new object the
    # private canned ACL, so a public source object is not public in the destination.
    assert owner_only(s3, DST, "public")
    assert owner_only(s3, DST, "private")


def test_a_destination_with_bucket_owner_enforced_accepts_the_copies(sync):
    s3 = sync.s3
    s3.put_bucket_ownership_controls(
        Bucket=DST, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    )
    try:
        s3.put_object(Bucket=SRC, Key="public", Body=b"for everyone", ACL="public-read")
        result = sync.run(source=SRC, destination=DST)
        assert result.status == "SUCCEEDED", result.cause
        assert result.output["copied"] == 1
        assert owner_only(s3, DST, "public")
    finally:
        s3.delete_bucket_ownership_controls(Bucket=DST)
